"""Feed records and replies: deterministic keys, the contract's JSON shapes, the checks."""

from __future__ import annotations

import orjson
import pytest

from connectors.records import FeedRecord, Outcome, Provision, Reply, idempotency_key
from connectors.webhook.callback import reply_from_callback
from tests.integration.connectors.feed import feed_record

AGENCY = "5b0f1c9e-1111-4000-8000-000000000002"


def test_a_redelivered_record_gives_the_same_reply() -> None:
    value = feed_record(AGENCY, 42)
    first = FeedRecord.from_json(orjson.dumps(value)).reply("accept", on_behalf_of="sys")
    again = FeedRecord.from_dict(value).reply("accept", on_behalf_of="sys")
    assert first == again and first.to_json() == again.to_json()


def test_the_key_changes_with_each_part() -> None:
    base = ("a", "r", "accept", 1)
    keys = {idempotency_key(*base)}
    for i, other in enumerate(("b", "s", "receive", 2)):
        parts = list(base)
        parts[i] = other
        keys.add(idempotency_key(*parts))  # type: ignore[arg-type]
    assert len(keys) == 5
    assert all(len(k) <= 200 for k in keys)  # the hub's Idempotency-Key limit


def test_the_reply_record_and_the_http_body_follow_the_contract() -> None:
    outcome = Outcome(True, (Provision("money", "民政局", 1500000, "临时救助"),))
    reply = FeedRecord.from_dict(feed_record(AGENCY, 7)).reply("complete", "王科长", None, outcome)
    body = {
        "on_behalf_of": "王科长",
        "reason": None,
        "outcome": {
            "successful": True,
            "reason": None,
            "provisions": [
                {
                    "kind": "money",
                    "amount_fen": 1500000,
                    "provider": "民政局",
                    "description": "临时救助",
                }
            ],
        },
    }
    assert reply.body() == body
    assert orjson.loads(reply.to_json()) == {
        "idempotency_key": reply.idempotency_key,
        "agency_id": AGENCY,
        "referral_id": reply.referral_id,
        "action": "complete",
        **body,
    }
    assert Reply.from_dict(orjson.loads(reply.to_json())) == reply


@pytest.mark.parametrize(
    ("action", "reason", "note"),
    [("approve", None, "x"), ("reject", None, "x"), ("fail", "  ", "x"), ("accept", None, " ")],
)
def test_invalid_replies_are_refused(action: str, reason: str | None, note: str) -> None:
    with pytest.raises(ValueError):
        Reply("k", AGENCY, "r", action, note, reason)


def test_bytes_that_are_not_a_record_are_kept_as_broken() -> None:
    record = FeedRecord.from_json(b"\xffnot json", ref=("t", 3))
    assert record.broken and record.raw == b"\xffnot json" and record.ref == ("t", 3)
    assert not FeedRecord.from_dict(feed_record(AGENCY, 1)).broken


def test_incoming_only_for_requests_to_this_agency() -> None:
    assert FeedRecord.from_dict(feed_record(AGENCY, 1, incoming=True)).incoming
    assert not FeedRecord.from_dict(feed_record(AGENCY, 1, incoming=False)).incoming
    assert not FeedRecord.from_dict(feed_record(AGENCY, 1, kind="referral.accepted")).incoming


@pytest.mark.parametrize(
    "make",
    [
        lambda: Provision("cash", "民政局", 100),
        lambda: Provision("money", "民政局"),
        lambda: Provision("money", "民政局", 0),
        lambda: Provision("money", "民政局", 12.5),  # type: ignore[arg-type]
        lambda: Provision("money", "民政局", True),
        lambda: Provision("job", " "),
        lambda: Outcome(False),
        lambda: Outcome.from_dict({"successful": "yes"}),
    ],
)
def test_invalid_outcomes_are_refused_before_they_reach_the_hub(make: object) -> None:
    with pytest.raises(ValueError):
        make()  # type: ignore[operator]


def test_a_reply_names_whom_it_answers_for_as_a_note_and_reads_actor_from_before() -> None:
    """The SDK sends ``on_behalf_of``; a reply, a receiver's answer or a callback written before
    it that says ``actor`` reads the same."""
    record = FeedRecord.from_dict(feed_record(AGENCY, 3))
    reply = record.reply("receive", "张某")
    assert reply.body() == {"on_behalf_of": "张某", "reason": None, "outcome": None}
    assert "actor" not in reply.to_dict()
    older = {**reply.to_dict(), "actor": "张某"}
    del older["on_behalf_of"]
    assert Reply.from_dict(older) == reply
    assert record.reply("receive").body()["on_behalf_of"] is None
    body = orjson.dumps({"actor": "张某"})
    called = reply_from_callback(AGENCY, record.referral_id, "receive", body, "k")
    assert called.on_behalf_of == "张某"
    with pytest.raises(ValueError):
        reply_from_callback(AGENCY, record.referral_id, "receive", b'{"on_behalf_of": 7}', "k")
    with pytest.raises(ValueError):
        Reply("k", AGENCY, "r", "receive", "某" * 201)
