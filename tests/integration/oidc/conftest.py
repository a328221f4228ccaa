"""The hub with OpenID Connect on, against the certified provider started on loopback.

Authentication does not depend on the log, so these tests run on the embedded one. The
module's provider (:func:`provider`) knows the hub's clients: an official of civil affairs
(``ca-caseworker``), an administrator, an auditor, a client whose tokens carry no hub role
(``no-role``) and one whose tokens live two seconds (``short-lived``). Tests that restart the
provider start their own.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.access.tokens import Role
from hub.api.app import create_app
from hub.bootstrap import Services, build
from hub.identity.oidc import OidcConfig, OidcVerifier
from hub.settings import Settings
from tests.integration.api.conftest import AGENCIES
from tests.support.oidc_provider import API, REDIRECT_URI, LoopbackProvider, unavailable

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def provider(tmp_path: Path) -> Iterator[LoopbackProvider]:
    """The provider, not started yet: its port (and so its issuer) is chosen, its clients not."""
    reason = unavailable()
    if reason is not None:
        pytest.skip(reason)
    running = LoopbackProvider(tmp_path)
    yield running
    running.stop()


def oidc_settings(data_dir: Path, provider: LoopbackProvider, **extra: Any) -> Settings:
    return Settings(
        data_dir=data_dir,
        oidc_issuer=provider.issuer,
        oidc_audience=API,
        oidc_client_id="hub",
        oidc_client_secret=extra.pop("client_secret", None),
        oidc_redirect_uri=REDIRECT_URI,
        oidc_leeway_seconds=extra.pop("leeway", 1),
        **extra,
    )


class Hub:
    """The hub's API with OpenID Connect on; ``jwks_fetches`` counts its reads of the keys."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.jwks_fetches = 0
        assert services.oidc is not None
        config: OidcConfig = services.oidc.config
        services.oidc.close()

        def count(request: httpx.Request) -> None:
            if request.url.path.endswith("/jwks"):
                self.jwks_fetches += 1

        http = httpx.Client(timeout=5.0, event_hooks={"request": [count]})
        services.oidc = OidcVerifier(config, http=http)
        self.client: Any = TestClient(create_app(services), follow_redirects=False)
        self.admin = services.access.issue(Role.ADMIN, None, "test administrator")
        self.ids: dict[str, str] = {}
        self.tokens: dict[str, str] = {}

    def register(self, short: str) -> str:
        body = AGENCIES[short]
        answer = self.call("POST", "/agencies", self.admin, body)
        assert answer.status_code == 201, answer.text
        self.ids[short] = answer.json()["id"]
        token = {"role": "staff", "agency_id": self.ids[short], "label": f"{short} staff"}
        self.tokens[short] = self.call("POST", "/tokens", self.admin, token).json()["token"]
        return self.ids[short]

    def call(self, method: str, path: str, token: str | None, body: Any = None) -> Any:
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.request(method, path, json=body, headers=headers)


HubFactory = Callable[..., Hub]


@pytest.fixture
def hub_factory(tmp_path: Path, provider: LoopbackProvider) -> Iterator[HubFactory]:
    """Makes hubs trusting ``provider`` (or another), with settings as given."""
    made: list[Hub] = []

    def make(trusting: LoopbackProvider | None = None, **extra: Any) -> Hub:
        directory = tmp_path / f"hub-{len(made)}"
        settings = oidc_settings(directory, trusting or provider, **extra)
        log = {
            "PERSISTENCE_MODULE": "hub.eventlog.sqlite:Factory",
            "SQLITE_DBNAME": str(directory / "log.sqlite"),
        }
        hub = Hub(build(settings, log))
        hub.client.__enter__()
        made.append(hub)
        return hub

    yield make
    for hub in made:
        hub.client.__exit__(None, None, None)
        hub.services.close()


@pytest.fixture
def world(provider: LoopbackProvider, hub_factory: HubFactory) -> Hub:
    hub = hub_factory()
    ca = hub.register("ca")
    hub.register("p")
    provider.add_client(
        "ca-caseworker", hub_agency=ca, hub_roles=["caseworker"], preferred_username="li.jingban"
    )
    provider.add_client("admin", hub_roles=["admin"], preferred_username="wang.guanli")
    provider.add_client("auditor", hub_roles=["auditor"], preferred_username="zhao.shenji")
    provider.add_client("no-role", hub_agency=ca, hub_roles=["connector"])
    provider.add_client("short-lived", token_ttl=2, hub_agency=ca, hub_roles=["caseworker"])
    provider.start()
    return hub
