"""Commands on the event loop with their commits handed to the log's writer (hub.committer).

A command that loads a stream a unit waiting for its commit changes runs again once that unit
is settled, so it acts on the recorded state (never on one the log may not hold); a unit the
log refuses fails alone, and what waited on it runs against the log as it is; concurrent
commands through the API are each answered once their commit is durable, and each is in the
log exactly once.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from domain.errors import ConsentRequired
from domain.person import Person
from hub.committer import Committer
from hub.idempotency import unit_of_work
from hub.identity.acting import acting_as, connector_actor
from tests.integration.api.conftest import Api

T = TypeVar("T")


def answer(api: Api, committer: Committer, referral_id: UUID, action: str):  # type: ignore[no-untyped-def]
    """A recipient's answer, run as the API runs it: in a unit, then its commit handed over."""
    hub = api.services.hub
    recipient = UUID(api.ids["ca"])

    def command() -> str:
        with acting_as(connector_actor(recipient, "测试")):
            return hub.answer_referral(referral_id, recipient, action)

    async def run() -> str:
        unit, status = await committer.run(command)
        await committer.commit(unit)
        return status

    return run()


def run_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own: in a whole run, the browser tests' playwright
    keeps an event loop running in the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def statuses(api: Api, referral_id: str) -> list[str]:
    history = api.get("p", f"/referrals/{referral_id}/history").json()
    return [e["details"]["status"] for e in history if "status" in e["details"]]


#: commands on the loop (stores beside the log are files) or in a worker thread (PostgreSQL)
WHERE = pytest.mark.parametrize("on_loop", [True, False], ids=["on-loop", "in-thread"])


@WHERE
def test_a_command_reading_a_stream_with_a_commit_pending_runs_after_it(
    api: Api, on_loop: bool
) -> None:
    referral_id = api.referral()
    committer = Committer(api.services.hub, on_loop=on_loop)

    async def both() -> list[Any]:
        # the first is handed to the writer before the second runs: the second loads the
        # referral the first changes, waits for it, and runs again on what the log holds
        return await asyncio.gather(
            answer(api, committer, UUID(referral_id), "receive"),
            answer(api, committer, UUID(referral_id), "accept"),
        )

    assert run_loop(both()) == ["received", "accepted"]
    assert statuses(api, referral_id)[-2:] == ["received", "accepted"]
    assert committer.pending == {}


@WHERE
def test_a_unit_the_log_refuses_fails_alone_and_what_waited_runs_on_the_log(
    api: Api, on_loop: bool
) -> None:
    referral_id = UUID(api.referral())
    hub = api.services.hub
    recipient = UUID(api.ids["ca"])
    committer = Committer(hub, on_loop=on_loop)
    before = api.log_position()

    async def race() -> list[Any]:
        def stale() -> str:
            with acting_as(connector_actor(recipient, "测试")):
                return hub.answer_referral(referral_id, recipient, "receive")

        unit, _ = await committer.run(stale)  # held back, not yet handed over
        with acting_as(connector_actor(recipient, "测试")):  # meanwhile, outside any unit
            hub.answer_referral(referral_id, recipient, "receive")
        return await asyncio.gather(
            committer.commit(unit),  # the same version: refused
            answer(api, committer, referral_id, "accept"),  # waits for it, then runs
            return_exceptions=True,
        )

    refused, accepted = run_loop(race())
    assert isinstance(refused, IntegrityError)
    assert accepted == "accepted"
    assert statuses(api, str(referral_id))[-2:] == ["received", "accepted"]
    assert api.log_position() == before + 2  # the direct receive and the accept, no more
    assert committer.pending == {}


