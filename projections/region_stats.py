"""Regional statistics (区域统计) for a region and its sub-regions over a period.

Regions are GB/T 2260 codes that nest by prefix (``65`` ⊃ ``6540`` ⊃ ``654025``); an agency
belongs to every region its code starts with. For the period ``[date_from, date_to]``:

- cases received by the region's procuratorates, by current stage;
- referrals requested (China time) with either party in the region, by direction and status;
  acceptance rate (accepted ÷ accepted or rejected), completion rate (completed ÷ accepted);
  median hours to the first answer, median days to completion;
- amounts in fen: judicial relief granted (decided in the period) and disbursed (paid in the
  period), and social aid given through referrals completed in the period: ``donated_fen``
  (donations), ``social_aid_fen`` (grants and donations; ``social_amount_fen`` the same,
  its older name), and apart from aid ``loans_fen`` and ``in_kind_fen``, each total with
  what it ``adds_up``;
- the same counts per direct sub-region (agencies registered at the region's own level
  count under the region's own code).
"""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta, timezone
from typing import Any, ClassVar, TypeAlias

from domain.case import AidCase
from domain.referral import Referral
from domain.values import ADDS_UP, money_totals
from projections.directory import DIRECTORY_TABLES, DirectoryHandlers
from projections.rebuild import freshness, read_active
from projections.store import Tx, ViewStore
from projections.view import View, handles

CHINA = timezone(timedelta(hours=8))
#: case events that only move the stage
STAGES: dict[type[AidCase.Event], str] = {
    AidCase.InquiryRecorded: "inquired",
    AidCase.Reviewed: "reviewed",
    AidCase.HearingHeld: "heard",
    AidCase.SubmittedForApproval: "submitted",
    AidCase.ReliefRefused: "refused",
    AidCase.CaseClosed: "closed",
}
#: every case event after the lead: a stage moved, relief granted or paid
CaseMove: TypeAlias = (
    AidCase.InquiryRecorded
    | AidCase.Reviewed
    | AidCase.HearingHeld
    | AidCase.SubmittedForApproval
    | AidCase.ReliefRefused
    | AidCase.CaseClosed
    | AidCase.ReliefGranted
    | AidCase.ReliefDisbursed
    | AidCase.AdvancePaid
)


def china_date(moment: datetime) -> str:
    return moment.astimezone(CHINA).date().isoformat()


