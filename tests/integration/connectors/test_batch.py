"""The batch-file connector: the day's files with Chinese headers; answers applied or reported."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import openpyxl
import orjson
import pytest

from connectors.batch.answers import check_file
from connectors.batch.jobs import export_referrals, import_answers, ledger_for
from connectors.batch.labels import HEADERS
from connectors.batch.ledger import Ledger
from connectors.details import HubDetails, NoDetails
from connectors.hubapi import HubClient
from connectors.settings import ConnectorSettings
from connectors.sinks.http import HttpReplySink
from connectors.wiring import build_parts
from tests.integration.connectors.fake_hub import FakeHub
from tests.integration.connectors.feed import feed_record
from tests.integration.connectors.kafka_support import (
    kafka_settings,
    new_referrals,
    produce_feed,
    read_topic,
)
from tests.integration.connectors.sheets import read_csv, write_csv
from tests.unit.connectors.rows import AGENCY, known, row

DAY = date(2026, 11, 29)


def exported_to(hub: FakeHub, settings: ConnectorSettings) -> list[dict]:  # type: ignore[type-arg]
    agency = settings.agency_id
    records = [
        feed_record(agency, 1),
        feed_record(agency, 2),
        feed_record(agency, 3, incoming=False),
    ]
    records.append(feed_record(agency, 4))
    for r in records:
        person = r["data"]["person_id"]
        hub.state.details[f"/referrals/{r['referral_id']}"] = {"reason": "因案致贫，需医疗救助"}
        hub.state.details[f"/persons/{person}"] = {"name": "张三", "contact": "13800000000"}
    hub.state.publish(*records)
    return records


def test_export_writes_both_files_with_chinese_headers_and_the_details(
    hub: FakeHub, http_settings: ConnectorSettings, tmp_path: Path
) -> None:
    settings = http_settings.with_(batch_dir=tmp_path / "files")
    records = exported_to(hub, settings)
    parts = build_parts(settings)
    ledger = ledger_for(settings)
    try:
        details = HubDetails(HubClient(settings))
        first = export_referrals(settings, parts, details, ledger, today=DAY)
        again = export_referrals(settings, parts, details, ledger, today=DAY)
    finally:
        parts.close()
        ledger.close()

    incoming = [records[i]["referral_id"] for i in (0, 1, 3)]
    assert first.referral_ids == incoming and again.referral_ids == []
    csv_path = tmp_path / "files" / "referrals-2026-11-29.csv"
    xlsx_path = csv_path.with_suffix(".xlsx")
    assert first.files == [csv_path, xlsx_path]
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    rows = read_csv(csv_path)
    assert tuple(rows[0]) == HEADERS
    assert rows[0][:8] == [
        "转介编号",
        "转介时间",
        "转出单位",
        "转介原因",
        "需求服务",
        "办理期限",
        "当事人",
        "联系方式",
    ]
    assert "处理结果(接收/受理/拒绝/办结/未能办结)" in rows[0] and "金额(元)" in rows[0]
    assert [r[0] for r in rows[1:]] == incoming
    assert rows[1][1:8] == [
        "2026-11-29 11:10",
        "新源县人民检察院",
        "因案致贫，需医疗救助",
        "医疗救助、临时救助",
        "2026-12-08",
        "张三",
        "13800000000",
    ]
    book = openpyxl.load_workbook(xlsx_path)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == list(HEADERS)
    assert [sheet.cell(row=r, column=1).value for r in (2, 3, 4)] == incoming
    assert book.worksheets[1].cell(row=2, column=2).value == "Referral ID"


def fill(path: Path, answers: dict[int, dict[str, object]]) -> None:
    """Fills answer cells of the exported XLSX (row number → column header → value)."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    columns = {c.value: c.column for c in sheet[1]}
    for number, cells in answers.items():
        for header, value in cells.items():
            sheet.cell(row=number, column=columns[header], value=value)
    book.save(path)


