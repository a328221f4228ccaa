"""``hub wages``: load the official average-wage table the grants' caps are reckoned on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zipfile import BadZipFile

import typer

from hub.cli.common import DataDir, Lang, console, fail, open_hub

wages_app = typer.Typer(help="职工平均工资表 — the official average wages", no_args_is_help=True)

MESSAGES = {
    "zh": "已载入平均工资：新增 {recorded} 条，更正 {revised} 条，未变 {unchanged} 条",
    "en": "average wages loaded: {recorded} recorded, {revised} revised, {unchanged} unchanged",
}
SHOWN = {
    "zh": "{region_code} {year} 年：月平均工资 {monthly} 元（来源：{source}）",
    "en": "{region_code} {year}: average monthly wage {monthly} yuan (source: {source})",
}


@wages_app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX: region_code, year, wage, source")],
    by: Annotated[str, typer.Option("--by", help="who loads the table")] = "administrator",
    data_dir: DataDir = None,
    lang: Lang = "zh",
) -> None:
    """Load (or reload) average wages by region and year, each with its source."""
    from domain.errors import DomainError
    from hub.wage_tables import read_wage_file

    if not file.is_file():
        fail(f"no file {file}")
    try:
        rows = read_wage_file(file)
    except DomainError as e:
        fail(e.message)
    except (UnicodeDecodeError, ValueError, OSError, BadZipFile) as e:
        fail(f"{file} is not a readable CSV or XLSX wage table: {e}")
    with open_hub(data_dir) as hub:
        counts = hub.load_wages(rows, by)
    console.print(MESSAGES.get(lang, MESSAGES["en"]).format(**counts))


@wages_app.command("show")
def show(
    region_code: Annotated[str, typer.Argument(help="GB/T 2260 region code")],
    year: Annotated[int, typer.Argument(help="the year of the figure")],
    data_dir: DataDir = None,
    lang: Lang = "zh",
) -> None:
    """Show one region's average wage for a year and its source."""
    with open_hub(data_dir) as hub:
        figure = hub.get_wage(region_code, year)
    monthly = f"{figure['monthly_wage_fen'] / 100:.2f}"
    console.print(SHOWN.get(lang, SHOWN["en"]).format(**figure, monthly=monthly))
