"""The dashboard view (领导驾驶舱): facts for a region's dashboard, kept flat so that SQL adds them up.

One row per aid case, per payment of relief, per referral and per provision given, each
with the GB/T 2260 codes of the agencies it concerns (copied from the view's directory when
the row is written: an agency's region never changes), so that a dashboard for all of
Xinjiang over a year is a handful of grouped scans, not a loop over rows in Python.
Durations are stored as whole tenths (of an hour to the first answer, of a day to
completion) so that their percentiles come from a grouped count (:mod:`projections.
dashboard_query`). The same handlers keep, in the same transaction, the monthly rollups and
the people helped of :mod:`projections.dashboard_rollups`. Like every view it is rebuilt
from the log (``hub projections rebuild dashboard``) and runs on SQLite and PostgreSQL.

Whose region a fact counts in: a case, its grant and its payments in the region of its
procuratorate; a referral in the regions of both its parties; what a referral gave (and the
person it helped) in the region of the agency that gave it, the recipient; an overdue
referral in the region of the recipient it binds, as on the SLA watch list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from domain.case import AidCase
from domain.referral import Referral
from domain.values import COUNTED_ELSEWHERE
from projections.dashboard_rollups import (
    ROLLUP_TABLES,
    add_amount,
    add_helped,
    count_referral,
    count_tenths,
)
from projections.directory import DIRECTORY_TABLES, DirectoryHandlers
from projections.region_stats import STAGES, CaseMove, china_date
from projections.store import Tx
from projections.view import handles

FINAL = ("rejected", "completed", "failed", "cancelled")
ANSWERS = ("received", "accepted", "rejected")


class Dashboard(DirectoryHandlers):
    name = "dashboard"
    code_version = 3  # 2: the referrals' monthly rollup; 3: rollups of amounts, timings, helped
    tables: ClassVar[dict[str, list[str]]] = {
        **DIRECTORY_TABLES,
        "cases": [
            "CREATE TABLE IF NOT EXISTS {cases} (id TEXT PRIMARY KEY, person_id TEXT NOT NULL, "
            "procuratorate_id TEXT NOT NULL, region_code TEXT NOT NULL, "
            "received_on TEXT NOT NULL, stage TEXT NOT NULL, granted_fen BIGINT NOT NULL, "
            "decided_on TEXT)",
            # covering indexes: each of the dashboard's scans reads its index alone
            "CREATE INDEX IF NOT EXISTS {p}_cases_received ON {cases} "
            "(received_on, region_code, stage)",
            "CREATE INDEX IF NOT EXISTS {p}_cases_decided ON {cases} "
            "(decided_on, region_code, granted_fen)",
            "CREATE INDEX IF NOT EXISTS {p}_cases_open ON {cases} (stage, received_on, region_code)",
        ],
        "paid": [
            "CREATE TABLE IF NOT EXISTS {paid} (case_id TEXT NOT NULL, version BIGINT NOT NULL, "
            "person_id TEXT NOT NULL, region_code TEXT NOT NULL, amount_fen BIGINT NOT NULL, "
            "paid_on TEXT NOT NULL, PRIMARY KEY (case_id, version))",
            "CREATE INDEX IF NOT EXISTS {p}_paid_on ON {paid} (paid_on, region_code, amount_fen)",
        ],
        "referrals": [
            "CREATE TABLE IF NOT EXISTS {referrals} (id TEXT PRIMARY KEY, "
            "person_id TEXT NOT NULL, requester_id TEXT NOT NULL, recipient_id TEXT NOT NULL, "
            "requester_region TEXT NOT NULL, recipient_region TEXT NOT NULL, "
            "recipient_kind TEXT NOT NULL, direction TEXT NOT NULL, status TEXT NOT NULL, "
            "re_referral INTEGER NOT NULL, requested_at TEXT NOT NULL, "
            "requested_on TEXT NOT NULL, due_on TEXT NOT NULL, answer_tenths BIGINT, "
            "completion_tenths BIGINT, completed_on TEXT, successful INTEGER)",
            "CREATE INDEX IF NOT EXISTS {p}_referrals_on ON {referrals} (requested_on, "
            "requester_region, recipient_region, recipient_kind, status, direction, "
            "successful, re_referral, answer_tenths, completion_tenths)",
            "CREATE INDEX IF NOT EXISTS {p}_referrals_open ON {referrals} "
            "(status, recipient_region, due_on)",
            "CREATE INDEX IF NOT EXISTS {p}_referrals_among ON {referrals} "
            "(requester_id, requested_on)",
        ],
        "given": [
            "CREATE TABLE IF NOT EXISTS {given} (referral_id TEXT NOT NULL, n BIGINT NOT NULL, "
            "recipient_region TEXT NOT NULL, recipient_kind TEXT NOT NULL, kind TEXT NOT NULL, "
            "amount_fen BIGINT NOT NULL, completed_on TEXT NOT NULL, "
            "PRIMARY KEY (referral_id, n))",
            "CREATE INDEX IF NOT EXISTS {p}_given_on ON {given} "
            "(completed_on, recipient_region, recipient_kind, kind, amount_fen)",
        ],
        **ROLLUP_TABLES,
    }

    @handles(AidCase.LeadReceived)
    def case_received(self, tx: Tx, e: AidCase.LeadReceived) -> None:
        procuratorate = tx.existing("agencies", str(e.procuratorate_id))
        tx.put(
            "cases",
            {
                "id": str(e.originator_id),
                "person_id": str(e.person_id),
                "procuratorate_id": procuratorate["id"],
                "region_code": procuratorate["region_code"],
                "received_on": e.received_on.isoformat(),
                "stage": "received",
                "granted_fen": 0,
                "decided_on": None,
            },
        )

    @handles(*STAGES, AidCase.ReliefGranted, AidCase.ReliefDisbursed, AidCase.AdvancePaid)
    def case_moved(self, tx: Tx, e: CaseMove) -> None:
        case = tx.existing("cases", str(e.originator_id))
        if isinstance(e, AidCase.ReliefGranted):
            case.update(
                stage="granted", granted_fen=e.amount_fen, decided_on=e.decided_on.isoformat()
            )
        elif isinstance(e, AidCase.ReliefDisbursed | AidCase.AdvancePaid):
            if isinstance(e, AidCase.ReliefDisbursed):
                case["stage"] = "disbursed"
            paid = {
                "case_id": case["id"],
                "version": e.originator_version,
                "person_id": case["person_id"],
                "region_code": case["region_code"],
                "amount_fen": e.amount_fen,
                "paid_on": e.paid_on.isoformat(),
            }
            tx.append("paid", paid)
            add_amount(tx, "paid_months", paid["paid_on"], paid["amount_fen"], case["region_code"])
            key = f"paid|{case['id']}|{e.originator_version}"
            add_helped(tx, key, case["person_id"], case["region_code"], paid["paid_on"])
        else:
            case["stage"] = STAGES[type(e)]
        tx.put("cases", case)

    @handles(Referral.Requested)
    def referral_requested(self, tx: Tx, e: Referral.Requested) -> None:
        requester = tx.existing("agencies", str(e.requester_id))
        recipient = tx.existing("agencies", str(e.recipient_id))
        tx.put(
            "referrals",
            {
                "id": str(e.originator_id),
                "person_id": str(e.person_id),
                "requester_id": requester["id"],
                "recipient_id": recipient["id"],
                "requester_region": requester["region_code"],
                "recipient_region": recipient["region_code"],
                "recipient_kind": recipient["kind"],
                "direction": e.direction,
                "status": "requested",
                "re_referral": 1 if e.re_referral_of else 0,
                "requested_at": e.timestamp.isoformat(),
                "requested_on": e.requested_on.isoformat()
                if e.requested_on
                else china_date(e.timestamp),
                "due_on": e.due_on.isoformat(),
                "answer_tenths": None,
                "completion_tenths": None,
                "completed_on": None,
                "successful": None,
            },
        )
        count_referral(tx, tx.existing("referrals", str(e.originator_id)), 1)

    @handles(Referral.StatusChanged)
    def referral_status_changed(self, tx: Tx, e: Referral.StatusChanged) -> None:
        referral = tx.existing("referrals", str(e.originator_id))
        count_referral(tx, referral, -1)
        referral["status"] = e.status
        hours = (e.timestamp - datetime.fromisoformat(referral["requested_at"])).total_seconds()
        hours /= 3600
        if e.status in ANSWERS and referral["answer_tenths"] is None:
            referral["answer_tenths"] = round(hours * 10)
            count_tenths(tx, referral, "answer", 1)
        if e.status in FINAL and referral["successful"] is None:
            successful = bool(e.status == "completed" and e.outcome and e.outcome["successful"])
            referral["successful"] = 1 if successful else 0
        if e.status == "completed":
            on = china_date(e.timestamp)
            if referral["completion_tenths"] is not None:  # completed again: moves
                count_tenths(tx, referral, "completion", -1)
            referral.update(completion_tenths=round(hours / 24 * 10), completed_on=on)
            count_tenths(tx, referral, "completion", 1)
            if referral["successful"] == 1:  # set by the first final status, as rows count it
                key = f"referral|{referral['id']}"
                add_helped(tx, key, referral["person_id"], referral["recipient_region"], on)
            if e.outcome and e.outcome["successful"]:
                for n, p in enumerate(e.outcome["provisions"]):
                    if p["amount_fen"] and p["kind"] not in COUNTED_ELSEWHERE:
                        given = _given(referral, n, p, on)
                        tx.append("given", given)
                        cell = (given["recipient_region"], given["recipient_kind"], given["kind"])
                        add_amount(tx, "given_months", on, given["amount_fen"], *cell)
        count_referral(tx, referral, 1)
        tx.put("referrals", referral)


def _given(referral: dict[str, Any], n: int, provision: dict[str, Any], on: str) -> dict[str, Any]:
    return {
        "referral_id": referral["id"],
        "n": n,
        "recipient_region": referral["recipient_region"],
        "recipient_kind": referral["recipient_kind"],
        "kind": provision["kind"],
        "amount_fen": provision["amount_fen"],
        "completed_on": on,
    }
