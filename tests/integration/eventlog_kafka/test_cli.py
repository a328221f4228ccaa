"""``hub log rebuild`` and ``hub log status`` against the real broker."""

from __future__ import annotations

import uuid

import pytest
from typer.testing import CliRunner

from hub.cli.log import app
from tests.integration.eventlog_kafka.conftest import event, remove_replica

pytestmark = pytest.mark.kafka


@pytest.fixture
def hub_env(env_factory, monkeypatch):
    env = env_factory()
    for key in ("KAFKA_BOOTSTRAP_SERVERS", "HUB_LOG_TOPIC", "HUB_REPLICA_PATH"):
        monkeypatch.setenv(key, env[key])
    return env


def test_rebuild_restores_a_deleted_replica_and_status_reports_it(hub_env, factories):
    factory = factories(hub_env)
    recorder = factory.application_recorder()
    aggregate = uuid.uuid4()
    for version in range(1, 31):
        recorder.insert_events([event(aggregate, version, f"s{version}".encode())])
    before = recorder.select_notifications(None, 100)
    factory.close()
    remove_replica(hub_env["HUB_REPLICA_PATH"])

    result = CliRunner().invoke(app, ["rebuild", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Replica rebuilt: 30 events, last id 30" in result.output

    assert factories(hub_env).application_recorder().select_notifications(None, 100) == before

    status = CliRunner().invoke(app, ["status"])
    assert status.exit_code == 0, status.output
    assert hub_env["HUB_LOG_TOPIC"] in status.output
    assert "最后通知编号" in status.output and "30" in status.output


def test_the_embedded_log_has_no_replica_to_rebuild(monkeypatch, tmp_path):
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    result = CliRunner().invoke(app, ["rebuild", "--lang", "en", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "embedded SQLite log" in result.output
