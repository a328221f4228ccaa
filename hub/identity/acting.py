"""The principal a command acts for, and the stamp it leaves on the events it records.

The API (:class:`hub.api.deps.Once`), the reply applier (an agency's connector) and the
command line (the operator) run commands inside :func:`acting_as`; the Application stamps every
event it records meanwhile (:func:`stamp`) with that actor, under
:data:`domain.acting.ACTED_BY`. The actor comes from the credentials, never from a body.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.acting import ACTED_BY, Actor
from hub.access.principal import Principal, PrincipalKind

_current: ContextVar[Actor | None] = ContextVar("acting", default=None)


def actor_of(principal: Principal) -> Actor:
    return Actor(
        kind=principal.kind.value,
        user_id=None if principal.user_id is None else str(principal.user_id),
        agency_id=None if principal.agency_id is None else str(principal.agency_id),
        name=principal.name,
        roles=list(principal.roles) or [principal.role.value],
    )


def connector_actor(agency_id: UUID, name: str) -> Actor:
    """An agency's connector, known by the topic it wrote to (its credentials proved it)."""
    return Actor(
        kind=PrincipalKind.CONNECTOR.value,
        user_id=None,
        agency_id=str(agency_id),
        name=name,
        roles=["connector"],
    )


#: whoever runs the ``hub`` command line on the hub's machine: an operator, not an official
OPERATOR = Actor(
    kind=PrincipalKind.BREAK_GLASS.value,
    user_id=None,
    agency_id=None,
    name="命令行操作员 / command-line operator",
    roles=["admin"],
)


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def current_actor() -> Actor | None:
    return _current.get()


def stamp(objs: Iterable[object]) -> None:
    """Stamps the pending events of these aggregates with the current actor (if any)."""
    actor = _current.get()
    if actor is None:
        return
    for obj in objs:
        if isinstance(obj, Aggregate):
            for event in obj.pending_events:
                if ACTED_BY not in vars(event):
                    object.__setattr__(event, ACTED_BY, dict(actor))
