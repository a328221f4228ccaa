"""A person's combined aid: judicial relief and every social assistance, with totals
(aid = judicial relief paid + grants + donations; loans and in-kind help listed apart).

Tables: ``aid_cases`` (each judicial relief case of a person: granted and disbursed),
``aid_referrals`` (each referral's person, recipient and outcome), ``aid_given`` (each
provision of a successfully completed referral) and the agency directory. The answer has the
shape of the hub's own ``person_aid`` query, plus totals of all aid by kind and by provider.
"""

from __future__ import annotations

from typing import Any, ClassVar

from domain.case import AidCase
from domain.referral import Referral
from domain.values import COUNTED_ELSEWHERE, money_totals
from projections.directory import DIRECTORY_TABLES, DirectoryHandlers, agency_names
from projections.rebuild import freshness, read_active
from projections.store import Tx, ViewStore
from projections.view import handles

JUDICIAL = "judicial-relief"


class PersonAid(DirectoryHandlers):
    name = "person_aid"
    code_version = 2  # 2: advance relief (先行救助) counts as paid
    tables: ClassVar[dict[str, list[str]]] = {
        **DIRECTORY_TABLES,
        "aid_cases": [
            "CREATE TABLE IF NOT EXISTS {aid_cases} (id TEXT PRIMARY KEY, "
            "person_id TEXT NOT NULL, procuratorate_id TEXT NOT NULL, "
            "granted_fen BIGINT NOT NULL, disbursed_fen BIGINT NOT NULL, decided_on TEXT)",
            "CREATE INDEX IF NOT EXISTS {p}_aid_cases_person ON {aid_cases} (person_id)",
        ],
        "aid_referrals": [
            "CREATE TABLE IF NOT EXISTS {aid_referrals} (id TEXT PRIMARY KEY, "
            "person_id TEXT NOT NULL, recipient_id TEXT NOT NULL, case_id TEXT)",
        ],
        "aid_given": [
            "CREATE TABLE IF NOT EXISTS {aid_given} (referral_id TEXT NOT NULL, "
            "n BIGINT NOT NULL, person_id TEXT NOT NULL, agency_id TEXT NOT NULL, "
            "case_id TEXT, kind TEXT NOT NULL, amount_fen BIGINT, provider TEXT NOT NULL, "
            "description TEXT NOT NULL, given_at TEXT NOT NULL, PRIMARY KEY (referral_id, n))",
            "CREATE INDEX IF NOT EXISTS {p}_aid_given_person ON {aid_given} (person_id)",
        ],
    }

    @handles(AidCase.LeadReceived)
    def case_received(self, tx: Tx, e: AidCase.LeadReceived) -> None:
        tx.put(
            "aid_cases",
            {
                "id": str(e.originator_id),
                "person_id": str(e.person_id),
                "procuratorate_id": str(e.procuratorate_id),
                "granted_fen": 0,
                "disbursed_fen": 0,
                "decided_on": None,
            },
        )

    @handles(AidCase.ReliefGranted, AidCase.ReliefDisbursed, AidCase.AdvancePaid)
    def relief(
        self, tx: Tx, e: AidCase.ReliefGranted | AidCase.ReliefDisbursed | AidCase.AdvancePaid
    ) -> None:
        case = tx.existing("aid_cases", str(e.originator_id))
        if isinstance(e, AidCase.ReliefGranted):
            case["granted_fen"], case["decided_on"] = e.amount_fen, e.decided_on.isoformat()
        else:  # a disbursement, or advance relief paid before the decision
            case["disbursed_fen"] += e.amount_fen
        tx.put("aid_cases", case)

    @handles(Referral.Requested)
    def referral_requested(self, tx: Tx, e: Referral.Requested) -> None:
        tx.put(
            "aid_referrals",
            {
                "id": str(e.originator_id),
                "person_id": str(e.person_id),
                "recipient_id": str(e.recipient_id),
                "case_id": str(e.case_id) if e.case_id else None,
            },
        )

    @handles(Referral.StatusChanged)
    def referral_status_changed(self, tx: Tx, e: Referral.StatusChanged) -> None:
        outcome = e.outcome
        if e.status != "completed" or not outcome or not outcome["successful"]:
            return
        ref = tx.existing("aid_referrals", str(e.originator_id))
        for n, p in enumerate(outcome["provisions"]):
            tx.append(
                "aid_given",
                {
                    "referral_id": ref["id"],
                    "n": n,
                    "person_id": ref["person_id"],
                    "agency_id": ref["recipient_id"],
                    "case_id": ref["case_id"],
                    "kind": p["kind"],
                    "amount_fen": p["amount_fen"],
                    "provider": p["provider"],
                    "description": p["description"],
                    "given_at": e.timestamp.isoformat(),
                },
            )


