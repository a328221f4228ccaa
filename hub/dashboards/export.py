"""A dashboard's tables as files an official opens: CSV (UTF-8 with a byte-order mark, so
spreadsheet programs read the Chinese) and XLSX (one sheet per table), headers in Chinese or
English, money in yuan with two decimals, each table as the page shows it beneath its chart."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from hub.dashboards.labels import label

Table = tuple[str, list[str], list[list[Any]]]  # (title, headers, rows)


def tables(board: dict[str, Any], lang: str = "zh") -> list[Table]:
    """The dashboard's tables: summary, by sub-region, amounts, referrals by status and kind."""

    def t(key: str) -> str:
        return label(key, lang)

    timing, success = board["timing"], board["success"]
    amounts, overdue = board["amounts"], board["overdue"]
    region = board["region"]["name"] or board["region"]["code"]
    summary = [
        [t("region"), f"{region} ({board['region']['code']})"],
        [t("period"), f"{board['from']} – {board['to']}"],
        [t("as_of"), board["as_of"]],
        [t("people_helped"), board["people_helped"]],
        [t("cases"), board["cases"]["total"]],
        [t("referrals"), board["referrals"]["total"]],
        [t("re_referred"), board["referrals"]["re_referred"]],
        [t("closed"), success["closed"]],
        [t("successful"), success["successful"]],
        [t("success_share"), "" if success["share"] is None else f"{success['share']:.2%}"],
        [t("answer_median"), _blank(timing["hours_to_first_answer"]["median"])],
        [t("answer_p90"), _blank(timing["hours_to_first_answer"]["p90"])],
        [t("completion_median"), _blank(timing["days_to_completion"]["median"])],
        [t("completion_p90"), _blank(timing["days_to_completion"]["p90"])],
        *([t(k), overdue[k]] for k in ("referrals_unanswered", "referrals_unfinished")),
        [t("cases_undecided"), overdue["cases_undecided"]],
        [t("aid_fen"), yuan(amounts["aid_fen"])],
    ]
    figures = ("people_helped", "cases", "referrals", "overdue")
    money = ("granted_fen", "disbursed_fen", "social_aid_fen")
    by_subregion = [
        [s["code"], s["name"] or s["code"], *(s[k] for k in figures), *(yuan(s[k]) for k in money)]
        for s in board["subregions"]
    ]
    judicial = amounts["judicial"]
    by_amount = [
        [t("judicial"), t("granted_fen"), yuan(judicial["granted_fen"])],
        [t("judicial"), t("disbursed_fen"), yuan(judicial["disbursed_fen"])],
        *([t("social"), t(kind), yuan(fen)] for kind, fen in amounts["social"]["by_kind"].items()),
    ]
    referrals = board["referrals"]
    return [
        (t("summary"), [t("metric"), t("value")], summary),
        (
            t("by_subregion"),
            [t("region_code"), t("region"), *(t(k) for k in figures + money)],
            by_subregion,
        ),
        (t("amounts"), [t("source"), t("kind"), t("amount")], by_amount),
        (
            t("by_status"),
            [t("status"), t("count")],
            [[t(s), n] for s, n in referrals["by_status"].items()],
        ),
        (
            t("by_agency_kind"),
            [t("agency_kind"), t("referrals"), t("successful")],
            [[t(k), v["total"], v["successful"]] for k, v in referrals["by_agency_kind"].items()],
        ),
    ]


def yuan(fen: int) -> Decimal:
    """Integer fen as yuan, exactly, with two decimals (``1234567`` → ``12345.67``)."""
    return Decimal(fen).scaleb(-2)


def _blank(value: Any) -> Any:
    return "" if value is None else value


def to_csv(board: dict[str, Any], lang: str = "zh") -> bytes:
    """Every table one after another, each under its title, a blank line between them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for n, (title, headers, rows) in enumerate(tables(board, lang)):
        if n:
            writer.writerow([])
        writer.writerow([title])
        writer.writerow(headers)
        writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(board: dict[str, Any], lang: str = "zh") -> bytes:
    """One sheet per table, its headers in bold on the first row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in tables(board, lang):
        sheet = book.create_sheet(title[:31])
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "0.00"
        for column, header in zip(sheet.columns, headers, strict=False):
            sheet.column_dimensions[column[0].column_letter].width = max(12, len(header) * 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
