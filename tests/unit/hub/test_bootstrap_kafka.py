"""The composition root builds the Kafka services only when the settings name a broker."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.bootstrap import (
    NoKafka,
    build_dead_letters,
    build_reply_applier,
    build_router,
    start_background_applier,
)
from hub.settings import Settings


@pytest.fixture
def embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("KAFKA_BOOTSTRAP_SERVERS", "HUB_KAFKA_BOOTSTRAP_SERVERS"):
        monkeypatch.delenv(name, raising=False)
    return Settings(data_dir=tmp_path)


def test_the_embedded_log_has_no_kafka_services(embedded: Settings) -> None:
    assert embedded.kafka_bootstrap_servers is None
    assert build_dead_letters(embedded) is None
    assert start_background_applier(embedded, hub=None) is None  # type: ignore[arg-type]
    with pytest.raises(NoKafka, match="KAFKA_BOOTSTRAP_SERVERS is not set"):
        build_router(embedded, hub=None)  # type: ignore[arg-type]
    with pytest.raises(NoKafka, match="KAFKA_BOOTSTRAP_SERVERS is not set"):
        build_reply_applier(embedded, hub=None)  # type: ignore[arg-type]


def test_dead_letters_are_named_after_the_log_topic(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, KAFKA_BOOTSTRAP_SERVERS="broker:9092", log_topic="city.events"
    )
    letters = build_dead_letters(settings)
    assert letters is not None
    assert (letters.bootstrap, letters.prefix) == ("broker:9092", "city")
    assert letters.topic == "city.replies.dlq"
