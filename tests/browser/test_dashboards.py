"""The dashboards in a real browser, on the demo: the autonomous region's chief procurator opens
the Xinjiang dashboard (its charts drawn by the vendored ECharts), drills down 自治区 → 伊犁州 →
奎屯市 by the sub-region links, exports the county's tables and opens the SLA board; another
county's official asking for Xinjiang gets the "not allowed" page. axe-core runs on every page;
the screenshots go to docs/console/ (dashboard-demo-*.png).
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import axe, screenshot

LEADER = ("新疆维吾尔自治区人民检察院", "检察长")


def test_a_leader_opens_xinjiang_and_drills_down_to_kuytun(sign_in: Any) -> None:
    page = sign_in(*LEADER)
    page.get_by_role("link", name="数据看板").click()
    page.wait_for_url("**/console/dashboards")
    assert page.locator("h1").inner_text().startswith("新疆维吾尔自治区")
    # the scenarios' relief was paid in 2020–2022 (the seed's dates): widen the period
    page.get_by_label("起始日期").fill("2020-01-01")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url("**from=2020-01-01**")
    page.wait_for_selector("[data-chart] canvas")
    axe(page)
    screenshot(page, "dashboard-demo-xinjiang")
    page.get_by_role("link", name="伊犁哈萨克自治州", exact=True).click()
    assert page.locator("h1").inner_text().startswith("伊犁哈萨克自治州")
    axe(page)
    page.get_by_role("link", name="奎屯市", exact=True).click()
    assert page.locator("h1").inner_text().startswith("奎屯市")
    # 周某's and 王某's relief was disbursed by 奎屯市's procuratorate (drill-down kept the period)
    amounts = page.locator("table").filter(has_text="发放司法救助").first.inner_text()
    assert "发放司法救助\t0.00 元" not in amounts, amounts
    axe(page)
    screenshot(page, "dashboard-demo-kuytun")
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename.startswith("dashboard-654003-")
    page.get_by_role("link", name="超期预警").click()
    assert page.locator("h1").inner_text().startswith("超期预警")
    axe(page)


def test_another_county_may_not_read_xinjiang(sign_in: Any) -> None:
    page = sign_in("新源县民政局", "经办人")
    answer = page.goto("/console/dashboards?region=65")
    assert answer is not None and answer.status == 403
    own = page.goto("/console/dashboards")
    assert own is not None and own.status == 200
    assert page.locator("h1").inner_text().startswith("新源县")
    axe(page)
