"""What a record does not carry, read from the hub's API with the agency's token.

Feed records hold codes and ids only. The batch export needs the referral's reason and the
person's name and contact, as far as the agency's kind may see them: ``GET
/referrals/{id}`` and ``GET /persons/{id}`` (the hub records each read of personal data;
the purpose sent is ``X-Purpose: batch-export``). Without a hub URL and token the columns
stay empty (:class:`NoDetails`). Nothing read here is logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from connectors.errors import ReplyRefused
from connectors.hubapi import HubClient


@dataclass(frozen=True)
class Details:
    reason: str = ""
    person: str = ""
    contact: str = ""


class DetailsReader(Protocol):
    def details(self, referral_id: str, person_id: str | None) -> Details: ...


class NoDetails:
    def details(self, referral_id: str, person_id: str | None) -> Details:
        return Details()


class HubDetails:
    def __init__(self, hub: HubClient) -> None:
        self._hub = hub

    def details(self, referral_id: str, person_id: str | None) -> Details:
        """Empty where the hub answers 4xx (not found, not the agency's to see)."""
        referral = self._read(f"/referrals/{referral_id}")
        person = self._read(f"/persons/{person_id}") if person_id else {}
        name = "（已删除 erased）" if person.get("erased") else str(person.get("name") or "")
        return Details(str(referral.get("reason") or ""), name, str(person.get("contact") or ""))

    def _read(self, path: str) -> dict[str, Any]:
        try:
            value = self._hub.get(path, headers={"X-Purpose": "batch-export"})
        except ReplyRefused:
            return {}
        return value if isinstance(value, dict) else {}