class RegionStats(DirectoryHandlers):
    name = "region_stats"
    code_version = 2  # 2: referrals counted on their business date; advance relief as paid
    tables: ClassVar[dict[str, list[str]]] = {
        **DIRECTORY_TABLES,
        "st_cases": [
            "CREATE TABLE IF NOT EXISTS {st_cases} (id TEXT PRIMARY KEY, "
            "procuratorate_id TEXT NOT NULL, received_on TEXT NOT NULL, stage TEXT NOT NULL, "
            "granted_fen BIGINT NOT NULL, disbursed_fen BIGINT NOT NULL, decided_on TEXT)"
        ],
        "st_paid": [
            "CREATE TABLE IF NOT EXISTS {st_paid} (case_id TEXT NOT NULL, "
            "version BIGINT NOT NULL, amount_fen BIGINT NOT NULL, paid_on TEXT NOT NULL, "
            "PRIMARY KEY (case_id, version))"
        ],
        "st_referrals": [
            "CREATE TABLE IF NOT EXISTS {st_referrals} (id TEXT PRIMARY KEY, "
            "requester_id TEXT NOT NULL, recipient_id TEXT NOT NULL, direction TEXT NOT NULL, "
            "status TEXT NOT NULL, requested_at TEXT NOT NULL, requested_on TEXT NOT NULL, "
            "first_answer_at TEXT, accepted INTEGER NOT NULL, completed_at TEXT, "
            "completed_on TEXT)",
            "CREATE INDEX IF NOT EXISTS {p}_st_referrals_on ON {st_referrals} (requested_on)",
        ],
        "st_given": [
            "CREATE TABLE IF NOT EXISTS {st_given} (referral_id TEXT NOT NULL, n BIGINT NOT NULL, "
            "kind TEXT NOT NULL, amount_fen BIGINT NOT NULL, PRIMARY KEY (referral_id, n))"
        ],
    }

    @handles(AidCase.LeadReceived)
    def case_received(self, tx: Tx, e: AidCase.LeadReceived) -> None:
        tx.put(
            "st_cases",
            {
                "id": str(e.originator_id),
                "procuratorate_id": str(e.procuratorate_id),
                "received_on": e.received_on.isoformat(),
                "stage": "received",
                "granted_fen": 0,
                "disbursed_fen": 0,
                "decided_on": None,
            },
        )

    @handles(*STAGES, AidCase.ReliefGranted, AidCase.ReliefDisbursed, AidCase.AdvancePaid)
    def case_moved(self, tx: Tx, e: CaseMove) -> None:
        case = tx.existing("st_cases", str(e.originator_id))
        if isinstance(e, AidCase.ReliefGranted):
            case.update(
                stage="granted", granted_fen=e.amount_fen, decided_on=e.decided_on.isoformat()
            )
            if case["disbursed_fen"] >= e.amount_fen:  # advance relief covered it
                case["stage"] = "disbursed"
        elif isinstance(e, AidCase.ReliefDisbursed | AidCase.AdvancePaid):
            case["disbursed_fen"] += e.amount_fen
            if case["granted_fen"] and case["disbursed_fen"] == case["granted_fen"]:
                case["stage"] = "disbursed"
            tx.append(
                "st_paid",
                {
                    "case_id": case["id"],
                    "version": e.originator_version,
                    "amount_fen": e.amount_fen,
                    "paid_on": e.paid_on.isoformat(),
                },
            )
        else:
            case["stage"] = STAGES[type(e)]
        tx.put("st_cases", case)

    @handles(Referral.Requested)
    def referral_requested(self, tx: Tx, e: Referral.Requested) -> None:
        tx.put(
            "st_referrals",
            {
                "id": str(e.originator_id),
                "requester_id": str(e.requester_id),
                "recipient_id": str(e.recipient_id),
                "direction": e.direction,
                "status": "requested",
                "requested_at": e.timestamp.isoformat(),
                "requested_on": e.requested_on.isoformat()
                if e.requested_on
                else china_date(e.timestamp),
                "first_answer_at": None,
                "accepted": 0,
                "completed_at": None,
                "completed_on": None,
            },
        )

    @handles(Referral.StatusChanged)
    def referral_status_changed(self, tx: Tx, e: Referral.StatusChanged) -> None:
        at, referral = e.timestamp.isoformat(), tx.existing("st_referrals", str(e.originator_id))
        referral["status"] = e.status
        if e.status in ("received", "accepted", "rejected") and not referral["first_answer_at"]:
            referral["first_answer_at"] = at
        if e.status == "accepted":
            referral["accepted"] = 1
        if e.status == "completed":
            referral["completed_at"], referral["completed_on"] = at, china_date(e.timestamp)
            if e.outcome and e.outcome["successful"]:
                for n, p in enumerate(e.outcome["provisions"]):
                    if p["amount_fen"]:
                        tx.append(
                            "st_given",
                            {
                                "referral_id": referral["id"],
                                "n": n,
                                "kind": p["kind"],
                                "amount_fen": p["amount_fen"],
                            },
                        )
        tx.put("st_referrals", referral)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def _hours(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 3600


def _region_of(agency_region: str, region_code: str) -> str:
    """The direct sub-region of ``region_code`` that an agency's region lies in."""
    return agency_region[: len(region_code) + 2] if len(region_code) < 6 else region_code


def _cases(view: View, region: str) -> list[dict[str, Any]]:
    return view.read(
        "SELECT c.*, a.region_code FROM {st_cases} c JOIN {agencies} a "
        "ON a.id = c.procuratorate_id WHERE a.region_code LIKE ?",
        (f"{region}%",),
    )


def region_stats(
    store: ViewStore,
    region_code: str,
    date_from: date,
    date_to: date,
    *,
    log_position: int | None = None,
) -> dict[str, Any]:
    view = read_active(store, RegionStats)
    lo, hi = date_from.isoformat(), date_to.isoformat()

    def within(day: str | None) -> bool:
        return day is not None and lo <= day <= hi

    all_cases = _cases(view, region_code)
    cases = [c for c in all_cases if within(c["received_on"])]
    paid = view.read(
        "SELECT p.amount_fen, p.paid_on, a.region_code FROM {st_paid} p "
        "JOIN {st_cases} c ON c.id = p.case_id JOIN {agencies} a ON a.id = c.procuratorate_id "
        "WHERE a.region_code LIKE ? AND p.paid_on >= ? AND p.paid_on <= ?",
        (f"{region_code}%", lo, hi),
    )
    referrals = view.read(
        "SELECT r.*, q.region_code AS requester_region, t.region_code AS recipient_region "
        "FROM {st_referrals} r JOIN {agencies} q ON q.id = r.requester_id "
        "JOIN {agencies} t ON t.id = r.recipient_id "
        "WHERE (q.region_code LIKE ? OR t.region_code LIKE ?) "
        "AND r.requested_on >= ? AND r.requested_on <= ?",
        (f"{region_code}%", f"{region_code}%", lo, hi),
    )
    given = view.read(
        "SELECT g.kind, g.amount_fen FROM {st_given} g JOIN {st_referrals} r "
        "ON r.id = g.referral_id JOIN {agencies} q ON q.id = r.requester_id "
        "JOIN {agencies} t ON t.id = r.recipient_id "
        "WHERE (q.region_code LIKE ? OR t.region_code LIKE ?) "
        "AND r.completed_on >= ? AND r.completed_on <= ?",
        (f"{region_code}%", f"{region_code}%", lo, hi),
    )
    by_stage: dict[str, int] = {}
    for c in cases:
        by_stage[c["stage"]] = by_stage.get(c["stage"], 0) + 1
    by_direction: dict[str, dict[str, int]] = {}
    for r in referrals:
        statuses = by_direction.setdefault(r["direction"], {})
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    accepted = sum(1 for r in referrals if r["accepted"])
    rejected = sum(1 for r in referrals if r["status"] == "rejected" and not r["accepted"])
    completed = [r for r in referrals if r["status"] == "completed"]
    subregions: dict[str, dict[str, int]] = {}
    for c in cases:
        sub = subregions.setdefault(_region_of(c["region_code"], region_code), _zero())
        sub["cases"] += 1
    for c in all_cases:
        if within(c["decided_on"]):
            sub = subregions.setdefault(_region_of(c["region_code"], region_code), _zero())
            sub["granted_fen"] += c["granted_fen"]
    for p in paid:
        sub = subregions.setdefault(_region_of(p["region_code"], region_code), _zero())
        sub["disbursed_fen"] += p["amount_fen"]
    for r in referrals:
        sides = {r["requester_region"], r["recipient_region"]}
        for code in {_region_of(s, region_code) for s in sides if s.startswith(region_code)}:
            subregions.setdefault(code, _zero())["referrals"] += 1
    return {
        "region_code": region_code,
        "from": lo,
        "to": hi,
        "cases": {"total": len(cases), "by_stage": by_stage},
        "referrals": {
            "total": len(referrals),
            "by_direction": by_direction,
            "acceptance_rate": _rate(accepted, accepted + rejected),
            "completion_rate": _rate(len(completed), accepted),
            "median_hours_to_first_answer": _median(
                [
                    _hours(r["requested_at"], r["first_answer_at"])
                    for r in referrals
                    if r["first_answer_at"]
                ]
            ),
            "median_days_to_completion": _median(
                [_hours(r["requested_at"], r["completed_at"]) / 24 for r in completed]
            ),
        },
        "amounts": {
            "granted_fen": sum(c["granted_fen"] for c in all_cases if within(c["decided_on"])),
            "disbursed_fen": sum(p["amount_fen"] for p in paid),
            "donated_fen": sum(g["amount_fen"] for g in given if g["kind"] == "money"),
            **_social_totals(given),
        },
        "by_subregion": dict(sorted(subregions.items())),
        "freshness": freshness(view, log_position),
    }


def _social_totals(given: list[dict[str, Any]]) -> dict[str, Any]:
    """Social aid (grants and donations) and, apart from it, loans and in-kind help."""
    totals = money_totals(0, given)
    keys = ("social_aid_fen", "social_amount_fen", "loans_fen", "in_kind_fen")
    return {
        **{k: totals[k] for k in keys},
        "adds_up": {k: ADDS_UP[k] for k in ("donated_fen", *keys) if k in ADDS_UP},
    }


def _zero() -> dict[str, int]:
    return {"cases": 0, "referrals": 0, "granted_fen": 0, "disbursed_fen": 0}
