"""Bearer JWTs from the organisation's provider: accepted and mapped, or refused with the reason.

Every token here comes from the provider's token endpoint (client credentials with a resource
indicator); none is signed by the tests. A key is rotated at the provider mid-test.
"""

from __future__ import annotations

import base64
import logging
import time
from typing import Any
from uuid import UUID

import pytest

from hub import metrics
from tests.integration.api.conftest import assert_problem, id_number
from tests.integration.oidc.conftest import Hub, HubFactory
from tests.support.oidc_provider import OTHER_API, LoopbackProvider, signing_key


def refused(answer: Any, reason: str) -> dict[str, Any]:
    body = assert_problem(answer, 401, "invalid-token")
    assert body["reason"] == reason, body
    assert answer.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    return body


def test_a_providers_token_acts_for_the_agency_and_role_it_names(
    world: Hub, provider: LoopbackProvider
) -> None:
    official = provider.token("ca-caseworker")
    registered = world.call(
        "POST", "/persons", official, {"id_number": id_number(), "name": "某某"}
    )
    assert registered.status_code == 201, registered.text
    person = registered.json()["id"]
    # registered for civil affairs: its own token reads her, the procuratorate's does not
    assert world.call("GET", f"/persons/{person}", world.tokens["ca"]).status_code == 200
    assert_problem(world.call("GET", f"/persons/{person}", world.tokens["p"]), 404, "not-found")
    assert world.call("GET", f"/persons/{person}", official).status_code == 200
    inbox = f"/agencies/{world.ids['ca']}/referrals?box=inbox"
    assert world.call("GET", inbox, official).status_code == 200
    others = f"/agencies/{world.ids['p']}/referrals?box=inbox"
    assert_problem(world.call("GET", others, official), 404, "not-found")
    # staff, not an administrator
    agency = {**world_agency(), "name": "不该登记的机构"}
    assert_problem(world.call("POST", "/agencies", official, agency), 403, "forbidden")


def world_agency() -> dict[str, Any]:
    return {
        "name": "由管理员登记的机构",
        "kind": "civil-affairs",
        "level": "county",
        "region_code": "659001",
        "services": ["temporary-aid"],
    }


def test_administrators_and_auditors_are_roles_of_the_token(
    world: Hub, provider: LoopbackProvider
) -> None:
    admin, auditor = provider.token("admin"), provider.token("auditor")
    assert world.call("POST", "/agencies", admin, world_agency()).status_code == 201
    assert world.call("GET", "/audit/access-log", auditor).status_code == 200
    assert_problem(world.call("POST", "/agencies", auditor, world_agency()), 403, "forbidden")
    health = world.call("GET", "/health", admin).json()
    assert "log_position" in health  # /health knows the administrator too
    assert "log_position" not in world.call("GET", "/health", auditor).json()


def test_a_token_granting_no_hub_role_is_refused(world: Hub, provider: LoopbackProvider) -> None:
    refused(world.call("GET", "/agencies", provider.token("no-role")), "no-hub-role")


def test_refused_tokens_count_as_failed_sign_ins(world: Hub, provider: LoopbackProvider) -> None:
    def seen(reason: str) -> float:
        sample = metrics.REGISTRY.get_sample_value("hub_sign_in_failures_total", {"reason": reason})
        return sample or 0.0

    before = {reason: seen(reason) for reason in ("invalid-jwt", "invalid-token")}
    refused(world.call("GET", "/agencies", provider.token("no-role")), "no-hub-role")
    assert seen("invalid-jwt") == before["invalid-jwt"] + 1
    assert world.call("GET", "/agencies", "hub_not-a-token").status_code == 401
    assert seen("invalid-token") == before["invalid-token"] + 1


def test_a_token_for_another_audience_is_refused(world: Hub, provider: LoopbackProvider) -> None:
    token = provider.token("ca-caseworker", resource=OTHER_API)
    refused(world.call("GET", "/agencies", token), "wrong-audience")


def test_a_token_of_another_issuer_is_refused(
    world: Hub, provider: LoopbackProvider, tmp_path: Any
) -> None:
    """Another provider with the very same keys and clients: only the issuer differs."""
    other = LoopbackProvider(tmp_path, keys=provider.keys, clients=provider.clients)
    other.start()
    try:
        token = other.token("ca-caseworker")
    finally:
        other.stop()
    refused(world.call("GET", "/agencies", token), "wrong-issuer")


