"""Running a command from a console form: the API's own command, once per form.

Each form carries an idempotency key (a fresh one per rendering), so a form sent twice (a
double click, a reload after a lost answer) appends once, exactly as an API retry with the same
``Idempotency-Key``: the command runs through :class:`hub.api.deps.Once`, as the caller, with
its events and its answer in one commit of the log.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import Request
from pydantic import BaseModel

from hub.access.principal import Principal
from hub.api.deps import Once
from hub.console.session import services_of
from hub.identity.acting import actor_of


def new_key() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Outcome:
    """What the command answered: its status and body (the problem's ``rule`` if refused)."""

    status: int
    body: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.status < 400

    @property
    def rule(self) -> str:
        kind = str(self.body.get("type", "/problems/domain-rule"))
        return kind.rsplit("/", 1)[-1]


def run_once(
    request: Request,
    principal: Principal,
    *,
    api_path: str,
    body: BaseModel,
    key: str,
    command: Callable[[], Any],
    status: int = 200,
) -> Outcome:
    """Runs ``command`` as the API's ``POST api_path`` with ``body`` would, once per ``key``."""
    services = services_of(request)
    fingerprint = b"POST" + api_path.encode() + b"\n" + orjson.dumps(body.model_dump(mode="json"))
    scope = str(principal.agency_id or principal.token_id)
    once = Once(services.access, scope, key, fingerprint, services.hub, actor_of(principal))
    response = once(command, status)
    return Outcome(response.status_code, orjson.loads(bytes(response.body)))
