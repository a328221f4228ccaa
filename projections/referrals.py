"""The referrals view: each agency's inbox (referrals to it) and outbox (referrals from it).

One row per referral with its current status, due date and the times of its first answer and
its closing, beside the agency directory. ``box_tallies`` counts the open referrals of each
agency's inbox and outbox per status and due date (kept by the same handlers, in the same
transaction), so a box's counts add up a few cells instead of reading every open referral.
Queries filter by status, direction, case and overdue, and page with an opaque cursor over
``(due_on, id)``; ``days_overdue`` is computed for the day asked about, in working days (see
:mod:`projections.deadlines`). The SLA watch list (:mod:`projections.sla`) reads the same
rows.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from domain.referral import Referral
from projections.deadlines import (
    ANSWER_STAGE,
    WORK_STAGE,
    Cutoffs,
    SlaPolicy,
    deadline,
    overdue_cutoffs,
    sender_lateness,
    sla_cutoffs,
)
from projections.directory import DIRECTORY_TABLES, DirectoryHandlers, agency_names
from projections.rebuild import freshness, read_active
from projections.store import Tx, ViewStore
from projections.values import text
from projections.view import handles

ANSWERS = ("received", "accepted", "rejected")
OPEN = (*ANSWER_STAGE, *WORK_STAGE)
FINAL = ("rejected", "completed", "failed", "cancelled")
MAX_PAGE = 200


class Referrals(DirectoryHandlers):
    name = "referrals"
    # 2: the referral's business date and the sender's found-on date; 3: indexes by status;
    # 4: the boxes' tallies
    code_version = 4
    tables: ClassVar[dict[str, list[str]]] = {
        **DIRECTORY_TABLES,
        "referrals": [
            "CREATE TABLE IF NOT EXISTS {referrals} (id TEXT PRIMARY KEY, "
            "requester_id TEXT NOT NULL, recipient_id TEXT NOT NULL, direction TEXT NOT NULL, "
            "case_id TEXT, person_id TEXT NOT NULL, services TEXT NOT NULL, "
            "reason TEXT NOT NULL, status TEXT NOT NULL, due_on TEXT NOT NULL, "
            "requested_at TEXT NOT NULL, first_answer_at TEXT, closed_at TEXT, "
            "updated_at TEXT NOT NULL, status_reason TEXT, outcome TEXT, "
            "re_referral_of TEXT, re_referred_to TEXT, requested_on TEXT, found_on TEXT)",
            "CREATE INDEX IF NOT EXISTS {p}_recipient ON {referrals} (recipient_id, due_on, id)",
            "CREATE INDEX IF NOT EXISTS {p}_requester ON {referrals} (requester_id, due_on, id)",
            "CREATE INDEX IF NOT EXISTS {p}_referrals_status ON {referrals} (status, due_on)",
            # a box's counts by status and due date, from the index alone
            "CREATE INDEX IF NOT EXISTS {p}_recipient_status "
            "ON {referrals} (recipient_id, status, due_on)",
            "CREATE INDEX IF NOT EXISTS {p}_requester_status "
            "ON {referrals} (requester_id, status, due_on)",
        ],
        # per box (side: inbox | outbox) of an agency, its open referrals' count per status
        # and due date; a cell emptied stays at 0
        "box_tallies": [
            "CREATE TABLE IF NOT EXISTS {box_tallies} (id TEXT PRIMARY KEY, "
            "side TEXT NOT NULL, agency_id TEXT NOT NULL, status TEXT NOT NULL, "
            "due_on TEXT NOT NULL, n BIGINT NOT NULL)",
            # covering: a box's counts read this index alone
            "CREATE INDEX IF NOT EXISTS {p}_box_tallies_box "
            "ON {box_tallies} (agency_id, side, status, due_on, n)",
        ],
    }

    @handles(Referral.Requested)
    def requested(self, tx: Tx, e: Referral.Requested) -> None:
        at, due_on = e.timestamp.isoformat(), e.due_on.isoformat()
        tx.put(
            "referrals",
            {
                "id": str(e.originator_id),
                "requester_id": str(e.requester_id),
                "recipient_id": str(e.recipient_id),
                "direction": e.direction,
                "case_id": text(e.case_id),
                "person_id": str(e.person_id),
                "services": json.dumps(e.services),
                "reason": e.reason,
                "status": "requested",
                "due_on": due_on,
                "requested_at": at,
                "first_answer_at": None,
                "closed_at": None,
                "updated_at": at,
                "status_reason": None,
                "outcome": None,
                "re_referral_of": text(e.re_referral_of),
                "re_referred_to": None,
                "requested_on": text(e.requested_on),
                "found_on": text(e.found_on),
            },
        )
        tally(tx, str(e.requester_id), str(e.recipient_id), "requested", due_on, 1)

    @handles(Referral.StatusChanged)
    def status_changed(self, tx: Tx, e: Referral.StatusChanged) -> None:
        at = e.timestamp.isoformat()
        row = tx.existing("referrals", str(e.originator_id))
        parties, due_on = (row["requester_id"], row["recipient_id"]), row["due_on"]
        tally(tx, *parties, row["status"], due_on, -1)
        tally(tx, *parties, e.status, due_on, 1)
        row.update(status=e.status, updated_at=at, status_reason=e.reason)
        if e.outcome is not None:
            row["outcome"] = json.dumps(e.outcome)
        if e.status in ANSWERS and row["first_answer_at"] is None:
            row["first_answer_at"] = at
        if e.status in FINAL and row["closed_at"] is None:
            row["closed_at"] = at
        tx.put("referrals", row)

    @handles(Referral.ReReferred)
    def re_referred(self, tx: Tx, e: Referral.ReReferred) -> None:
        row = tx.existing("referrals", str(e.originator_id))
        row.update(re_referred_to=str(e.new_referral_id), updated_at=e.timestamp.isoformat())
        tx.put("referrals", row)


def tally(tx: Tx, requester_id: str, recipient_id: str, status: str, due_on: str, by: int) -> None:
    """Moves a referral's count, by ``by``, in the requester's outbox cell and the recipient's
    inbox cell of its status and due date (final statuses are not counted)."""
    if status not in OPEN:
        return
    for side, agency_id in (("outbox", requester_id), ("inbox", recipient_id)):
        rid = f"{side}|{agency_id}|{status}|{due_on}"
        row = tx.row("box_tallies", rid) or {
            "id": rid,
            "side": side,
            "agency_id": agency_id,
            "status": status,
            "due_on": due_on,
            "n": 0,
        }
        tx.put("box_tallies", {**row, "n": row["n"] + by})


def encode_cursor(row: dict[str, Any]) -> str:
    raw = json.dumps([row["due_on"], row["id"]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        due_on, rid = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return str(due_on), str(rid)
    except (ValueError, TypeError) as error:
        raise ValueError("invalid cursor") from error


def referral_dict(
    row: dict[str, Any], names: dict[str, dict[str, Any]], today: date, policy: SlaPolicy
) -> dict[str, Any]:
    """A referral row as the API answers it, with its deadline as of ``today``."""

    def party(agency_id: str) -> dict[str, Any]:
        a = names.get(agency_id, {})
        return {"id": agency_id, "name": a.get("name"), "kind": a.get("kind")}

    due = deadline(row["status"], date.fromisoformat(row["due_on"]), today, policy)
    return {
        "id": row["id"],
        "requester": party(row["requester_id"]),
        "recipient": party(row["recipient_id"]),
        "direction": row["direction"],
        "case_id": row["case_id"],
        "person_id": row["person_id"],
        "services": json.loads(row["services"]),
        "reason": row["reason"],
        "status": row["status"],
        "status_reason": row["status_reason"],
        "due_on": row["due_on"],
        "deadline": due.on.isoformat() if due else None,
        "deadline_stage": due.stage if due else None,
        "days_overdue": due.days_overdue if due else 0,
        "requested_at": row["requested_at"],
        "first_answer_at": row["first_answer_at"],
        "closed_at": row["closed_at"],
        "outcome": json.loads(row["outcome"]) if row["outcome"] else None,
        "re_referral_of": row["re_referral_of"],
        "re_referred_to": row["re_referred_to"],
        "requested_on": row["requested_on"],
        "sender_deadline": sender_lateness(
            date.fromisoformat(row["found_on"]), date.fromisoformat(row["requested_on"]), policy
        )
        if row["found_on"] and row["requested_on"]
        else None,
    }


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


@dataclass(frozen=True)
class ReferralFilters:
    """What an inbox or outbox page asks for; every field optional."""

    status: Sequence[str] | None = None  # any of these statuses
    direction: str | None = None  # inbound | outbound | lateral
    case_id: str | None = None
    service: str | None = None  # one of the referral's services
    overdue: bool | None = None  # True: only overdue; False: only in time (as of ``today``)
    due_soon: bool = False  # only those due soon: amber, not yet overdue (as of ``today``)
    limit: int = 50  # at most MAX_PAGE
    cursor: str | None = None  # ``next_cursor`` of the previous page


def _amber(params: list[Any], cuts: dict[str, Cutoffs]) -> str:
    """The SQL condition "amber as of the day of ``cuts``" (its values added to ``params``)."""
    answer, work = cuts["answer"], cuts["completion"]
    params += [*ANSWER_STAGE, answer.red, answer.watched, *WORK_STAGE, work.red, work.watched]
    return (
        f"((status IN ({_marks(ANSWER_STAGE)}) AND due_on > ? AND due_on <= ?) "
        f"OR (status IN ({_marks(WORK_STAGE)}) AND due_on > ? AND due_on <= ?))"
    )


def _red(params: list[Any], cuts: dict[str, Cutoffs]) -> str:
    """The SQL condition "overdue (red) as of the day of ``cuts``"."""
    params += [*ANSWER_STAGE, cuts["answer"].red, *WORK_STAGE, cuts["completion"].red]
    return (
        f"((status IN ({_marks(ANSWER_STAGE)}) AND due_on <= ?) "
        f"OR (status IN ({_marks(WORK_STAGE)}) AND due_on <= ?))"
    )


def box_counts(
    store: ViewStore, box: str, agency_id: str, today: date, policy: SlaPolicy | None = None
) -> dict[str, int]:
    """How many of an agency's ``box`` (``inbox`` | ``outbox``) are ``new`` (requested),
    ``soon`` (amber) and ``overdue`` (red) as of ``today``, as :func:`deadline` colours them:
    the box's tallies per status and due date, summed under the conditions of the rows."""
    if box not in ("inbox", "outbox"):
        raise ValueError(f"no box {box!r}")
    cuts = sla_cutoffs(today, policy or SlaPolicy())
    params: list[Any] = []
    red, amber = _red(params, cuts), _amber(params, cuts)
    rows = read_active(store, Referrals).read(
        "SELECT COALESCE(SUM(CASE WHEN status = 'requested' THEN n ELSE 0 END), 0) AS new, "
        f"COALESCE(SUM(CASE WHEN {red} THEN n ELSE 0 END), 0) AS overdue, "
        f"COALESCE(SUM(CASE WHEN {amber} THEN n ELSE 0 END), 0) AS soon "
        f"FROM {{box_tallies}} WHERE agency_id = ? AND side = ? AND status IN ({_marks(OPEN)})",
        [*params, str(agency_id), box, *OPEN],
    )
    return {key: int(rows[0][key]) for key in ("new", "soon", "overdue")}


