"""The SDK on the hub's HTTP feed and API (a fake hub serving the contract's endpoints)."""

from __future__ import annotations

import threading
from collections.abc import Iterable

import orjson
import pytest

from connectors import Connector, FeedRecord, Reply
from connectors.settings import ConnectorSettings
from connectors.wiring import build_parts, build_runner, dead_letter_file
from tests.integration.connectors.fake_hub import FakeHub
from tests.integration.connectors.feed import feed_record
from tests.integration.connectors.kafka_support import run_until


class Intake(Connector):
    """Receives each referral; fails every time on the ``poison`` ones."""

    def __init__(self, poison: frozenset[str] = frozenset()) -> None:
        self.seen: list[int] = []
        self.poison = poison

    def handle(self, record: FeedRecord) -> Iterable[Reply]:
        self.seen.append(record.position)
        if record.incoming:
            yield record.reply("receive", on_behalf_of="intake")
        if record.referral_id in self.poison:
            raise ValueError("cannot handle this one")


class Crash(BaseException):
    pass


def start(settings: ConnectorSettings, connector: Connector):  # type: ignore[no-untyped-def]
    parts = build_parts(settings)
    return parts, build_runner(connector, parts, settings, threading.Event())


def test_replies_posted_with_token_and_key_and_the_cursor_survives_a_restart(
    hub: FakeHub, http_settings: ConnectorSettings
) -> None:
    agency = http_settings.agency_id
    first = [feed_record(agency, p) for p in (3, 5, 8)]
    hub.state.publish(*first, head=9)
    handler = Intake()
    parts, runner = start(http_settings, handler)
    run_until(runner.run_once, parts.source.caught_up)
    parts.close()
    assert handler.seen == [3, 5, 8]
    assert {a["referral_id"] for a in hub.state.applied.values()} == {
        r["referral_id"] for r in first
    }
    assert all(
        a["action"] == "receive" and a["on_behalf_of"] == "intake"
        for a in hub.state.applied.values()
    )
    cursor = http_settings.state_dir / f"cursor-{agency}.json"
    assert orjson.loads(cursor.read_bytes()) == {"after": 9}

    hub.state.publish(feed_record(agency, 12))
    again = Intake()
    parts, runner = start(http_settings, again)
    run_until(runner.run_once, lambda: runner.stats["committed"] == 1)
    parts.close()
    assert again.seen == [12]  # nothing handled twice
    assert len(hub.state.applied) == 4 == len(hub.state.posts)


def test_5xx_is_retried_with_the_same_key_and_applied_once(
    hub: FakeHub, http_settings: ConnectorSettings
) -> None:
    hub.state.publish(feed_record(http_settings.agency_id, 1))
    hub.state.fail_posts = 6  # more than the sink's own attempts: the runner retries too
    parts, runner = start(http_settings, Intake())
    run_until(runner.run_once, lambda: runner.stats["committed"] == 1)
    parts.close()
    assert len(hub.state.posts) == 7
    assert len({p["key"] for p in hub.state.posts}) == 1
    assert len(hub.state.applied) == 1


def test_a_crash_before_the_commit_gives_the_same_reply_again(
    hub: FakeHub, http_settings: ConnectorSettings
) -> None:
    hub.state.publish(feed_record(http_settings.agency_id, 1))
    parts, runner = start(http_settings, Intake())

    def crash(record: FeedRecord) -> None:
        raise Crash

    parts.source.commit = crash  # type: ignore[method-assign]
    with pytest.raises(Crash):
        runner.run_once()
    parts.close()
    parts, runner = start(http_settings, Intake())
    run_until(runner.run_once, lambda: runner.stats["committed"] == 1)
    parts.close()
    first, second = hub.state.posts
    assert first == second
    assert len(hub.state.applied) == 1


def test_poison_and_refused_replies_go_to_the_dead_letter_file(
    hub: FakeHub, http_settings: ConnectorSettings
) -> None:
    agency = http_settings.agency_id
    poison = feed_record(agency, 1)
    refused = feed_record(agency, 2)
    fine = feed_record(agency, 3)
    hub.state.refuse[refused["referral_id"]] = (422, "transition-not-allowed")
    hub.state.publish(poison, refused, fine)
    handler = Intake(poison=frozenset({poison["referral_id"]}))
    parts, runner = start(http_settings, handler)
    run_until(runner.run_once, lambda: runner.stats["committed"] == 3)
    parts.close()

    assert handler.seen == [1, 1, 1, 2, 3]
    letters = [
        orjson.loads(line) for line in dead_letter_file(http_settings).read_bytes().splitlines()
    ]
    assert [(d["record"], d["error"], d["attempts"]) for d in letters] == [
        (poison, "handler-failed", 3),
        (refused, "reply-refused", 1),
    ]
    assert "transition-not-allowed" in letters[1]["detail"]
    assert [a["referral_id"] for a in hub.state.applied.values()] == [fine["referral_id"]]


def test_a_wrong_token_stops_the_connector(hub: FakeHub, http_settings: ConnectorSettings) -> None:
    from connectors.errors import ConfigurationError

    parts, runner = start(http_settings.with_(token="wrong"), Intake())
    with pytest.raises(ConfigurationError):
        runner.run_once()
    parts.close()
