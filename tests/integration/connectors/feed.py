"""Feed records as the hub's router and feed endpoint make them (docs/architecture.md)."""

from __future__ import annotations

import uuid
from typing import Any

REQUESTER = {
    "id": "7d7a3d9e-0000-4000-8000-000000000001",
    "name": "新源县人民检察院",
    "kind": "procuratorate",
}


def feed_record(
    agency_id: str,
    position: int,
    *,
    incoming: bool = True,
    kind: str = "referral.requested",
    referral_id: str | None = None,
    services: tuple[str, ...] = ("medical-aid", "temporary-aid"),
) -> dict[str, Any]:
    referral_id = referral_id or str(uuid.uuid4())
    me = {"id": agency_id, "name": "新源县民政局", "kind": "civil-affairs"}
    data: dict[str, Any] = {"status": "requested"}
    if kind == "referral.requested":
        data |= {
            "requester": REQUESTER if incoming else me,
            "recipient": me if incoming else REQUESTER,
            "direction": "outbound",
            "services": list(services),
            "due_on": "2026-12-08",
            "person_id": str(uuid.uuid4()),
            "re_referral_of": None,
        }
    data["links"] = {
        "referral": f"/referrals/{referral_id}",
        "person": f"/persons/{data.get('person_id')}",
    }
    return {
        "position": position,
        "event_id": f"{referral_id}:1:{agency_id}",
        "type": kind,
        "at": "2026-11-29T03:10:00+00:00",
        "agency_id": agency_id,
        "referral_id": referral_id,
        "case_id": None,
        "data": data,
    }