def test_an_expired_token_is_refused(world: Hub, provider: LoopbackProvider) -> None:
    token = provider.token("short-lived")  # lives 2 s; the hub allows 1 s of skew
    assert world.call("GET", "/agencies", token).status_code == 200
    time.sleep(4)
    refused(world.call("GET", "/agencies", token), "expired")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_changed_token_and_unaccepted_algorithms_are_refused(
    world: Hub, provider: LoopbackProvider
) -> None:
    header, payload, signature = provider.token("ca-caseworker").split(".")
    claims = base64.urlsafe_b64decode(payload + "==").replace(b'"caseworker"', b'"admin"')
    refused(world.call("GET", "/agencies", f"{header}.{b64(claims)}.{signature}"), "bad-signature")
    refused(world.call("GET", "/agencies", f"{header}.{'A' * 9000}.{signature}"), "malformed")
    for alg in ("none", "HS256"):
        forged = b64(f'{{"alg":"{alg}","kid":"key-1"}}'.encode())
        refused(world.call("GET", "/agencies", f"{forged}.{payload}.{signature}"), "algorithm")


def test_refusals_never_log_or_echo_the_token(
    world: Hub, provider: LoopbackProvider, caplog: pytest.LogCaptureFixture
) -> None:
    token = provider.token("ca-caseworker", resource=OTHER_API)
    with caplog.at_level(logging.DEBUG):
        answer = world.call("GET", "/agencies", token)
        world.call("GET", "/agencies", token[:-4] + "AAAA")
    refused(answer, "wrong-audience")
    signature = token.rsplit(".", 1)[1]
    assert signature not in caplog.text and signature not in answer.text
    assert signature not in answer.headers["www-authenticate"]


def test_a_key_rotated_at_the_provider_is_picked_up_without_restarting_the_hub(
    provider: LoopbackProvider, hub_factory: HubFactory
) -> None:
    hub = hub_factory(oidc_jwks_max_age_seconds=10, oidc_jwks_refetch_seconds=2)
    ca = hub.register("ca")
    provider.add_client("ca-caseworker", hub_agency=ca, hub_roles=["caseworker"])
    provider.start()
    old_key = provider.keys[0]
    old = provider.token("ca-caseworker")
    assert hub.call("GET", "/agencies", old).status_code == 200
    assert hub.jwks_fetches == 1
    fetched = time.monotonic()

    # the provider signs with a new key, and still publishes the old one
    provider.restart([signing_key("key-2"), old_key])
    new = provider.token("ca-caseworker")
    assert new.split(".")[0] != old.split(".")[0]  # another kid in the header
    time.sleep(max(0.0, fetched + 2.1 - time.monotonic()))
    assert hub.call("GET", "/agencies", new).status_code == 200  # the unknown kid refetched
    assert hub.jwks_fetches == 2
    assert time.monotonic() - fetched < 10  # before the cached keys aged out
    assert hub.call("GET", "/agencies", old).status_code == 200

    # an unknown kid refetches at most once every 2 s
    _, payload, signature = new.split(".")
    stranger = b64(b'{"alg":"RS256","kid":"key-unknown"}') + f".{payload}.{signature}"
    refused(hub.call("GET", "/agencies", stranger), "unknown-key")
    refused(hub.call("GET", "/agencies", stranger), "unknown-key")
    assert hub.jwks_fetches == 2

    # the provider drops the old key: once the hub's keys age out, the old token is refused
    provider.restart([provider.keys[0]])
    time.sleep(10.1)
    refused(hub.call("GET", "/agencies", old), "unknown-key")
    assert hub.jwks_fetches == 3
    assert hub.call("GET", "/agencies", new).status_code == 200
    assert hub.call("GET", "/agencies", provider.token("ca-caseworker")).status_code == 200


def test_a_provider_that_does_not_answer_is_503_and_the_hubs_own_tokens_still_work(
    provider: LoopbackProvider, hub_factory: HubFactory
) -> None:
    hub = hub_factory()  # the provider is never started: nothing listens at its issuer
    hub.register("ca")
    header = b64(b'{"alg":"RS256","kid":"k"}')
    jwt = f"{header}.{b64(b'{}')}.{b64(b'sig')}"
    for _ in range(2):
        answer = hub.call("GET", "/agencies", jwt)
        assert_problem(answer, 503, "identity-provider-unavailable")
        assert answer.headers["retry-after"]
    assert hub.call("GET", "/agencies", hub.tokens["ca"]).status_code == 200


def test_while_the_provider_is_down_its_last_keys_keep_serving(
    provider: LoopbackProvider, hub_factory: HubFactory
) -> None:
    hub = hub_factory(oidc_jwks_max_age_seconds=1, oidc_jwks_refetch_seconds=0)
    ca = hub.register("ca")
    provider.add_client("ca-caseworker", hub_agency=ca, hub_roles=["caseworker"])
    provider.start()
    token = provider.token("ca-caseworker")
    assert hub.call("GET", "/agencies", token).status_code == 200
    provider.stop()
    time.sleep(1.1)  # the keys aged out; fetching them again fails
    assert hub.call("GET", "/agencies", token).status_code == 200
    _, payload, signature = token.split(".")
    stranger = b64(b'{"alg":"RS256","kid":"key-unknown"}') + f".{payload}.{signature}"
    answer = hub.call("GET", "/agencies", stranger)  # a new key cannot be checked: 503
    assert_problem(answer, 503, "identity-provider-unavailable")


