"""The Cases pages in a real browser, on the demo: 奎屯市人民检察院's case officer opens the case
list, then 周某's case file (scenario 3): the procedure's steps done, the amount against its
cap, the approvals; then looks her up by ID number. A civil-affairs caseworker opening that
case's address reads the not-found page. axe-core runs on every page; the screenshots go to
docs/console/.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

#: the browser fixtures (hub demo, chromium, axe-core, screenshots) of tests/browser/conftest.py
browser = pytest.importorskip("tests.browser.conftest", reason="no browser fixtures here")
axe, screenshot = browser.axe, browser.screenshot
audit = pytest.importorskip("tests.browser.test_audit", reason="no browser fixtures here")

KUYTUN = "奎屯市人民检察院"


def test_the_officer_reads_zhous_case_file(hub: Any, sign_in: Any) -> None:
    case_id = audit.zhou_case(hub)
    page = sign_in(KUYTUN, "承办检察官")

    page.get_by_role("link", name="司法救助案件", exact=True).click()
    expect(page.locator("h1")).to_have_text("司法救助案件")
    link = page.get_by_role("link", name=f"查看 {case_id[:8]}")
    expect(link).to_have_count(1)
    axe(page)
    screenshot(page, "cases-list")

    link.click()
    page.wait_for_url(f"**/console/cases/{case_id}")
    steps = page.locator("ol.procedure > li")
    expect(steps).to_have_count(8)
    expect(steps.nth(0)).to_contain_text("受理线索")
    expect(steps.nth(0)).to_contain_text("已完成")
    expect(steps.nth(4)).to_contain_text("决定")
    expect(steps.nth(4)).to_contain_text("已完成")
    expect(page.locator("dl.facts")).to_contain_text("上限")
    expect(page.get_by_role("table", name="审批")).to_be_visible()
    axe(page)
    screenshot(page, "cases-file")

    page.goto("/console/cases")
    page.get_by_role("textbox", name="身份证号").fill(audit.ZHOU_ID_NUMBER)
    page.get_by_role("button", name="查找").click()
    expect(page.locator("h1")).to_have_text("当事人")
    expect(page.get_by_role("link", name=f"案件卷宗 {case_id[:8]}")).to_have_count(1)
    axe(page)


def test_a_non_party_reads_not_found(hub: Any, sign_in: Any) -> None:
    case_id = audit.zhou_case(hub)
    page = sign_in("新源县民政局", "经办人")
    answer = page.goto(f"/console/cases/{case_id}")
    assert answer is not None and answer.status == 404
    expect(page.locator("main")).to_contain_text("没有找到该页面或记录")
    axe(page)
