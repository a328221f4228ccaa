"""The dashboard view's rollups, kept by its handlers in the same transaction as its rows.

What a dashboard of a region over a year would otherwise add up from every row of the year:

- ``ref_months``: per month of ``requested_on``, the referrals' count per cell of the
  dashboard's grouping (requester's and recipient's region, recipient kind, status,
  direction, successful, re-referral); a status change moves one count from one cell to
  another, and a cell emptied stays at 0;
- ``paid_months`` and ``given_months``: per month of the payment or the completion, the
  amounts paid by a county's procuratorates and given by a county's agencies (by recipient
  kind and provision kind); the rows they add up are append-only, so they are only added to;
- ``tenths_months``: per month of ``requested_on`` and per pair of the parties' provinces
  (two-digit codes), how many referrals took each number of tenths to the first answer or to
  completion; the percentiles of a province's dashboard read it (finer regions would need a
  cell per pair of counties, more cells than referrals: they read the rows);
- ``helped``: one row per payment of relief and per referral completed successfully, with
  the day of the same person's help before it in the same province, prefecture and county
  (``persons`` lists each person's helps to keep them). The persons a region helped in a
  period are then counted, without a distinct count, as the rows of the period whose help
  before, in the region, was before the period or none: each person's first in the period.

A query reads whole months from the rollups and the partial months at a period's ends from
the rows (:func:`projections.dashboard_query._spans`), so every figure is what the rows give.
"""

from __future__ import annotations

import json
from typing import Any

from projections.store import Tx

ROLLUP_TABLES: dict[str, list[str]] = {
    "ref_months": [
        "CREATE TABLE IF NOT EXISTS {ref_months} (id TEXT PRIMARY KEY, month TEXT NOT NULL, "
        "requester_region TEXT NOT NULL, recipient_region TEXT NOT NULL, "
        "recipient_kind TEXT NOT NULL, status TEXT NOT NULL, direction TEXT NOT NULL, "
        "successful INTEGER, re_referral INTEGER NOT NULL, n BIGINT NOT NULL)",
        # covering: a province's dashboard reads this index alone
        "CREATE INDEX IF NOT EXISTS {p}_ref_months_on ON {ref_months} (month, "
        "requester_region, recipient_region, recipient_kind, status, direction, successful, "
        "re_referral, n)",
        # a county's or prefecture's dashboard: either party's region first
        "CREATE INDEX IF NOT EXISTS {p}_ref_months_rq ON {ref_months} (requester_region, month)",
        "CREATE INDEX IF NOT EXISTS {p}_ref_months_rc ON {ref_months} (recipient_region, month)",
    ],
    "helped": [
        "CREATE TABLE IF NOT EXISTS {helped} (id TEXT PRIMARY KEY, region_code TEXT NOT NULL, "
        "helped_on TEXT NOT NULL, before_2 TEXT, before_4 TEXT, before_6 TEXT)",
        "CREATE INDEX IF NOT EXISTS {p}_helped_on ON {helped} "
        "(helped_on, region_code, before_2, before_4, before_6)",
    ],
    "persons": [
        "CREATE TABLE IF NOT EXISTS {persons} (id TEXT PRIMARY KEY, helps TEXT NOT NULL)",
    ],
    "paid_months": [
        "CREATE TABLE IF NOT EXISTS {paid_months} (id TEXT PRIMARY KEY, month TEXT NOT NULL, "
        "region_code TEXT NOT NULL, fen BIGINT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS {p}_paid_months_on ON {paid_months} (month, region_code, fen)",
        "CREATE INDEX IF NOT EXISTS {p}_paid_months_rg ON {paid_months} (region_code, month, fen)",
    ],
    "given_months": [
        "CREATE TABLE IF NOT EXISTS {given_months} (id TEXT PRIMARY KEY, "
        "month TEXT NOT NULL, recipient_region TEXT NOT NULL, recipient_kind TEXT NOT NULL, "
        "kind TEXT NOT NULL, fen BIGINT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS {p}_given_months_on ON {given_months} "
        "(month, recipient_region, recipient_kind, kind, fen)",
        "CREATE INDEX IF NOT EXISTS {p}_given_months_rg ON {given_months} "
        "(recipient_region, month, recipient_kind, kind, fen)",
    ],
    "tenths_months": [
        "CREATE TABLE IF NOT EXISTS {tenths_months} (id TEXT PRIMARY KEY, "
        "measure TEXT NOT NULL, month TEXT NOT NULL, requester_province TEXT NOT NULL, "
        "recipient_province TEXT NOT NULL, tenths BIGINT NOT NULL, n BIGINT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS {p}_tenths_months_on ON {tenths_months} "
        "(measure, month, requester_province, recipient_province, tenths, n)",
    ],
}

