"""Who may fall through (可能脱节): people with an open need and no live referral.

应救尽救、应扶尽扶: nobody who was referred may fall through the cracks between agencies. A
need is *open* from the moment the log shows it until a referral answers it:

- ``follow-up``: a need found at a follow-up visit (回访) of a case, owned by the case's
  procuratorate, answered when a referral naming that visit and need completes successfully;
- ``refused``: a refusal because the hardship was not caused by the case (细则第五条), owned
  by the procuratorate, answered when a referral of the case by it completes successfully,
  or settled when the case closes with a recorded reason for not referring;
- ``referral-ended``: a referral rejected, failed or completed without success, owned by its
  requester, settled when it is re-referred (the new referral carries the need on).

A person *may fall through* while she has an open need and no live referral (one not yet
rejected, completed, failed or cancelled). The answer lists, per person, her open needs and
the agencies that own them, with counts per owning agency and per region (the owner's GB/T
2260 code). No personal data is stored here: people are named by id only.

Tables: ``ft_cases`` (a case's procuratorate and visits so far), ``ft_referrals`` (each
referral's person, requester, status and the need it answers), ``ft_needs`` and the agency
directory.
"""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any, ClassVar

from domain.case import AidCase
from domain.referral import Referral
from domain.values import FINAL_STATUSES, ReferralStatus, RefusalGround
from projections.directory import DIRECTORY_TABLES, DirectoryHandlers, agency_names
from projections.rebuild import freshness, read_active
from projections.store import Tx, ViewStore
from projections.view import View, handles

CHINA = timezone(timedelta(hours=8))
FINAL = {s.value for s in FINAL_STATUSES}
ENDED_WITHOUT_HELP = {ReferralStatus.REJECTED.value, ReferralStatus.FAILED.value}


def _follow_up_key(case_id: str, visit: int, need: str) -> str:
    return f"follow-up:{case_id}:{visit}:{need}"


class FallThrough(DirectoryHandlers):
    name = "fall_through"
    tables: ClassVar[dict[str, list[str]]] = {
        **DIRECTORY_TABLES,
        "ft_cases": [
            "CREATE TABLE IF NOT EXISTS {ft_cases} (id TEXT PRIMARY KEY, "
            "person_id TEXT NOT NULL, procuratorate_id TEXT NOT NULL, visits BIGINT NOT NULL)"
        ],
        "ft_referrals": [
            "CREATE TABLE IF NOT EXISTS {ft_referrals} (id TEXT PRIMARY KEY, "
            "person_id TEXT NOT NULL, requester_id TEXT NOT NULL, case_id TEXT, "
            "services TEXT NOT NULL, status TEXT NOT NULL, live BIGINT NOT NULL, answers TEXT)",
            "CREATE INDEX IF NOT EXISTS {p}_ft_referrals_person ON {ft_referrals} (person_id)",
        ],
        "ft_needs": [
            "CREATE TABLE IF NOT EXISTS {ft_needs} (id TEXT PRIMARY KEY, "
            "person_id TEXT NOT NULL, agency_id TEXT NOT NULL, source TEXT NOT NULL, "
            "need TEXT NOT NULL, case_id TEXT, referral_id TEXT, found_on TEXT NOT NULL, "
            "open BIGINT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS {p}_ft_needs_person ON {ft_needs} (person_id)",
        ],
    }

    def _settle(self, tx: Tx, key: str | None) -> None:
        need = tx.row("ft_needs", key) if key else None
        if need is not None and need["open"]:
            tx.put("ft_needs", {**need, "open": 0})

    @handles(AidCase.LeadReceived)
    def case_received(self, tx: Tx, e: AidCase.LeadReceived) -> None:
        tx.put(
            "ft_cases",
            {
                "id": str(e.originator_id),
                "person_id": str(e.person_id),
                "procuratorate_id": str(e.procuratorate_id),
                "visits": 0,
            },
        )

    @handles(AidCase.FollowUpRecorded)
    def followed_up(self, tx: Tx, e: AidCase.FollowUpRecorded) -> None:
        case = tx.existing("ft_cases", str(e.originator_id))
        case["visits"] += 1
        tx.put("ft_cases", case)
        for need in e.new_needs:
            tx.put(
                "ft_needs",
                {
                    "id": _follow_up_key(case["id"], case["visits"], need),
                    "person_id": case["person_id"],
                    "agency_id": case["procuratorate_id"],
                    "source": "follow-up",
                    "need": need,
                    "case_id": case["id"],
                    "referral_id": None,
                    "found_on": e.visited_on.isoformat(),
                    "open": 1,
                },
            )

    @handles(AidCase.ReliefRefused)
    def refused(self, tx: Tx, e: AidCase.ReliefRefused) -> None:
        if e.ground != RefusalGround.HARDSHIP_NOT_CAUSED_BY_CASE:
            return
        case = tx.existing("ft_cases", str(e.originator_id))
        tx.put(
            "ft_needs",
            {
                "id": f"refused:{case['id']}",
                "person_id": case["person_id"],
                "agency_id": case["procuratorate_id"],
                "source": "refused",
                "need": "social-relief",
                "case_id": case["id"],
                "referral_id": None,
                "found_on": e.decided_on.isoformat(),
                "open": 1,
            },
        )

    @handles(AidCase.CaseClosed)
    def closed(self, tx: Tx, e: AidCase.CaseClosed) -> None:
        if e.without_referral:
            self._settle(tx, f"refused:{e.originator_id}")

    @handles(Referral.Requested)
    def referral_requested(self, tx: Tx, e: Referral.Requested) -> None:
        answers = None
        if e.case_id is not None and e.answers_follow_up is not None and e.answers_need:
            answers = _follow_up_key(str(e.case_id), e.answers_follow_up, e.answers_need)
        tx.put(
            "ft_referrals",
            {
                "id": str(e.originator_id),
                "person_id": str(e.person_id),
                "requester_id": str(e.requester_id),
                "case_id": str(e.case_id) if e.case_id else None,
                "services": ",".join(e.services),
                "status": ReferralStatus.REQUESTED.value,
                "live": 1,
                "answers": answers,
            },
        )

    @handles(Referral.StatusChanged)
    def referral_status_changed(self, tx: Tx, e: Referral.StatusChanged) -> None:
        ref = tx.existing("ft_referrals", str(e.originator_id))
        ref["status"], ref["live"] = e.status, int(e.status not in FINAL)
        tx.put("ft_referrals", ref)
        successful = e.status == ReferralStatus.COMPLETED and bool(
            e.outcome and e.outcome.get("successful")
        )
        if successful:
            self._settle(tx, ref["answers"])
            if ref["case_id"]:
                case = tx.row("ft_cases", ref["case_id"])
                if case is not None and case["procuratorate_id"] == ref["requester_id"]:
                    self._settle(tx, f"refused:{ref['case_id']}")
        elif e.status in ENDED_WITHOUT_HELP or e.status == ReferralStatus.COMPLETED:
            tx.put(
                "ft_needs",
                {
                    "id": f"referral-ended:{ref['id']}",
                    "person_id": ref["person_id"],
                    "agency_id": ref["requester_id"],
                    "source": "referral-ended",
                    "need": ref["services"],
                    "case_id": ref["case_id"],
                    "referral_id": ref["id"],
                    "found_on": e.timestamp.astimezone(CHINA).date().isoformat(),
                    "open": 1,
                },
            )

    @handles(Referral.ReReferred)
    def re_referred(self, tx: Tx, e: Referral.ReReferred) -> None:
        self._settle(tx, f"referral-ended:{e.originator_id}")


