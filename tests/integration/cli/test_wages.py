"""``hub wages load FILE``: CSV and XLSX, each figure with its source; a bad file is a plain
message and writes nothing; a reload changes nothing; a correction is a revision."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from hub.bootstrap import build
from hub.cli import app
from hub.settings import Settings

SOURCE = "新疆维吾尔自治区统计局，2022-06-17 发布"


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("KAFKA_BOOTSTRAP_SERVERS", "HUB_KAFKA_BOOTSTRAP_SERVERS"):
        monkeypatch.delenv(name, raising=False)
    build(Settings(data_dir=tmp_path)).close()  # the data dir of a hub that has run
    return tmp_path


def run(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--data-dir", str(data_dir)])
    return result.exit_code, result.output


def position(data_dir: Path) -> int:
    services = build(Settings(data_dir=data_dir))
    try:
        return services.hub.recorder.max_notification_id() or 0
    finally:
        services.close()


def test_a_csv_with_chinese_headers_loads_and_reloads_unchanged(data_dir: Path) -> None:
    table = data_dir / "wages.csv"
    table.write_text(
        f"# 来源见各行\n地区代码,年度,月平均工资,年平均工资,来源\n65,2021,,94281,{SOURCE}\n"
        f"654003,2021,7000.50,,奎屯市统计局\n",
        encoding="utf-8-sig",
    )
    code, out = run(data_dir, "wages", "load", str(table))
    assert code == 0, out
    assert "新增 2 条" in out
    code, out = run(data_dir, "wages", "show", "65", "2021", "--lang", "en")
    assert code == 0 and "7856.75 yuan" in out and SOURCE in out
    before = position(data_dir)
    code, out = run(data_dir, "wages", "load", str(table), "--lang", "en")
    assert code == 0 and "2 unchanged" in out
    assert position(data_dir) == before


def test_an_xlsx_loads_and_a_correction_is_a_revision(data_dir: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["region_code", "year", "monthly_wage_yuan", "yearly_wage_yuan", "source"])
    sheet.append(["65", 2020, None, 86343, SOURCE])
    path = data_dir / "wages.xlsx"
    book.save(path)
    assert run(data_dir, "wages", "load", str(path))[0] == 0
    sheet.append(["65", 2021, None, 94281, SOURCE])
    sheet["D2"] = 86400
    book.save(path)
    code, out = run(data_dir, "wages", "load", str(path), "--lang", "en")
    assert code == 0 and "1 recorded, 1 revised" in out, out


@pytest.mark.parametrize(
    "body, says",
    [
        ("region_code,year,source\n65,2021,x\n", "columns"),
        ("region_code,year,yearly_wage_yuan,source\n65,2021,abc,x\n", "line 2"),
        ("region_code,year,yearly_wage_yuan,source\n65,2021,1.234,x\n", "two decimals"),
        ("region_code,year,yearly_wage_yuan,source\nXJ,2021,90000,x\n", "line 2"),
        ("region_code,year,yearly_wage_yuan,source\n65,2021,90000,\n", "line 2"),
        (
            "region_code,year,yearly_wage_yuan,source\n65,2020,90000,x\n65,2020,90000,x\n",
            "twice",
        ),
    ],
)
def test_a_bad_table_is_a_plain_message_and_writes_nothing(
    data_dir: Path, body: str, says: str
) -> None:
    table = data_dir / "bad.csv"
    table.write_text(body, encoding="utf-8")
    before = position(data_dir)
    code, out = run(data_dir, "wages", "load", str(table))
    assert code == 1 and says in out and "Traceback" not in out, out
    assert position(data_dir) == before


def test_a_file_that_is_no_table_is_a_plain_message(data_dir: Path) -> None:
    for name, content in (("bad.xlsx", b"not a workbook"), ("bad.csv", b"\xff\xfe\x00bad")):
        path = data_dir / name
        path.write_bytes(content)
        code, out = run(data_dir, "wages", "load", str(path))
        assert code == 1 and "Traceback" not in out, out
    # named whole, on one line, however long the path and narrow the terminal
    missing = data_dir / ("a-folder-with-a-long-name-" * 4) / "missing.csv"
    code, out = run(data_dir, "wages", "load", str(missing))
    assert code == 1 and str(missing) in out, out
