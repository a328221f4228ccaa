"""The SLA watch list: referrals, aid cases and unreferred needs near or past a deadline, on
the party it binds.

Referrals (``"kind": "referral"``) are read from the referrals view
(:mod:`projections.referrals`): the recipient's answer and completion targets. Aid cases
(``"kind": "case"``) from the case-file view (:mod:`projections.case_files`): the
procuratorate's decision within 10 working days of accepting the application, and its notice
to the applicant within 2 working days of the funds arriving. Open needs nobody has referred
yet (``"kind": "need"``) from the fall-through view (:mod:`projections.fall_through`): the
sender's 5 working days from finding the need to referring it. As of a given day: amber when
the deadline is at most ``amber_days`` working days away, red once it has passed, each with
whom to escalate to: the bound agency's superior, else the lead agency of a linkage mechanism
it belongs to. Filter by that agency's region (GB/T 2260 prefix) or id. Red first, most
overdue first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.case_files import CaseFiles
from projections.deadlines import (
    ANSWER_STAGE,
    UNDECIDED,
    WORK_STAGE,
    Deadline,
    SlaPolicy,
    case_deadline,
    deadline,
    standing,
    watch_cutoffs,
)
from projections.directory import agency_names, escalation_targets
from projections.fall_through import FallThrough, unreferred_needs
from projections.rebuild import freshness, read_active
from projections.referrals import Referrals, referral_dict
from projections.view import View


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
    answer_stage = ", ".join("?" for _ in ANSWER_STAGE)
    work_stage = ", ".join("?" for _ in WORK_STAGE)
    sql = "SELECT r.* FROM {referrals} r JOIN {agencies} a ON a.id = r.recipient_id WHERE "
    if include_green:
        sql += f"r.status IN ({answer_stage}, {work_stage})"
        params: list[Any] = [*ANSWER_STAGE, *WORK_STAGE]
    else:  # only those near or past their deadline: the rest are green
        answer_cut, work_cut = watch_cutoffs(today, policy)
        sql += (
            f"((r.status IN ({answer_stage}) AND r.due_on <= ?) "
            f"OR (r.status IN ({work_stage}) AND r.due_on <= ?))"
        )
        params = [*ANSWER_STAGE, answer_cut, *WORK_STAGE, work_cut]
    if region_code:
        sql += " AND a.region_code LIKE ?"
        params.append(f"{region_code}%")
    if agency_id:
        sql += " AND r.recipient_id = ?"
        params.append(str(agency_id))
    rows = view.read(sql, params)
    watched: list[tuple[Deadline, dict[str, Any]]] = []
    for row in rows:
        due = deadline(row["status"], date.fromisoformat(row["due_on"]), today, policy)
        if due is not None and (include_green or due.level != "green"):
            watched.append((due, row))
    entries = referral_entries(view, watched, today, policy)
    entries += _case_entries(store, today, policy, region_code, agency_id, include_green)
    entries += need_entries(store, today, policy, region_code, agency_id, include_green)
    entries.sort(key=order)
    items = [item for _, item in entries]
    counts = {level: sum(1 for i in items if i["level"] == level) for level in ("amber", "red")}
    return {"items": items, "counts": counts, "freshness": freshness(view, log_position)}


#: the kinds of item in the order they come on the same deadline
KINDS = ("referral", "case", "need")


def order(entry: tuple[Deadline, dict[str, Any]]) -> tuple[date, int, str, str]:
    """Red first, most overdue first, then by deadline (the same as: by deadline, since a
    deadline's colour and days overdue only get worse as it comes earlier); on the same
    deadline referrals, cases, needs, each by the day it runs from and its id (a total order,
    so that a page of the list is the same slice of it on every read)."""
    due, item = entry
    return due.on, KINDS.index(item["kind"]), base_day(item), item["id"]


def base_day(item: dict[str, Any]) -> str:
    """The stored day an item's deadline runs from (what the view filters and orders by)."""
    if item["kind"] == "referral":
        return str(item["due_on"])
    if item["kind"] == "case":
        return str(item["received_on"] if item["stage"] != "granted" else item["funds_arrived_on"])
    return str(item["found_on"])


def referral_entries(
    view: View, watched: list[tuple[Deadline, dict[str, Any]]], today: date, policy: SlaPolicy
) -> list[tuple[Deadline, dict[str, Any]]]:
    """The watch list's items of referral rows (each with its deadline)."""
    names = agency_names(
        view, {r["requester_id"] for _, r in watched} | {r["recipient_id"] for _, r in watched}
    )
    escalate = escalation_targets(view, {r["recipient_id"] for _, r in watched}).get
    return [
        (
            due,
            {
                "kind": "referral",
                **referral_dict(row, names, today, policy),
                "level": due.level,
                "working_days_left": due.working_days_left,
                "escalate_to": escalate(row["recipient_id"]),
            },
        )
        for due, row in watched
    ]


def _standing(due: Deadline, escalate_to: dict[str, Any] | None) -> dict[str, Any]:
    """How a case's or a need's deadline stands, and whom to escalate to."""
    return {
        "deadline": due.on.isoformat(),
        "deadline_stage": due.stage,
        "days_overdue": due.days_overdue,
        "level": due.level,
        "working_days_left": due.working_days_left,
        "escalate_to": escalate_to,
    }


def _case_entries(
    store: Any,
    today: date,
    policy: SlaPolicy,
    region_code: str | None,
    agency_id: str | None,
    include_green: bool,
) -> list[tuple[Deadline, dict[str, Any]]]:
    """Aid cases with an open decision or notice deadline (none before the view is built)."""
    try:
        view: View = read_active(store, CaseFiles)
    except LookupError:
        return []
    sql = (
        f"SELECT {CASE_COLUMNS} FROM {{cases}} c JOIN {{agencies}} a ON a.id = c.procuratorate_id "
        f"WHERE (c.stage IN ({', '.join('?' for _ in UNDECIDED)}) "
        "OR (c.stage = 'granted' AND c.funds_arrived_on IS NOT NULL AND c.notified_on IS NULL))"
    )
    params: list[Any] = list(UNDECIDED)
    if region_code:
        sql += " AND a.region_code LIKE ?"
        params.append(f"{region_code}%")
    if agency_id:
        sql += " AND c.procuratorate_id = ?"
        params.append(str(agency_id))
    found = []
    for row in view.read(sql, params):
        due = case_deadline(row, today, policy)
        if due is not None and (include_green or due.level != "green"):
            found.append((due, row))
    return case_entries(view, found)


#: the columns of a case row the watch list reads
CASE_COLUMNS = "c.id, c.procuratorate_id, c.stage, c.received_on, c.funds_arrived_on, c.notified_on"


def case_entries(
    view: View, found: list[tuple[Deadline, dict[str, Any]]]
) -> list[tuple[Deadline, dict[str, Any]]]:
    """The watch list's items of case rows (:data:`CASE_COLUMNS`, each with its deadline)."""
    names = agency_names(view, {r["procuratorate_id"] for _, r in found})
    escalate = escalation_targets(view, {r["procuratorate_id"] for _, r in found}).get
    entries = []
    for due, row in found:
        p = row["procuratorate_id"]
        entries.append(
            (
                due,
                {
                    "kind": "case",
                    "id": row["id"],
                    "procuratorate": {"id": p, "name": names.get(p, {}).get("name")},
                    "stage": row["stage"],
                    "received_on": row["received_on"],
                    "funds_arrived_on": row["funds_arrived_on"],
                    **_standing(due, escalate(p)),
                },
            )
        )
    return entries


def need_entries(
    store: Any,
    today: date,
    policy: SlaPolicy,
    region_code: str | None,
    agency_id: str | None,
    include_green: bool,
) -> list[tuple[Deadline, dict[str, Any]]]:
    """The sender's deadline: an open need nobody has referred yet (found at a follow-up, a
    refusal for hardship not caused by the case, a referral that ended without help) is to be
    referred within ``sender_days`` working days of being found, by the agency that owns it
    (none before the fall-through view is built). People are not named here, only the need."""
    try:
        view: View = read_active(store, FallThrough)
    except LookupError:
        return []
    found = []
    for row in unreferred_needs(view, region_code=region_code, agency_id=agency_id):
        on = policy.calendar.add_working_days(
            date.fromisoformat(row["found_on"]), policy.sender_days
        )
        due = standing("referral", on, today, policy)
        if include_green or due.level != "green":
            found.append((due, row))
    names = agency_names(view, {r["agency_id"] for _, r in found})
    escalate = escalation_targets(view, {r["agency_id"] for _, r in found}).get
    entries = []
    for due, row in found:
        owner = row["agency_id"]
        entries.append(
            (
                due,
                {
                    "kind": "need",
                    "id": row["id"],
                    "source": row["source"],
                    "need": row["need"],
                    "owner": {"id": owner, "name": names.get(owner, {}).get("name")},
                    "case_id": row["case_id"],
                    "referral_id": row["referral_id"],
                    "found_on": row["found_on"],
                    **_standing(due, escalate(owner)),
                },
            )
        )
    return entries