def add_official(hub: Hub, agency: str, external_id: str, roles: list[str]) -> str:
    body = {
        "agency_id": hub.ids[agency],
        "name": "张承办",
        "staff_number": f"S-{external_id}",
        "roles": roles,
        "external_id": external_id,
    }
    answer = hub.call("POST", "/users", hub.admin, body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def test_a_token_of_an_official_the_hub_knows_acts_as_that_official_with_the_hubs_roles(
    provider: LoopbackProvider, hub_factory: HubFactory
) -> None:
    """The subject is the official's external id: the hub's user acts, with the hub's agency
    and roles (the token's own claims say otherwise and are not used); disabled, refused."""
    hub = hub_factory()
    hub.register("p")
    ca = hub.register("ca")
    # the provider says civil affairs caseworker; the hub knows her as the procuratorate's
    provider.add_client("zhang", hub_agency=ca, hub_roles=["caseworker"])
    provider.start()
    user_id = add_official(hub, "p", "zhang", ["case_officer"])
    token = provider.token("zhang")
    me = hub.call("GET", "/auth/me", token)
    assert me.status_code == 200, me.text
    assert me.json() == {
        "kind": "user",
        "role": "staff",
        "user_id": user_id,
        "agency_id": hub.ids["p"],
        "name": "张承办",
        "roles": ["case_officer"],
    }
    answer = hub.call("POST", f"/users/{user_id}/disable", hub.admin, {"reason": "调离"})
    assert answer.status_code == 200, answer.text
    refused(hub.call("GET", "/auth/me", token), "user-disabled")


def test_a_verified_token_is_remembered_briefly_and_a_disabled_official_refused_within_it(
    provider: LoopbackProvider, hub_factory: HubFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process remembers a verified token's official ``HUB_OIDC_CACHE_SECONDS`` (by the
    token's hash): the token is not verified again meanwhile. An official disabled by another
    process (the command line; here the log is written behind this process's back) is refused
    once that bound has passed; disabled through this process, at once."""
    bound = 2.0
    hub = hub_factory(oidc_cache_seconds=bound)
    hub.register("p")
    ca = hub.register("ca")
    for name in ("zhou", "wu"):
        provider.add_client(name, hub_agency=ca, hub_roles=["caseworker"])
    provider.start()
    zhou = add_official(hub, "p", "zhou", ["case_officer"])
    wu = add_official(hub, "p", "wu", ["case_officer"])
    oidc = hub.services.oidc
    assert oidc is not None
    verified: list[str] = []
    verify = oidc.verify

    def counted(token: str, **kwargs: Any) -> dict[str, Any]:
        verified.append(token)
        return verify(token, **kwargs)

    monkeypatch.setattr(oidc, "verify", counted)
    token = provider.token("zhou")
    first = time.monotonic()
    for _ in range(3):
        assert hub.call("GET", "/auth/me", token).status_code == 200
    if time.monotonic() - first < bound:
        assert verified == [token]  # verified once, then remembered
    hub.services.hub.disable_user(UUID(zhou), "调离")  # by another process: not told here
    while hub.call("GET", "/auth/me", token).status_code == 200:
        assert time.monotonic() - first < bound + 1.0, "still accepted past the cache bound"
        time.sleep(0.1)
    refused(hub.call("GET", "/auth/me", token), "user-disabled")
    # through this process's API: forgotten at once
    other = provider.token("wu")
    assert hub.call("GET", "/auth/me", other).status_code == 200
    answer = hub.call("POST", f"/users/{wu}/disable", hub.admin, {"reason": "调离"})
    assert answer.status_code == 200, answer.text
    refused(hub.call("GET", "/auth/me", other), "user-disabled")


def test_a_token_of_an_official_the_hub_does_not_know_falls_back_to_the_claims(
    world: Hub, provider: LoopbackProvider
) -> None:
    """No user has the subject as external id: the token's agency and roles decide, and the
    principal names no user (so it takes no step that needs a named official)."""
    me = world.call("GET", "/auth/me", provider.token("ca-caseworker"))
    assert me.status_code == 200, me.text
    assert me.json()["user_id"] is None
    assert me.json()["agency_id"] == world.ids["ca"]
    assert me.json()["roles"] == ["caseworker"]
