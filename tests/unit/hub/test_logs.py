"""The JSON log lines: what a line carries, and what is not gathered because no line shows it."""

from __future__ import annotations

import io
import logging

import orjson
import pytest

from hub import logs


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    for name in ("_srcfile", "logThreads", "logProcesses", "logMultiprocessing"):
        monkeypatch.setattr(logging, name, getattr(logging, name))  # restored afterwards
    root = logging.getLogger()
    monkeypatch.setattr(root, "level", root.level)
    stream = io.StringIO()
    handler = logs.configure("INFO", stream)
    yield stream
    root.removeHandler(handler)


def test_a_line_carries_the_request_and_the_fields_and_no_caller(configured: io.StringIO) -> None:
    token = logs.request_context.set({"request_id": "r1", "agency_id": "a1"})
    try:
        logging.getLogger("hub.test").info("request", extra={"fields": {"status": 201}})
    finally:
        logs.request_context.reset(token)
    line = orjson.loads(configured.getvalue().splitlines()[-1])
    assert line["message"] == "request" and line["logger"] == "hub.test"
    assert line["level"] == "info" and line["time"].endswith("+00:00")
    assert (line["request_id"], line["agency_id"], line["status"]) == ("r1", "a1", 201)
    for never in ("filename", "lineno", "funcName", "thread", "threadName", "process"):
        assert never not in line


def test_what_no_line_shows_is_not_gathered_for_each_record(configured: io.StringIO) -> None:
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("hub.test")
    logger.addHandler(handler)
    try:
        logger.info("m")
    finally:
        logger.removeHandler(handler)
    (record,) = records
    assert (record.pathname, record.lineno) == ("(unknown file)", 0)  # no walk up the stack
    assert record.threadName is None and record.process is None
