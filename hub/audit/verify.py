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

from eventsourcing.cryptography import AESCipher
from eventsourcing.persistence import ApplicationRecorder, StoredEvent

from hub.vault.chain import GENESIS, LINK_SIZE, link_of
from hub.vault.mapper import aes_cipher

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


@dataclass
class _Stream:
    version: int = 0
    link: bytes = GENESIS


class Verifier:
    def __init__(self, hub_key: bytes) -> None:
        self._cipher: AESCipher = aes_cipher(hub_key)

    def check(
        self,
        events: Iterable[tuple[int | None, StoredEvent]],
        progress: Callable[[int], None],
        *,
        contiguous: bool = True,
    ) -> Report:
        """Checks ``events`` in log order; ``contiguous``: they are the whole log, no gaps."""
        report = Report()
        streams: dict[str, _Stream] = {}
        last_position: int | None = None
        for position, stored in events:
            report.checked += 1
            stream_id = str(stored.originator_id)
            version = int(stored.originator_version)
            stream = streams.setdefault(stream_id, _Stream())

            def find(
                problem: str,
                detail: str,
                at: int | None = position,
                sid: str = stream_id,
                v: int = version,
            ) -> None:
                report.findings.append(Finding(at, sid, v, problem, detail))

            if (
                contiguous
                and position is not None
                and last_position is not None
                and position != last_position + 1
            ):
                find("missing", f"log positions {last_position + 1}..{position - 1} are missing")
            last_position = position if position is not None else last_position
            if version > stream.version + 1:
                find(
                    "missing",
                    f"versions {stream.version + 1}..{version - 1} of the stream are missing",
                )
            elif version <= stream.version:
                find("reordered", f"version {version} comes after version {stream.version}")
            elif stored.state[:LINK_SIZE] != stream.link:
                find("changed", "the link does not match the previous event of the stream")
            try:
                self._cipher.decrypt(stored.state[LINK_SIZE:])
            except ValueError:
                find("changed", "the stored bytes do not authenticate under the hub's key")
            stream.version = max(stream.version, version)
            stream.link = link_of(stored)
            progress(1)
        report.streams = len(streams)
        return report


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
