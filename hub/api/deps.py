"""The API's dependencies: the services, the caller, the access rules and once-only POSTs.

Every permission check lives here, not in routes. A route asks for the caller by role:
``Staff`` (an agency's staff or connector, acting for its agency), ``Reader`` (anyone
authenticated; parties and auditors read), ``Auditor`` (auditors and administrators) or
``Admin``. What a reader may see of a thing is one rule, applied by the route once it knows the
thing's parties:

- :func:`may_read`: auditors and administrators read all; an agency what it is party to;
- :func:`own_agency`: an agency's own lists (its referrals, inbox, outbox, feed);
- :func:`within_region`: statistics and watch lists of the agency's region and those below it;
- :func:`require_party` and :func:`aid_part`: a person, as far as :mod:`hub.privacy` allows.

Anything a reader may not see answers 404, exactly as an unknown thing does (403 only for a
role that may never do it, or a region outside the agency's).
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

from domain.acting import Actor
from domain.errors import DomainError
from domain.values import region_contains
from hub import metrics, privacy
from hub.access.tokens import (
    AccessStore,
    IdempotencyConflict,
    IdempotencyKeyReused,
    Principal,
    Role,
)
from hub.api.gate import resolve_bearer
from hub.api.problems import Problem, from_domain
from hub.app import ReliefHub
from hub.committer import Committer
from hub.feeds.dead_letters import DeadLetters
from hub.idempotency import IdempotentAnswer, unit_of_work
from hub.identity.acting import acting_as, actor_of
from hub.identity.service import Identity
from hub.notify.store import NotifyStore

bearer = HTTPBearer(auto_error=False, description="The token issued to an agency or operator")


async def get_hub(request: Request) -> ReliefHub:
    return request.app.state.services.hub  # type: ignore[no-any-return]


async def get_notify(request: Request) -> NotifyStore:
    return request.app.state.services.notify  # type: ignore[no-any-return]


async def get_access(request: Request) -> AccessStore:
    return request.app.state.services.access  # type: ignore[no-any-return]


async def get_identity(request: Request) -> Identity:
    return request.app.state.services.identity  # type: ignore[no-any-return]


HubDep = Annotated[ReliefHub, Depends(get_hub)]
AccessDep = Annotated[AccessStore, Depends(get_access)]
NotifyDep = Annotated[NotifyStore, Depends(get_notify)]
IdentityDep = Annotated[Identity, Depends(get_identity)]


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller: the principal the gate (:class:`hub.api.gate.Gate`) resolved from this
    request's bearer token, else (an app without the gate) resolved here."""
    resolved_by_gate = request.scope.get("state", {}).get("principal")
    if isinstance(resolved_by_gate, Principal):
        return resolved_by_gate
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Problem(
            401,
            "unauthorized",
            "Unauthorized",
            "a bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    services = request.app.state.services
    resolved = await resolve_bearer(services.identity, services.oidc, credentials.credentials)
    if isinstance(resolved, Problem):
        raise resolved
    return resolved


Reader = Annotated[Principal, Depends(get_principal)]


async def get_staff(principal: Reader) -> Principal:
    if not principal.acts_for_agency:
        raise Problem(403, "forbidden", "Forbidden", "only an agency's staff or connector may")
    return principal


async def get_admin(principal: Reader) -> Principal:
    if principal.role != Role.ADMIN:
        raise Problem(403, "forbidden", "Forbidden", "only an administrator may")
    return principal


def is_auditor(principal: Principal) -> bool:
    """Reads everything, as auditors and administrators do (the audit routes' rule)."""
    return principal.role in (Role.AUDITOR, Role.ADMIN)


async def get_auditor(principal: Reader) -> Principal:
    if not is_auditor(principal):
        raise Problem(403, "forbidden", "Forbidden", "only auditors may")
    return principal


Staff = Annotated[Principal, Depends(get_staff)]
Admin = Annotated[Principal, Depends(get_admin)]
Auditor = Annotated[Principal, Depends(get_auditor)]


def get_dead_letters(request: Request, _: Admin) -> DeadLetters:
    """The dead letters, for an administrator (403 for anyone else, before 409)."""
    letters: DeadLetters | None = request.app.state.services.dead_letters
    if letters is None:
        raise Problem(
            409,
            "no-kafka",
            "No Kafka log",
            "dead letters exist only on the Kafka log; on the embedded log answers are "
            "refused at once over HTTP",
        )
    return letters


Letters = Annotated[DeadLetters, Depends(get_dead_letters)]

NOT_FOUND = ("not-found", "Not found", "not found")


def agency_of(principal: Principal) -> UUID:
    assert principal.agency_id is not None  # guaranteed by get_staff
    return principal.agency_id


def may_read(principal: Principal, parties: set[UUID]) -> None:
    """Auditors and administrators read all; an agency only what it is party to (else 404)."""
    if principal.role in (Role.AUDITOR, Role.ADMIN):
        return
    if principal.agency_id not in parties:
        raise Problem(404, *NOT_FOUND)


def own_agency(principal: Principal, agency_id: UUID, *, auditors: bool = True) -> None:
    """An agency reads its own lists; administrators (and, unless ``auditors`` is false,
    auditors) every agency's; anyone else gets 404. The feed is not the auditors': it is the
    agency's delivery channel, not a record, so not even an auditor of that agency reads it."""
    if not auditors and principal.role == Role.AUDITOR:
        raise Problem(404, *NOT_FOUND)
    readers_of_all = (Role.AUDITOR, Role.ADMIN) if auditors else (Role.ADMIN,)
    if principal.role not in readers_of_all and principal.agency_id != agency_id:
        raise Problem(404, *NOT_FOUND)


def within_region(hub: ReliefHub, principal: Principal, region_code: str) -> None:
    """Auditors and administrators see every region; an agency its own and those below it."""
    if principal.role in (Role.AUDITOR, Role.ADMIN):
        return
    own = hub.get_agency(agency_of(principal))["region_code"]
    if not region_contains(own, region_code):
        raise Problem(403, "forbidden", "Forbidden", "that region is outside your agency's")


def reading_agency(principal: Principal) -> UUID | None:
    """The agency whose part limits the read; ``None`` for auditors and administrators."""
    return principal.agency_id if principal.acts_for_agency else None


def require_party(hub: ReliefHub, person_id: UUID, principal: Principal) -> None:
    """A person is read only by a party to them (else 404, as an unknown person)."""
    hub.require_person_party(person_id, reading_agency(principal))


def aid_part(
    hub: ReliefHub, person_id: UUID, principal: Principal
) -> tuple[set[str], set[str]] | None:
    """What of the combined aid the reader sees: ``None`` all of it, or (cases, referrals)."""
    require_party(hub, person_id, principal)
    agency = reading_agency(principal)
    if agency is None:
        return None
    if privacy.aid_scope(hub.person_facts(person_id, agency)) == privacy.AidScope.ALL:
        return None
    return hub.aid_part(person_id, agency)


@dataclass
class Once:
    """Runs a POST's command at most once per ``Idempotency-Key``; a retry gets the first answer.

    The command runs as the caller (:func:`hub.identity.acting.acting_as`), so every event it
    records names the authenticated principal; and inside a unit of work
    (:mod:`hub.idempotency`): what it appends and the key's answer are recorded in one commit
    of the log. An answer that appended nothing (a
    refusal, a no-op) is kept in the access store instead.
    """

    access: AccessStore
    scope: str
    key: str | None
    request: bytes
    hub: ReliefHub
    actor: Actor | None = None
    committer: Committer | None = None
    #: the caller (set by :func:`get_staff_once`)
    principal: Principal | None = None

    def __call__(self, command: Callable[[], Any], status: int = 200) -> Response:
        if self.actor is not None:
            with acting_as(self.actor):
                return self._call(command, status)
        return self._call(command, status)

    def _call(self, command: Callable[[], Any], status: int) -> Response:
        if self.key is None:
            return self._answer(command, status)[0]
        try:
            first = self.access.begin(self.scope, self.key, self.request)
        except IdempotencyConflict as e:
            raise Problem(409, e.rule, "Idempotency conflict", str(e)) from None
        if first is not None:
            code, body = first
            metrics.idempotency_replays.inc()
            return _response(code, body, replayed=True)
        try:
            return self._run_claimed(self.key, command, status)
        except BaseException:
            self.access.release(self.scope, self.key)
            raise

    def _run_claimed(self, key: str, command: Callable[[], Any], status: int) -> Response:
        """Replays the answer the log holds for ``key``, or runs the command and records its
        events and answer in one commit (or, if it appended nothing, the answer in the store)."""
        replayed = self._replay(key)
        if replayed is not None:
            return replayed
        with unit_of_work() as unit:
            response, body = self._answer(command, status)
        if unit.events and response.status_code < 400:
            self.hub.commit_unit(unit, self._answer_of(key, response.status_code, body))
            self.access.release(self.scope, key)
        else:  # nothing appended: what the command held back (if it failed) is dropped
            self.access.finish(self.scope, key, response.status_code, body)
        return response

    async def run(self, command: Callable[[], Any], status: int = 200) -> Response:
        """As calling it, for an ``async`` route: the command runs where the request is (or in
        one worker thread) and its commit is handed to the log's writer (:mod:`hub.committer`);
        answered once that commit is durable."""
        committer = self.committer
        if committer is None:
            return await run_in_threadpool(self, command, status)
        actor = self.actor

        def acted() -> tuple[Response, bytes]:
            if actor is None:
                return self._answer(command, status)
            with acting_as(actor):
                return self._answer(command, status)

        if self.key is None:
            unit, (response, _) = await committer.run(acted)
            try:
                if unit.events and response.status_code < 400:
                    await committer.commit(unit)
            finally:
                committer.release(unit)  # nothing if the commit took it
            return response
        key = self.key
        try:
            if committer.on_loop:
                first = self.access.begin(self.scope, key, self.request)
            else:
                first = await committer.blocking(self.access.begin, self.scope, key, self.request)
        except IdempotencyConflict as e:
            raise Problem(409, e.rule, "Idempotency conflict", str(e)) from None
        if first is not None:
            code, body = first
            metrics.idempotency_replays.inc()
            return _response(code, body, replayed=True)
        try:
            replayed = self._replay(key)
            if replayed is not None:
                return replayed
            unit, (response, body) = await committer.run(acted)
            try:
                if unit.events and response.status_code < 400:
                    answer = self._answer_of(key, response.status_code, body)
                    await committer.commit(unit, answer)
                    self.access.release(self.scope, key)
                    return response
            finally:
                committer.release(unit)  # nothing if the commit took it
            # nothing appended: the answer is kept in the access store (a durable write)
            await committer.blocking(
                self.access.finish, self.scope, key, response.status_code, body
            )
            return response
        except BaseException:
            self.access.release(self.scope, key)
            raise

    def _replay(self, key: str) -> Response | None:
        """The answer the log holds for ``key`` (the claim let go), or ``None``."""
        recorded = self.hub.recorded_answer(self.scope, key)
        if recorded is None:
            return None
        self.access.release(self.scope, key)
        if recorded.request_hash != hashlib.sha256(self.request).hexdigest():
            raise Problem(
                409,
                IdempotencyKeyReused.rule,
                "Idempotency conflict",
                "the Idempotency-Key was used for a different request",
            )
        metrics.idempotency_replays.inc()
        return _response(recorded.status, recorded.body.encode(), replayed=True)

    def _answer_of(self, key: str, status: int, body: bytes) -> IdempotentAnswer:
        return IdempotentAnswer.record(
            scope=self.scope,
            key=key,
            request_hash=hashlib.sha256(self.request).hexdigest(),
            status=status,
            body=body,
        )

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


async def _fingerprint(request: Request) -> bytes:
    """What a key's first request is told apart by: method, path (as ``request.url.path``
    gives it, without building the URL) and body."""
    path: str = request.scope["path"]
    path = path.replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
    return request.method.encode() + path.encode() + b"\n" + await request.body()


#: the ``Idempotency-Key`` header of a POST
IdempotencyKey = Annotated[
    str | None,
    Header(
        max_length=200,
        description="Makes the POST safe to retry: a retry returns the first answer",
    ),
]


async def get_once(
    request: Request,
    access: AccessDep,
    hub: HubDep,
    principal: Reader,
    idempotency_key: IdempotencyKey = None,
) -> Once:
    fingerprint = await _fingerprint(request)
    scope = str(principal.agency_id or principal.token_id)
    committer = getattr(request.app.state, "committer", None)
    return Once(access, scope, idempotency_key, fingerprint, hub, actor_of(principal), committer)


OnceDep = Annotated[Once, Depends(get_once)]


async def get_staff_once(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    idempotency_key: IdempotencyKey = None,
) -> Once:
    """:data:`Staff` and :data:`OnceDep` in one dependency, for the busiest commands: what
    FastAPI solves per request is one dependency instead of six (the same checks: the
    caller is an agency's staff or connector, acting for its agency)."""
    staff = await get_staff(await get_principal(request, credentials))
    fingerprint = await _fingerprint(request)
    services = request.app.state.services
    return Once(
        services.access,
        str(staff.agency_id or staff.token_id),
        idempotency_key,
        fingerprint,
        services.hub,
        actor_of(staff),
        request.app.state.committer,
        staff,
    )


StaffOnce = Annotated[Once, Depends(get_staff_once)]
