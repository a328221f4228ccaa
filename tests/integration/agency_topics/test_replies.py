"""Agencies' answers on the real broker: applied once, checked, and the rest dead-lettered."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from kafka import KafkaProducer

from hub.bootstrap import Services
from hub.dead_letters import DeadLetters
from hub.demo import network as n
from hub.demo.driver import Driver
from hub.replies import ReplyApplier

pytestmark = pytest.mark.kafka


def send(bootstrap: str, prefix: str, reply: dict[str, Any], agency: str | None = None) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        producer.send(
            f"{prefix}.replies",
            key=reply["referral_id"].encode(),
            value=orjson.dumps(reply),
            headers=[("agency_id", (agency or reply["agency_id"]).encode())],
        ).get(timeout=10)
    finally:
        producer.close()


def drain(applier: ReplyApplier) -> tuple[int, int]:
    applied = dead = 0
    for _ in range(20):
        a, d = applier.step(timeout_ms=300)
        applied, dead = applied + a, dead + d
        if not (a or d) and (applied or dead):
            break
    return applied, dead


def new_referral(driver: Driver) -> str:
    p = n.KUYTUN_PROCURATORATE
    person = driver.person(p, "654003199912120011", "测试人")
    return driver.refer(
        p,
        n.KUYTUN_VOLUNTEERS,
        person,
        reason="心理疏导",
        services=["counselling"],
        requested_by="承办检察官",
    )


def reply(driver: Driver, referral: str, action: str, key: str, **fields: Any) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "agency_id": driver.id(n.KUYTUN_VOLUNTEERS),
        "referral_id": referral,
        "action": action,
        "actor": "义工协会系统",
        **fields,
    }


def test_replies_apply_once_and_resume_after_restart(
    kafka_hub: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    services, env, driver = kafka_hub
    prefix = env["HUB_LOG_TOPIC"].rsplit(".", 1)[0]
    referral = new_referral(driver)
    accept = reply(driver, referral, "accept", "k-accept")
    send(kafka_bootstrap, prefix, accept)
    send(kafka_bootstrap, prefix, accept)  # delivered twice
    applier = ReplyApplier(services.hub, kafka_bootstrap, prefix)
    try:
        assert drain(applier) == (2, 0)
    finally:
        applier.close()
    state = services.hub.get_referral(referral)
    assert state["status"] == "accepted" and state["version"] == 2  # applied once
    # A restarted applier resumes after what it applied: the replies are not re-read.
    send(kafka_bootstrap, prefix, reply(driver, referral, "start", "k-start"))
    again = ReplyApplier(services.hub, kafka_bootstrap, prefix)
    try:
        assert drain(again) == (1, 0)
    finally:
        again.close()
    assert services.hub.get_referral(referral)["status"] == "in-progress"


def test_replies_that_cannot_apply_go_to_the_dlq_and_can_be_retried(
    kafka_hub: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    services, env, driver = kafka_hub
    prefix = env["HUB_LOG_TOPIC"].rsplit(".", 1)[0]
    referral = new_referral(driver)
    other = driver.id(n.KUYTUN_YOUTH_LEAGUE)
    foreign = {**reply(driver, referral, "accept", "k1"), "agency_id": other}
    send(kafka_bootstrap, prefix, foreign)  # another agency's referral
    send(kafka_bootstrap, prefix, reply(driver, referral, "accept", "k2"), agency=other)  # spoofed
    send(kafka_bootstrap, prefix, reply(driver, referral, "start", "k3"))  # out of order
    malformed = {"action": "accept", "referral_id": referral}
    send(kafka_bootstrap, prefix, malformed, agency=driver.id(n.KUYTUN_VOLUNTEERS))
    applier = ReplyApplier(services.hub, kafka_bootstrap, prefix)
    try:
        assert drain(applier) == (0, 4)
    finally:
        applier.close()
    assert services.hub.get_referral(referral)["version"] == 1  # nothing applied
    letters = DeadLetters(kafka_bootstrap, prefix)
    errors = [x.error for x in letters.list()]
    assert errors == ["not-party", "forbidden", "referral-transition-not-allowed", "malformed"]
    # Once the referral is accepted, the out-of-order "start" applies on retry and leaves.
    driver.answer(n.KUYTUN_VOLUNTEERS, referral, "accept")
    start = next(x for x in letters.list() if x.error == "referral-transition-not-allowed")
    assert letters.retry(services.hub, start.id) is None
    assert services.hub.get_referral(referral)["status"] == "in-progress"
    assert [x.error for x in letters.list()] == ["not-party", "forbidden", "malformed"]
    still = letters.retry(services.hub, letters.list()[0].id)
    assert still is not None and still.error == "not-party"


def test_operators_list_and_retry_dead_letters_over_http(
    kafka_hub: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    from hub.settings import Settings

    services, env, driver = kafka_hub
    prefix = env["HUB_LOG_TOPIC"].rsplit(".", 1)[0]
    services.settings = Settings(
        data_dir=services.settings.data_dir,
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap,
        log_topic=env["HUB_LOG_TOPIC"],
    )
    referral = new_referral(driver)
    send(kafka_bootstrap, prefix, reply(driver, referral, "start", "k-early"))
    applier = ReplyApplier(services.hub, kafka_bootstrap, prefix)
    try:
        assert drain(applier) == (0, 1)
    finally:
        applier.close()
    listed = driver.client.get(
        "/operations/dlq", headers={"Authorization": f"Bearer {driver.admin_token}"}
    ).json()
    assert [x["error"] for x in listed] == ["referral-transition-not-allowed"]
    assert listed[0]["reply"]["referral_id"] == referral
    retry = f"/operations/dlq/{listed[0]['id']}/retry"
    refused = driver.client.post(
        retry, json={}, headers={"Authorization": f"Bearer {driver.admin_token}"}
    )
    assert refused.status_code == 409
    driver.answer(n.KUYTUN_VOLUNTEERS, referral, "accept")
    assert driver.admin(retry, {}) == {"id": listed[0]["id"], "applied": True}
    staff = driver.client.get(
        "/operations/dlq", headers={"Authorization": f"Bearer {driver.tokens[n.KUYTUN_VOLUNTEERS]}"}
    )
    assert staff.status_code == 403
