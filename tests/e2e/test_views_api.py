"""The projections' views through the API, after the seven scenarios, with agencies' tokens."""

from __future__ import annotations

from typing import Any

import pytest

from hub.bootstrap import Services
from hub.demo import network as n
from hub.demo.driver import Driver, ScenarioError
from projections import worker


def get(driver: Driver, who: str, path: str) -> Any:
    return driver.get(who, path)


def test_views_answer_503_until_built_then_follow_the_log(
    services: Services, driver: Driver, scenarios: dict[str, Any], auditor: str
) -> None:
    p = n.KUYTUN_PROCURATORATE
    with pytest.raises(ScenarioError, match="503"):
        get(driver, p, f"/agencies/{driver.id(p)}/outbox")
    for name in worker.VIEWS:
        worker.rebuild(services.hub, services.views, name)
    outbox = get(driver, p, f"/agencies/{driver.id(p)}/outbox?limit=200")
    assert outbox["freshness"]["behind"] == 0
    ids = {r["id"] for r in outbox["items"]}
    zhou, wang = scenarios["scenario_3_zhou"], scenarios["scenario_4_wang"]
    assert {zhou["referral_id"], *wang["referrals"].values()} <= ids
    assert all(r["requester"]["id"] == driver.id(p) for r in outbox["items"])


def test_inbox_is_the_agencys_own(driver: Driver, scenarios: dict[str, Any]) -> None:
    mi = n.KUYTUN_MEDICAL_INSURANCE
    inbox = get(driver, mi, f"/agencies/{driver.id(mi)}/inbox")
    assert [r["id"] for r in inbox["items"]] == [scenarios["scenario_7_outbound"]["referral_id"]]
    assert inbox["items"][0]["status"] == "completed"
    with pytest.raises(ScenarioError, match="404"):
        get(driver, mi, f"/agencies/{driver.id(n.KUYTUN_CIVIL_AFFAIRS)}/inbox")
    filtered = get(driver, mi, f"/agencies/{driver.id(mi)}/inbox?status=requested")
    assert filtered["items"] == []


def test_case_file_and_combined_aid_views(driver: Driver, scenarios: dict[str, Any]) -> None:
    p = n.KUYTUN_PROCURATORATE
    zhou = scenarios["scenario_3_zhou"]
    case = get(driver, p, f"/views/cases/{zhou['case_id']}")
    assert case["freshness"]["behind"] == 0
    aid = get(driver, p, f"/views/persons/{zhou['person_id']}/aid")
    assert aid["totals"]["judicial_disbursed_fen"] == 6_000_000
    assert aid["totals"]["social_by_provider_fen"] == {n.KUYTUN_CITY_INVESTMENT: 3_100_000}
    with pytest.raises(ScenarioError, match="404"):
        get(driver, n.MORI_BUILDER, f"/views/cases/{zhou['case_id']}")


def test_statistics_by_role_and_region(driver: Driver, auditor: str) -> None:
    period = "from=2000-01-01&to=2100-01-01"
    ili = get(driver, n.ILI_PROCURATORATE, f"/statistics/regions/6540?{period}")
    assert ili["freshness"]["behind"] == 0
    assert get(driver, auditor, f"/statistics/regions/65?{period}")
    with pytest.raises(ScenarioError, match="403"):
        get(driver, n.KUYTUN_PROCURATORATE, f"/statistics/regions/6540?{period}")
    with pytest.raises(ScenarioError, match="422"):
        get(driver, auditor, "/statistics/regions/6540?from=2022-01-02&to=2022-01-01")


def test_sla_watch_list(driver: Driver, auditor: str) -> None:
    watch = get(driver, auditor, "/sla/watch-list?include_green=true")
    assert set(watch["counts"]) >= {"amber", "red"}
    assert watch["freshness"]["behind"] == 0
    own = get(driver, n.KUYTUN_PROCURATORATE, "/sla/watch-list")
    assert "items" in own
    with pytest.raises(ScenarioError, match="403"):
        get(driver, n.KUYTUN_PROCURATORATE, "/sla/watch-list?region_code=6540")
