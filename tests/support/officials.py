"""Officials for tests that talk to the API without the demo's driver: an auditor is a user
who signs in (no bare auditor token is issued)."""

from __future__ import annotations

import uuid
from typing import Any

#: the password every auditor added here signs in with
PASSWORD = "correct horse battery staple"


def auditor_session(client: Any, admin_token: str, agency_id: str) -> str:
    """Adds an auditor official to the agency through ``POST /users`` (as the administrator),
    signs them in, and returns the session token. ``client`` is a TestClient or httpx client."""
    number = f"auditor-{uuid.uuid4().hex[:8]}"
    body = {
        "agency_id": str(agency_id),
        "name": "测试审计员",
        "staff_number": number,
        "roles": ["auditor"],
        "password": PASSWORD,
    }
    headers = {"Authorization": f"Bearer {admin_token}", "Idempotency-Key": uuid.uuid4().hex}
    added = client.post("/users", json=body, headers=headers)
    assert added.status_code == 201, added.text
    signed = client.post(
        "/auth/sign-in",
        json={"agency": str(agency_id), "staff_number": number, "password": PASSWORD},
    )
    assert signed.status_code == 200, signed.text
    return str(signed.json()["token"])
