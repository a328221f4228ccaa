"""Who acted (经办人): the authenticated principal recorded with every event.

The hub stamps each event it records with the principal whose credentials caused it, under
:data:`ACTED_BY`: the official's user id, agency, roles and name at the time (or a connector's
or a break-glass operator's). It is taken from the credentials, never from a request body.

A step may carry one bounded note, :data:`ON_BEHALF_OF` (代为办理): on whose behalf the
principal acted, e.g. the caseworker at an agency whose answer its connector relays. It never
says who acted. Events recorded before carried free-text "who" fields (``actor``,
``requested_by``, ``recorded_by``, ``officer``); their upcasts move that text to the note, as
recorded. Events recorded before the hub knew its officials carry no stamp; for them
:func:`actor_of` gives that free text (``kind`` ``recorded``), so an old history shows its
actors as recorded.
"""

from __future__ import annotations

from typing import Any, TypedDict, cast

from domain.errors import InvalidValue
from domain.values import MAX_SHORT_TEXT, check_length

#: the key under which an event carries who acted (stored with the event's own fields)
ACTED_BY = "acted_by"
#: the optional note of on whose behalf the principal acted (bounded text, never who acted)
ON_BEHALF_OF = "on_behalf_of"
#: the free-text fields in which events before officials named who acted, in order of preference
#: (``on_behalf_of`` holds, after the upcasts, what ``actor``, ``requested_by``, ``recorded_by``
#: and ``officer`` recorded; a wage figure's ``recorded_by`` is the loading principal's label)
LEGACY_ACTOR_FIELDS = (
    ON_BEHALF_OF,
    "submitted_by",
    "approved_by",
    "registered_by",
    "erased_by",
    "taken_by",
    "recorded_by",
)
#: the free-text "who" fields that the on-behalf-of note replaced (in bodies, replies, events)
REPLACED_WHO_FIELDS = ("actor", "requested_by", "recorded_by", "officer")


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


def on_behalf_of(event: object) -> str | None:
    """The event's on-behalf-of note, if it carries one."""
    value = vars(event).get(ON_BEHALF_OF)
    return value if isinstance(value, str) and value else None


def behalf_note(value: str | None) -> str | None:
    """An on-behalf-of note checked: bounded text, stripped; blank is no note."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue("on behalf of is text")
    return check_length(value.strip(), "on behalf of", limit=MAX_SHORT_TEXT) or None


def moved_to_note(state: dict[str, Any], field: str) -> None:
    """Upcast: the free-text "who" ``field`` an old event recorded becomes its on-behalf-of
    note, as recorded (blank: no note)."""
    value = state.pop(field, None)
    state[ON_BEHALF_OF] = value if isinstance(value, str) and value.strip() else None
