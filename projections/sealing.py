"""Free text in views, sealed at rest.

Views keep the free text agencies read in their inboxes and case files: case summaries and
steps, referral reasons, the reasons of status changes, outcomes and the descriptions of
what was given. Officials do write names and injuries into such text, so a view store opened
with the hub key seals those columns (:data:`SEALED_COLUMNS`, by name, in every view) with
AES-GCM under a key derived from it (HKDF-SHA256, its own purpose), as the log seals every
event. Rows read back through the store are unsealed; a value without the prefix (a row
written before sealing, or by a store opened without the key) is read as it is, and a
rebuild of the view seals it.
"""

from __future__ import annotations

import os
from base64 import b64decode, b64encode
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SEALED_COLUMNS = frozenset(
    {"summary", "steps", "reason", "status_reason", "outcome", "description"}
)
PREFIX = "sealed:v1:"


class Sealer:
    def __init__(self, hub_key: bytes) -> None:
        key = HKDF(SHA256(), 32, salt=None, info=b"hub views: free text").derive(hub_key)
        self._aead = AESGCM(key)

    def seal(self, text: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, text.encode(), None)
        return PREFIX + b64encode(nonce + sealed).decode()

    def unseal(self, value: Any) -> Any:
        if not (isinstance(value, str) and value.startswith(PREFIX)):
            return value
        raw = b64decode(value[len(PREFIX) :])
        return self._aead.decrypt(raw[:12], raw[12:], None).decode()

    def unseal_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for row in rows:
            for column in SEALED_COLUMNS.intersection(row):
                row[column] = self.unseal(row[column])
        return rows
