"""kafka-python's private internals are used only for the version they were written for."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import kafka
import pytest

from hub.eventlog import kafka_internals
from hub.eventlog.kafka_internals import UnsupportedKafkaPython, check_version

ROOT = Path(__file__).resolve().parents[3]
PIN = re.compile(r"kafka-python(\[[\w,]+\])?==(?P<version>[\w.]+)")
PRIVATES = re.compile(
    r"(?<!self)\._(transaction_manager|sender|fetcher|closed)\b|PartitionRecords|kafka\.\w+\._"
)


def pinned_kafka_python() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [m for d in project["dependencies"] if (m := PIN.fullmatch(d))]
    assert len(pins) == 1, project["dependencies"]
    return pins[0]["version"]


def test_written_for_the_pinned_version() -> None:
    assert pinned_kafka_python() == kafka_internals.WRITTEN_FOR


def test_the_installed_version_is_accepted() -> None:
    assert kafka.__version__ == importlib.metadata.version("kafka-python")
    kafka_internals.require_supported()  # raises on another version


@pytest.mark.parametrize("other", ["3.0.11", "3.0.13", "3.1.0", "2.0.2"])
def test_another_version_is_refused_with_a_clear_message(other: str) -> None:
    with pytest.raises(UnsupportedKafkaPython) as caught:
        check_version(other)
    message = str(caught.value)
    assert f"kafka-python {other} is installed" in message
    assert f"kafka-python=={kafka_internals.WRITTEN_FOR}" in message


def test_the_kafka_log_refuses_to_start_on_another_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hub.eventlog.kafka import KafkaFactory

    monkeypatch.setattr(kafka, "__version__", "3.1.0")
    kafka_internals.require_supported.cache_clear()
    try:
        with pytest.raises(UnsupportedKafkaPython, match=r"kafka-python 3\.1\.0 is installed"):
            KafkaFactory({"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"})
    finally:
        kafka_internals.require_supported.cache_clear()


def test_no_other_module_reaches_into_kafka_python_privates() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {found.group()}"
        for package in ("domain", "hub", "projections", "connectors")
        for path in (ROOT / package).rglob("*.py")
        if path.name != "kafka_internals.py"
        for found in PRIVATES.finditer(path.read_text())
    ]
    assert offenders == []
