"""A person whose data key is missing from the key store reads as an erased person.

A key store restored from a backup taken before her key was made, or one that lost her row
and the key made ahead that her events name, leaves her personal fields unreadable: the
hub answers as it answers for an erased person (``{"id", "erased": true}``, her fields empty,
her cases, referrals and aid as before), never a 500, and logs nothing that names her.
"""

from __future__ import annotations

import logging
import sqlite3
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from hub.access.tokens import Role
from hub.api.app import create_app
from hub.bootstrap import build
from hub.settings import Settings
from tests.integration.api.conftest import AGENCIES, PASSWORD, Api, id_number
from tests.integration.console.conftest import Browser

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

NAME = "缺钥当事人"


@pytest.fixture(scope="module")
def keyless(
    module_log_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """A network, a person with a case and a referral, and the hub reopened after her data
    keys were deleted from the key store (as a restore of an older key store would)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("hub"))
    first = build(settings, module_log_env)
    try:
        with TestClient(create_app(first)) as client:
            api = Api(client, first)
            api.tokens["admin"] = first.access.issue(Role.ADMIN, None, "test administrator")
            for short, agency in AGENCIES.items():
                api.ids[short] = api.ok("admin", "/agencies", agency)["id"]
                token = {"role": "staff", "agency_id": api.ids[short], "label": f"{short} staff"}
                api.tokens[short] = api.ok("admin", "/tokens", token)["token"]
            api.tokens["auditor"] = api.tokens[api.as_official("p", "auditor", "测试审计员")]
            officer = api.as_official("p", "case_officer")
            worker = api.as_official("ca", "caseworker")
            number = id_number()
            body = {"id_number": number, "name": NAME, "family": "独居"}
            person = str(api.ok("p", "/persons", body)["id"])
            api.ok("p", f"/persons/{person}/consent", api.consent_to_all())
            other = api.person("p", name="有钥当事人")
            case = api.case("p", person)
            referral = api.referral("p", "ca", person_id=person, case_id=case)
            key_id, _ = first.hub.keys.person_key(person)
    finally:
        first.close()
    keys = sqlite3.connect(settings.keys_location())
    with keys:
        keys.execute(
            "DELETE FROM hub_person_keys WHERE person_id IN (?, ?)", (person, f"key:{key_id}")
        )
    keys.close()
    services = build(settings, module_log_env)
    try:
        with TestClient(create_app(services)) as client:
            api.client, api.services = client, services
            yield {
                "api": api,
                "app": client.app,
                "person": person,
                "number": number,
                "other": other,
                "case": case,
                "referral": referral,
                "officer": officer,
                "worker": worker,
            }
    finally:
        services.close()


def sign_in(keyless: dict[str, Any], who: str) -> Browser:
    api: Api = keyless["api"]
    browser = Browser(keyless["app"])
    agency, _, number = who.split(":")
    answer = browser.sign_in(api.ids[agency], number, PASSWORD)
    assert answer.status_code == 303, answer.text
    return browser


def test_the_person_reads_as_erased_and_nothing_names_her_in_the_log(
    keyless: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    api: Api = keyless["api"]
    person = keyless["person"]
    with caplog.at_level(logging.DEBUG):
        for who in ("p", "ca", "auditor"):
            answer = api.get(who, f"/persons/{person}")
            assert answer.status_code == 200, answer.text
            assert answer.json() == {"id": person, "erased": True}
    # The hub's own records (not the test client's, which logs the URLs it asks for).
    logged = "\n".join(
        f"{r.getMessage()} {r.__dict__}" for r in caplog.records if r.name.startswith("hub")
    )
    assert person not in logged and NAME not in logged
    assert "data key" in logged  # operators are told a key is missing, not whose
    # Another person of the same hub reads as before.
    assert api.get("p", f"/persons/{keyless['other']}").json()["name"] == "有钥当事人"


def test_her_consents_aid_case_and_referral_read_as_for_an_erased_person(
    keyless: dict[str, Any],
) -> None:
    api: Api = keyless["api"]
    person = keyless["person"]
    for path, who in (
        (f"/persons/{person}/consents", "p"),
        (f"/persons/{person}/aid", "p"),
        (f"/cases/{keyless['case']}", "p"),
        (f"/cases/{keyless['case']}/history", "p"),
        (f"/referrals/{keyless['referral']}", "ca"),
        (f"/referrals/{keyless['referral']}/history", "ca"),
    ):
        answer = api.get(who, path)
        assert answer.status_code == 200, (path, answer.status_code, answer.text)
        assert NAME not in answer.text


def test_the_console_shows_her_as_erased(keyless: dict[str, Any]) -> None:
    officer = sign_in(keyless, keyless["officer"])
    page = officer.get(f"/console/cases/{keyless['case']}")
    assert page.status_code == 200, page.text
    assert NAME not in page.text
    page = officer.get(f"/console/work/new?person={keyless['person']}")
    assert page.status_code == 200, page.text
    assert NAME not in page.text
    worker = sign_in(keyless, keyless["worker"])
    page = worker.get(f"/console/work/referrals/{keyless['referral']}")
    assert page.status_code == 200, page.text
    assert NAME not in page.text


def test_the_lookups_by_id_number_answer_as_for_an_erased_person(keyless: dict[str, Any]) -> None:
    api: Api = keyless["api"]
    answer = api.post("p", "/lookups/persons", {"id_number": keyless["number"]})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"id": keyless["person"], "erased": True}
    officer = sign_in(keyless, keyless["officer"])
    officer.get("/console/cases")
    page = officer.post("/console/cases/lookup", {"id_number": keyless["number"]})
    assert page.status_code == 200, page.text
    assert NAME not in page.text and "个人信息已删除" in page.text
