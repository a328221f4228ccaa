"""A small HTTP driver for scenarios: each call as a named official of one agency.

Registering an agency gives it its named officials (:data:`STAFF`: a procuratorate's case
officer, department head and chief procurator; a partner agency's caseworker and head), each
with a password, signed in; the agency also gets a machine token for its connector. A call
``post(agency, …)`` acts as the agency's first official (the case officer or the caseworker);
``post(agency, …, role=…)`` as the official with that role.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

#: the demo's officials by agency kind: (role, name); names are invented
STAFF = {
    "procuratorate": [
        ("case_officer", "承办检察官"),
        ("department_head", "部门负责人"),
        ("chief_procurator", "检察长"),
    ],
    "partner": [("caseworker", "经办人"), ("head", "负责人")],
}
FAMILY_NAMES = "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN_NAMES = "明芳伟洋静帆磊丽强敏军燕勇霞杰娟涛艳超玲斌英辉红鹏华"


@dataclass(frozen=True)
class Official:
    """A demo official: where and what they are, and how to sign in as them."""

    agency: str
    role: str
    name: str
    staff_number: str
    password: str
    user_id: str
    token: str
    title: str


class HttpClient(Protocol):
    def post(self, url: str, *, json: Any, headers: dict[str, str]) -> Any: ...
    def get(self, url: str, *, headers: dict[str, str]) -> Any: ...


class ScenarioError(RuntimeError):
    pass


@dataclass
class Driver:
    client: HttpClient
    admin_token: str
    tokens: dict[str, str] = field(default_factory=dict)  # agency name → connector token
    agencies: dict[str, str] = field(default_factory=dict)  # agency name → id
    officials: dict[tuple[str, str], Official] = field(default_factory=dict)  # (agency, role)

    def _headers(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}

    def _check(self, response: Any, what: str) -> Any:
        if response.status_code >= 400:
            raise ScenarioError(f"{what}: {response.status_code} {response.text}")
        return response.json()

    def admin(self, path: str, body: dict[str, Any]) -> Any:
        return self._check(
            self.client.post(path, json=body, headers=self._headers(self.admin_token)), path
        )

    def token(self, agency: str, role: str | None = None) -> str:
        """The session of the agency's official with ``role`` (default: its first official),
        or the agency's machine token if it has no officials."""
        if role is not None:
            return self.officials[(agency, role)].token
        first = next((o for (a, _), o in self.officials.items() if a == agency), None)
        return first.token if first is not None else self.tokens[agency]

    def post(self, agency: str, path: str, body: dict[str, Any], role: str | None = None) -> Any:
        """POSTs as an official of ``agency`` (its name), with a fresh Idempotency-Key."""
        return self._check(
            self.client.post(path, json=body, headers=self._headers(self.token(agency, role))),
            f"{agency} POST {path}",
        )

    def get(self, agency: str, path: str) -> Any:
        headers = {"Authorization": f"Bearer {self.token(agency)}"}
        return self._check(self.client.get(path, headers=headers), f"{agency} GET {path}")

    def register(self, name: str, **fields: Any) -> str:
        """Registers an agency with its named officials and a connector's machine token."""
        agency_id = self.admin("/agencies", {"name": name, **fields})["id"]
        self.agencies[name] = agency_id
        self.tokens[name] = self.admin(
            "/tokens", {"role": "connector", "agency_id": agency_id, "label": f"{name} 接口程序"}
        )["token"]
        staff = STAFF["procuratorate" if fields.get("kind") == "procuratorate" else "partner"]
        for role, title in staff:
            self.add_official(name, role, title)
        return str(agency_id)

    def add_official(self, agency: str, role: str, title: str) -> Official:
        """Adds a named official with a fresh password and signs them in (``title``, the
        role's Chinese name, is for people reading the demo's list of officials)."""
        n = len(self.officials)
        name = FAMILY_NAMES[n % len(FAMILY_NAMES)] + GIVEN_NAMES[n * 7 % len(GIVEN_NAMES)]
        number = f"{n + 1:04d}"
        password = secrets.token_urlsafe(12)
        body = {
            "agency_id": self.agencies[agency],
            "name": name,
            "staff_number": number,
            "roles": [role],
            "password": password,
        }
        user_id = str(self.admin("/users", body)["id"])
        signed = self._check(
            self.client.post(
                "/auth/sign-in",
                json={"agency": agency, "staff_number": number, "password": password},
                headers={},
            ),
            f"{agency} sign-in",
        )
        official = Official(agency, role, name, number, password, user_id, signed["token"], title)
        self.officials[(agency, role)] = official
        return official

    def add_auditor(self, agency: str | None = None) -> str:
        """Adds an auditor official (of ``agency``, default the first registered), signed in
        as ``"auditor"``; returns that name to act as (``driver.get("auditor", …)``)."""
        official = self.add_official(agency or next(iter(self.agencies)), "auditor", "审计")
        self.tokens["auditor"] = official.token
        return "auditor"

    def id(self, name: str) -> str:
        return self.agencies[name]

    # Shorthands used by every scenario

    def person(
        self,
        agency: str,
        id_number: str,
        name: str,
        *,
        consent_to: dict[str, list[str]] | None = None,
        consent_on: str | None = None,
        **details: Any,
    ) -> str:
        """Registers a person as ``agency``; with ``consent_to`` (agency name → services),
        records her written consent to disclosure to those agencies for those services, valid
        from ``consent_on`` (the day she gave it; default today)."""
        person_id = str(
            self.post(agency, "/persons", {"id_number": id_number, "name": name, **details})["id"]
        )
        if consent_to:
            terms = {"valid_from": consent_on} if consent_on else {}
            self.consent(agency, person_id, consent_to, **terms)
        return person_id

    def consent(self, agency: str, person_id: str, to: dict[str, list[str]], **terms: Any) -> str:
        """``agency`` records the person's consent to disclosure to the agencies named (by
        name) for their services; returns the consent's id."""
        body = {
            "to_agencies": [self.id(name) for name in to],
            "services": sorted({s for services in to.values() for s in services}),
            "evidence": "written",
            **terms,
        }
        return str(self.post(agency, f"/persons/{person_id}/consent", body)["consent_id"])

    def refer(self, requester: str, recipient: str, person_id: str, **fields: Any) -> str:
        body = {"recipient_id": self.id(recipient), "person_id": person_id, **fields}
        return str(self.post(requester, "/referrals", body)["id"])

    def actor(self, agency: str) -> str:
        """The caseworker at ``agency`` on whose behalf its connector answers (经办人), named in
        the connector's replies as ``on_behalf_of``."""
        return f"{agency}经办人"

    def answer(self, agency: str, referral_id: str, action: str, **fields: Any) -> Any:
        """``agency``'s official answers the referral (who acted: the signed-in official)."""
        return self.post(agency, f"/referrals/{referral_id}/{action}", fields)

    def case_steps(
        self, agency: str, case_id: str, *steps: tuple[str, dict[str, Any]], role: str | None = None
    ) -> None:
        for step, body in steps:
            self.post(agency, f"/cases/{case_id}/{step}", body, role)
