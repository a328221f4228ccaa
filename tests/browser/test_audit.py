"""The audit pages in a real browser, on the demo: the auditor opens 周某's case from the list of
cases, moves the slider to 2021-09-01 and replays it: the case stands reviewed (lead, inquiry,
review; nothing granted yet), verified, with the PDF and JSON Lines links for that day; the
access log lists reads. A caseworker gets the "not allowed" page. axe-core runs on every page;
the screenshots go to docs/console/.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

#: the browser fixtures (hub demo, chromium, axe-core, screenshots) of tests/browser/conftest.py
browser = pytest.importorskip("tests.browser.conftest", reason="no browser fixtures here")
axe, screenshot = browser.axe, browser.screenshot

KUYTUN = "奎屯市人民检察院"
ZHOU_ID_NUMBER = "65400319800510001X"  # 周某, scenario 3
LEAD_RECEIVED = date(2021, 8, 10)
AS_OF = date(2021, 9, 1)


def zhou_case(hub: Any) -> str:
    token = hub.token(KUYTUN)
    person = hub.api("POST", "/lookups/persons", token, {"id_number": ZHOU_ID_NUMBER})["id"]
    cases = hub.api("GET", "/cases", token)["items"]
    return str(next(c["id"] for c in cases if c["person_id"] == person))


def test_an_auditor_replays_zhous_case_as_of_a_date(hub: Any, sign_in: Any) -> None:
    case_id = zhou_case(hub)
    auditor = next(o for o in hub.officials if o.title == "审计")
    page = sign_in(auditor.agency, auditor.title)

    page.get_by_role("link", name="审计", exact=True).click()
    expect(page.locator("h1")).to_have_text("审计")
    axe(page)
    screenshot(page, "audit-cases")
    page.get_by_role("link", name=f"回放 {case_id[:8]}").click()
    expect(page.locator("#verification")).to_contain_text("通过")
    expect(page.locator("#events")).to_contain_text("发放救助金")

    page.get_by_role("slider").fill(str((AS_OF - LEAD_RECEIVED).days))
    expect(page.locator("#as-of-day")).to_have_text(AS_OF.isoformat())  # shown as it moves
    page.get_by_role("button", name="回放").click()
    page.wait_for_url(f"**/console/audit/cases/{case_id}?day={(AS_OF - LEAD_RECEIVED).days}")
    expect(page.locator("#as-of-day")).to_have_text(AS_OF.isoformat())
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("已审查")
    expect(facts).to_contain_text("奎屯市人民检察院")
    expect(facts).to_contain_text("0.00 元")
    rows = page.locator("#events tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#events")).to_contain_text("承办检察官")
    expect(page.locator("#events")).not_to_contain_text("发放救助金")
    pdf = page.get_by_role("link", name="审计报告（PDF）")
    assert pdf.get_attribute("href").endswith(
        f"report.pdf?day={(AS_OF - LEAD_RECEIVED).days}&lang=zh"
    )
    axe(page)
    screenshot(page, "audit-replay")

    page.goto("/console/audit/access-log")
    expect(page.locator("h1")).to_have_text("个人信息查阅记录")
    axe(page)


def test_a_caseworker_is_not_allowed(hub: Any, sign_in: Any) -> None:
    page = sign_in("新源县民政局", "经办人")
    expect(page.get_by_role("link", name="审计", exact=True)).to_have_count(0)
    answer = page.goto("/console/audit")
    assert answer is not None and answer.status == 403
    axe(page)
