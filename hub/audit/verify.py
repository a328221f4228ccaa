"""``hub audit verify``: checks every stream of the log for changed, missing or reordered events.

Each stored event must carry the link (hash) of the previous stored event of its stream,
its version must follow the previous one, its notification id the previous notification's,
and its payload must authenticate under the hub's key (AES-GCM). A finding names the stream,
the version and the log position.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import ApplicationRecorder, StoredEvent

from hub.vault.chain import GENESIS, LINK_SIZE, link_of

BATCH = 1000


@dataclass(frozen=True)
class Finding:
    position: int | None  # notification id in the log, where known
    stream: str
    version: int
    problem: str  # changed | missing | reordered
    detail: str


@dataclass
class Report:
    checked: int = 0
    streams: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


@dataclass(slots=True)
class _Stream:
    name: str
    version: int = 0
    link: bytes = GENESIS


PROGRESS_EVERY = 1024


class Verifier:
    def __init__(self, hub_key: bytes) -> None:
        # The library's AESCipher makes a new AESGCM per call; one is kept here instead, and
        # its layout (nonce 12 bytes, tag 16 bytes, ciphertext) is read as the library writes it.
        self._aead = AESGCM(hub_key)

    def authentic(self, state: bytes) -> bool:
        """Whether the payload of ``state`` (after its link) authenticates (AES-GCM)."""
        nonce, tag = LINK_SIZE + 12, LINK_SIZE + 28
        try:
            self._aead.decrypt(state[LINK_SIZE:nonce], state[tag:] + state[nonce:tag], None)
        except (InvalidTag, ValueError):
            return False
        return True

    def check(
        self,
        events: Iterable[tuple[int | None, StoredEvent]],
        progress: Callable[[int], None],
        *,
        contiguous: bool = True,
    ) -> Report:
        """Checks ``events`` in log order; ``contiguous``: they are the whole log, no gaps.

        ``progress(n)`` is told of every ``PROGRESS_EVERY`` events checked, and of the rest.
        """
        report = Report()
        streams: dict[object, _Stream] = {}
        last: int | None = None  # the previous event's position
        authentic = self.authentic
        checked = 0
        for position, stored in events:
            checked += 1
            if checked % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
            oid = stored.originator_id
            key = oid.int if type(oid) is UUID else oid  # cheaper to hash than a UUID
            stream = streams.get(key)
            if stream is None:
                stream = streams[key] = _Stream(str(oid))
            version = int(stored.originator_version)
            state = stored.state
            if (
                (contiguous and position is not None and last is not None and position != last + 1)
                or version != stream.version + 1
                or state[:LINK_SIZE] != stream.link
                or not authentic(state)
            ):
                found = self._problems(position, last if contiguous else None, stored, stream)
                report.findings += [
                    Finding(position, stream.name, version, problem, detail)
                    for problem, detail in found
                ]
            if position is not None:
                last = position
            if version > stream.version:
                stream.version = version
            stream.link = link_of(stored, stream.name)
        progress(checked % PROGRESS_EVERY)
        report.checked = checked
        report.streams = len(streams)
        return report

    def _problems(
        self, position: int | None, last: int | None, stored: StoredEvent, stream: _Stream
    ) -> list[tuple[str, str]]:
        """What is wrong with ``stored``, coming after ``stream``'s last event (and, in the
        whole log, after position ``last``)."""
        problems = []
        version = int(stored.originator_version)
        if position is not None and last is not None and position != last + 1:
            problems.append(("missing", f"log positions {last + 1}..{position - 1} are missing"))
        if version > stream.version + 1:
            gap = f"versions {stream.version + 1}..{version - 1} of the stream are missing"
            problems.append(("missing", gap))
        elif version <= stream.version:
            after = f"version {version} comes after version {stream.version}"
            problems.append(("reordered", after))
        elif stored.state[:LINK_SIZE] != stream.link:
            problems.append(("changed", "the link does not match the previous event of the stream"))
        if not self.authentic(stored.state):
            problems.append(("changed", "the stored bytes do not authenticate under the hub's key"))
        return problems


def log_events(recorder: ApplicationRecorder) -> Iterator[tuple[int | None, StoredEvent]]:
    """Every stored event of the log, in log order, with its position."""
    start = 1
    while True:
        batch = recorder.select_notifications(start, BATCH)
        for n in batch:
            yield n.id, n
        if len(batch) < BATCH:
            return
        start = batch[-1].id + 1


def stream_events(
    recorder: ApplicationRecorder, streams: Iterable[UUID]
) -> Iterator[tuple[int | None, StoredEvent]]:
    """The stored events of the given streams, in log order, with their positions.

    The whole log is read, so that events of a stream swapped in the log are found too.
    """
    wanted = {UUID(str(s)) for s in streams}
    for position, stored in log_events(recorder):
        if UUID(str(stored.originator_id)) in wanted:
            yield position, stored
