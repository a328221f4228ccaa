"""The API's dependencies: the services, the caller, and once-only POSTs.

Permission checks live here, not in routes: a route asks for ``Staff`` (an agency's staff or
connector, acting for its agency), ``Reader`` (anyone authenticated; parties and auditors read)
or ``Admin``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

import orjson
from fastapi import Depends, Header, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from domain.errors import DomainError
from hub.access import AccessStore, IdempotencyConflict, IdempotencyKeyReused, Principal, Role
from hub.api.problems import Problem, from_domain
from hub.app import ReliefHub
from hub.idempotency import IdempotentAnswer, unit_of_work

bearer = HTTPBearer(auto_error=False, description="The token issued to an agency or operator")


async def get_hub(request: Request) -> ReliefHub:
    return request.app.state.services.hub  # type: ignore[no-any-return]


async def get_access(request: Request) -> AccessStore:
    return request.app.state.services.access  # type: ignore[no-any-return]


HubDep = Annotated[ReliefHub, Depends(get_hub)]
AccessDep = Annotated[AccessStore, Depends(get_access)]


async def get_principal(
    access: AccessDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Problem(
            401,
            "unauthorized",
            "Unauthorized",
            "a bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    principal = access.cached(credentials.credentials)
    if principal is False:
        principal = await run_in_threadpool(access.authenticate, credentials.credentials)
    if not isinstance(principal, Principal):
        raise Problem(
            401,
            "unauthorized",
            "Unauthorized",
            "the token is not valid",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


Reader = Annotated[Principal, Depends(get_principal)]


async def get_staff(principal: Reader) -> Principal:
    if not principal.acts_for_agency:
        raise Problem(403, "forbidden", "Forbidden", "only an agency's staff or connector may")
    return principal


async def get_admin(principal: Reader) -> Principal:
    if principal.role != Role.ADMIN:
        raise Problem(403, "forbidden", "Forbidden", "only an administrator may")
    return principal


Staff = Annotated[Principal, Depends(get_staff)]
Admin = Annotated[Principal, Depends(get_admin)]


def agency_of(principal: Principal) -> UUID:
    assert principal.agency_id is not None  # guaranteed by get_staff
    return principal.agency_id


def may_read(principal: Principal, parties: set[UUID]) -> None:
    """Auditors and administrators read all; an agency only what it is party to (else 404)."""
    if principal.role in (Role.AUDITOR, Role.ADMIN):
        return
    if principal.agency_id not in parties:
        raise Problem(404, "not-found", "Not found", "not found")


@dataclass
class Once:
    """Runs a POST's command at most once per ``Idempotency-Key``; a retry gets the first answer.

    The command runs inside a unit of work (:mod:`hub.idempotency`): what it appends and the
    key's answer are recorded in one commit of the log. An answer that appended nothing (a
    refusal, a no-op) is kept in the access store instead.
    """

    access: AccessStore
    scope: str
    key: str | None
    request: bytes
    hub: ReliefHub

    def __call__(self, command: Callable[[], Any], status: int = 200) -> Response:
        if self.key is None:
            return self._answer(command, status)[0]
        try:
            first = self.access.begin(self.scope, self.key, self.request)
        except IdempotencyConflict as e:
            raise Problem(409, e.rule, "Idempotency conflict", str(e)) from None
        if first is not None:
            code, body = first
            return _response(code, body, replayed=True)
        try:
            return self._run_claimed(self.key, command, status)
        except BaseException:
            self.access.release(self.scope, self.key)
            raise

    def _run_claimed(self, key: str, command: Callable[[], Any], status: int) -> Response:
        """Replays the answer the log holds for ``key``, or runs the command and records its
        events and answer in one commit (or, if it appended nothing, the answer in the store)."""
        digest = hashlib.sha256(self.request).hexdigest()
        recorded = self.hub.recorded_answer(self.scope, key)
        if recorded is not None:
            self.access.release(self.scope, key)
            if recorded.request_hash != digest:
                raise Problem(
                    409,
                    IdempotencyKeyReused.rule,
                    "Idempotency conflict",
                    "the Idempotency-Key was used for a different request",
                )
            return _response(recorded.status, recorded.body.encode(), replayed=True)
        with unit_of_work() as unit:
            response, body = self._answer(command, status)
        if unit.events and response.status_code < 400:
            answer = IdempotentAnswer.record(
                scope=self.scope,
                key=key,
                request_hash=digest,
                status=response.status_code,
                body=body,
            )
            self.hub.commit_unit(unit, answer)
            self.access.release(self.scope, key)
        else:  # nothing appended: what the command held back (if it failed) is dropped
            self.access.finish(self.scope, key, response.status_code, body)
        return response

    @staticmethod
    def _answer(command: Callable[[], Any], status: int) -> tuple[Response, bytes]:
        try:
            body = orjson.dumps(command())
        except DomainError as error:
            problem = from_domain(error)
            body = orjson.dumps(problem.body())
            return _response(problem.status, body), body
        return _response(status, body), body


def _response(status: int, body: bytes, replayed: bool = False) -> Response:
    media = "application/problem+json" if status >= 400 else "application/json"
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return Response(body, status_code=status, media_type=media, headers=headers)


async def get_once(
    request: Request,
    access: AccessDep,
    hub: HubDep,
    principal: Reader,
    idempotency_key: Annotated[
        str | None,
        Header(
            max_length=200,
            description="Makes the POST safe to retry: a retry returns the first answer",
        ),
    ] = None,
) -> Once:
    body = await request.body()
    fingerprint = request.method.encode() + request.url.path.encode() + b"\n" + body
    scope = str(principal.agency_id or principal.token_id)
    return Once(access, scope, idempotency_key, fingerprint, hub)


OnceDep = Annotated[Once, Depends(get_once)]
