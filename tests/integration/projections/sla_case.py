"""Deadlines, overdue filters and the SLA watch list, on back-dated referrals; per view store.

November 2026 has no official holidays, so the working days below are Monday to Friday.
The test module that subclasses it provides the fixture ``stores`` (see ``views_case.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain.workdays import WorkCalendar
from hub.app import ReliefHub
from hub.bootstrap import build_hub
from hub.settings import Settings
from projections.deadlines import SlaPolicy
from projections.referrals import ReferralFilters, Referrals, inbox
from projections.sla import watch_list
from projections.store import ViewStore
from tests.integration.projections.harness import follow
from tests.integration.projections.stores import StoreMaker

THU_12 = date(2026, 11, 12)


class SlaWatchListCase:
    @pytest.fixture(scope="class")
    @classmethod
    def network(
        cls, tmp_path_factory: pytest.TempPathFactory, log_kind: str, request: Any
    ) -> Iterator[tuple[ReliefHub, dict[str, Any]]]:
        from tests.conftest import new_log_env

        data: Path = tmp_path_factory.mktemp("sla")
        hub = build_hub(Settings(data_dir=data / "hub"), new_log_env(log_kind, data, request))
        ids: dict[str, Any] = {}
        reg = hub.register_agency
        ids["gov"] = reg("奎屯市人民政府", "other", "county", "654003", ["temporary-aid"], 5)
        ids["p"] = reg(
            "奎屯市人民检察院", "procuratorate", "county", "654003", ["judicial-relief"], 5
        )
        ids["a"] = reg("奎屯市民政局", "civil-affairs", "county", "654003", ["temporary-aid"], 5)
        ids["b"] = reg(
            "奎屯市医疗保障局",
            "medical-insurance",
            "county",
            "654003",
            ["medical-aid"],
            5,
            parent_id=ids["gov"],
        )
        hub.sign_mechanism(
            "奎屯市衔接机制",
            "654003",
            ids["p"],
            date(2022, 1, 1),
            {ids["p"]: "牵头", ids["a"]: "临时救助"},
        )
        person = hub.register_person("654003199001010011", "测试某", registered_by=ids["p"])
        hub.consent_to_all(person, date(2026, 11, 1))

        def refer(to: str, on: date, service: str) -> UUID:
            return hub.refer(
                requester_id=ids["p"],
                recipient_id=ids[to],
                person_id=person,
                reason="测试",
                services=[service],
                on_behalf_of="承办检察官",
                on=on,
                backdate_reason="按纸质登记补录",
            )

        ids["late"] = refer("a", date(2026, 11, 2), "temporary-aid")  # due Mon 9th
        ids["soon"] = refer("b", date(2026, 11, 6), "medical-aid")  # due Fri 13th
        ids["working"] = refer("a", date(2026, 11, 2), "temporary-aid")  # due 9th, then 23rd
        hub.answer_referral(ids["working"], ids["a"], "accept", on_behalf_of="经办人")
        ids["done"] = refer("a", date(2026, 11, 2), "temporary-aid")
        hub.answer_referral(
            ids["done"], ids["a"], "reject", on_behalf_of="经办人", reason="不符合条件"
        )
        yield hub, ids
        hub.close()

    @pytest.fixture(scope="class")
    @classmethod
    def store(cls, stores: StoreMaker, network: tuple[ReliefHub, dict[str, Any]]) -> ViewStore:
        spec = stores()
        follow(network[0], spec.store, [Referrals])
        return spec.store

    def test_watch_list_is_red_then_amber_with_escalation_targets(
        self, store: ViewStore, network: tuple[ReliefHub, dict[str, Any]]
    ) -> None:
        hub, ids = network
        answer = watch_list(store, today=THU_12, log_position=hub.recorder.max_notification_id())
        rows = [
            (i["id"], i["level"], i["days_overdue"], i["working_days_left"], i["deadline"])
            for i in answer["items"]
        ]
        assert rows == [
            (str(ids["late"]), "red", 3, -3, "2026-11-09"),
            (str(ids["soon"]), "amber", 0, 1, "2026-11-13"),
        ]
        late, soon = answer["items"]
        assert late["escalate_to"] == {
            "id": str(ids["p"]),
            "name": "奎屯市人民检察院",
            "as": "mechanism-lead",
        }
        assert soon["escalate_to"] == {
            "id": str(ids["gov"]),
            "name": "奎屯市人民政府",
            "as": "superior",
        }
        assert answer["counts"] == {"amber": 1, "red": 1}
        assert answer["freshness"]["behind"] == 0

    def test_the_completion_deadline_follows_the_answer(
        self, store: ViewStore, network: tuple[ReliefHub, dict[str, Any]]
    ) -> None:
        ids = network[1]
        working = str(ids["working"])
        green = watch_list(store, today=THU_12, include_green=True)["items"]
        assert [
            (i["level"], i["deadline_stage"], i["deadline"]) for i in green if i["id"] == working
        ] == [("green", "completion", "2026-11-23")]
        later = watch_list(store, today=date(2026, 11, 24))["items"]
        assert [(i["id"], i["level"], i["days_overdue"]) for i in later] == [
            (str(ids["late"]), "red", 11),
            (str(ids["soon"]), "red", 7),
            (working, "red", 1),
        ]

    def test_filters_by_region_and_agency(
        self, store: ViewStore, network: tuple[ReliefHub, dict[str, Any]]
    ) -> None:
        ids = network[1]
        assert watch_list(store, today=THU_12, region_code="6542")["items"] == []
        assert len(watch_list(store, today=THU_12, region_code="65")["items"]) == 2
        only_b = watch_list(store, today=THU_12, agency_id=str(ids["b"]))["items"]
        assert [i["id"] for i in only_b] == [str(ids["soon"])]

    def test_inbox_overdue_filter_agrees_with_days_overdue(
        self, store: ViewStore, network: tuple[ReliefHub, dict[str, Any]]
    ) -> None:
        a = str(network[1]["a"])
        for today in (date(2026, 11, 9), THU_12, date(2026, 11, 23), date(2026, 11, 24)):
            everything = inbox(store, a, today)["items"]
            late = inbox(store, a, today, ReferralFilters(overdue=True))["items"]
            in_time = inbox(store, a, today, ReferralFilters(overdue=False))["items"]
            assert {i["id"] for i in late} == {i["id"] for i in everything if i["days_overdue"]}
            assert {i["id"] for i in in_time} == {
                i["id"] for i in everything if not i["days_overdue"]
            }

    def test_local_extra_holidays_move_the_deadline(self, store: ViewStore) -> None:
        policy = SlaPolicy(
            calendar=WorkCalendar.with_local_days([date(2026, 11, 10), date(2026, 11, 11)])
        )
        items = watch_list(store, today=THU_12, policy=policy)["items"]
        assert [(i["level"], i["days_overdue"]) for i in items] == [("red", 1), ("amber", 0)]