def _add(totals: dict[str, int], key: str, amount: int) -> None:
    totals[key] = totals.get(key, 0) + amount


def person_aid(
    store: ViewStore,
    person_id: str,
    *,
    part: tuple[set[str], set[str]] | None = None,
    log_position: int | None = None,
) -> dict[str, Any]:
    """Judicial relief per case, each social provision, and totals by kind and provider;
    with ``part`` (case ids, referral ids), only those cases and referrals."""
    view = read_active(store, PersonAid)
    cases = view.read(
        "SELECT * FROM {aid_cases} WHERE person_id = ? ORDER BY decided_on, id",
        (str(person_id),),
    )
    given = view.read(
        "SELECT * FROM {aid_given} WHERE person_id = ? ORDER BY given_at, referral_id, n",
        (str(person_id),),
    )
    if part is not None:
        cases = [c for c in cases if c["id"] in part[0]]
        given = [g for g in given if g["referral_id"] in part[1]]
    names = agency_names(
        view, {c["procuratorate_id"] for c in cases} | {g["agency_id"] for g in given}
    )
    social = [
        {
            "kind": g["kind"],
            "amount_fen": g["amount_fen"],
            "provider": g["provider"],
            "description": g["description"],
            "referral_id": g["referral_id"],
            "agency_id": g["agency_id"],
            "agency_name": names.get(g["agency_id"], {}).get("name"),
            "case_id": g["case_id"],
            "given_at": g["given_at"],
        }
        for g in given
    ]
    social_by_kind: dict[str, int] = {}
    social_by_provider: dict[str, int] = {}
    for p in social:
        if p["kind"] in COUNTED_ELSEWHERE:  # the case's own relief, counted as judicial
            continue
        _add(social_by_kind, p["kind"], p["amount_fen"] or 0)
        _add(social_by_provider, p["provider"], p["amount_fen"] or 0)
    by_kind = dict(social_by_kind)
    by_provider = dict(social_by_provider)
    for c in cases:
        if c["disbursed_fen"]:
            _add(by_kind, JUDICIAL, c["disbursed_fen"])
            provider = names.get(c["procuratorate_id"], {}).get("name") or c["procuratorate_id"]
            _add(by_provider, provider, c["disbursed_fen"])
    judicial_granted = sum(c["granted_fen"] for c in cases)
    judicial_disbursed = sum(c["disbursed_fen"] for c in cases)
    return {
        "person_id": str(person_id),
        "judicial": [
            {
                "case_id": c["id"],
                "procuratorate_id": c["procuratorate_id"],
                "granted_fen": c["granted_fen"],
                "disbursed_fen": c["disbursed_fen"],
                "decided_on": c["decided_on"],
            }
            for c in cases
        ],
        "social": social,
        "totals": {
            "judicial_granted_fen": judicial_granted,
            "judicial_disbursed_fen": judicial_disbursed,
            **money_totals(judicial_disbursed, social),
            "social_by_kind_fen": social_by_kind,
            "social_by_provider_fen": social_by_provider,
            "by_kind_fen": by_kind,
            "by_provider_fen": by_provider,
        },
        "freshness": freshness(view, log_position),
    }
