"""How the connector reads the hub's answers: retry, refuse for good, or stop."""

from __future__ import annotations

import httpx
import pytest

from connectors.errors import ConfigurationError, ReplyRefused, Retryable
from connectors.hubapi import HubClient
from connectors.settings import ConnectorSettings


def client(status: int, body: dict[str, str] | None = None) -> HubClient:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer t0ken"
        return httpx.Response(status, json=body or {})

    return HubClient(ConnectorSettings(token="t0ken"), httpx.MockTransport(answer))


def problem(kind: str, detail: str) -> dict[str, str]:
    return {"type": f"/problems/{kind}", "detail": detail}


def test_a_2xx_gives_the_json() -> None:
    assert client(200, {"next": "3"}).get("/x") == {"next": "3"}


@pytest.mark.parametrize("status", [500, 502, 503, 408, 429])
def test_server_trouble_is_retried(status: int) -> None:
    with pytest.raises(Retryable):
        client(status).post("/referrals/r/accept", {})


def test_an_idempotency_key_still_running_is_retried_but_a_reused_one_is_refused() -> None:
    running = problem(
        "idempotency-conflict", "the first request with this Idempotency-Key is running"
    )
    reused = problem(
        "idempotency-key-reused", "the Idempotency-Key was used for a different request"
    )
    with pytest.raises(Retryable):
        client(409, running).post("/p", {})
    with pytest.raises(ReplyRefused) as refused:
        client(409, reused).post("/p", {})
    assert refused.value.problem == "idempotency-key-reused"


def test_a_4xx_is_refused_with_its_problem_type() -> None:
    with pytest.raises(ReplyRefused) as refused:
        client(422, problem("transition-not-allowed", "cannot go from rejected")).post("/p", {})
    assert (refused.value.status, refused.value.problem) == (422, "transition-not-allowed")
    assert refused.value.detail == "cannot go from rejected"


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_stop_the_connector(status: int) -> None:
    with pytest.raises(ConfigurationError):
        client(status).get("/x")


def test_an_unreachable_hub_is_retried() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    hub = HubClient(ConnectorSettings(token="t0ken"), httpx.MockTransport(down))
    with pytest.raises(Retryable):
        hub.get("/x")