@pytest.mark.parametrize("concurrency", [8])
def test_concurrent_referrals_are_each_answered_once_recorded(api: Api, concurrency: int) -> None:
    person = api.person()
    before = api.log_position()
    keys = [uuid.uuid4().hex for _ in range(40)]
    body = {
        "recipient_id": api.ids["ca"],
        "person_id": person,
        "reason": "生活困难，申请救助",
        "services": ["temporary-aid"],
        "on_behalf_of": "承办人",
    }

    def post(key: str) -> Any:
        response = api.post("p", "/referrals", body, key=key)
        assert response.status_code == 201, response.text
        made = response.json()["id"]
        assert api.get("p", f"/referrals/{made}").status_code == 200  # readable once answered
        return made

    with ThreadPoolExecutor(concurrency) as pool:
        made = list(pool.map(post, keys))
    assert len(set(made)) == len(keys)
    assert api.log_position() == before + 2 * len(keys)  # each referral and its key's answer
    replay = api.post("p", "/referrals", body, key=keys[0])
    assert replay.status_code == 201 and replay.json()["id"] == made[0]
    assert replay.headers["idempotent-replayed"] == "true"


@WHERE
def test_a_referral_reading_a_person_whose_consent_is_withdrawn_waits_for_it(
    api: Api, on_loop: bool
) -> None:
    """The person a referral only reads (not copied) is still a stream it waits on: a
    withdrawal handed to the writer first is what the referral's consent check sees."""
    hub = api.services.hub
    person_id = UUID(api.person())
    requester, recipient = UUID(api.ids["p"]), UUID(api.ids["ca"])
    committer = Committer(hub, on_loop=on_loop)

    def withdraw() -> list[str]:
        with acting_as(connector_actor(requester, "测试")):
            return hub.withdraw_consent(person_id, by_agency=requester, reason="本人撤回")

    def refer() -> UUID:
        with acting_as(connector_actor(requester, "测试")):
            return hub.refer(
                requester_id=requester,
                recipient_id=recipient,
                person_id=person_id,
                reason="生活困难，申请救助",
                services=["minimum-living-allowance"],
                on_behalf_of="承办人",
            )

    async def in_turn(command: Any) -> Any:
        unit, result = await committer.run(command)
        await committer.commit(unit)
        return result

    async def both() -> list[Any]:
        return await asyncio.gather(in_turn(withdraw), in_turn(refer), return_exceptions=True)

    withdrawn, referred = run_loop(both())
    assert len(withdrawn) == 1
    assert isinstance(referred, ConsentRequired)  # it ran on the withdrawal, not before
    assert committer.pending == {}


def test_a_command_reads_the_cached_aggregate_and_changes_its_own_copy(api: Api) -> None:
    """``read`` gives the aggregate cache's own object (no copy: the cost of a command's
    checks); ``load`` a copy, so what a command changes reaches the cache only by the log."""
    hub = api.services.hub
    person_id = UUID(api.person())
    with unit_of_work() as unit:
        read = hub.read(Person, person_id)
        assert hub.read(Person, person_id) is read  # read once in a unit
        own = hub.load(Person, person_id)
        assert own is not read
        assert hub.read(Person, person_id) is own  # after a load, the command's own copy
        own.withdraw_consent(
            consent_ids=[UUID(c) for c in own.consents], reason="本人撤回", on=hub.today()
        )
    assert unit.loaded == {person_id: own}
    assert hub.read(Person, person_id) is read  # the cache's object, unchanged
    assert read.version < own.version
    assert not any(c["withdrawn"] for c in read.consents.values())
    assert all(c["withdrawn"] for c in own.consents.values())

    # once the log moves on, the cache holds a newer object; the one read before stays as it was
    with acting_as(connector_actor(UUID(api.ids["p"]), "测试")):
        hub.withdraw_consent(person_id, by_agency=UUID(api.ids["p"]), reason="本人撤回")
    newer = hub.read(Person, person_id)
    assert newer is not read
    assert all(c["withdrawn"] for c in newer.consents.values())
    assert not any(c["withdrawn"] for c in read.consents.values())
    assert hub.read(Person, person_id) is newer