def _page(
    store: ViewStore,
    side: str,
    agency_id: str,
    today: date,
    filters: ReferralFilters,
    policy: SlaPolicy | None,
    log_position: int | None,
) -> dict[str, Any]:
    policy = policy or SlaPolicy()
    view = read_active(store, Referrals)
    where = [f"{side} = ?"]
    params: list[Any] = [str(agency_id)]
    if filters.status:
        where.append(f"status IN ({_marks(filters.status)})")
        params += list(filters.status)
    if filters.direction:
        where.append("direction = ?")
        params.append(filters.direction)
    if filters.case_id:
        where.append("case_id = ?")
        params.append(str(filters.case_id))
    if filters.service:
        where.append("services LIKE ?")  # a JSON list of codes: the code, quoted
        params.append(f'%"{filters.service}"%')
    if filters.overdue is not None:
        answer, work = overdue_cutoffs(today, policy)
        late = (
            f"((status IN ({_marks(ANSWER_STAGE)}) AND due_on <= ?) "
            f"OR (status IN ({_marks(WORK_STAGE)}) AND due_on <= ?))"
        )
        where.append(late if filters.overdue else f"NOT {late}")
        params += [*ANSWER_STAGE, answer, *WORK_STAGE, work]
    if filters.due_soon:
        where.append(_amber(params, sla_cutoffs(today, policy)))
    if filters.cursor:
        due_on, rid = decode_cursor(filters.cursor)
        where.append("(due_on > ? OR (due_on = ? AND id > ?))")
        params += [due_on, due_on, rid]
    size = max(1, min(filters.limit, MAX_PAGE))
    rows = view.read(
        f"SELECT * FROM {{referrals}} WHERE {' AND '.join(where)} "
        f"ORDER BY due_on, id LIMIT {size + 1}",
        params,
    )
    page, more = rows[:size], len(rows) > size
    names = agency_names(
        view, {r["requester_id"] for r in page} | {r["recipient_id"] for r in page}
    )
    return {
        "items": [referral_dict(r, names, today, policy) for r in page],
        "next_cursor": encode_cursor(page[-1]) if more else None,
        "freshness": freshness(view, log_position),
    }


def inbox(
    store: ViewStore,
    agency_id: str,
    today: date,
    filters: ReferralFilters = ReferralFilters(),
    *,
    policy: SlaPolicy | None = None,
    log_position: int | None = None,
) -> dict[str, Any]:
    """Referrals to ``agency_id``, by due date: ``{"items", "next_cursor", "freshness"}``."""
    return _page(store, "recipient_id", agency_id, today, filters, policy, log_position)


def outbox(
    store: ViewStore,
    agency_id: str,
    today: date,
    filters: ReferralFilters = ReferralFilters(),
    *,
    policy: SlaPolicy | None = None,
    log_position: int | None = None,
) -> dict[str, Any]:
    """Referrals from ``agency_id``; the same answer as :func:`inbox`."""
    return _page(store, "requester_id", agency_id, today, filters, policy, log_position)
