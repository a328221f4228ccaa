"""What the upcasts of the free-text "who" fields promise of a log written before them.

``requested_by`` (a referral), ``actor`` (a status change, a re-referral), ``recorded_by`` (a
consent and its withdrawal) and ``officer`` (an inquiry, a follow-up) became the one
``on_behalf_of`` note: the text an old event recorded reads there, as recorded.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from hub.bootstrap import Services

#: the keys of what older code read back that read now under another name
RENAMED = {"requested_by": "on_behalf_of", "recorded_by": "on_behalf_of"}
#: the free-text fields an old event of each kind recorded, now its note
NOTED = {
    "Requested": "requested_by",
    "StatusChanged": "actor",
    "ReReferred": "actor",
    "InquiryRecorded": "officer",
    "FollowUpRecorded": "officer",
}


def renamed(read: dict[str, Any]) -> dict[str, Any]:
    """``read`` (what older code read back) with the free-text "who" keys under their new
    name, in the read itself, its consents and its referrals."""
    out = {RENAMED.get(k, k): v for k, v in read.items()}
    for nested in ("consents", "referrals"):
        if isinstance(out.get(nested), list):
            out[nested] = [renamed(x) if isinstance(x, dict) else x for x in out[nested]]
    return out


def assert_free_text_reads_as_the_note(services: Services, old: dict[str, Any]) -> int:
    """No old referral or case event reads a free-text "who" field any more; the note of each
    one that had such a field is a non-empty text (what it recorded). Returns how many."""
    hub = services.hub
    noted = 0
    for aggregate in [*old["referrals"], *old["cases"]]:
        for entry in hub.history(UUID(aggregate)):
            assert not set(NOTED.values()) & set(entry["details"]), entry
            if entry["event"] in NOTED:
                assert entry["on_behalf_of"] == entry["details"]["on_behalf_of"]
                noted += entry["on_behalf_of"] is not None
    return noted
