"""The work queue's pages without a browser: answering through the forms runs the API's
commands once per form, the domain's refusals are shown in Chinese (English on request), the
inbox filters and follows the referrals view, and auditors read without forms."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hub.console.pages.work import yuan_to_fen
from hub.console.render import china_time, yuan
from tests.integration.api.conftest import Api
from tests.integration.api.test_poisoned_log import run_views
from tests.support.ids import id_number


def answer(b: Any, referral: str, action: str, **form: Any) -> Any:
    page = b.get(f"/console/work/referrals/{referral}")
    assert page.status_code == 200, page.text
    return b.post(f"/console/work/referrals/{referral}/{action}", {"key": b.key(), **form})


def test_accept_and_complete_with_a_donation_through_the_forms(browser: Any, api: Api) -> None:
    referral = api.referral("p", "ca")
    b = browser("ca")
    accepted = answer(b, referral, "accept")
    assert accepted.status_code == 303
    assert accepted.headers["location"].endswith(f"/referrals/{referral}?done=accept")
    done = answer(
        b,
        referral,
        "complete",
        provision_kind="money",
        amount="1,500.50",
        provider="测试县爱心企业有限公司",
        description="爱心捐款",
    )
    assert done.status_code == 303
    read = api.get("p", f"/referrals/{referral}").json()
    assert read["status"] == "completed"
    assert read["outcome"]["successful"] is True
    assert read["outcome"]["provisions"] == [
        {
            "kind": "money",
            "amount_fen": 150_050,
            "provider": "测试县爱心企业有限公司",
            "description": "爱心捐款",
        }
    ]
    page = b.get(f"/console/work/referrals/{referral}")
    assert "已办结" in page.text and "1,500.50 元" in page.text
    assert re.search(r"<dt>发起人</dt><dd>[^<]+</dd>", page.text), page.text  # from its history
    history = api.get("p", f"/referrals/{referral}/history").json()
    assert history[-1]["by"]["user_id"] is not None  # the official who signed in, not a token


def test_a_form_sent_twice_answers_once(browser: Any, api: Api) -> None:
    referral = api.referral("p", "ca")
    b = browser("ca")
    b.get(f"/console/work/referrals/{referral}")
    key = b.key()
    first = b.post(f"/console/work/referrals/{referral}/receive", {"key": key})
    position = api.log_position()
    again = b.post(f"/console/work/referrals/{referral}/receive", {"key": key})
    assert first.status_code == again.status_code == 303
    assert api.log_position() == position
    statuses = [
        e["details"].get("status") for e in api.get("p", f"/referrals/{referral}/history").json()
    ]
    assert statuses.count("received") == 1


def test_the_wrong_sides_answer_is_refused_in_chinese_and_in_english(
    browser: Any, api: Api
) -> None:
    referral = api.referral("p", "ca")
    officer = browser("p", "case_officer")
    before = api.log_position()
    refused = answer(officer, referral, "accept")
    assert refused.status_code == 403  # the API answers the same
    assert "此操作应由转介的另一方执行" in refused.text
    officer.get("/console/work?lang=en")
    english = answer(officer, referral, "accept")
    assert "This step is the other side" in english.text
    assert api.log_position() == before
    assert api.get("p", f"/referrals/{referral}").json()["status"] == "requested"


def test_a_reason_is_asked_for_in_chinese(browser: Any, api: Api) -> None:
    referral = api.referral("p", "ca")
    b = browser("ca")
    refused = answer(b, referral, "reject", reason="  ")
    assert refused.status_code == 422 and "必须填写原因" in refused.text


def test_an_amount_that_is_not_yuan_is_refused_before_anything(browser: Any, api: Api) -> None:
    referral = api.referral("p", "ca")
    b = browser("ca")
    assert answer(b, referral, "accept").status_code == 303
    before = api.log_position()
    refused = answer(b, referral, "complete", provision_kind="money", amount="12.345")
    assert refused.status_code == 422 and "金额须为不超过两位小数的数字" in refused.text
    assert api.log_position() == before


def test_the_page_offers_only_its_sides_actions_and_auditors_none(browser: Any, api: Api) -> None:
    referral = api.referral("p", "ca")
    recipient = browser("ca").get(f"/console/work/referrals/{referral}").text
    for action in ("receive", "accept", "reject"):
        assert f'/{referral}/{action}"' in recipient
    assert f'/{referral}/cancel"' not in recipient
    requester = browser("p", "case_officer").get(f"/console/work/referrals/{referral}").text
    assert f'/{referral}/cancel"' in requester and f'/{referral}/accept"' not in requester
    auditor = browser("p", "auditor").get(f"/console/work/referrals/{referral}").text
    assert 'method="post" action="/console/work/referrals' not in auditor
    assert "只读" in auditor


def test_the_inbox_filters_by_service_and_deadline_and_says_how_fresh_it_is(
    browser: Any, api: Api
) -> None:
    b = browser("ca")
    officer = browser("p", "case_officer")
    allowance = api.referral("p", "ca", services=["minimum-living-allowance"])
    temporary = api.referral("p", "ca", services=["temporary-aid"])
    run_views(api, seconds=30)
    every = b.get("/console/work").text
    assert allowance in every and temporary in every
    assert "数据更新至日志第" in every and "已是最新" in every, every[every.find('id="rows"') :][
        :600
    ]
    only = b.get("/console/work?service=temporary-aid").text
    assert temporary in only and allowance not in only
    overdue = b.get("/console/work?when=overdue").text
    assert temporary not in overdue  # just requested: not overdue
    counted = re.search(r"新到 <strong>(\d+)</strong>", every)
    assert counted and int(counted.group(1)) >= 2  # both are new (requested)
    assert "已超期 <strong>0</strong>" in every
    fragment = b.get("/console/work?fragment=true")
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert temporary in fragment.text
    outbox = officer.get("/console/work?box=outbox").text
    assert temporary in outbox


def test_the_new_referral_shows_the_consent_and_sends_once(browser: Any, api: Api) -> None:
    person = api.person("p")
    b = browser("p", "case_officer")
    page = b.get(f"/console/work/new?person={person}&service=medical-aid&region=659001")
    assert "测试县医疗保障局" in page.text and "另一县" not in page.text
    chosen = b.get(
        f"/console/work/new?person={person}&service=medical-aid&recipient={api.ids['mi']}"
    )
    assert "覆盖本次转介的同意书" in chosen.text and "书面同意" in chosen.text
    form = {
        "key": b.key(),
        "person": person,
        "recipient": api.ids["mi"],
        "service": "medical-aid",
        "reason": "需要医疗救助",
    }
    sent = b.post("/console/work/new", form)
    assert sent.status_code == 303
    referral = sent.headers["location"].rsplit("/", 1)[1]
    position = api.log_position()
    assert b.post("/console/work/new", form).headers["location"].endswith(referral)
    assert api.log_position() == position
    assert api.get("mi", f"/referrals/{referral}").json()["services"] == ["medical-aid"]
    requested = api.get("mi", f"/referrals/{referral}/history").json()[0]
    assert requested["by"]["name"] == "测试县人民检察院case_officer"  # who signed in


def test_without_a_covering_consent_the_form_asks_for_the_legal_basis(
    browser: Any, api: Api
) -> None:
    registered = api.ok("p", "/persons", {"id_number": id_number(), "name": "无同意"})
    person = str(registered["id"])
    b = browser("p", "case_officer")
    page = b.get(f"/console/work/new?person={person}&service=medical-aid&recipient={api.ids['mi']}")
    assert "没有覆盖该接收单位和服务的有效同意书" in page.text and 'name="legal_basis"' in page.text
    refused = b.post(
        "/console/work/new",
        {
            "key": b.key(),
            "person": person,
            "recipient": api.ids["mi"],
            "service": "medical-aid",
            "reason": "需要",
        },
    )
    assert refused.status_code == 422 and "没有覆盖该接收单位和服务的有效同意书" in refused.text


@pytest.mark.parametrize(
    ("text", "fen"), [("1500", 150_000), ("1,500.5", 150_050), ("0.05", 5), ("", None)]
)
def test_yuan_as_typed_becomes_fen(text: str, fen: int | None) -> None:
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("text", ["1.234", "-5", "abc", "1e3"])
def test_what_is_not_yuan_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        yuan_to_fen(text)


def test_the_filters_show_yuan_and_china_time() -> None:
    assert yuan(123_456_789) == "1,234,567.89 元" and yuan(5) == "0.05 元"
    assert china_time("2026-12-02T16:30:00+00:00") == "2026-12-03 00:30"


MESSAGE_KEY = re.compile(
    r"\b(?:app|nav|work|new|status|service|provision|kind|action|event|direction|evidence|"
    r"sla|fresh|error|sign_in|lang)\.[a-z_]+\b"
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_work_page_has_its_words_in_both_languages(browser: Any, api: Api, lang: str) -> None:
    """A message missing from the catalogue would show its key: none does."""
    referral = api.referral("p", "ca")
    b = browser("ca")
    b.get(f"/console/work?lang={lang}")
    answer(b, referral, "accept")
    answer(b, referral, "complete", provision_kind="money", amount="10")
    person = api.get("ca", f"/referrals/{referral}").json()["person_id"]
    for path in (
        "/console/work",
        "/console/work?box=outbox&when=soon",
        f"/console/work/referrals/{referral}",
        f"/console/work/new?person={person}&service=medical-aid&recipient={api.ids['mi']}",
        "/console/no-such-page",
    ):
        page = b.get(path)
        assert not MESSAGE_KEY.findall(page.text), (path, MESSAGE_KEY.findall(page.text))
