"""Rows of an answers table and referrals the ledger knows, for the batch tests."""

from __future__ import annotations

from typing import Any

from connectors.batch.labels import HEADERS
from connectors.batch.ledger import Ledger
from connectors.records import FeedRecord
from tests.integration.connectors.feed import feed_record

AGENCY = "5b0f1c9e-1111-4000-8000-000000000002"


def known(ledger: Ledger, status: str = "requested") -> str:
    record = FeedRecord.from_dict(feed_record(AGENCY, 1))
    ledger.add(record, "2026-11-29")
    if status != "requested":
        later = record.to_dict() | {"position": 2, "type": "referral." + status}
        later["data"] = {"status": status}
        ledger.update(FeedRecord.from_dict(later))
    return record.referral_id


def row(referral: str, answer: str, **cells: Any) -> list[Any]:
    keys = {
        "reason": 10,
        "kind": 11,
        "amount": 12,
        "provider": 13,
        "description": 14,
        "on_behalf_of": 15,
    }
    values: list[Any] = [""] * len(HEADERS)
    values[0], values[9] = referral, answer
    for key, value in cells.items():
        values[keys[key]] = value
    return values
