"""The notifier's store on SQLite and PostgreSQL: what a batch writes goes with its position,
once; fired keys fire once; a message's life (pending, failed, retried, sent; digested);
marking read; preferences."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from hub.notify.store import Delivery, Item, NotifyStore


@pytest.fixture(params=["sqlite", "postgres"])
def store(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_dsn: str
) -> Iterator[NotifyStore]:
    if request.param == "sqlite":
        made = NotifyStore(str(tmp_path / "notify.sqlite"))
        yield made
        made.close()
        return
    schema = f"notify_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        made = NotifyStore(f"{postgres_dsn}?options=-csearch_path%3D{schema}")
        yield made
        made.close()
    finally:
        with psycopg.connect(postgres_dsn, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def item(n: int, user: str = "u1", **params: object) -> Item:
    return Item(f"i{n}", user, "agency", "referral-arrived", {"n": n, **params}, float(n))


def delivery(n: int, user: str = "u1", state: str = "pending") -> Delivery:
    return Delivery(f"i{n}:email", f"i{n}", user, "email", state, 0, float(n), None)


def test_a_batch_goes_with_its_position_once(store: NotifyStore) -> None:
    assert store.position() == 0
    assert store.record([item(1), item(2)], [delivery(1), delivery(2)], position=7)
    assert not store.record([item(3)], [delivery(3)], position=7)  # not ahead: nothing
    assert not store.record([item(3)], [delivery(3)], position=5)
    assert store.position() == 7
    assert [i.id for i in store.items_of("u1")] == ["i2", "i1"]
    assert store.record([item(3)], [delivery(3)], position=9)
    assert store.unread_count("u1") == 3
    assert store.counts() == {"pending": 3}


def test_time_based_keys_fire_once(store: NotifyStore) -> None:
    first = item(1, fire_key="deadline:x:amber")
    store.record([first], [delivery(1)], fired=["deadline:x:amber"])
    again = Item("i9", "u1", "agency", "deadline-amber", {"fire_key": "deadline:x:amber"}, 9.0)
    store.record([again], [delivery(9)], fired=["deadline:x:amber"])
    assert store.fired(["deadline:x:amber", "deadline:x:red"]) == {"deadline:x:amber"}
    assert [i.id for i in store.items_of("u1")] == ["i1"]
    assert store.delivery("i9:email") is None


def test_a_message_fails_is_retried_and_sent(store: NotifyStore) -> None:
    store.record([item(1)], [delivery(1)], position=1)
    [due] = store.due(10.0)
    store.attempt_failed(due, "smtp: ConnectionRefusedError", 20.0)
    assert store.due(10.0) == [] and len(store.due(20.0)) == 1
    store.attempt_failed(store.due(20.0)[0], "smtp: ConnectionRefusedError", None)
    [failed] = store.failed()
    assert failed.attempts == 2 and failed.last_error == "smtp: ConnectionRefusedError"
    assert store.retry("nope") == []
    assert store.retry() == ["i1:email"]
    [again] = store.due(float("inf"))
    store.sent(again.id)
    assert store.counts() == {"sent": 1}


def test_a_digest_carries_the_waiting_items(store: NotifyStore) -> None:
    store.record(
        [item(1), item(2)], [delivery(1, state="digest"), delivery(2, state="digest")], position=1
    )
    waiting = store.waiting_digest()
    digest = Delivery(
        "digest:u1:email:d", "digest:u1:email:d", "u1", "email", "pending", 0, 0, None
    )
    store.digested([d.id for d in waiting], digest)
    assert [i.id for i in store.in_digest(digest.id)] == ["i1", "i2"]
    assert store.waiting_digest() == []
    assert store.counts() == {"digested": 2, "pending": 1}


def test_read_and_preferences_are_each_officials_own(store: NotifyStore) -> None:
    store.record([item(1), item(2, user="u2")], [], position=1)
    assert store.mark_read("u2", "i1") == 0  # not theirs
    assert store.mark_read("u1", "i1") == 1
    assert store.unread_count("u1") == 0 and store.unread_count("u2") == 1
    assert store.mark_read("u2") == 1
    assert store.prefs("u1") is None
    store.set_prefs("u1", {"lang": "en"})
    store.set_prefs("u1", {"lang": "zh", "digest": True})
    assert store.prefs("u1") == {"lang": "zh", "digest": True}