def unreferred_needs(
    view: View, *, region_code: str | None = None, agency_id: str | None = None
) -> list[dict[str, Any]]:
    """Open needs of people with no live referral (with the owner's ``region_code``), oldest
    first; only needs owned in ``region_code`` (and, given, by ``agency_id``)."""
    sql = (
        "SELECT n.*, a.region_code FROM {ft_needs} n JOIN {agencies} a ON a.id = n.agency_id "
        "WHERE n.open = 1 AND n.person_id NOT IN "
        "(SELECT person_id FROM {ft_referrals} WHERE live = 1)"
    )
    params: list[Any] = []
    if region_code:
        sql += " AND a.region_code LIKE ?"
        params.append(f"{region_code}%")
    if agency_id:
        sql += " AND n.agency_id = ?"
        params.append(agency_id)
    return view.read(sql + " ORDER BY n.found_on, n.id", tuple(params))


def may_fall_through(
    store: ViewStore,
    *,
    region_code: str | None = None,
    agency_id: str | None = None,
    log_position: int | None = None,
) -> dict[str, Any]:
    """People with an open need and no live referral, with the needs and their owners; only
    needs owned by agencies in ``region_code`` (and, given, owned by ``agency_id``)."""
    view = read_active(store, FallThrough)
    rows = unreferred_needs(view, region_code=region_code, agency_id=agency_id)
    names = agency_names(view, {r["agency_id"] for r in rows})
    people: dict[str, dict[str, Any]] = {}
    by_agency: dict[str, int] = {}
    by_region: dict[str, int] = {}
    for r in rows:
        person = people.setdefault(
            r["person_id"],
            {"person_id": r["person_id"], "since": r["found_on"], "agencies": [], "needs": []},
        )
        if r["agency_id"] not in person["agencies"]:
            person["agencies"].append(r["agency_id"])
        person["needs"].append(
            {
                "source": r["source"],
                "need": r["need"],
                "agency_id": r["agency_id"],
                "agency_name": names.get(r["agency_id"], {}).get("name"),
                "region_code": r["region_code"],
                "case_id": r["case_id"],
                "referral_id": r["referral_id"],
                "found_on": r["found_on"],
            }
        )
    for person in people.values():
        for agency in person["agencies"]:
            by_agency[agency] = by_agency.get(agency, 0) + 1
        for region in {n["region_code"] for n in person["needs"]}:
            by_region[region] = by_region.get(region, 0) + 1
    return {
        "items": list(people.values()),
        "counts": {
            "people": len(people),
            "by_agency": dict(sorted(by_agency.items())),
            "by_region": dict(sorted(by_region.items())),
        },
        "freshness": freshness(view, log_position),
    }
