"""The batch files themselves: the day's CSV (UTF-8 with BOM) and XLSX, and reading answers.

The CSV is the record of the day: a row is appended (and flushed to disk) for each new
referral before its position is committed. The XLSX is rendered from it after each export,
with a drop-down list for the answer word and a second sheet explaining every column in
Chinese and English. Answers are read back from either kind of file; a CSV may come back in
UTF-8 or, saved by Excel on a Chinese Windows as plain "CSV", in GB18030.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from connectors.batch.labels import ACTION_WORDS, AID_KINDS, COLUMNS, HEADERS

INSTRUCTIONS = {
    "answer": "填写其一：接收、受理、拒绝、办结、未能办结 / one of the five words",
    "reason": "拒绝、未能办结时必填 / required to reject or fail",
    "kind": "办结时填写：" + "、".join(AID_KINDS) + " / kind of aid given",
    "amount": "资金须填金额，单位元，最多两位小数 / yuan, at most 2 decimals",
    "provider": "默认为本单位 / defaults to this agency",
    "on_behalf_of": "经办人姓名（选填，仅作备注）/ the caseworker who handled it (optional note)",
}


def append_row(path: Path, row: list[str]) -> None:
    """Appends ``row`` to the day's CSV (writing the BOM and headers first if it is new)."""
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8-sig" if new else "utf-8", newline="") as file:
        writer = csv.writer(file)
        if new:
            writer.writerow(HEADERS)
        writer.writerow(row + [""] * (len(HEADERS) - len(row)))
        file.flush()
        os.fsync(file.fileno())


def render_xlsx(csv_path: Path, xlsx_path: Path) -> None:
    """Writes ``xlsx_path`` with the rows of ``csv_path`` (replaced atomically)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "转介 Referrals"
    with open(csv_path, encoding="utf-8-sig", newline="") as file:
        for row in csv.reader(file):
            sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    for index, (_, _, key) in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 40 if key in ("reason", "answer") else 18
    for key, choices in (("answer", ACTION_WORDS), ("kind", AID_KINDS)):
        _choose(sheet, key, list(choices))
    notes = workbook.create_sheet("填写说明 Instructions")
    notes.append(["列 Column", "English", "填写 How to fill"])
    for zh, en, key in COLUMNS:
        notes.append([zh, en, INSTRUCTIONS.get(key, "")])
    temporary = xlsx_path.with_suffix(".tmp.xlsx")
    workbook.save(temporary)
    os.replace(temporary, xlsx_path)


def _choose(sheet: Any, key: str, choices: list[str]) -> None:
    """A drop-down list of ``choices`` on the column ``key``."""
    index = next(i for i, (_, _, k) in enumerate(COLUMNS, start=1) if k == key)
    letter = sheet.cell(row=1, column=index).column_letter
    validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"')
    validation.add(f"{letter}2:{letter}5000")
    sheet.add_data_validation(validation)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) as exported; GB18030 as Excel saves "CSV" on Chinese Windows."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def read_table(path: Path) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """The header cells and the numbered rows (as in the file: the first data row is 2)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        workbook = load_workbook(path, read_only=True, data_only=True)
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
    else:
        rows = [tuple(r) for r in csv.reader(io.StringIO(_decode(path.read_bytes()), newline=""))]
    if not rows:
        return [], iter(())
    headers = [str(h).strip() if h is not None else "" for h in rows[0]]
    return headers, ((number, list(row)) for number, row in enumerate(rows[1:], start=2))
