"""The work queue in a real browser, on the demo: 新源县人民检察院's officer refers 阿某 to
新源县民政局 with the console's form (the consent shown first); the bureau's caseworker, whose
inbox is open, sees it arrive without reloading, accepts it and completes it with a donation;
the officer's case file (the JSON the API answers) shows the aid; a wrong-side answer shows the
Chinese problem text; another county's caseworker gets the not-found page. axe-core runs on
every page; the screenshots go to docs/console/.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Hub, axe, screenshot

PROCURATORATE = "新源县人民检察院"
BUREAU = "新源县民政局"
A_ID_NUMBER = "654025199203150029"  # 阿某, scenario 2


def session_token(hub: Hub, agency: str, title: str) -> str:
    """A session for the official through the API's own sign-in (to read the JSON as them)."""
    o = hub.official(agency, title)
    body = json.dumps(
        {"agency": o.agency, "staff_number": o.staff_number, "password": o.password}
    ).encode()
    request = urllib.request.Request(
        hub.url + "/auth/sign-in", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return str(json.loads(answer.read())["token"])


def a_and_her_case(hub: Hub) -> tuple[str, str, str]:
    """阿某's person id, her case at the procuratorate and the bureau's id; a consent of hers
    to the bureau for temporary aid is recorded (the demo's covers only the donation)."""
    token = hub.token(PROCURATORATE)
    person = hub.api("POST", "/lookups/persons", token, {"id_number": A_ID_NUMBER})["id"]
    cases = hub.api("GET", "/cases", token)["items"]
    case = next(c["id"] for c in cases if c["person_id"] == person)
    bureau = next(a["id"] for a in hub.api("GET", "/agencies", token) if a["name"] == BUREAU)
    consent = {
        "to_agencies": [bureau],
        "services": ["temporary-aid"],
        "evidence": "written",
    }
    hub.api("POST", f"/persons/{person}/consent", token, consent)
    return person, case, bureau


def test_a_referral_from_the_form_to_completion(hub: Hub, sign_in: Any, new_page: Any) -> None:
    person, case, _ = a_and_her_case(hub)

    # The bureau's caseworker has the inbox open, before anything is sent.
    worker = sign_in(BUREAU, "经办人")
    expect(worker.locator("h1")).to_contain_text("收到的转介")
    expect(worker.get_by_role("status").first).to_contain_text("数据更新至日志第")

    # The procuratorate's officer fills the new-referral form.
    officer = sign_in(PROCURATORATE, "承办检察官")
    officer.get_by_role("link", name="发起转介").first.click()
    officer.get_by_label("按身份证号查找当事人").fill(A_ID_NUMBER)
    officer.get_by_role("button", name="查找").click()
    expect(officer.get_by_text("已选定当事人")).to_be_visible()
    # for her case, the officer starts from the case's earlier referral (to the commerce bureau)
    earlier = hub.api("GET", f"/cases/{case}", hub.token(PROCURATORATE))["referrals"][0]["id"]
    officer.goto(f"/console/work/referrals/{earlier}")
    officer.get_by_role("link", name="转介给其他单位").click()
    officer.get_by_label("服务").select_option("temporary-aid")
    officer.get_by_label("地区代码（如 654025）").fill("654025")
    officer.get_by_role("button", name="查找接收单位").click()
    officer.get_by_role("link", name=f"选择 {BUREAU}").click()
    expect(officer.get_by_role("heading", name="覆盖本次转介的同意书")).to_be_visible()
    expect(officer.locator("dl.facts")).to_contain_text("临时救助")
    axe(officer)
    screenshot(officer, "new-referral")
    officer.get_by_label("转介理由").fill("阿某家庭因车祸致困，申请临时救助")
    officer.get_by_role("button", name="发送转介").click()
    expect(officer.locator("h1")).to_contain_text(f"{PROCURATORATE} → {BUREAU}")
    referral_url = officer.url
    referral_id = referral_url.rsplit("/", 1)[1]

    # It reaches the caseworker's open inbox by itself (the page follows the view).
    row = worker.locator("tr", has_text=PROCURATORATE).filter(has_text="临时救助").first
    expect(row).to_be_visible(timeout=20_000)
    expect(row).to_contain_text("待接收")
    axe(worker)
    screenshot(worker, "inbox")
    worker.goto(f"/console/work/referrals/{referral_id}")
    expect(worker.get_by_role("heading", name="受理", exact=True)).to_be_visible()
    axe(worker)
    worker.get_by_role("button", name="受理", exact=True).click()
    expect(worker.get_by_role("status").first).to_contain_text("已受理")

    # A wrong-side answer: the officer's (stale or forged) form says "start".
    officer.goto(referral_url)
    form = officer.locator("form[action$='/cancel']")
    expect(form).to_be_visible()
    form.get_by_label("原因（拒绝、暂停、未办成、撤回时必填）").fill("误操作")
    form.evaluate("f => { f.action = f.action.replace(/cancel$/, 'start') }")
    officer.locator("form[action$='/start']").get_by_role("button").click()
    expect(officer.get_by_role("alert")).to_contain_text("此操作应由转介的另一方执行")
    axe(officer)
    screenshot(officer, "wrong-side")

    # The caseworker completes it with a donation of 2,000 yuan.
    worker.goto(f"/console/work/referrals/{referral_id}")
    done = worker.locator("form[action$='/complete']")
    done.get_by_label("提供的帮扶").select_option("money")
    done.get_by_label("金额（元）").fill("2000")
    done.get_by_label("提供方").fill("新源县爱心企业家联谊会")
    done.get_by_label("说明").fill("爱心企业捐款")
    done.get_by_role("button", name="办结").click()
    expect(worker.locator("dl.facts")).to_contain_text("已办结")
    expect(worker.locator("dl.facts")).to_contain_text("2,000.00 元")
    expect(worker.locator("ol.timeline")).to_contain_text("已办结")
    axe(worker)
    screenshot(worker, "referral")

    # The procuratorate's officer sees the case file change (the API's JSON, as them).
    token = session_token(hub, PROCURATORATE, "承办检察官")
    file = hub.api("GET", f"/cases/{case}", token)
    mine = next(r for r in file["referrals"] if r["id"] == referral_id)
    assert mine["status"] == "completed"
    assert mine["outcome"]["provisions"][0]["amount_fen"] == 200_000
    assert person == file["person_id"]

    # Another county's caseworker: the referral reads as a missing page.
    outsider = sign_in("奎屯市民政局", "经办人")
    answer = outsider.goto(f"/console/work/referrals/{referral_id}")
    assert answer is not None and answer.status == 404
    expect(outsider.locator("h1")).to_have_text("未找到")
    axe(outsider)
    screenshot(outsider, "not-found")


def test_the_sign_in_page_and_its_refusal(hub: Hub, new_page: Any) -> None:
    page = new_page()
    page.goto("/")
    expect(page).to_have_url(f"{hub.url}/console/sign-in")
    axe(page)
    screenshot(page, "sign-in")
    page.get_by_label("单位").fill(BUREAU)
    page.get_by_label("工号").fill("0000")
    page.get_by_label("密码", exact=True).fill("not the password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("单位、工号、密码或验证码不正确")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    axe(page)
