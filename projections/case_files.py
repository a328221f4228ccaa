"""The case file view (案卷): a judicial relief case, its steps, its referrals, all aid given.

Tables: ``cases`` (one row per case: its stage, amounts and every step of the procedure with
its recorded details), ``case_referrals`` (every referral, so that a case also finds the
inbound referral it came from) and the agency directory.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, ClassVar, TypeAlias

from domain.case import AidCase
from domain.referral import Referral
from domain.values import money_totals
from projections.directory import DIRECTORY_TABLES, DirectoryHandlers, agency_names
from projections.rebuild import freshness, read_active
from projections.store import Tx, ViewStore
from projections.values import fields, text
from projections.view import handles

#: event class → (step name, the event's date attribute, the stage it leads to or None)
STEPS: dict[type[AidCase.Event], tuple[str, str, str | None]] = {
    AidCase.InquiryRecorded: ("inquiry", "held_on", "inquired"),
    AidCase.Reviewed: ("review", "reviewed_on", "reviewed"),
    AidCase.HearingHeld: ("hearing", "held_on", "heard"),
    AidCase.SubmittedForApproval: ("submission", "on", "submitted"),
    AidCase.ReliefGranted: ("grant", "decided_on", "granted"),
    AidCase.ReliefRefused: ("refusal", "decided_on", "refused"),
    AidCase.AdvancePaid: ("advance", "paid_on", None),
    AidCase.FundsArrived: ("funds-arrived", "arrived_on", None),
    AidCase.ApplicantNotified: ("notice", "notified_on", None),
    AidCase.ReliefDisbursed: ("disbursement", "paid_on", None),
    AidCase.FollowUpRecorded: ("follow-up", "visited_on", None),
    AidCase.CaseClosed: ("closure", "closed_on", "closed"),
}
#: every case event after the lead (the keys of ``STEPS``)
CaseStep: TypeAlias = (
    AidCase.InquiryRecorded
    | AidCase.Reviewed
    | AidCase.HearingHeld
    | AidCase.SubmittedForApproval
    | AidCase.ReliefGranted
    | AidCase.ReliefRefused
    | AidCase.ReliefDisbursed
    | AidCase.AdvancePaid
    | AidCase.FundsArrived
    | AidCase.ApplicantNotified
    | AidCase.FollowUpRecorded
    | AidCase.CaseClosed
)


class CaseFiles(DirectoryHandlers):
    name = "case_files"
    code_version = 2  # 2: business dates of the funds' arrival and the notice; advance relief
    tables: ClassVar[dict[str, list[str]]] = {
        **DIRECTORY_TABLES,
        "cases": [
            "CREATE TABLE IF NOT EXISTS {cases} (id TEXT PRIMARY KEY, "
            "procuratorate_id TEXT NOT NULL, person_id TEXT NOT NULL, source TEXT NOT NULL, "
            "referral_id TEXT, summary TEXT NOT NULL, stage TEXT NOT NULL, "
            "received_on TEXT NOT NULL, eligible INTEGER, situation TEXT, refusal_ground TEXT, "
            "granted_fen BIGINT NOT NULL, disbursed_fen BIGINT NOT NULL, decided_on TEXT, "
            "follow_ups BIGINT NOT NULL, closed_on TEXT, updated_at TEXT NOT NULL, "
            "steps TEXT NOT NULL, advanced_fen BIGINT NOT NULL DEFAULT 0, "
            "funds_arrived_on TEXT, notified_on TEXT)",
            "CREATE INDEX IF NOT EXISTS {p}_cases_person ON {cases} (person_id)",
        ],
        "case_referrals": [
            "CREATE TABLE IF NOT EXISTS {case_referrals} (id TEXT PRIMARY KEY, case_id TEXT, "
            "requester_id TEXT NOT NULL, recipient_id TEXT NOT NULL, direction TEXT NOT NULL, "
            "services TEXT NOT NULL, reason TEXT NOT NULL, status TEXT NOT NULL, "
            "due_on TEXT NOT NULL, requested_at TEXT NOT NULL, outcome TEXT)",
            "CREATE INDEX IF NOT EXISTS {p}_case_referrals_case ON {case_referrals} (case_id)",
        ],
    }

    @handles(AidCase.LeadReceived)
    def lead_received(self, tx: Tx, e: AidCase.LeadReceived) -> None:
        tx.put(
            "cases",
            {
                "id": str(e.originator_id),
                "procuratorate_id": str(e.procuratorate_id),
                "person_id": str(e.person_id),
                "source": e.source,
                "referral_id": text(e.referral_id),
                "summary": e.summary,
                "stage": "received",
                "received_on": text(e.received_on),
                "eligible": None,
                "situation": None,
                "refusal_ground": None,
                "granted_fen": 0,
                "disbursed_fen": 0,
                "decided_on": None,
                "follow_ups": 0,
                "closed_on": None,
                "updated_at": e.timestamp.isoformat(),
                "steps": [_step(e, "lead", e.received_on)],
                "advanced_fen": 0,
                "funds_arrived_on": None,
                "notified_on": None,
            },
        )

    @handles(*STEPS)
    def step(self, tx: Tx, e: CaseStep) -> None:
        name, date_field, stage = STEPS[type(e)]
        case = tx.existing("cases", str(e.originator_id))
        if isinstance(case["steps"], str):  # as stored; a list while in this transaction
            case["steps"] = json.loads(case["steps"])
        case["steps"].append(_step(e, name, getattr(e, date_field)))
        case["updated_at"] = e.timestamp.isoformat()
        if stage is not None:
            case["stage"] = stage
        if isinstance(e, AidCase.Reviewed):
            case["eligible"] = int(e.situation is not None)
            case["situation"], case["refusal_ground"] = e.situation, e.refusal_ground
        elif isinstance(e, AidCase.ReliefGranted):
            case["granted_fen"], case["decided_on"] = e.amount_fen, text(e.decided_on)
            if case["disbursed_fen"] >= case["granted_fen"]:  # advance relief covered it
                case["stage"] = "disbursed"
        elif isinstance(e, AidCase.AdvancePaid):
            case["advanced_fen"] += e.amount_fen
            case["disbursed_fen"] += e.amount_fen
        elif isinstance(e, AidCase.FundsArrived):
            case["funds_arrived_on"] = text(e.arrived_on)
        elif isinstance(e, AidCase.ApplicantNotified):
            case["notified_on"] = text(e.notified_on)
        elif isinstance(e, AidCase.ReliefRefused):
            case["decided_on"] = text(e.decided_on)
        elif isinstance(e, AidCase.ReliefDisbursed):
            case["disbursed_fen"] += e.amount_fen
            if case["disbursed_fen"] == case["granted_fen"]:
                case["stage"] = "disbursed"
        elif isinstance(e, AidCase.FollowUpRecorded):
            case["follow_ups"] += 1
        elif isinstance(e, AidCase.CaseClosed):
            case["closed_on"] = text(e.closed_on)
        tx.put("cases", case)

    @handles(Referral.Requested)
    def referral_requested(self, tx: Tx, e: Referral.Requested) -> None:
        tx.put(
            "case_referrals",
            {
                "id": str(e.originator_id),
                "case_id": text(e.case_id),
                "requester_id": str(e.requester_id),
                "recipient_id": str(e.recipient_id),
                "direction": e.direction,
                "services": json.dumps(e.services),
                "reason": e.reason,
                "status": "requested",
                "due_on": text(e.due_on),
                "requested_at": e.timestamp.isoformat(),
                "outcome": None,
            },
        )

    @handles(Referral.StatusChanged)
    def referral_status_changed(self, tx: Tx, e: Referral.StatusChanged) -> None:
        referral = tx.existing("case_referrals", str(e.originator_id))
        referral["status"] = e.status
        if e.outcome is not None:
            referral["outcome"] = json.dumps(e.outcome)
        tx.put("case_referrals", referral)


def _step(e: AidCase.Event, name: str, on: date) -> dict[str, Any]:
    return {
        "version": e.originator_version,
        "step": name,
        "on_date": text(on),
        "at": e.timestamp.isoformat(),
        "details": fields(e),
    }


def case_file(
    store: ViewStore, case_id: str, *, log_position: int | None = None
) -> dict[str, Any] | None:
    """The case with its steps, referrals and aid; None if the view has no such case."""
    view = read_active(store, CaseFiles)
    rows = view.read("SELECT * FROM {cases} WHERE id = ?", (str(case_id),))
    if not rows:
        return None
    case = rows[0]
    steps = json.loads(case["steps"])
    referrals = view.read(
        "SELECT * FROM {case_referrals} WHERE case_id = ? OR id = ? ORDER BY requested_at, id",
        (case["id"], case["referral_id"] or ""),
    )
    ids = {case["procuratorate_id"]} | {r["requester_id"] for r in referrals}
    names = agency_names(view, ids | {r["recipient_id"] for r in referrals})
    social = []
    for r in referrals:
        outcome = json.loads(r["outcome"]) if r["outcome"] else None
        r["outcome"] = outcome
        r["services"] = json.loads(r["services"])
        r["requester_name"] = names.get(r["requester_id"], {}).get("name")
        r["recipient_name"] = names.get(r["recipient_id"], {}).get("name")
        if r["status"] == "completed" and outcome and outcome["successful"]:
            for p in outcome["provisions"]:
                social.append(
                    {
                        **p,
                        "referral_id": r["id"],
                        "agency_id": r["recipient_id"],
                        "agency_name": r["recipient_name"],
                    }
                )
    disbursements = [
        {"amount_fen": d["amount_fen"], "paid_on": d["paid_on"], "ceremony": d["ceremony"]}
        for d in (s["details"] for s in steps if s["step"] == "disbursement")
    ]
    return {
        "id": case["id"],
        "procuratorate": {
            "id": case["procuratorate_id"],
            "name": names.get(case["procuratorate_id"], {}).get("name"),
        },
        "person_id": case["person_id"],
        "source": case["source"],
        "referral_id": case["referral_id"],
        "summary": case["summary"],
        "stage": case["stage"],
        "received_on": case["received_on"],
        "eligible": None if case["eligible"] is None else bool(case["eligible"]),
        "situation": case["situation"],
        "refusal_ground": case["refusal_ground"],
        "decided_on": case["decided_on"],
        "closed_on": case["closed_on"],
        "follow_ups": case["follow_ups"],
        "steps": steps,
        "referrals": referrals,
        "aid": {
            "judicial": {
                "granted_fen": case["granted_fen"],
                "disbursed_fen": case["disbursed_fen"],
                "disbursements": disbursements,
            },
            "social": social,
            **money_totals(case["disbursed_fen"], social),
        },
        "freshness": freshness(view, log_position),
    }


def case_parties(store: ViewStore, case_id: str) -> set[str]:
    """The procuratorate of the case and every agency on a referral about it."""
    view = read_active(store, CaseFiles)
    rows = view.read(
        "SELECT c.procuratorate_id AS a, r.requester_id AS b, r.recipient_id AS c "
        "FROM {cases} c LEFT JOIN {case_referrals} r ON r.case_id = c.id OR r.id = c.referral_id "
        "WHERE c.id = ?",
        (str(case_id),),
    )
    return {v for row in rows for v in row.values() if v}
