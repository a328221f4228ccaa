"""Reading and writing the batch CSV files in tests, as an official's spreadsheet would."""

from __future__ import annotations

import csv
from pathlib import Path


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)
    return path
