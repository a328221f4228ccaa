"""``hub audit verify`` reads the log as plain rows (``select_rows``) on both logs: the same
events, in the same order, with the originator ids as the chain's links name them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from hub.audit import verify
from hub.audit.verify import log_events
from hub.bootstrap import build_hub
from hub.settings import Settings
from tests.support.ids import numbered


def test_rows_are_the_notifications_and_verify_in_small_batches(
    tmp_path: Path, log_env: dict[str, Any], monkeypatch: Any
) -> None:
    hub = build_hub(Settings(data_dir=tmp_path), log_env)
    try:
        for i in range(7):
            person = hub.register_person(numbered(i), f"行读取{i}")
            hub.consent_to_all(person, date(2026, 1, 5))
        monkeypatch.setattr(verify, "ROWS_BATCH", 3)  # several batches, one of them short
        rows = list(log_events(hub.recorder))
        notifications = hub.recorder.select_notifications(1, 1000)
        assert hasattr(hub.recorder, "select_rows")
        assert rows == [
            (n.id, str(n.originator_id), n.originator_version, n.topic, n.state)
            for n in notifications
        ]
        report = hub.verify_log()
        assert report.ok and report.checked == len(notifications) == 14
    finally:
        hub.close()
