"""The hash chain as written: links over the stored bytes, whole across writers.

The event store remembers the link of the last event it wrote per stream; these tests make
sure that a link is never taken from a stale memory when another writer appended meanwhile
(two Applications on one embedded log, as ``hub serve`` and a ``hub`` command can be).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from hub.app import ReliefHub
from hub.bootstrap import build_hub
from hub.settings import Settings
from hub.vault.chain import GENESIS, LINK_SIZE, link_of

ON = date(2026, 1, 5)


@pytest.fixture
def two_writers(tmp_path: Path) -> Iterator[tuple[ReliefHub, ReliefHub]]:
    settings = Settings(data_dir=tmp_path)
    first, second = build_hub(settings), build_hub(settings)
    yield first, second
    first.close()
    second.close()


def test_alternating_writers_keep_every_stream_linked(
    two_writers: tuple[ReliefHub, ReliefHub],
) -> None:
    first, second = two_writers
    person = first.register_person("659001199001010013", "链测试", family="独居")
    first.consent_to_all(person, ON)  # first remembers version 2
    second.withdraw_consent(
        person, by_agency=None, on_behalf_of="承办人", reason="本人撤回"
    )  # version 3, by the other writer
    first.consent_to_all(person, ON)  # must link to version 3
    second.update_person(person, contact="13900000000")
    first.withdraw_consent(person, by_agency=None, on_behalf_of="承办人", reason="再次撤回")
    stored = first.recorder.select_events(person)
    assert [s.originator_version for s in stored] == [1, 2, 3, 4, 5, 6]
    assert stored[0].state[:LINK_SIZE] == GENESIS
    for previous, this in itertools.pairwise(stored):
        assert this.state[:LINK_SIZE] == link_of(previous)
    report = second.verify_log()
    assert report.ok and report.checked == 6, report.findings


def test_the_link_covers_the_stored_bytes(two_writers: tuple[ReliefHub, ReliefHub]) -> None:
    first, _ = two_writers
    person = first.register_person("659001199001010021", "链测试二")
    first.consent_to_all(person, ON)
    one, two = first.recorder.select_events(person)
    changed = one.__class__(
        originator_id=one.originator_id,
        originator_version=one.originator_version,
        topic=one.topic,
        state=one.state[:-1] + bytes([one.state[-1] ^ 1]),
    )
    assert two.state[:LINK_SIZE] == link_of(one) != link_of(changed)
