"""A small HTTP driver for scenarios: each call as one agency, with its own token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol


class HttpClient(Protocol):
    def post(self, url: str, *, json: Any, headers: dict[str, str]) -> Any: ...
    def get(self, url: str, *, headers: dict[str, str]) -> Any: ...


class ScenarioError(RuntimeError):
    pass


@dataclass
class Driver:
    client: HttpClient
    admin_token: str
    tokens: dict[str, str] = field(default_factory=dict)  # agency name → token
    agencies: dict[str, str] = field(default_factory=dict)  # agency name → id

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

    def post(self, agency: str, path: str, body: dict[str, Any]) -> Any:
        """POSTs as ``agency`` (its name), with a fresh Idempotency-Key."""
        return self._check(
            self.client.post(path, json=body, headers=self._headers(self.tokens[agency])),
            f"{agency} POST {path}",
        )

    def get(self, agency: str, path: str) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[agency]}"}
        return self._check(self.client.get(path, headers=headers), f"{agency} GET {path}")

    def register(self, name: str, **fields: Any) -> str:
        """Registers an agency and issues a staff token for it."""
        agency_id = self.admin("/agencies", {"name": name, **fields})["id"]
        self.agencies[name] = agency_id
        self.tokens[name] = self.admin(
            "/tokens", {"role": "staff", "agency_id": agency_id, "label": f"{name} 工作人员"}
        )["token"]
        return str(agency_id)

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
            "recorded_by": "承办人",
            **terms,
        }
        return str(self.post(agency, f"/persons/{person_id}/consent", body)["consent_id"])

    def refer(self, requester: str, recipient: str, person_id: str, **fields: Any) -> str:
        body = {"recipient_id": self.id(recipient), "person_id": person_id, **fields}
        return str(self.post(requester, "/referrals", body)["id"])

    def actor(self, agency: str) -> str:
        """Who answers referrals for ``agency`` in the scenarios (经办人, the handling officer)."""
        return f"{agency}经办人"

    def answer(self, agency: str, referral_id: str, action: str, **fields: Any) -> Any:
        body = {"actor": self.actor(agency), **fields}
        return self.post(agency, f"/referrals/{referral_id}/{action}", body)

    def case_steps(self, agency: str, case_id: str, *steps: tuple[str, dict[str, Any]]) -> None:
        for step, body in steps:
            self.post(agency, f"/cases/{case_id}/{step}", body)
