"""Wage tables (职工平均工资表) read from a file: the rows ``hub wages load`` records.

A file (CSV or XLSX) has the columns ``region_code``, ``year``, ``monthly_wage_yuan`` or
``yearly_wage_yuan`` (either may be empty when the other is given) and ``source``; Chinese
headers (地区代码, 年度, 月平均工资, 年平均工资, 来源) are read too. Amounts are in yuan with up
to two decimals; lines starting with ``#`` are comments. A bad row is an ``InvalidValue``
naming its line. Only reading: recording is :mod:`hub.commands.wages`'s.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from domain.errors import InvalidValue

HEADERS = {
    "region_code": "region_code",
    "地区代码": "region_code",
    "year": "year",
    "年度": "year",
    "monthly_wage_yuan": "monthly",
    "月平均工资": "monthly",
    "yearly_wage_yuan": "yearly",
    "年平均工资": "yearly",
    "source": "source",
    "来源": "source",
}
MAX_ROWS = 10_000


@dataclass(frozen=True)
class WageRow:
    line: int
    region_code: str
    year: int
    monthly_wage_fen: int | None
    yearly_wage_fen: int | None
    source: str


def _fen(value: Any, line: int, what: str) -> int | None:
    text = "" if value is None else str(value).strip().replace(",", "")
    if not text:
        return None
    try:
        yuan = Decimal(text)
    except InvalidOperation:
        raise InvalidValue(f"line {line}: {what} {text!r} is not an amount in yuan") from None
    fen = yuan * 100
    if fen != fen.to_integral_value():
        raise InvalidValue(f"line {line}: {what} {text!r} has more than two decimals")
    return int(fen)


def _rows(table: list[list[Any]]) -> list[WageRow]:
    if not table:
        raise InvalidValue("the wage table is empty")
    header = [
        HEADERS.get(str(h or "").strip().lower(), HEADERS.get(str(h or "").strip(), ""))
        for h in table[0]
    ]
    missing = {"region_code", "year", "source"} - set(header)
    if missing or not {"monthly", "yearly"} & set(header):
        raise InvalidValue(
            "the wage table needs the columns region_code, year, monthly_wage_yuan or "
            "yearly_wage_yuan, and source"
        )
    if len(table) - 1 > MAX_ROWS:
        raise InvalidValue(f"a wage table has at most {MAX_ROWS} rows")
    rows = []
    for number, raw in enumerate(table[1:], start=2):
        if not any(str(v or "").strip() for v in raw):
            continue
        cells = {k: v for k, v in zip(header, raw, strict=False) if k}
        year_text = str(cells.get("year") or "").strip()
        if not year_text.isdigit():
            raise InvalidValue(f"line {number}: year {year_text!r} is not a year")
        rows.append(
            WageRow(
                line=number,
                region_code=str(cells.get("region_code") or "").strip(),
                year=int(year_text),
                monthly_wage_fen=_fen(cells.get("monthly"), number, "monthly wage"),
                yearly_wage_fen=_fen(cells.get("yearly"), number, "yearly wage"),
                source=str(cells.get("source") or "").strip(),
            )
        )
    return rows


def read_wage_file(path: Path) -> list[WageRow]:
    """The rows of a CSV (UTF-8, with or without BOM) or XLSX wage table."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            table = [list(r) for r in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
        return _rows(table)
    text = path.read_text(encoding="utf-8-sig")
    return _rows([r for r in csv.reader(io.StringIO(text)) if r and not r[0].startswith("#")])
