"""Agencies' answers on the real broker: applied once, checked, and the rest dead-lettered.

Each agency writes to its own ``{prefix}.replies.<agency_id>``; the applier takes the
agency from that topic, whatever the reply's headers or body claim.
"""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

import orjson
import pytest
from kafka import KafkaProducer

from hub.bootstrap import Services
from hub.demo import network as n
from hub.demo.driver import Driver
from hub.feeds.dead_letters import DeadLetters, Republished
from hub.feeds.replies import BackgroundApplier, ReplyApplier, tracking_name
from hub.feeds.topics import replies_topic
from tests.integration.agency_topics.conftest import read_topic
from tests.integration.agency_topics.test_router import prefix_of

pytestmark = pytest.mark.kafka


def send(
    bootstrap: str,
    prefix: str,
    reply: dict[str, Any],
    topic_of: str | None = None,
    headers: list[tuple[str, bytes]] | None = None,
) -> str:
    """Produces ``reply`` on the replies topic of agency ``topic_of`` (by default the one it
    names), as that agency's connector does; returns where: ``<topic>:<partition>:<offset>``.

    Topics the broker creates on first use may have several partitions: the key (referral)
    chooses one.
    """
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        sent = producer.send(
            replies_topic(prefix, topic_of or reply["agency_id"]),
            key=reply["referral_id"].encode(),
            value=orjson.dumps(reply),
            headers=headers or [("idempotency_key", reply["idempotency_key"].encode())],
        ).get(timeout=10)
    finally:
        producer.close()
    return f"{sent.topic}:{sent.partition}:{sent.offset}"


def drain(applier: ReplyApplier) -> tuple[int, int]:
    applied = dead = 0
    for _ in range(20):
        a, d = applier.step(timeout_ms=300)
        applied, dead = applied + a, dead + d
        if not (a or d) and (applied or dead):
            break
    return applied, dead


def new_referral(
    driver: Driver, recipient: str = n.KUYTUN_VOLUNTEERS, services: str = "counselling"
) -> str:
    p = n.KUYTUN_PROCURATORATE
    person = driver.person(p, "654003199912120019", "测试人", consent_to={recipient: [services]})
    return driver.refer(
        p, recipient, person, reason="转介", services=[services], on_behalf_of="承办检察官"
    )


def reply(
    driver: Driver,
    referral: str,
    action: str,
    key: str,
    agency: str = n.KUYTUN_VOLUNTEERS,
    **fields: Any,
) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "agency_id": driver.id(agency),
        "referral_id": referral,
        "action": action,
        "on_behalf_of": "机构系统",
        **fields,
    }