def test_import_applies_the_good_rows_and_reports_the_bad_ones(
    hub: FakeHub, http_settings: ConnectorSettings, tmp_path: Path
) -> None:
    settings = http_settings.with_(batch_dir=tmp_path / "files")
    records = exported_to(hub, settings)
    parts = build_parts(settings)
    ledger = ledger_for(settings)
    sink = HttpReplySink(settings)
    try:
        exported = export_referrals(settings, parts, NoDetails(), ledger, today=DAY)
        xlsx = exported.files[1]
        answer, amount = "处理结果(接收/受理/拒绝/办结/未能办结)", "金额(元)"
        fill(
            xlsx,
            {
                2: {answer: "办结", "救助形式": "资金", amount: 3000.5, "经办人": "李四"},
                3: {answer: "拒绝"},  # no reason
                4: {answer: "受理", "经办人": "王五"},
            },
        )
        hub.state.refuse[records[3]["referral_id"]] = (422, "transition-not-allowed")
        result = import_answers(xlsx, settings, sink, ledger)
        hub.state.refuse.clear()
        again = import_answers(xlsx, settings, sink, ledger)
    finally:
        sink.close()
        parts.close()
        ledger.close()

    assert [r.result[1] for r in result.results] == [
        "applied",
        "error, not applied",
        "refused by the hub",
    ]
    assert result.results[1].details == (("拒绝须填写原因", "a reason is required to reject"),)
    assert (result.applied, result.failed) == (1, 2)
    applied = list(hub.state.applied.values())
    assert [(a["referral_id"], a["action"]) for a in applied[:2]] == [
        (records[0]["referral_id"], "accept"),
        (records[0]["referral_id"], "complete"),
    ]
    assert applied[1]["outcome"]["provisions"][0]["amount_fen"] == 300050
    assert applied[1]["on_behalf_of"] == "李四"
    # importing again sends the same keys: the hub applies nothing twice
    assert [r.result[1] for r in again.results] == ["applied", "error, not applied", "applied"]
    assert len(hub.state.applied) == 3
    report = result.report
    assert report is not None and report.read_bytes().startswith(b"\xef\xbb\xbf")
    lines = read_csv(report)
    assert lines[0] == ["行号 Row", "转介编号 Referral ID", "结果 Result", "说明 Detail"]
    assert lines[2][:3] == ["3", records[1]["referral_id"], "错误，未提交 / error, not applied"]


@pytest.mark.kafka
def test_on_kafka_the_export_reads_the_topic_and_the_import_produces_replies(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    from connectors.sinks.kafka import KafkaReplySink

    settings = kafka_settings(kafka_bootstrap, batch_dir=tmp_path / "files", state_dir=tmp_path)
    records = new_referrals(settings, 2)
    produce_feed(kafka_bootstrap, settings, records)
    parts = build_parts(settings, threading.Event())
    ledger = ledger_for(settings)
    sink = KafkaReplySink(settings)
    try:
        exported = export_referrals(settings, parts, NoDetails(), ledger, today=DAY)
        assert sorted(exported.referral_ids) == sorted(r["referral_id"] for r in records)
        csv_path = exported.files[0]
        rows = read_csv(csv_path)
        rows[1][9] = "接收"
        rows[2][9:11] = ["拒绝", "不属于本单位职责"]
        answers = write_csv(tmp_path / "answers.csv", rows)
        result = import_answers(answers, settings, sink, ledger)
    finally:
        sink.close()
        parts.close()
        ledger.close()
    assert result.applied == 2
    replies = [
        orjson.loads(m.value) for m in read_topic(kafka_bootstrap, settings.replies_topic, 2)
    ]
    assert sorted((r["referral_id"], r["action"], r["reason"]) for r in replies) == sorted(
        [(rows[1][0], "receive", None), (rows[2][0], "reject", "不属于本单位职责")]
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_a_csv_saved_by_excel_in_any_of_its_encodings_reads_the_same(
    tmp_path: Path, encoding: str
) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    referral = known(ledger)
    text = (
        ",".join(HEADERS) + "\r\n" + ",".join(row(referral, "拒绝", reason="不属于本单位")) + "\r\n"
    )
    path = tmp_path / "answers.csv"
    path.write_bytes(text.encode(encoding))
    [c] = check_file(path, ledger, AGENCY, "批量")[0]
    ledger.close()
    assert c.ok and [(r.action, r.reason) for r in c.replies] == [("reject", "不属于本单位")]


def test_a_file_that_is_not_a_spreadsheet_is_refused_as_a_whole(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    broken = tmp_path / "answers.xlsx"
    broken.write_bytes(b"PK not really a workbook")
    checked, problems = check_file(broken, ledger, AGENCY, "批量")
    ledger.close()
    assert checked == [] and problems == [("无法读取文件", "the file cannot be read: BadZipFile")]
