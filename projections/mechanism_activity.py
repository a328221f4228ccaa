"""A linkage mechanism's page (衔接机制): its members, the referrals among them, how fast each answers.

Read from the dashboard view (:mod:`projections.dashboard`), which keeps the directory
(mechanisms and their members) beside its referral rows. For the period
``[date_from, date_to]`` (the referral's business date): per member, the referrals it sent
to other members and received from them, how many it answered, its median and p90 hours to
the first answer, how many it completed successfully, and how many sit overdue today.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from projections.dashboard import Dashboard
from projections.deadlines import ANSWER_STAGE, WORK_STAGE, SlaPolicy, overdue_cutoffs
from projections.rebuild import freshness, read_active


def _rank(values: list[int], q: float) -> float | None:
    if not values:
        return None
    return sorted(values)[max(1, math.ceil(q * len(values))) - 1] / 10


def mechanism_activity(
    store: Any,
    mechanism_id: str,
    date_from: date,
    date_to: date,
    *,
    today: date,
    policy: SlaPolicy | None = None,
    log_position: int | None = None,
) -> dict[str, Any] | None:
    """The mechanism's members and their referrals among themselves, or None if unknown."""
    view = read_active(store, Dashboard)
    found = view.read(
        "SELECT m.id, m.name, m.region_code, m.lead_agency_id, m.signed_on "
        "FROM {mechanisms} m WHERE m.id = ?",
        (mechanism_id,),
    )
    if not found:
        return None
    mechanism = found[0]
    members = view.read(
        "SELECT mm.agency_id AS id, mm.responsibility, a.name, a.kind, a.region_code "
        "FROM {mechanism_members} mm JOIN {agencies} a ON a.id = mm.agency_id "
        "WHERE mm.mechanism_id = ? ORDER BY a.region_code, a.name",
        (mechanism_id,),
    )
    ids = [m["id"] for m in members]
    marks = ", ".join("?" for _ in ids) or "NULL"
    rows = view.read(
        "SELECT requester_id, recipient_id, status, due_on, answer_tenths, successful "
        f"FROM {{referrals}} WHERE requested_on >= ? AND requested_on <= ? "
        f"AND requester_id IN ({marks}) AND recipient_id IN ({marks})",
        (date_from.isoformat(), date_to.isoformat(), *ids, *ids),
    )
    answer_cut, work_cut = overdue_cutoffs(today, policy or SlaPolicy())
    figures: dict[str, dict[str, Any]] = {
        m["id"]: {"sent": 0, "received": 0, "answered": 0, "successful": 0, "overdue": 0}
        for m in members
    }
    hours: dict[str, list[int]] = {m["id"]: [] for m in members}
    for r in rows:
        figures[r["requester_id"]]["sent"] += 1
        mine = figures[r["recipient_id"]]
        mine["received"] += 1
        if r["answer_tenths"] is not None:
            mine["answered"] += 1
            hours[r["recipient_id"]].append(int(r["answer_tenths"]))
        mine["successful"] += 1 if r["successful"] else 0
        late = (r["status"] in ANSWER_STAGE and r["due_on"] <= answer_cut) or (
            r["status"] in WORK_STAGE and r["due_on"] <= work_cut
        )
        mine["overdue"] += 1 if late else 0
    return {
        **mechanism,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "as_of": today.isoformat(),
        "referrals": len(rows),
        "members": [
            {
                **m,
                **figures[m["id"]],
                "hours_to_first_answer": {
                    "median": _rank(hours[m["id"]], 0.5),
                    "p90": _rank(hours[m["id"]], 0.9),
                },
            }
            for m in members
        ],
        "freshness": freshness(view, log_position),
    }
