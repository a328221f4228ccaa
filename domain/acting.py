"""Who acted (经办人): the authenticated principal recorded with every event.

The hub stamps each event it records with the principal whose credentials caused it, under
:data:`ACTED_BY`: the official's user id, agency, roles and name at the time (or a connector's
or a break-glass operator's). It is taken from the credentials, never from a request body.
Events recorded before the hub knew its officials carry no stamp; for them
:func:`actor_of` gives the free-text name the caller typed then (``kind`` ``recorded``), so
an old history shows its actors as recorded.
"""

from __future__ import annotations

from typing import Any, TypedDict, cast

#: the key under which an event carries who acted (stored with the event's own fields)
ACTED_BY = "acted_by"
#: the free-text fields in which events before officials named who acted, in order of preference
LEGACY_ACTOR_FIELDS = (
    "actor",
    "requested_by",
    "submitted_by",
    "approved_by",
    "recorded_by",
    "registered_by",
    "erased_by",
    "officer",
    "taken_by",
)


class Actor(TypedDict):
    """Who acted: ``kind`` is user, connector, break-glass (or recorded, for old events)."""

    kind: str
    user_id: str | None
    agency_id: str | None
    name: str
    roles: list[str]


def acted_by(event: object) -> Actor | None:
    """The principal stamped on ``event``, if the hub stamped one."""
    value: Any = vars(event).get(ACTED_BY)
    return cast("Actor", value) if isinstance(value, dict) else None


def actor_of(event: object) -> Actor | None:
    """Who acted on ``event``: its stamp, or for an old event the free text it recorded."""
    stamped = acted_by(event)
    if stamped is not None:
        return stamped
    fields = vars(event)
    for name in LEGACY_ACTOR_FIELDS:
        value = fields.get(name)
        if isinstance(value, str) and value.strip():
            return Actor(kind="recorded", user_id=None, agency_id=None, name=value, roles=[])
    return None
