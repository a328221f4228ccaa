"""``hub demo --synthetic N``: after the scenarios, a seeded synthetic history across
Xinjiang that every dashboard, inbox and watch list shows, through the Application's commands,
as named officials, with obviously synthetic people whose ID numbers are valid."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.acting import acted_by
from domain.referral import Referral
from domain.values import check_id_number
from hub.bootstrap import Services, build
from hub.demo import scenarios
from hub.demo.synthetic import load_synthetic
from hub.settings import Settings
from hub.wage_tables import read_wage_file
from projections import worker
from projections.dashboard_query import dashboard
from projections.sla import watch_list

PEOPLE = 300


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """A hub with two of the scenarios' agencies and the wages, then the synthetic history
    (``hub demo --synthetic`` runs it after the scenarios: tests/integration/operations/
    test_serve.py)."""
    services = build(Settings(data_dir=tmp_path_factory.mktemp("demo")))
    hub = services.hub
    hub.load_wages(read_wage_file(scenarios.WAGE_TABLE), "演示")
    p = hub.register_agency(
        "新源县人民检察院", "procuratorate", "county", "654025", ["judicial-relief"], 5
    )
    hub.register_agency("新源县民政局", "civil-affairs", "county", "654025", ["temporary-aid"], 5)
    made = load_synthetic(hub, PEOPLE)
    assert made["people"] == PEOPLE and made["referrals"] == PEOPLE
    for name in worker.VIEWS:
        worker.rebuild(hub, services.views, name)
    services.p = p  # type: ignore[attr-defined]
    yield services
    services.close()


def shape(data_dir: Path, people: int) -> Counter[tuple[str, str]]:
    """What a synthetic history holds, ids aside: (recipient's region, status) of each referral."""
    services = build(Settings(data_dir=data_dir))
    try:
        hub = services.hub
        hub.load_wages(read_wage_file(scenarios.WAGE_TABLE), "演示")
        load_synthetic(hub, people)
        regions = {a["id"]: a["region_code"] for a in hub.list_agencies()}
        return Counter(
            (regions[str(e.recipient_id)], hub.get_referral(e.originator_id)["status"])
            for e in hub.scan(Referral.Requested)
        )
    finally:
        services.close()


def test_every_dashboard_figure_has_something_to_show(demo: Services) -> None:
    hub = demo.hub
    today = hub.today()
    year = (today.replace(year=today.year - 1), today)
    board = dashboard(demo.views, "65", *year, today=today)
    assert board["people_helped"] > PEOPLE // 4
    assert set(board["referrals"]["by_status"]) >= {
        "requested",
        "received",
        "accepted",
        "in-progress",
        "completed",
        "failed",
        "rejected",
    }
    assert board["referrals"]["re_referred"] > 0
    assert set(board["cases"]["by_stage"]) >= {"received", "granted", "disbursed", "refused"}
    assert set(board["amounts"]["social"]["by_kind"]) == {"money", "allowance", "loan", "in-kind"}
    assert board["amounts"]["judicial"]["disbursed_fen"] > 0
    assert board["overdue"]["referrals_unanswered"] > 0 and board["overdue"]["cases_undecided"] > 0
    assert 0 < board["success"]["share"] < 1
    assert len(board["subregions"]) >= 10  # most prefectures
    ili = dashboard(demo.views, "6540", *year, today=today)
    assert "奎屯市" in {s["name"] for s in ili["subregions"]}
    kuytun = dashboard(demo.views, "654003", *year, today=today)
    assert kuytun["referrals"]["total"] > 0
    sla = watch_list(demo.views, today=today, policy=demo.sla_policy())
    assert sla["counts"]["red"] > 0


def test_answers_and_completions_take_plausible_varied_times(demo: Services) -> None:
    """Answers are stamped hours after the request and completions days after it, as a hub
    running through the year would have stamped them: the dashboard's times are not 0.0."""
    hub = demo.hub
    today = hub.today()
    year = (today.replace(year=today.year - 1), today)
    timing = dashboard(demo.views, "65", *year, today=today)["timing"]
    answer, completion = timing["hours_to_first_answer"], timing["days_to_completion"]
    assert answer["count"] > PEOPLE // 2 and completion["count"] > PEOPLE // 5
    assert 2 <= answer["median"] <= 72 and answer["median"] < answer["p90"] <= 240
    assert 3 <= completion["median"] <= 45 and completion["median"] < completion["p90"] <= 90
    # Each referral's events stay in order, none after now; completions spread over the year.
    completed_on = set()
    for event in hub.scan(Referral.Requested):
        stamps = [e.timestamp for e in hub.events.get(event.originator_id)]
        assert stamps == sorted(stamps) and stamps[-1] <= datetime.now(UTC)
        referral = hub.get_referral(event.originator_id)
        if referral["status"] == "completed":
            completed_on.add(stamps[-1].date())
    assert len(completed_on) > 30


def test_the_demo_agencies_get_synthetic_work_too(demo: Services) -> None:
    """The synthetic counties reuse the scenarios' agencies (新源县民政局 …) where they exist."""
    hub = demo.hub
    names = Counter(a["name"] for a in hub.list_agencies())
    assert names["新源县人民检察院"] == names["新源县民政局"] == 1
    xinyuan = [a for a in hub.list_agencies() if a["region_code"] == "654025"]
    assert len(xinyuan) == 6  # the two, and the synthetic partners of the other kinds
    sent = hub.referral_ids(agency_id=demo.p)  # type: ignore[attr-defined]
    assert sent  # synthetic referrals from the scenarios' procuratorate


def test_synthetic_people_are_obviously_synthetic_and_valid(demo: Services) -> None:
    hub = demo.hub
    seen = 0
    for event in hub.scan(Referral.Requested):
        person = hub.get_person(event.originator_id and event.person_id)
        if not str(person["name"]).startswith("演示人员"):
            continue  # a scenario's person
        assert re.fullmatch(r"演示人员\d{5}", person["name"])
        check_id_number(person["id_number"])
        actor = acted_by(event)
        assert actor is not None and actor["kind"] == "user" and actor["name"].startswith("演示")
        seen += 1
    assert seen >= PEOPLE


def test_the_same_seed_makes_the_same_history(tmp_path: Path) -> None:
    first = shape(tmp_path / "a", 60)
    assert first == shape(tmp_path / "b", 60)
    assert sum(first.values()) > 60  # re-referrals add to the one referral each
