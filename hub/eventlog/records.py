"""The bytes of the log's Kafka records: stored events, tracking marks and writer marks.

Every record value starts with a fixed header packed with ``struct`` (big-endian):

| field | type | meaning |
| --- | --- | --- |
| format | ``B`` | ``1`` (this layout) |
| kind | ``B`` | ``1`` event, ``2`` tracking mark, ``3`` writer mark |
| number | ``q`` | event: notification id; tracking: upstream notification id; writer: 0 |
| version | ``q`` | event: originator version; otherwise 0 |
| id kind | ``B`` | ``1`` the name is a UUID (16 bytes), ``0`` a UTF-8 string |
| name length | ``H`` | bytes of the name that follows |
| topic length | ``H`` | bytes of the event topic that follows (0 for marks) |

then the name (event: originator id; tracking: upstream application name; writer: the
writer's instance id), the topic, and the rest of the value is the stored event's state,
exactly the bytes the library's mapper produced (possibly compressed and encrypted).

The record key is the originator id's bytes for events (``None`` for marks). Notification ids
are assigned by the single writer and carried here: they are not Kafka offsets.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import StoredEvent, Tracking

FORMAT = 1
EVENT, TRACKING, WRITER = 1, 2, 3
_HEADER = struct.Struct(">BBqqBHH")

#: a record as the writer hands it to the producer: (key, value)
KeyedRecord = tuple[bytes | None, bytes]


class RecordFormatError(ValueError):
    """A record on the log's topic that this hub cannot read."""


@dataclass(frozen=True)
class EventRecord:
    notification_id: int
    event: StoredEvent


@dataclass(frozen=True)
class TrackingRecord:
    tracking: Tracking


@dataclass(frozen=True)
class WriterRecord:
    """Written by a writer when it takes over the log (after fencing any earlier writer)."""

    instance: str


Record = EventRecord | TrackingRecord | WriterRecord


def _name_bytes(name: UUID | str) -> tuple[int, bytes]:
    if isinstance(name, UUID):
        return 1, name.bytes
    return 0, name.encode()


def encode_event(notification_id: int, event: StoredEvent) -> bytes:
    id_kind, name = _name_bytes(event.originator_id)
    topic = event.topic.encode()
    header = _HEADER.pack(
        FORMAT, EVENT, notification_id, event.originator_version, id_kind, len(name), len(topic)
    )
    return b"".join((header, name, topic, event.state))


def event_key(event: StoredEvent) -> bytes:
    return _name_bytes(event.originator_id)[1]


def encode_tracking(tracking: Tracking) -> bytes:
    name = tracking.application_name.encode()
    header = _HEADER.pack(FORMAT, TRACKING, tracking.notification_id, 0, 0, len(name), 0)
    return header + name


def encode_writer(instance: str) -> bytes:
    name = instance.encode()
    return _HEADER.pack(FORMAT, WRITER, 0, 0, 0, len(name), 0) + name


Fields = tuple[int, int, int, int, bytes, str, bytes]


def unpack(value: bytes | None) -> Fields:
    """``(kind, number, version, id_kind, name, topic, state)`` without building objects."""
    if value is None or len(value) < _HEADER.size:
        raise RecordFormatError("record shorter than the header")
    fmt, kind, number, version, id_kind, name_len, topic_len = _HEADER.unpack_from(value)
    if fmt != FORMAT:
        raise RecordFormatError(f"unknown record format {fmt}")
    start = _HEADER.size
    end = start + name_len
    topic = value[end : end + topic_len].decode()
    return kind, number, version, id_kind, value[start:end], topic, value[end + topic_len :]


def decode(value: bytes | None) -> Record:
    kind, number, version, id_kind, raw_name, topic, state = unpack(value)
    if kind == EVENT:
        originator_id: UUID | str = UUID(bytes=raw_name) if id_kind == 1 else raw_name.decode()
        event = StoredEvent(
            originator_id=originator_id, originator_version=version, topic=topic, state=state
        )
        return EventRecord(notification_id=number, event=event)
    if kind == TRACKING:
        return TrackingRecord(Tracking(application_name=raw_name.decode(), notification_id=number))
    if kind == WRITER:
        return WriterRecord(instance=raw_name.decode())
    raise RecordFormatError(f"unknown record kind {kind}")