def test_replies_on_two_agencies_topics_apply_once_each_and_resume_after_restart(
    kafka_hub: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    services, env, driver = kafka_hub
    prefix = prefix_of(env)
    hub = services.hub
    volunteers = new_referral(driver)
    league = new_referral(driver, n.KUYTUN_YOUTH_LEAGUE, "student-loan")
    accept = reply(driver, volunteers, "accept", "v-accept")
    send(kafka_bootstrap, prefix, accept)
    v_last = send(kafka_bootstrap, prefix, accept)  # delivered twice
    y_accept = reply(driver, league, "accept", "y-accept", n.KUYTUN_YOUTH_LEAGUE)
    y_last = send(kafka_bootstrap, prefix, y_accept)
    applier = ReplyApplier(hub, kafka_bootstrap, prefix)
    try:
        assert drain(applier) == (3, 0)
    finally:
        applier.close()
    for referral in (volunteers, league):
        state = hub.get_referral(referral)
        assert state["status"] == "accepted" and state["version"] == 2  # applied once
    # each topic partition's position is its own: the offset of its last reply
    for last, topic in (
        (v_last, replies_topic(prefix, driver.id(n.KUYTUN_VOLUNTEERS))),
        (y_last, replies_topic(prefix, driver.id(n.KUYTUN_YOUTH_LEAGUE))),
    ):
        name, partition, offset = last.rsplit(":", 2)
        assert name == topic
        assert hub.recorder.max_tracking_id(tracking_name(topic, int(partition))) == int(offset)
    assert int(y_last.rsplit(":", 1)[1]) == 0  # a position of 0 is resumed after, too

    # A restarted applier resumes each topic after what it applied: nothing is read again.
    send(kafka_bootstrap, prefix, reply(driver, volunteers, "start", "v-start"))
    send(kafka_bootstrap, prefix, reply(driver, league, "start", "y-start", n.KUYTUN_YOUTH_LEAGUE))
    again = ReplyApplier(hub, kafka_bootstrap, prefix)
    try:
        assert drain(again) == (2, 0)
    finally:
        again.close()
    for referral in (volunteers, league):
        state = hub.get_referral(referral)
        assert state["status"] == "in-progress" and state["version"] == 3


def test_a_reply_on_one_agencys_topic_naming_another_agency_is_forbidden(
    kafka_hub: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    services, env, driver = kafka_hub
    prefix = prefix_of(env)
    referral = new_referral(driver)
    volunteers, league = driver.id(n.KUYTUN_VOLUNTEERS), driver.id(n.KUYTUN_YOUTH_LEAGUE)
    # the youth league's credentials write the volunteers' answer, header and body claiming it
    claimed = reply(driver, referral, "accept", "k-claimed")
    sent = send(
        kafka_bootstrap,
        prefix,
        claimed,
        topic_of=league,
        headers=[("agency_id", volunteers.encode()), ("idempotency_key", b"k-claimed")],
    )
    assert sent.startswith(replies_topic(prefix, league) + ":")
    applier = ReplyApplier(services.hub, kafka_bootstrap, prefix)
    try:
        assert drain(applier) == (0, 1)
    finally:
        applier.close()
    assert services.hub.get_referral(referral)["version"] == 1  # not applied
    [letter] = DeadLetters(kafka_bootstrap, prefix).list()
    assert letter.error == "forbidden"
    assert letter.source == sent
    assert orjson.loads(letter.value) == claimed


def test_replies_that_cannot_apply_go_to_the_dlq_and_retry_puts_them_back_on_their_topic(
    kafka_hub: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    services, env, driver = kafka_hub
    prefix = prefix_of(env)
    referral = new_referral(driver)
    v_topic = replies_topic(prefix, driver.id(n.KUYTUN_VOLUNTEERS))
    y_topic = replies_topic(prefix, driver.id(n.KUYTUN_YOUTH_LEAGUE))
    # the youth league answers for itself, but the referral is not its own
    sources = [
        send(
            kafka_bootstrap, prefix, reply(driver, referral, "accept", "k1", n.KUYTUN_YOUTH_LEAGUE)
        ),
        send(kafka_bootstrap, prefix, reply(driver, referral, "start", "k2")),  # out of order
        send(
            kafka_bootstrap,
            prefix,
            {"action": "accept", "referral_id": referral, "idempotency_key": "k3"},  # malformed
            topic_of=driver.id(n.KUYTUN_VOLUNTEERS),
        ),
    ]
    applier = ReplyApplier(services.hub, kafka_bootstrap, prefix)
    try:
        assert drain(applier) == (0, 3)
        assert services.hub.get_referral(referral)["version"] == 1  # nothing applied
        letters = DeadLetters(kafka_bootstrap, prefix)
        # each letter names where its reply came from (topics are taken in no fixed order)
        errors = {x.source: x.error for x in letters.list()}
        assert errors == dict(
            zip(sources, ["not-party", "referral-transition-not-allowed", "malformed"], strict=True)
        )
        assert [s.rsplit(":", 2)[0] for s in sources] == [y_topic, v_topic, v_topic]
        v_partition, y_partition = int(sources[1].split(":")[1]), int(sources[0].split(":")[1])
        by_source = {x.source: x for x in letters.list()}

        # Once the referral is accepted, the out-of-order "start" goes back on the
        # volunteers' topic, is applied from there, and leaves the list.
        driver.answer(n.KUYTUN_VOLUNTEERS, referral, "accept")
        start = by_source[sources[1]]
        back = letters.retry(start.id)
        assert back == Republished(start.id, v_topic, v_partition, 2)  # after start, malformed
        [record] = [r for r in read_topic(kafka_bootstrap, v_topic) if r.offset == 2]
        assert (record.partition, record.key, record.value) == (v_partition, start.key, start.value)
        assert dict(record.headers) == {"idempotency_key": b"k2"}  # the reply's own headers
        assert drain(applier) == (1, 0)
        assert letters.outcome(services.hub, back, timeout=5) is None  # applied
        assert services.hub.get_referral(referral)["status"] == "in-progress"
        assert sorted(x.error for x in letters.list()) == ["malformed", "not-party"]

        # The youth league's reply goes back on the youth league's topic, not another one,
        # and is refused again: a new letter.
        foreign = by_source[sources[0]]
        again = letters.retry(foreign.id)
        assert isinstance(again, Republished) and again.topic == y_topic
        assert drain(applier) == (0, 1)
        refused = letters.outcome(services.hub, again, timeout=5)
        assert refused is not None and refused.error == "not-party"
        assert refused.source == f"{y_topic}:{y_partition}:1"
        assert [x.source for x in letters.list()] == [sources[2], refused.source]
        gone = letters.retry(foreign.id)
        assert not isinstance(gone, Republished) and gone.error == "not-found"
    finally:
        applier.close()
    assert services.hub.get_referral(referral)["version"] == 3  # requested, accepted, started


def test_operators_list_and_retry_dead_letters_over_http(
    kafka_hub: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    from hub.bootstrap import build_dead_letters
    from hub.settings import Settings

    services, env, driver = kafka_hub
    prefix = prefix_of(env)
    services.settings = Settings(
        data_dir=services.settings.data_dir,
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap,
        log_topic=env["HUB_LOG_TOPIC"],
    )
    services.dead_letters = build_dead_letters(services.settings)
    admin = {"Authorization": f"Bearer {driver.admin_token}"}
    v_topic = replies_topic(prefix, driver.id(n.KUYTUN_VOLUNTEERS))
    referral = new_referral(driver)
    applier = BackgroundApplier(services.hub, kafka_bootstrap, prefix)  # as in hub serve
    try:
        early = send(kafka_bootstrap, prefix, reply(driver, referral, "start", "k-early"))
        where = early.rsplit(":", 1)[0]  # the volunteers' topic and the referral's partition
        assert early == f"{where}:0" and where.startswith(v_topic + ":")
        deadline = time.monotonic() + 30
        while not (listed := driver.client.get("/operations/dlq", headers=admin).json()):
            assert time.monotonic() < deadline, "the early reply was not dead-lettered"
            time.sleep(0.1)
        assert [x["error"] for x in listed] == ["referral-transition-not-allowed"]
        assert listed[0]["reply"]["referral_id"] == referral
        assert listed[0]["source"] == early

        # Still too early: back on the volunteers' topic, refused again as a new letter.
        first = driver.admin(f"/operations/dlq/{listed[0]['id']}/retry", {})
        assert first["republished_to"] == f"{where}:1" and first["applied"] is False
        assert first["dead_letter"]["error"] == "referral-transition-not-allowed"
        relisted = driver.client.get("/operations/dlq", headers=admin).json()
        assert [x["id"] for x in relisted] == [first["dead_letter"]["id"]]

        driver.answer(n.KUYTUN_VOLUNTEERS, referral, "accept")
        second = driver.admin(f"/operations/dlq/{relisted[0]['id']}/retry", {})
        assert second == {
            "id": relisted[0]["id"],
            "republished_to": f"{where}:2",
            "applied": True,
            "dead_letter": None,
        }
        assert services.hub.get_referral(referral)["status"] == "in-progress"
        assert driver.client.get("/operations/dlq", headers=admin).json() == []
        unknown = driver.client.post("/operations/dlq/0:99/retry", json={}, headers=admin)
        assert unknown.status_code == 404
    finally:
        applier.close()
    assert applier.failures == 0
    staff = driver.client.get(
        "/operations/dlq", headers={"Authorization": f"Bearer {driver.tokens[n.KUYTUN_VOLUNTEERS]}"}
    )
    assert staff.status_code == 403


def test_a_reply_naming_its_actor_as_connectors_did_before_is_applied_with_it_as_the_note(
    kafka_hub: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    """Who acted on a reply is the agency's connector (its topic proves it). A connector written
    before ``on_behalf_of`` names an ``actor``: applied, with that text as the note; one that
    sends ``on_behalf_of`` keeps it; one that names nobody carries no note."""
    services, env, driver = kafka_hub
    prefix = prefix_of(env)
    referral = new_referral(driver)
    older = reply(driver, referral, "receive", "older-receive")
    del older["on_behalf_of"]
    older["actor"] = "志愿者协会 陈某"
    newer = reply(driver, referral, "accept", "newer-accept", on_behalf_of="志愿者协会 林某")
    bare = reply(driver, referral, "start", "bare-start")
    del bare["on_behalf_of"]
    for answer in (older, newer, bare):
        send(kafka_bootstrap, prefix, answer)
    applier = ReplyApplier(services.hub, kafka_bootstrap, prefix)
    try:
        assert drain(applier) == (3, 0)
    finally:
        applier.close()
    answered = services.hub.history(UUID(referral))[1:]
    assert [(e["details"]["status"], e["on_behalf_of"]) for e in answered] == [
        ("received", "志愿者协会 陈某"),
        ("accepted", "志愿者协会 林某"),
        ("in-progress", None),
    ]
    assert {(e["by"]["kind"], e["by"]["agency_id"]) for e in answered} == {
        ("connector", driver.id(n.KUYTUN_VOLUNTEERS))
    }
    assert all("actor" not in e["details"] for e in answered)
