"""The dashboard view over the seven scenarios, written once and run per view store.

Its figures are held against the regional statistics (which read their own view the old way,
row by row) and against what the scenarios did.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.case import AidCase
from domain.referral import Referral
from hub.bootstrap import Services
from projections import dashboard_query, worker
from projections.dashboard import Dashboard
from projections.dashboard_query import dashboard
from projections.mechanism_activity import mechanism_activity
from projections.rebuild import read_active
from projections.region_stats import region_stats
from projections.store import ViewStore
from tests.integration.projections.harness import follow
from tests.integration.projections.stores import StoreMaker
from tests.support import view_events as ev

EVER = (date(2020, 1, 1), date(2030, 12, 31))
TODAY = date(2026, 11, 29)
REGIONS = ("65", "6540", "654003")


def helped_in(services: Services, region: str) -> set[str]:
    """From the log: persons paid relief by a procuratorate of ``region``, or helped by a
    referral an agency of ``region`` completed successfully."""
    hub = services.hub
    regions = {str(a["id"]): a["region_code"] for a in hub.list_agencies()}
    helped = set()
    for e in hub.scan(AidCase.ReliefDisbursed, AidCase.AdvancePaid):
        case = hub.get_case(e.originator_id)
        if regions[str(case["procuratorate_id"])].startswith(region):
            helped.add(str(case["person_id"]))
    for e in hub.scan(Referral.StatusChanged):
        if e.status == "completed" and e.outcome and e.outcome["successful"]:
            referral = hub.get_referral(e.originator_id)
            if regions[str(referral["recipient_id"])].startswith(region):
                helped.add(str(referral["person_id"]))
    return helped


class DashboardCase:
    @pytest.fixture(scope="class")
    @classmethod
    def store(cls, stores: StoreMaker, services: Services, scenarios: dict[str, Any]) -> ViewStore:
        spec = stores()
        follow(services.hub, spec.store, list(worker.VIEWS.values()))
        return spec.store

    def test_the_figures_agree_with_the_regional_statistics(
        self, store: ViewStore, services: Services
    ) -> None:
        for code in ("65", "6540", "654003"):
            board = dashboard(store, code, *EVER, today=TODAY)
            stats = region_stats(store, code, *EVER)
            assert board["region"]["code"] == code
            assert board["cases"] == stats["cases"]
            assert board["referrals"]["total"] == stats["referrals"]["total"]
            flat: dict[str, int] = {}
            for statuses in stats["referrals"]["by_direction"].values():
                for status, n in statuses.items():
                    flat[status] = flat.get(status, 0) + n
            assert board["referrals"]["by_status"] == flat
            assert board["amounts"]["judicial"] == {
                "granted_fen": stats["amounts"]["granted_fen"],
                "disbursed_fen": stats["amounts"]["disbursed_fen"],
            }
            for sub in board["subregions"]:
                theirs = stats["by_subregion"][sub["code"]]
                assert {k: sub[k] for k in theirs} == theirs
        ili = dashboard(store, "6540", *EVER, today=TODAY)
        # everyone paid relief by 伊犁's procuratorates or helped by its agencies, each once
        assert ili["people_helped"] == len(helped_in(services, "6540")) >= 6
        assert [s["name"] for s in ili["subregions"]] == ["奎屯市", "新源县"]
        assert ili["amounts"]["social"]["by_kind"] == {
            "money": 5_600_000,
            "allowance": 800_000,
            "loan": 800_000,
        }
        assert ili["amounts"]["aid_fen"] == 15_500_000 + 5_600_000 + 800_000
        assert ili["success"] == {"closed": 9, "successful": 9, "share": 1.0}
        assert dashboard(store, "654003", *EVER, today=TODAY)["subregions"] == []
        assert dashboard(store, "6542", *EVER, today=TODAY)["people_helped"] == 0

    def test_exact_figures_of_a_small_history(self, stores: StoreMaker) -> None:
        store = stores().store
        p, e, c, q = uuid4(), uuid4(), uuid4(), uuid4()
        x1, x2, x3 = uuid4(), uuid4(), uuid4()
        t0 = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)  # a Monday, 10:00 China time
        due = date(2025, 3, 10)
        r1, r2, r3, r4, r5 = (uuid4() for _ in range(5))
        h, d = timedelta(hours=1), timedelta(days=1)
        mechanism = uuid4()
        events = [
            ev.agency(p, "654003", "procuratorate"),
            ev.agency(e, "654003", "enterprise"),
            ev.agency(c, "654025", "civil-affairs"),
            ev.agency(q, "6540", "procuratorate"),
            ev.mechanism(mechanism, "6540", q, {p: "牵头", e: "捐助", c: "低保"}),
            *ev.case_events(
                uuid4(), p, x1, date(2025, 2, 1), granted_fen=3_000_000, paid_on=date(2025, 2, 20)
            ),
            *ev.case_events(uuid4(), p, x2, date(2025, 3, 20), granted_fen=None),
            *ev.case_events(uuid4(), p, x3, date(2025, 3, 1), granted_fen=None),
            ev.requested(r1, p, e, x1, t0, due),
            ev.status(r1, 2, t0 + 2 * h, "accepted", e),
            ev.status(r1, 3, t0 + 2 * h + 3 * d, "completed", e, given=[("money", 200_000)]),
            ev.requested(r2, p, e, x2, t0, due),
            ev.status(r2, 2, t0 + 4 * h, "accepted", e),
            ev.status(r2, 3, t0 + 4 * h + 5 * d, "completed", e),
            ev.requested(r3, p, c, x3, t0, due),
            ev.status(r3, 2, t0 + 10 * h, "rejected", c),
            ev.requested(r4, p, e, x3, t0 + d, due, re_referral_of=r3),
            ev.requested(r5, q, c, x2, t0, due),
            ev.status(r5, 2, t0 + h, "accepted", c),
        ]
        version = store.add_version(Dashboard.name, Dashboard.code_version, "building")
        view = Dashboard(store, version)
        view.create_tables()
        view.apply_batch(list(ev.numbered(events)), len(events))
        store.activate(Dashboard.name, version)
        year, today = (date(2025, 1, 1), date(2025, 12, 31)), date(2025, 4, 1)
        ili = dashboard(store, "6540", *year, today=today)
        assert ili["people_helped"] == 1  # x1: paid relief, and helped by e: once
        assert ili["cases"] == {"total": 3, "by_stage": {"disbursed": 1, "received": 2}}
        assert ili["referrals"]["total"] == 5
        assert ili["referrals"]["by_status"] == {
            "completed": 2,
            "rejected": 1,
            "requested": 1,
            "accepted": 1,
        }
        assert ili["referrals"]["re_referred"] == 1
        assert ili["referrals"]["by_agency_kind"] == {
            "enterprise": {"total": 3, "successful": 1},
            "civil-affairs": {"total": 2, "successful": 0},
        }
        # answers after 1, 2, 4 and 10 hours; completions after 3.1 and 5.2 days
        assert ili["timing"] == {
            "hours_to_first_answer": {"count": 4, "median": 2.0, "p90": 10.0},
            "days_to_completion": {"count": 2, "median": 3.1, "p90": 5.2},
        }
        assert ili["success"] == {"closed": 3, "successful": 1, "share": 0.3333}
        assert ili["overdue"] == {
            "referrals_unanswered": 1,  # r4, due 10 March
            "referrals_unfinished": 1,  # r5, accepted, 10 working days past due
            "cases_undecided": 1,  # received 1 March; the one of 20 March is still in time
            "total": 3,
        }
        assert ili["amounts"]["judicial"] == {"granted_fen": 3_000_000, "disbursed_fen": 3_000_000}
        assert ili["amounts"]["social"] == {
            "by_kind": {"money": 200_000},
            "by_agency_kind": {"enterprise": 200_000},
        }
        assert ili["amounts"]["aid_fen"] == 3_200_000
        subs = {s["code"]: s for s in ili["subregions"]}
        assert subs["6540"]["referrals"] == 1  # the prefecture's own agency, in its own bucket
        assert {
            k: subs["654003"][k] for k in ("referrals", "cases", "overdue", "people_helped")
        } == {
            "referrals": 4,
            "cases": 3,
            "overdue": 2,
            "people_helped": 1,
        }
        assert {k: subs["654025"][k] for k in ("referrals", "overdue")} == {
            "referrals": 2,
            "overdue": 1,
        }
        kuytun = dashboard(store, "654003", *year, today=today)
        assert kuytun["referrals"]["total"] == 4 and kuytun["subregions"] == []
        assert kuytun["region"]["parent"] == {"code": "6540", "name": "伊犁哈萨克自治州"}
        before = dashboard(store, "6540", date(2025, 1, 1), date(2025, 3, 2), today=today)
        assert before["referrals"]["total"] == 0 and before["cases"]["total"] == 2
        assert before["overdue"]["total"] == 3  # overdue now, whatever the period

        found = mechanism_activity(store, str(mechanism), *year, today=today)
        assert found is not None and found["referrals"] == 4  # r5 is from q, not a member
        members = {m["id"]: m for m in found["members"]}
        assert members[str(e)]["received"] == 3 and members[str(e)]["answered"] == 2
        assert members[str(e)]["hours_to_first_answer"] == {"median": 2.0, "p90": 4.0}
        assert members[str(e)]["overdue"] == 1 and members[str(e)]["successful"] == 1
        assert members[str(p)]["sent"] == 4
        assert members[str(c)]["received"] == 1 and members[str(c)]["successful"] == 0
        assert mechanism_activity(store, str(uuid4()), *year, today=today) is None

    def test_the_monthly_rollups_give_the_figures_of_a_row_scan(
        self, stores: StoreMaker, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # random history and random periods: whole months read from the rollups, partial
        # months from the rows, against the same query reading every day from the rows; 40
        # persons, each helped again and again, in several counties, days out of order
        store = stores().store
        events = list(ev.synthetic_history(600, 60, seed=11, people=40))
        version = store.add_version(Dashboard.name, Dashboard.code_version, "building")
        view = Dashboard(store, version)
        view.create_tables()
        for start in range(0, len(events), 400):  # several transactions
            batch = list(enumerate(events[start : start + 400], start=start + 1))
            view.apply_batch(batch, start + len(batch))
        store.activate(Dashboard.name, version)
        rng = random.Random(5)
        periods = [(date(2025, 1, 1), date(2025, 12, 31))]
        for _ in range(6):
            lo = date(2025, 1, 1) + timedelta(days=rng.randrange(365))
            periods.append((lo, lo + timedelta(days=rng.randrange(20, 200))))
        asked = [(code, p) for p in periods for code in REGIONS]
        rolled = [dashboard(store, code, *p, today=TODAY) for code, p in asked]
        assert any(r["referrals"]["total"] for r in rolled)
        # people helped: what the rows say, each person once in the region and in each
        # sub-region she was helped in
        facts = read_active(store, Dashboard).read(
            "SELECT person_id, region_code, paid_on AS day FROM {paid} UNION ALL "
            "SELECT person_id, recipient_region, completed_on FROM {referrals} "
            "WHERE successful = 1"
        )
        counties: dict[str, set[str]] = {}
        for f in facts:
            counties.setdefault(f["person_id"], set()).add(f["region_code"])
        assert max(len(c) for c in counties.values()) > 3
        for (code, (lo, hi)), board in zip(asked, rolled, strict=True):
            cut = len(code) + 2
            inside = [
                f
                for f in facts
                if f["region_code"].startswith(code)
                and lo.isoformat() <= f["day"] <= hi.isoformat()
            ]
            assert board["people_helped"] == len({f["person_id"] for f in inside})
            by_sub: dict[str, set[str]] = {}
            for f in inside:
                by_sub.setdefault(f["region_code"][:cut], set()).add(f["person_id"])
            assert {s["code"]: s["people_helped"] for s in board["subregions"]} == {
                s["code"]: len(by_sub.get(s["code"], ())) for s in board["subregions"]
            }
            assert set(by_sub) <= {s["code"] for s in board["subregions"]} or len(code) == 6
        monkeypatch.setattr(
            dashboard_query, "_spans", lambda lo, hi: ([(lo.isoformat(), hi.isoformat())], None)
        )
        scanned = [dashboard(store, code, *p, today=TODAY) for p in periods for code in REGIONS]
        assert rolled == scanned
