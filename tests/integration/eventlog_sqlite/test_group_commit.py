"""Group commit on the embedded log: appends handed to the writer thread (``submit_events``).

Several appends share one SQLite transaction; one that conflicts is refused alone; a
transaction that fails answers every append of it with the failure, and none of them is in
the log; nothing is answered before its transaction committed.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID, uuid4

from eventsourcing.persistence import InfrastructureFactory, IntegrityError, StoredEvent

from hub.eventlog.sqlite import ApplicationRecorderWithSubscribe, Factory
from hub.eventlog.sqlite_group import GroupWriter, Submitted


def open_log(db: Path, **env: str) -> tuple[Factory, ApplicationRecorderWithSubscribe]:
    factory = InfrastructureFactory.construct(
        {"PERSISTENCE_MODULE": "hub.eventlog.sqlite:Factory", "SQLITE_DBNAME": str(db), **env}
    )
    assert isinstance(factory, Factory)
    recorder = factory.application_recorder()
    assert isinstance(recorder, ApplicationRecorderWithSubscribe)
    return factory, recorder


def event(originator: UUID, version: int) -> StoredEvent:
    return StoredEvent(originator, version, "tests:Happened", b"{}")


class Answers:
    """The answers the writer gives, by name, and when each has come."""

    def __init__(self) -> None:
        self.got: dict[str, tuple[Sequence[int] | None, BaseException | None]] = {}
        self._all = threading.Event()
        self.wanted = 0

    def done(self, name: str):  # type: ignore[no-untyped-def]
        def answer(ids: Sequence[int] | None, error: BaseException | None) -> None:
            self.got[name] = (ids, error)
            if len(self.got) == self.wanted:
                self._all.set()

        self.wanted += 1
        return answer

    def wait(self) -> None:
        assert self._all.wait(20), self.got


def test_a_conflicting_append_in_a_group_is_refused_alone(tmp_path: Path) -> None:
    factory, recorder = open_log(tmp_path / "log.sqlite")
    try:
        a, b = uuid4(), uuid4()
        answers = Answers()
        group = [
            Submitted([event(a, 1), event(a, 2)], None, answers.done("first")),
            Submitted([event(b, 1), event(a, 2)], None, answers.done("conflicting")),
            Submitted([event(b, 1)], None, answers.done("third")),
        ]
        GroupWriter(recorder)._write(group)
        answers.wait()
        assert answers.got["first"] == ([1, 2], None)
        ids, error = answers.got["conflicting"]
        assert ids is None and isinstance(error, IntegrityError)
        assert answers.got["third"] == ([3], None)
        assert [
            (n.originator_id, n.originator_version) for n in recorder.select_notifications(1, 10)
        ] == [(a, 1), (a, 2), (b, 1)]
    finally:
        factory.close()


def test_appends_waiting_share_a_transaction_and_are_answered_after_it_commits(
    tmp_path: Path,
) -> None:
    db = tmp_path / "log.sqlite"
    factory, recorder = open_log(db)
    blocker = sqlite3.connect(db, isolation_level=None)
    try:
        recorder.insert_events([event(uuid4(), 1)])  # the table exists, the file is in WAL mode
        blocker.execute("BEGIN IMMEDIATE")  # another writer holds the log
        a = uuid4()
        answers = Answers()
        for name, events in [
            ("first", [event(a, 1)]),
            ("conflicting", [event(a, 1)]),
            ("third", [event(a, 2)]),
        ]:
            assert recorder.submit_events(events, None, answers.done(name))
        assert not answers._all.wait(0.5)  # nothing answered while nothing is committed
        assert answers.got == {}
        blocker.execute("COMMIT")
        answers.wait()
        assert answers.got["first"] == ([2], None)
        assert isinstance(answers.got["conflicting"][1], IntegrityError)
        assert answers.got["third"] == ([3], None)
        assert [e.originator_version for e in recorder.select_events(a)] == [1, 2]
    finally:
        blocker.close()
        factory.close()


def test_a_failed_transaction_answers_every_append_of_it_and_none_is_in_the_log(
    tmp_path: Path,
) -> None:
    db = tmp_path / "log.sqlite"
    factory, recorder = open_log(db, SQLITE_LOCK_TIMEOUT="1")
    blocker = sqlite3.connect(db, isolation_level=None)
    try:
        recorder.insert_events([event(uuid4(), 1)])
        blocker.execute("BEGIN IMMEDIATE")  # held past the writer's lock timeout
        answers = Answers()
        streams = [uuid4() for _ in range(3)]
        for n, stream in enumerate(streams):
            assert recorder.submit_events([event(stream, 1)], None, answers.done(str(n)))
        answers.wait()
        blocker.execute("ROLLBACK")
        for ids, error in answers.got.values():
            assert ids is None and error is not None and not isinstance(error, IntegrityError)
        assert all(recorder.select_events(stream) == [] for stream in streams)
        assert recorder.max_notification_id() == 1

        again = Answers()
        assert recorder.submit_events([event(streams[0], 1)], None, again.done("retry"))
        again.wait()
        assert again.got["retry"] == ([2], None)  # the writer goes on after a failed group
    finally:
        blocker.close()
        factory.close()


def test_closing_the_log_answers_what_was_handed_over(tmp_path: Path) -> None:
    factory, recorder = open_log(tmp_path / "log.sqlite")
    answers = Answers()
    stream = uuid4()
    assert recorder.submit_events([event(stream, 1)], None, answers.done("before"))
    factory.close()
    answers.wait()
    assert answers.got["before"][1] is None  # taken before the close: written and answered
    late = Answers()
    assert recorder.submit_events([event(stream, 2)], None, late.done("after"))
    late.wait()
    assert late.got["after"][0] is None and late.got["after"][1] is not None
