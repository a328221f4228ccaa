"""The hub's logs: one JSON object per line on stderr, from the standard library's logging.

:func:`configure` is called once by each process's entry point (``hub serve``, the workers);
nothing is configured at import. Every line carries the time, level, logger and message, and,
inside a request, the request's id and the caller's agency and token (never a name, an ID
number or anything else of a person: code logs ids, not bodies). Extra fields given with
``log.info("…", extra={"fields": {...}})`` are merged into the line.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson

#: the request being answered in this task or thread: request_id, agency_id, token_id
request_context: ContextVar[dict[str, str] | None] = ContextVar("hub_request", default=None)

#: a record's own attributes, and extras some libraries add that a JSON line does not need
#: (uvicorn's ANSI-coloured copy of the message)
_RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "fields",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = request_context.get()
        if context:
            line.update(context)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_") and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


def configure(level: str = "INFO", stream: TextIO | None = None) -> logging.Handler:
    """Sends every logger's records to ``stream`` (stderr) as JSON lines; returns the handler.

    Uvicorn's own loggers are made to propagate here instead of printing their text lines.
    """
    # what a line never shows is not gathered for every record (the logging HOWTO's
    # "Optimization"): the caller's file and line, the thread's and the process's names
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h.formatter, JsonFormatter)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("kafka").setLevel(max(logging.WARNING, root.level))
    return handler
