"""``hub audit verify``: checks every stream of the log for changed, missing or reordered events.

Each stored event must carry the link (hash) of the previous stored event of its stream,
its version must follow the previous one, its notification id the previous notification's,
and its payload must authenticate under the hub's key (AES-GCM). A finding names the stream,
the version and the log position.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeAlias
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import ApplicationRecorder

from hub.vault.chain import GENESIS, LINK_SIZE, link_over

BATCH = 1000
#: events read at a time from the hub's own recorders (plain rows: about 1 MB)
ROWS_BATCH = 5000
#: a stored event as verified: position in the log (if known), stream (originator id as
#: text), version, topic, stored state
Row: TypeAlias = tuple[int | None, str, int, str, bytes]


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
        rows: Iterable[Row],
        progress: Callable[[int], None],
        *,
        contiguous: bool = True,
    ) -> Report:
        """Checks ``rows`` in log order; ``contiguous``: they are the whole log, no gaps.

        ``progress(n)`` is told of every ``PROGRESS_EVERY`` events checked, and of the rest.
        """
        report = Report()
        streams: dict[str, _Stream] = {}
        last: int | None = None  # the previous event's position
        authentic = self.authentic
        checked = 0
        for position, name, version, topic, state in rows:
            checked += 1
            if checked % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
            stream = streams.get(name)
            if stream is None:
                stream = streams[name] = _Stream(name)
            if (
                (contiguous and position is not None and last is not None and position != last + 1)
                or version != stream.version + 1
                or state[:LINK_SIZE] != stream.link
                or not authentic(state)
            ):
                found = self._problems(
                    position, last if contiguous else None, version, state, stream
                )
                report.findings += [
                    Finding(position, stream.name, version, problem, detail)
                    for problem, detail in found
                ]
            if position is not None:
                last = position
            if version > stream.version:
                stream.version = version
            stream.link = link_over(name, version, topic, state)
        progress(checked % PROGRESS_EVERY)
        report.checked = checked
        report.streams = len(streams)
        return report

    def _problems(
        self, position: int | None, last: int | None, version: int, state: bytes, stream: _Stream
    ) -> list[tuple[str, str]]:
        """What is wrong with the event ``version`` of ``stream`` stored as ``state``, coming
        after the stream's last event (and, in the whole log, after position ``last``)."""
        problems = []
        if position is not None and last is not None and position != last + 1:
            problems.append(("missing", f"log positions {last + 1}..{position - 1} are missing"))
        if version > stream.version + 1:
            gap = f"versions {stream.version + 1}..{version - 1} of the stream are missing"
            problems.append(("missing", gap))
        elif version <= stream.version:
            after = f"version {version} comes after version {stream.version}"
            problems.append(("reordered", after))
        elif state[:LINK_SIZE] != stream.link:
            problems.append(("changed", "the link does not match the previous event of the stream"))
        if not self.authentic(state):
            problems.append(("changed", "the stored bytes do not authenticate under the hub's key"))
        return problems


def log_events(recorder: ApplicationRecorder) -> Iterator[Row]:
    """Every stored event of the log, in log order, as a row.

    The hub's own recorders hand out plain rows (``select_rows``), read in big batches; any
    other recorder is read through ``select_notifications``.
    """
    select_rows = getattr(recorder, "select_rows", None)
    if select_rows is not None:
        after = 0
        while True:
            rows = select_rows(after, ROWS_BATCH)
            yield from rows
            if len(rows) < ROWS_BATCH:
                return
            after = rows[-1][0]
    start = 1
    while True:
        batch = recorder.select_notifications(start, BATCH)
        for n in batch:
            yield n.id, str(n.originator_id), int(n.originator_version), n.topic, n.state
        if len(batch) < BATCH:
            return
        start = batch[-1].id + 1


def stream_events(recorder: ApplicationRecorder, streams: Iterable[UUID]) -> Iterator[Row]:
    """The stored events of the given streams, in log order, as rows.

    The whole log is read, so that events of a stream swapped in the log are found too.
    """
    wanted = {UUID(str(s)) for s in streams}
    for row in log_events(recorder):
        if UUID(row[1]) in wanted:
            yield row
