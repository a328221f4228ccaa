"""The SLA watch list: referrals unanswered or unfinished near or past their deadline.

Read from the referrals view (:mod:`projections.referrals`), as of a given day: amber when
the current deadline is at most ``amber_days`` working days away, red once it has passed,
each with whom to escalate to: the receiving agency's superior, else the lead agency of a
linkage mechanism it belongs to. Filter by the recipient's region (GB/T 2260 prefix) or
agency. Red first, most overdue first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.deadlines import ANSWER_STAGE, WORK_STAGE, SlaPolicy, deadline
from projections.directory import agency_names, escalation_target
from projections.rebuild import freshness, read_active
from projections.referrals import Referrals, referral_dict


def watch_list(
    store: Any,
    *,
    today: date,
    policy: SlaPolicy | None = None,
    region_code: str | None = None,
    agency_id: str | None = None,
    include_green: bool = False,
    log_position: int | None = None,
) -> dict[str, Any]:
    """``{"items": [...], "counts": {"amber": n, "red": n}, "freshness": {...}}``."""
    policy = policy or SlaPolicy()
    view = read_active(store, Referrals)
    open_statuses = (*ANSWER_STAGE, *WORK_STAGE)
    sql = (
        "SELECT r.* FROM {referrals} r JOIN {agencies} a ON a.id = r.recipient_id "
        f"WHERE r.status IN ({', '.join('?' for _ in open_statuses)})"
    )
    params: list[Any] = list(open_statuses)
    if region_code:
        sql += " AND a.region_code LIKE ?"
        params.append(f"{region_code}%")
    if agency_id:
        sql += " AND r.recipient_id = ?"
        params.append(str(agency_id))
    rows = view.read(sql, params)
    watched = []
    for row in rows:
        due = deadline(row["status"], date.fromisoformat(row["due_on"]), today, policy)
        if due is not None and (include_green or due.level != "green"):
            watched.append((due, row))
    names = agency_names(
        view, {r["requester_id"] for _, r in watched} | {r["recipient_id"] for _, r in watched}
    )
    targets: dict[str, dict[str, Any] | None] = {}
    items = []
    for due, row in sorted(
        watched, key=lambda pair: (pair[0].level != "red", -pair[0].days_overdue, pair[0].on)
    ):
        recipient = row["recipient_id"]
        if recipient not in targets:
            targets[recipient] = escalation_target(view, recipient)
        items.append(
            {
                **referral_dict(row, names, today, policy),
                "level": due.level,
                "working_days_left": due.working_days_left,
                "escalate_to": targets[recipient],
            }
        )
    counts = {level: sum(1 for i in items if i["level"] == level) for level in ("amber", "red")}
    return {"items": items, "counts": counts, "freshness": freshness(view, log_position)}
