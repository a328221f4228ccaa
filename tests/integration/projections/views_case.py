"""The hub's views over the seven scenarios, written once and run per view store.

The scenarios run through the HTTP API (the fixtures of ``tests/e2e``); the worker then
follows the log into a fresh store. Each view is checked row by row against what the
scenarios did, and against the hub's own queries from the log. The test module that
subclasses it provides the fixture ``stores``, a maker of throw-away stores of one kind.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from hub.bootstrap import Services
from hub.demo import network as n
from hub.demo.driver import Driver
from projections import worker
from projections.case_files import case_file, case_parties
from projections.fall_through import may_fall_through
from projections.person_aid import person_aid
from projections.rebuild import read_active, rebuild
from projections.referrals import ReferralFilters, inbox, outbox
from projections.region_stats import region_stats
from projections.store import ViewStore
from tests.integration.projections.harness import follow, snapshot
from tests.integration.projections.stores import StoreMaker
from tests.support.ids import numbered

VIEWS = list(worker.VIEWS.values())
TODAY = date(2026, 11, 29)


def all_pages(page: Any, store: ViewStore, agency_id: str, **filters: Any) -> list[dict[str, Any]]:
    items, cursor = [], None
    while True:
        answer = page(store, agency_id, TODAY, ReferralFilters(limit=2, cursor=cursor, **filters))
        items += answer["items"]
        cursor = answer["next_cursor"]
        if cursor is None:
            return items


class ScenarioViewsCase:
    @pytest.fixture(scope="class")
    @classmethod
    def store(cls, stores: StoreMaker, services: Services, scenarios: dict[str, Any]) -> ViewStore:
        spec = stores()
        follow(services.hub, spec.store, VIEWS)
        return spec.store

    def test_every_inbox_and_outbox_matches_the_log(
        self, store: ViewStore, services: Services, driver: Driver
    ) -> None:
        hub = services.hub
        for agency_id in driver.agencies.values():
            truth = [hub.get_referral(i) for i in hub.referral_ids(agency_id=agency_id)]
            for page, side in ((inbox, "recipient_id"), (outbox, "requester_id")):
                expected = {r["id"]: r for r in truth if r[side] == agency_id}
                got = all_pages(page, store, agency_id)
                assert len(got) == len(expected)
                for item in got:
                    r = expected[item["id"]]
                    assert (item["status"], item["due_on"], item["direction"]) == (
                        r["status"],
                        r["due_on"],
                        r["direction"],
                    )
                    assert item["outcome"] == r["outcome"]
                    assert item["case_id"] == r["case_id"]
                assert [i["due_on"] for i in got] == sorted(i["due_on"] for i in got)

    def test_kuytun_rows(self, store: ViewStore, driver: Driver, scenarios: dict[str, Any]) -> None:
        p, ca = driver.id(n.KUYTUN_PROCURATORATE), driver.id(n.KUYTUN_CIVIL_AFFAIRS)
        s7 = scenarios["scenario_7_outbound"]
        sent = all_pages(outbox, store, p)
        assert len(sent) == 6  # Zhou 1, Wang 4, the outbound referral
        assert {i["direction"] for i in sent} == {"outbound"}
        assert [i["status"] for i in sent] == ["completed"] * 6
        assert all_pages(outbox, store, p, status=["rejected"]) == []
        assert all_pages(inbox, store, ca) == []  # direct to medical insurance, as in the seed
        [medical] = all_pages(inbox, store, driver.id(n.KUYTUN_MEDICAL_INSURANCE))
        assert medical["id"] == s7["referral_id"] and medical["re_referral_of"] is None
        assert medical["requester"] == {
            "id": p,
            "name": n.KUYTUN_PROCURATORATE,
            "kind": "procuratorate",
        }
        assert medical["outcome"]["provisions"][0]["amount_fen"] == 800_000
        assert medical["first_answer_at"] <= medical["closed_at"]
        [lead] = all_pages(inbox, store, p)
        assert lead["id"] == scenarios["scenario_6_inbound_lead"]["referral_id"]
        assert (lead["direction"], lead["status"]) == ("inbound", "completed")
        assert all_pages(outbox, store, ca, direction="inbound") == [lead]
        assert all_pages(inbox, store, p, direction="outbound") == []
        wang = scenarios["scenario_4_wang"]
        assert len(all_pages(outbox, store, p, case_id=wang["case_id"])) == 4
        assert all_pages(outbox, store, p, overdue=True) == []

    def test_every_case_file_matches_the_log(self, store: ViewStore, services: Services) -> None:
        hub = services.hub
        for case_id in hub.case_ids():
            truth = hub.get_case(case_id)
            got = case_file(store, str(case_id), log_position=hub.recorder.max_notification_id())
            assert got is not None
            assert (
                got["stage"],
                got["aid"]["judicial"]["granted_fen"],
                got["aid"]["judicial"]["disbursed_fen"],
            ) == (truth["stage"], truth["granted_fen"], truth["disbursed_fen"])
            assert got["follow_ups"] == truth["follow_ups"]
            got_statuses = {r["id"]: r["status"] for r in got["referrals"]}
            assert (
                got_statuses.items() >= {r["id"]: r["status"] for r in truth["referrals"]}.items()
            )
            assert got["freshness"]["behind"] == 0

    def test_case_file_rows(
        self, store: ViewStore, scenarios: dict[str, Any], driver: Driver
    ) -> None:
        zhou = case_file(store, scenarios["scenario_3_zhou"]["case_id"])
        assert zhou is not None
        assert [s["step"] for s in zhou["steps"]] == [
            "lead",
            "inquiry",
            "review",
            "hearing",
            "submission",
            "grant",
            "disbursement",
        ]
        assert zhou["procuratorate"]["name"] == n.KUYTUN_PROCURATORATE
        assert zhou["aid"]["judicial"]["disbursements"][0]["amount_fen"] == 6_000_000
        assert "仪式" in zhou["aid"]["judicial"]["disbursements"][0]["ceremony"]
        assert len(zhou["steps"][3]["details"]["officers"]) == 3
        lead = scenarios["scenario_6_inbound_lead"]
        from_lead = case_file(store, lead["case_id"])
        assert from_lead is not None and from_lead["referral_id"] == lead["referral_id"]
        assert [r["id"] for r in from_lead["referrals"]] == [lead["referral_id"]]
        assert case_parties(store, lead["case_id"]) == {
            driver.id(n.KUYTUN_PROCURATORATE),
            driver.id(n.KUYTUN_CIVIL_AFFAIRS),
        }
        refused = case_file(store, scenarios["scenario_7_outbound"]["case_id"])
        assert refused is not None
        assert (refused["stage"], refused["eligible"], refused["refusal_ground"]) == (
            "closed",
            False,
            "hardship-not-caused-by-case",
        )
        assert [r["status"] for r in refused["referrals"]] == ["completed"]
        # 周某's donation referral is in his case file
        assert [r["id"] for r in zhou["referrals"]] == [scenarios["scenario_3_zhou"]["referral_id"]]
        assert refused["aid"]["social_amount_fen"] == 800_000
        ye = case_file(store, scenarios["scenario_5_ye"]["case_id"])
        assert ye is not None and ye["follow_ups"] == 1
        assert ye["aid"]["social"][0]["provider"] == n.MORI_BUILDER
        assert case_file(store, "00000000-0000-0000-0000-000000000000") is None

    def test_every_person_aid_matches_the_log(
        self, store: ViewStore, services: Services, scenarios: dict[str, Any]
    ) -> None:
        hub = services.hub
        persons = {hub.get_case(c)["person_id"] for c in hub.case_ids()}
        for person_id in persons:
            truth = hub.person_aid(person_id)["totals"]
            got = person_aid(store, person_id)["totals"]
            assert {k: got[k] for k in truth} == truth

    def test_person_aid_rows(self, store: ViewStore, scenarios: dict[str, Any]) -> None:
        zhou = person_aid(store, scenarios["scenario_3_zhou"]["person_id"])["totals"]
        assert zhou["all_amount_fen"] == 9_100_000  # over 90,000 yuan (document: 9万余元)
        assert zhou["by_provider_fen"] == {
            n.KUYTUN_CITY_INVESTMENT: 3_100_000,
            n.KUYTUN_PROCURATORATE: 6_000_000,
        }
        wang = person_aid(store, scenarios["scenario_4_wang"]["person_id"])
        assert wang["totals"]["by_kind_fen"] == {
            "judicial-relief": 2_000_000,
            "money": 500_000,
            "loan": 800_000,
            "counselling": 0,
            "job": 0,
        }
        assert sorted(p["kind"] for p in wang["social"]) == ["counselling", "job", "loan", "money"]
        # her son's student loan is listed apart, not added to her aid
        assert wang["totals"]["aid_fen"] == wang["totals"]["all_amount_fen"] == 2_500_000
        assert wang["totals"]["loans_fen"] == 800_000
        assert person_aid(store, "nobody")["totals"]["all_amount_fen"] == 0

    def test_region_statistics(self, store: ViewStore) -> None:
        ever = (date(2020, 1, 1), date(2030, 12, 31))
        ili = region_stats(store, "6540", *ever)
        assert ili["cases"] == {"total": 6, "by_stage": {"closed": 3, "disbursed": 3}}
        assert ili["referrals"]["total"] == 9
        assert ili["referrals"]["by_direction"] == {
            "outbound": {"completed": 8},
            "inbound": {"completed": 1},
        }
        assert ili["referrals"]["acceptance_rate"] == 1.0
        assert ili["referrals"]["completion_rate"] == 1.0
        assert ili["referrals"]["median_hours_to_first_answer"] is not None
        adds_up = ili["amounts"].pop("adds_up")
        assert ili["amounts"] == {
            "granted_fen": 15_500_000,
            "disbursed_fen": 15_500_000,
            "donated_fen": 5_600_000,
            # donations and 赵某's medical aid; 王某's 8,000 yuan student loan is not aid
            "social_aid_fen": 6_400_000,
            "social_amount_fen": 6_400_000,
            "loans_fen": 800_000,
            "in_kind_fen": 0,
        }
        assert set(adds_up) == {
            "donated_fen",
            "social_aid_fen",
            "social_amount_fen",
            "loans_fen",
            "in_kind_fen",
        }
        assert "not aid" in adds_up["loans_fen"]
        assert ili["by_subregion"] == {
            "654003": {
                "cases": 4,
                "referrals": 7,
                "granted_fen": 9_500_000,
                "disbursed_fen": 9_500_000,
            },
            "654025": {
                "cases": 2,
                "referrals": 2,
                "granted_fen": 6_000_000,
                "disbursed_fen": 6_000_000,
            },
        }
        xinjiang = region_stats(store, "65", *ever)
        assert xinjiang["cases"]["total"] == 7
        assert xinjiang["amounts"]["donated_fen"] == 7_100_000
        # The builder is registered at the autonomous region level: its own bucket.
        assert set(xinjiang["by_subregion"]) == {"65", "6523", "6540"}
        in_2021 = region_stats(store, "6540", date(2021, 1, 1), date(2021, 12, 31))
        # 2021 as the seed dates it: 周某, 王某, the inbound lead and the outbound applicant
        assert in_2021["cases"] == {"total": 4, "by_stage": {"disbursed": 3, "closed": 1}}
        assert in_2021["amounts"]["granted_fen"] == 6_000_000 + 2_000_000 + 1_500_000
        assert in_2021["amounts"]["disbursed_fen"] == 9_500_000
        # (referrals are counted by when they were recorded until they carry business dates)
        in_2022 = region_stats(store, "6540", date(2022, 1, 1), date(2022, 12, 31))
        assert in_2022["cases"]["total"] == 2  # 阿某 and 艾某
        assert region_stats(store, "6542", *ever)["cases"]["total"] == 0

    def test_a_rebuild_equals_the_views_the_worker_followed(
        self, store: ViewStore, services: Services
    ) -> None:
        for view_class in VIEWS:
            followed = read_active(store, view_class)
            version = rebuild(services.hub, store, view_class, switch=False)
            assert snapshot(view_class(store, version)) == snapshot(followed)
            assert read_active(store, view_class).version == followed.version

    def test_after_the_scenarios_nobody_may_fall_through(self, store: ViewStore) -> None:
        """叶某's education need found at follow-up was answered by the builder's referral;
        the outbound applicant's refusal by medical insurance after the rejected referral."""
        answer = may_fall_through(store)
        assert (answer["items"], answer["counts"]["people"]) == ([], 0)
        assert answer["freshness"]["view"] == "fall_through"

    def test_who_may_fall_through_and_how_they_stop(
        self, store: ViewStore, services: Services, driver: Driver
    ) -> None:
        """Last in the class: it adds to the log. A refusal for hardship not caused by the
        case, a failed referral, a re-referral, a need found at follow-up and its answer."""
        hub = services.hub
        p, ca = UUID(driver.id(n.KUYTUN_PROCURATORATE)), UUID(driver.id(n.KUYTUN_CIVIL_AFFAIRS))
        mi = UUID(driver.id(n.KUYTUN_MEDICAL_INSURANCE))
        person = hub.register_person(numbered(7, "654003"), "脱节测试", registered_by=p)
        hub.consent_to_all(person, date(2026, 1, 5))
        case = hub.receive_lead(p, person, "applicant", "申请司法救助")
        hub.record_inquiry(case, p, "询问", on_behalf_of="承办检察官")
        hub.review_case(
            case_id=case,
            by_agency=p,
            situation=None,
            refusal_ground="hardship-not-caused-by-case",
            notes="因病致困",
        )
        hub.refuse_relief(case, p, "hardship-not-caused-by-case", "不符合司法救助条件")

        def listed() -> dict[str, Any]:
            follow(hub, store, VIEWS)
            return {i["person_id"]: i for i in may_fall_through(store)["items"]}

        mine = listed()[str(person)]
        assert [(x["source"], x["agency_id"]) for x in mine["needs"]] == [("refused", str(p))]
        assert may_fall_through(store, region_code="6540")["counts"]["by_agency"] == {str(p): 1}
        assert may_fall_through(store, region_code="6523")["items"] == []
        # referred on: live, so not listed; failed, listed again under the requester
        first = hub.refer(
            requester_id=p,
            recipient_id=ca,
            person_id=person,
            reason="临时救助",
            services=["temporary-aid"],
            on_behalf_of="承办检察官",
            case_id=case,
        )
        assert str(person) not in listed()
        hub.answer_referral(first, ca, "accept", on_behalf_of="经办人")
        hub.answer_referral(first, ca, "fail", on_behalf_of="经办人", reason="无法联系")
        sources = sorted(x["source"] for x in listed()[str(person)]["needs"])
        assert sources == ["referral-ended", "refused"]
        # re-referred to medical insurance, which helps: nothing open any more
        second = hub.re_refer(
            referral_id=first,
            by_agency=p,
            new_recipient_id=mi,
            reason="医疗救助",
            on_behalf_of="承办检察官",
            services=["medical-aid"],
        )
        assert str(person) not in listed()
        hub.answer_referral(second, mi, "accept", on_behalf_of="经办人")
        aid = {"kind": "allowance", "amount_fen": 100_000, "provider": "医保", "description": ""}
        outcome = {"successful": True, "provisions": [aid]}
        hub.answer_referral(second, mi, "complete", on_behalf_of="经办人", outcome=outcome)
        assert str(person) not in listed()
        hub.close_case(case, p, "已移送医疗保障局")
        # one relief, long-term care: a visit after closure finds a need, open till answered
        hub.record_follow_up(
            case_id=case,
            by_agency=p,
            on_behalf_of="承办检察官",
            notes="孩子上学",
            new_needs=["education-aid"],
        )
        assert [x["need"] for x in listed()[str(person)]["needs"]] == ["education-aid"]
        third = hub.refer(
            requester_id=p,
            recipient_id=ca,
            person_id=person,
            reason="教育救助",
            services=["temporary-aid"],
            on_behalf_of="承办检察官",
            case_id=case,
            answers=(1, "education-aid"),
        )
        hub.answer_referral(third, ca, "accept", on_behalf_of="经办人")
        hub.answer_referral(third, ca, "complete", on_behalf_of="经办人", outcome=outcome)
        assert str(person) not in listed()