REF_CELL = (
    "requester_region",
    "recipient_region",
    "recipient_kind",
    "status",
    "direction",
    "successful",
    "re_referral",
)


def count_referral(tx: Tx, referral: dict[str, Any], by: int) -> None:
    """Moves the referral's count in its month's cell (a status change: out of one, into one)."""
    key = {"month": referral["requested_on"][:7], **{c: referral[c] for c in REF_CELL}}
    rid = "|".join("" if v is None else str(v) for v in key.values())
    row = tx.row("ref_months", rid) or {"id": rid, **key, "n": 0}
    tx.put("ref_months", {**row, "n": row["n"] + by})


def add_helped(tx: Tx, key: str, person_id: str, region_code: str, on: str) -> None:
    """Records (or moves, if ``key`` is known) that the person was helped on ``on`` by an
    agency of ``region_code``, and sets, on each of the person's ``helped`` rows, the day of
    her help before it (in the order of days, then keys) in the same province, prefecture and
    county (``before_2``, ``before_4``, ``before_6``: None if none)."""
    person = tx.row("persons", person_id) or {"id": person_id, "helps": []}
    helps = person["helps"] if isinstance(person["helps"], list) else json.loads(person["helps"])
    helps = sorted([h for h in helps if h[0] != key] + [[key, on, region_code]], key=_order)
    tx.put("persons", {**person, "helps": helps})
    for i, (k, day, region) in enumerate(helps):
        row = {"id": k, "region_code": region, "helped_on": day}
        for digits in (2, 4, 6):
            same = [h[1] for h in helps[:i] if h[2][:digits] == region[:digits]]
            row[f"before_{digits}"] = same[-1] if same else None
        tx.put("helped", row)


def _order(entry: list[str]) -> tuple[str, str]:
    return entry[1], entry[0]


AMOUNT_CELLS = {
    "paid_months": ("region_code",),
    "given_months": ("recipient_region", "recipient_kind", "kind"),
}


def add_amount(tx: Tx, table: str, on: str, fen: int, *cell: str) -> None:
    """Adds ``fen`` to its month's cell of an amounts' rollup."""
    key = {"month": on[:7], **dict(zip(AMOUNT_CELLS[table], cell, strict=True))}
    rid = "|".join(key.values())
    row = tx.row(table, rid) or {"id": rid, **key, "fen": 0}
    tx.put(table, {**row, "fen": row["fen"] + fen})


def count_tenths(tx: Tx, referral: dict[str, Any], measure: str, by: int) -> None:
    """Moves the referral's ``{measure}_tenths`` in its month's histogram, by ``by``."""
    key = {
        "measure": measure,
        "month": referral["requested_on"][:7],
        "requester_province": referral["requester_region"][:2],
        "recipient_province": referral["recipient_region"][:2],
        "tenths": referral[f"{measure}_tenths"],
    }
    rid = "|".join(str(v) for v in key.values())
    row = tx.row("tenths_months", rid) or {"id": rid, **key, "n": 0}
    tx.put("tenths_months", {**row, "n": row["n"] + by})
