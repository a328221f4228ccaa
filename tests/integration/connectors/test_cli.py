"""``hub-connector`` end to end against the fake hub: run, run-webhook, batch, settings."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from connectors.cli import app
from connectors.settings import ConnectorSettings
from tests.integration.connectors.fake_hub import FakeHub
from tests.integration.connectors.feed import feed_record
from tests.integration.connectors.target import Target
from tests.support.tansu import free_port


@pytest.fixture
def env(http_settings: ConnectorSettings, tmp_path: Path) -> dict[str, str]:
    s = http_settings
    return {
        "HUB_CONNECTOR_AGENCY_ID": s.agency_id,
        "HUB_CONNECTOR_HUB_URL": s.hub_url,
        "HUB_CONNECTOR_TOKEN": s.token,
        "HUB_CONNECTOR_STATE_DIR": str(s.state_dir),
        "HUB_CONNECTOR_BATCH_DIR": str(tmp_path / "files"),
        "HUB_CONNECTOR_POLL_WAIT": "0.2",
        "HUB_CONNECTOR_BACKOFF_BASE": "0.02",
        "HUB_CONNECTOR_WEBHOOK_SECRET": "s3cret",
        "HUB_CONNECTOR_CALLBACK_PORT": "0",
    }


def test_run_an_sdk_class_until_idle(hub: FakeHub, env: dict[str, str]) -> None:
    agency = env["HUB_CONNECTOR_AGENCY_ID"]
    hub.state.publish(feed_record(agency, 1), feed_record(agency, 2, incoming=False))
    result = CliRunner().invoke(
        app, ["run", "connectors.examples:AutoReceive", "--until-idle"], env=env
    )
    assert result.exit_code == 0, result.output
    assert "handled 2" in result.output and "replies 1" in result.output
    [answer] = hub.state.applied.values()
    assert answer["action"] == "receive"


def test_run_refuses_what_is_not_a_connector(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["run", "connectors.records:Reply"], env=env)
    assert result.exit_code == 2 and "not a subclass" in result.output


def test_run_webhook_until_idle(hub: FakeHub, env: dict[str, str]) -> None:
    agency = env["HUB_CONNECTOR_AGENCY_ID"]
    hub.state.publish(feed_record(agency, 1))
    target = Target(free_port(), "s3cret").start()
    try:
        result = CliRunner().invoke(
            app,
            ["run-webhook", "--until-idle"],
            env=env | {"HUB_CONNECTOR_WEBHOOK_URL": target.url},
        )
    finally:
        target.stop()
    assert result.exit_code == 0, result.output
    assert len(target.received) == 1 and target.bad_signatures == 0


def test_batch_export_then_import_with_a_bad_row(hub: FakeHub, env: dict[str, str]) -> None:
    agency = env["HUB_CONNECTOR_AGENCY_ID"]
    hub.state.publish(feed_record(agency, 1), feed_record(agency, 2))
    runner = CliRunner()
    exported = runner.invoke(app, ["batch", "export"], env=env)
    assert exported.exit_code == 0, exported.output
    assert "new referrals: 2" in exported.output
    [xlsx] = Path(env["HUB_CONNECTOR_BATCH_DIR"]).glob("referrals-*.xlsx")
    book = openpyxl.load_workbook(xlsx)
    sheet = book.worksheets[0]
    sheet["J2"], sheet["J3"], sheet["M3"] = "受理", "办结", "很多"
    book.save(xlsx)
    imported = runner.invoke(app, ["batch", "import", str(xlsx)], env=env)
    assert imported.exit_code == 1
    assert "applied 1" in imported.output and "不是数字" in imported.output
    assert len(hub.state.applied) == 1


def test_settings_hide_secrets_and_missing_ones_are_named(env: dict[str, str]) -> None:
    shown = CliRunner().invoke(app, ["settings"], env=env)
    assert (
        "HUB_CONNECTOR_TOKEN=***" in shown.output and env["HUB_CONNECTOR_TOKEN"] not in shown.output
    )
    missing = CliRunner().invoke(
        app, ["batch", "export"], env=env | {"HUB_CONNECTOR_AGENCY_ID": ""}
    )
    assert missing.exit_code == 2 and "HUB_CONNECTOR_AGENCY_ID" in missing.output
