"""A real, certified OpenID Connect provider on loopback for the tests: panva's
``oidc-provider`` (npm, pinned in ``tests/oidc/package-lock.json``, installed by
``scripts/setup.sh``) run on Node.js by ``tests/oidc/provider.mjs``.

:class:`LoopbackProvider` writes the provider's configuration (its signing keys, the hub's
clients, the officials who may sign in), starts it on a free port and can start it again with
other keys, as a provider rotating its keys does. Tokens come from its token endpoint only.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from joserfc.jwk import RSAKey

HERE = Path(__file__).resolve().parents[1] / "oidc"
API = "https://hub.test/api"  # the resource (audience) the hub accepts
OTHER_API = "https://other.test/api"  # a resource the hub is not
REDIRECT_URI = "http://testserver/auth/oidc/callback"


def unavailable() -> str | None:
    """Why the provider cannot run here, or ``None``."""
    if shutil.which("node") is None:
        return "Node.js is not installed: the OpenID Connect provider cannot run"
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        return "tests/oidc/node_modules is missing: run scripts/setup.sh (it runs npm ci)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def signing_key(kid: str) -> dict[str, Any]:
    """A new RSA key pair for the provider (its private JWK)."""
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})
    return key.as_dict(private=True)


@dataclass
class LoopbackProvider:
    directory: Path
    port: int = field(default_factory=free_port)
    keys: list[dict[str, Any]] = field(default_factory=lambda: [signing_key("key-1")])
    clients: list[dict[str, Any]] = field(default_factory=list)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    resources: dict[str, dict[str, int]] = field(
        default_factory=lambda: {API: {"ttl": 600}, OTHER_API: {"ttl": 600}}
    )
    process: subprocess.Popen[str] | None = None
    _output: list[str] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_client(self, client_id: str, *, token_ttl: int | None = None, **claims: Any) -> str:
        """A confidential client of the hub; its client-credentials tokens carry ``claims``
        and live ``token_ttl`` seconds (else as long as the resource says)."""
        secret = secrets.token_urlsafe(24)
        self.clients.append(
            {
                "client_id": client_id,
                "client_secret": secret,
                "grant_types": ["client_credentials", "authorization_code"],
                "response_types": ["code"],
                "redirect_uris": [REDIRECT_URI],
                "hub_claims": claims,
                **({"token_ttl": token_ttl} if token_ttl else {}),
            }
        )
        return secret

    def start(self) -> None:
        config = {
            "issuer": self.issuer,
            "port": self.port,
            "jwks": {"keys": self.keys},
            "cookie_keys": [secrets.token_hex(16)],
            "resources": self.resources,
            "clients": self.clients,
            "accounts": self.accounts,
        }
        path = self.directory / f"provider-{self.port}.json"
        path.write_text(json.dumps(config))
        path.chmod(0o600)
        errors = path.with_suffix(".log")
        with errors.open("a") as stderr:
            self.process = subprocess.Popen(
                ["node", str(HERE / "provider.mjs"), str(path)],
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env={**os.environ, "NODE_ENV": "test"},
            )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("ready"):
            self.stop()
            raise RuntimeError(f"the OpenID Connect provider did not start: {errors.read_text()}")
        # keep reading, so the provider never blocks on a full pipe
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        process = self.process
        if process is not None and process.stdout is not None:
            for line in process.stdout:
                self._output.append(line)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def restart(self, keys: list[dict[str, Any]]) -> None:
        """Starts again, on the same port and issuer, publishing ``keys`` (the first signs)."""
        self.stop()
        self.keys = keys
        self.start()

    def token(self, client_id: str, resource: str = API) -> str:
        """An access token from the token endpoint (client credentials, resource indicator)."""
        client = next(c for c in self.clients if c["client_id"] == client_id)
        response = httpx.post(
            f"{self.issuer}/token",
            data={"grant_type": "client_credentials", "resource": resource},
            auth=(client_id, client["client_secret"]),
            timeout=10,
        )
        response.raise_for_status()
        return str(response.json()["access_token"])
