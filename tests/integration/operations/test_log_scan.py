"""The seven scenarios' logs are JSON lines naming requests, agencies and tokens by id, and
hold none of the names, ID numbers or other details of the persons the scenarios register."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from hub import logs
from hub.bootstrap import build
from hub.demo.driver import Driver
from hub.demo.loader import load_demo
from hub.settings import Settings
from projections import worker

PERSONAL = ("id_number", "name", "contact", "health", "family", "address")


def test_the_scenarios_log_no_personal_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered: list[dict[str, Any]] = []
    post = Driver.post

    def recording(
        self: Driver, agency: str, path: str, body: dict[str, Any], role: str | None = None
    ) -> Any:
        if path == "/persons":
            registered.append(body)
        return post(self, agency, path, body, role)

    monkeypatch.setattr(Driver, "post", recording)
    captured = io.StringIO()
    handler = logs.configure("DEBUG", stream=captured)
    try:
        services = build(Settings(data_dir=tmp_path))
        try:
            load_demo(services)
            for name in worker.VIEWS:
                worker.rebuild(services.hub, services.views, name)
            assert services.hub.verify_log().ok
        finally:
            services.close()
    finally:
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(logging.WARNING)
    text = captured.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    # the log is worth scanning: a line per request, with its id and the caller's agency
    posts = [
        line
        for line in lines
        if line["message"] == "request" and line["route"] == "/persons" and line["method"] == "POST"
    ]
    assert len(posts) == len(registered) >= 7
    assert all(line["request_id"] and line["agency_id"] and line["token_id"] for line in posts)
    secrets = {str(body[field]) for body in registered for field in PERSONAL if body.get(field)}
    assert any(len(s) == 18 for s in secrets)  # the ID numbers are among them
    leaked = sorted(s for s in secrets if s in text)
    assert leaked == []
