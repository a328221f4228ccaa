"""The API under test: the hub's services on the selected log, a small network, a client.

One hub per test module (on ``module_log_env``, so once per log), with these agencies, each
with its own staff token: a procuratorate (``p``), civil affairs (``ca``), medical insurance
(``mi``), an enterprise (``ent``) and an outsider procuratorate of another county (``out``);
plus an administrator (``admin``) and an auditor (``auditor``). :meth:`Api.as_official` adds
a named official of an agency with a role, signed in, to act as. Tests make their own persons,
cases and referrals, so they do not depend on one another.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from hub.access.tokens import Role
from hub.api.app import create_app
from hub.bootstrap import Services, build
from hub.settings import Settings
from tests.support.ids import id_number as fresh_id_number

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"
#: every official the tests add signs in with this password
PASSWORD = "correct horse battery staple"

AGENCIES: dict[str, dict[str, Any]] = {
    "p": {
        "name": "测试县人民检察院",
        "kind": "procuratorate",
        "level": "county",
        "region_code": "659001",
        "services": ["judicial-relief"],
    },
    "ca": {
        "name": "测试县民政局",
        "kind": "civil-affairs",
        "level": "county",
        "region_code": "659001",
        "services": ["minimum-living-allowance", "temporary-aid"],
    },
    "mi": {
        "name": "测试县医疗保障局",
        "kind": "medical-insurance",
        "level": "county",
        "region_code": "659001",
        "services": ["medical-aid"],
    },
    "ent": {
        "name": "测试县爱心企业有限公司",
        "kind": "enterprise",
        "level": "county",
        "region_code": "659001",
        "services": ["donation", "job"],
    },
    "out": {
        "name": "另一县人民检察院",
        "kind": "procuratorate",
        "level": "county",
        "region_code": "659002",
        "services": ["judicial-relief"],
    },
}


def id_number() -> str:
    """A fresh, well-formed 18-digit resident ID number (GB 11643 check digit)."""
    return fresh_id_number()


@dataclass
class Api:
    """Calls the API as one of the network's parties (by short name); answers are not checked."""

    client: Any
    services: Services
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)  # who (as_official) → user id

    def headers(self, who: str | None, key: str | None = None) -> dict[str, str]:
        headers = {"Idempotency-Key": key or uuid.uuid4().hex}
        if who is not None:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        return headers

    def post(self, who: str | None, path: str, body: Any = None, key: str | None = None) -> Any:
        return self.client.post(path, json=body, headers=self.headers(who, key))

    def get(self, who: str | None, path: str) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return self.client.get(path, headers=headers)

    def ok(self, who: str, path: str, body: Any = None) -> Any:
        response = self.post(who, path, body)
        assert response.status_code < 300, (path, response.status_code, response.text)
        return response.json()

    def as_official(
        self,
        agency: str,
        role: str,
        name: str | None = None,
        *,
        staff_number: str | None = None,
    ) -> str:
        """Adds an official of ``agency`` (a short name) with ``role``, signs them in, and
        returns the short name to act as them (``api.post(who, …)``)."""
        number = staff_number or f"{role}-{uuid.uuid4().hex[:8]}"
        who = f"{agency}:{role}:{number}"
        body = {
            "agency_id": self.ids[agency],
            "name": name or f"{AGENCIES.get(agency, {}).get('name', agency)}{role}",
            "staff_number": number,
            "roles": [role],
            "password": PASSWORD,
        }
        self.users[who] = str(self.ok("admin", "/users", body)["id"])
        signed = self.client.post(
            "/auth/sign-in",
            json={"agency": self.ids[agency], "staff_number": number, "password": PASSWORD},
        )
        assert signed.status_code == 200, signed.text
        self.tokens[who] = signed.json()["token"]
        return who

    def log_position(self) -> int:
        """The log's last notification id: unchanged means nothing was written."""
        return self.services.hub.recorder.max_notification_id() or 0

    # Things tests start from

    def person(self, who: str = "p", **details: Any) -> str:
        """A new person registered by ``who``, with a consent to the whole network recorded."""
        body = {"id_number": id_number(), "name": "测试当事人", **details}
        person_id = str(self.ok(who, "/persons", body)["id"])
        self.ok(who, f"/persons/{person_id}/consent", self.consent_to_all())
        return person_id

    def consent_to_all(self, **terms: Any) -> dict[str, Any]:
        """A written consent naming every agency of the network, for all their services."""
        return {
            "to_agencies": [self.ids[short] for short in AGENCIES],
            "services": sorted({s for a in AGENCIES.values() for s in a["services"]}),
            "evidence": "written",
            "on_behalf_of": "承办人",
            **terms,
        }

    def referral(
        self,
        requester: str = "p",
        recipient: str = "ca",
        person_id: str | None = None,
        case_id: str | None = None,
        services: list[str] | None = None,
    ) -> str:
        body = {
            "recipient_id": self.ids[recipient],
            "person_id": person_id or self.person(requester),
            "reason": "生活困难，申请救助",
            "services": services or AGENCIES[recipient]["services"][:1],
            "on_behalf_of": "承办人",
            "case_id": case_id,
        }
        return str(self.ok(requester, "/referrals", body)["id"])

    def case(self, who: str = "p", person_id: str | None = None) -> str:
        body = {
            "person_id": person_id or self.person(who),
            "source": "applicant",
            "summary": "被害人家庭生活困难",
            "applicant_relation": "victim",
            "matter_number": f"（2021）新刑初{uuid.uuid4().hex[:6]}号",
        }
        return str(self.ok(who, "/cases", body)["id"])


@pytest.fixture(scope="module")
def services(
    module_log_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Services]:
    built = build(Settings(data_dir=tmp_path_factory.mktemp("hub")), module_log_env)
    yield built
    built.close()


@pytest.fixture(scope="module")
def client(services: Services) -> Iterator[Any]:
    with TestClient(create_app(services)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def api(services: Services, client: Any) -> Api:
    api = Api(client, services)
    api.tokens["admin"] = services.access.issue(Role.ADMIN, None, "test administrator")
    for short, agency in AGENCIES.items():
        agency_id = api.ok("admin", "/agencies", agency)["id"]
        api.ids[short] = agency_id
        token = {"role": "staff", "agency_id": agency_id, "label": f"{short} staff"}
        api.tokens[short] = api.ok("admin", "/tokens", token)["token"]
    # the auditor is an official who signs in (no bare auditor token is issued)
    api.tokens["auditor"] = api.tokens[api.as_official("p", "auditor", "测试审计员")]
    api.ok("admin", "/wages", {"rows": [WAGE]})
    return api


#: the official average wage every API test's grant is capped by: 6,000 yuan a month
WAGE = {
    "region_code": "65",
    "year": 2021,
    "monthly_wage_fen": 600_000,
    "source": "测试用平均工资 (a figure for the tests)",
}
#: a grant's wage basis
WAGE_BASIS = {"region_code": "65", "wage_year": 2021}


def assert_problem(response: Any, status: int, rule: str) -> dict[str, Any]:
    """The answer is an RFC 9457 problem of ``status`` whose type names ``rule``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{rule}", body
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body
