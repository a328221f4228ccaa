"""The projection machinery's behaviour, written once and run per view store.

Subclasses provide the ``spec`` fixture (a :class:`StoreSpec`); see ``test_store_sqlite.py``
and ``test_store_postgres.py``. Every test runs on each selected log (``--log``).
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from projections.rebuild import drop_retired, freshness, read_active, rebuild
from projections.runner import ViewHalted, ensure_active
from projections.stores import open_store
from tests.integration.projections.harness import StoreSpec, running, start_worker, wait_until
from tests.integration.projections.toy import Tallies, Tally, ToyApp, fill

WORKER = "tests.integration.projections.toy_worker"


class ProjectionInfrastructureCase:
    @pytest.fixture
    def spec(self) -> Iterator[StoreSpec]:
        raise NotImplementedError

    @pytest.fixture
    def app(self, log_env: dict[str, str], log_kind: str) -> Iterator[ToyApp]:
        if log_kind == "kafka":
            pytest.importorskip("hub.eventlog.kafka")
        app = ToyApp(env=log_env)
        yield app
        app.close()

    def active(self, spec: StoreSpec) -> Tallies:
        view = read_active(spec.store, Tallies)
        assert isinstance(view, Tallies)
        return view

    def position(self, spec: StoreSpec) -> int:
        if spec.store.active_version(Tallies.name) is None:
            return 0
        return self.active(spec).position() or 0

    def caught_up(self, app: ToyApp, spec: StoreSpec) -> bool:
        head = app.recorder.max_notification_id()
        return head is not None and self.position(spec) == head

    def test_rows_and_position_are_written_in_one_transaction(self, spec: StoreSpec) -> None:
        ensure_active(spec.store, Tallies)
        view = self.active(spec)

        def fails(tx: Any, seen: int | None) -> None:
            tx.execute(tx.sql("INSERT INTO {tallies} VALUES (?, ?, 0, 0)"), ("t1", "one"))
            raise RuntimeError("crash after the rows, before the commit")

        with pytest.raises(RuntimeError):
            spec.store.write(view.t, Tracking(view.tracking_key, 1), fails)
        assert view.position() is None
        assert view.read("SELECT * FROM {tallies}") == []

    def test_a_position_never_moves_back_nor_repeats(self, spec: StoreSpec) -> None:
        ensure_active(spec.store, Tallies)
        view = self.active(spec)

        def insert(tx: Any, seen: int | None) -> None:
            tx.execute(tx.sql("INSERT INTO {ledger} VALUES (?, ?, ?)"), ("t1", 1, 5))

        spec.store.write(view.t, Tracking(view.tracking_key, 5), insert)
        for stale in (5, 4):
            with pytest.raises(IntegrityError):
                spec.store.write(view.t, Tracking(view.tracking_key, stale), insert)
        assert view.position() == 5
        assert len(view.read("SELECT * FROM {ledger}")) == 1

    def test_runner_follows_the_log_and_applies_new_events(
        self, app: ToyApp, spec: StoreSpec
    ) -> None:
        [first] = fill(app, tallies=1, additions=3)
        with running(app, spec.store, [Tallies]):
            wait_until(lambda: self.caught_up(app, spec))
            tally = app.repository.get(first.id)
            tally.add(10)
            app.save(tally)
            wait_until(lambda: self.caught_up(app, spec), timeout=3)
        rows = self.active(spec).read("SELECT name, total, additions FROM {tallies}")
        assert rows == [{"name": "tally-0", "total": 16, "additions": 4}]

    def test_a_restarted_runner_neither_skips_nor_repeats(
        self, app: ToyApp, spec: StoreSpec
    ) -> None:
        fill(app, tallies=3, additions=4)
        with running(app, spec.store, [Tallies], batch_size=5):
            wait_until(lambda: self.caught_up(app, spec))
        fill(app, tallies=2, additions=2)
        with running(app, spec.store, [Tallies], batch_size=5):
            wait_until(lambda: self.caught_up(app, spec))
        ledger = self.active(spec).read("SELECT tally_id, version FROM {ledger}")
        assert len(ledger) == 3 * 4 + 2 * 2
        assert len({(r["tally_id"], r["version"]) for r in ledger}) == len(ledger)

    def test_two_workers_at_once_neither_skip_nor_repeat(
        self, app: ToyApp, spec: StoreSpec
    ) -> None:
        Tallies.delay = 0.001
        try:
            fill(app, tallies=4, additions=10)
            with running(app, spec.store, [Tallies], batch_size=7):
                wait_until(lambda: self.position(spec) > 0)
                with running(app, spec.store, [Tallies], batch_size=11):
                    fill(app, tallies=2, additions=5)
                    wait_until(lambda: self.caught_up(app, spec))
        finally:
            Tallies.delay = 0.0
        followed = self.active(spec).snapshot()
        rebuilt = Tallies(spec.store, rebuild(app, spec.store, Tallies, switch=False))
        assert followed == rebuilt.snapshot()
        assert len(followed["ledger"]) == 4 * 10 + 2 * 5

    def test_rebuild_into_a_new_version_then_switch_readers(
        self, app: ToyApp, spec: StoreSpec
    ) -> None:
        fill(app, tallies=4, additions=5)
        seen: list[tuple[int, int]] = []
        with running(app, spec.store, [Tallies]):
            wait_until(lambda: self.caught_up(app, spec))
            before = self.active(spec)
            version = rebuild(
                app, spec.store, Tallies, progress=lambda p, h: seen.append((p, h)), batch_size=7
            )
            after = self.active(spec)
            assert (before.version, after.version) == (1, version) == (1, 2)
            assert after.snapshot() == before.snapshot()
            assert seen[-1][0] == seen[-1][1] == app.recorder.max_notification_id()
            # The running worker now follows the new version.
            fill(app, tallies=1, additions=1)
            wait_until(lambda: self.caught_up(app, spec), timeout=5)
        assert len(self.active(spec).snapshot()["tallies"]) == 5
        states = {r["version"]: r["state"] for r in spec.store.versions("tallies")}
        assert states == {1: "retired", 2: "active"}
        assert drop_retired(spec.store, Tallies) == [1]
        assert [r["version"] for r in spec.store.versions("tallies")] == [2]

    def test_a_version_built_by_other_code_is_not_written(
        self, app: ToyApp, spec: StoreSpec
    ) -> None:
        fill(app, tallies=1, additions=1)

        class Tallies2(Tallies):
            name = "tallies"
            code_version = 2

        rebuild(app, spec.store, Tallies2)
        fill(app, tallies=1, additions=1)
        with running(app, spec.store, [Tallies]) as stop:
            threading.Event().wait(0.5)
            assert not stop.is_set()
        assert len(self.active(spec).snapshot()["tallies"]) == 1

    def test_freshness_says_how_far_behind_the_log_the_view_is(
        self, app: ToyApp, spec: StoreSpec
    ) -> None:
        fill(app, tallies=2, additions=2)
        rebuild(app, spec.store, Tallies)
        head = app.recorder.max_notification_id()
        fill(app, tallies=1, additions=0)
        later = app.recorder.max_notification_id()
        report = freshness(self.active(spec), later)
        assert report == {
            "view": "tallies",
            "version": 1,
            "position": head,
            "log_position": later,
            "behind": later - head,
            "halted": None,
        }

    def test_an_event_the_view_cannot_hold_stops_the_view_there_with_a_status(
        self, app: ToyApp, spec: StoreSpec
    ) -> None:
        """An amount beyond 64 bits (an older hub wrote it) cannot go into a BIGINT column."""
        fill(app, tallies=1, additions=2)
        huge = Tally(name="huge")
        huge.add(3)
        app.save(huge)
        huge.add(10**30)
        app.save(huge)
        bad = app.recorder.max_notification_id()
        fill(app, tallies=1, additions=1)
        head = app.recorder.max_notification_id()
        with running(app, spec.store, [Tallies], batch_size=500) as stop:
            view = wait_until(lambda: self.halted_view(spec))
            assert not stop.is_set()
        halted = view.view.halted(view.name, view.version)
        assert halted is not None and halted["position"] == bad
        # the kind of error and where, never its message (it may quote the data)
        kind = "OverflowError" if spec.store.dialect == "sqlite" else "DataError"
        assert halted["error"] == f"{kind} in Tallies applying Tally.Added"
        # Everything before the bad event is in the view, nothing after it.
        assert view.position() == bad - 1
        rows = {r["name"]: r for r in view.snapshot()["tallies"]}
        assert rows["huge"]["total"] == 3 and rows["tally-0"]["total"] == 3
        assert len(rows) == 2
        assert freshness(view, head)["halted"]["position"] == bad
        # A restarted runner leaves the stopped view alone instead of failing again.
        with running(app, spec.store, [Tallies]):
            threading.Event().wait(0.5)
        assert view.position() == bad - 1
        # A rebuild by the same code stops at the same event and switches nobody.
        active = spec.store.active_version(Tallies.name)
        with pytest.raises(ViewHalted, match=f"stopped at {bad}"):
            rebuild(app, spec.store, Tallies)
        assert spec.store.active_version(Tallies.name) == active

    def halted_view(self, spec: StoreSpec) -> Tallies | None:
        if spec.store.active_version(Tallies.name) is None:
            return None
        view = self.active(spec)
        return view if view.view.halted(view.name, view.version) else None

    def test_killed_mid_batch_then_restarted_equals_a_clean_rebuild(
        self, app: ToyApp, spec: StoreSpec, log_env: dict[str, str]
    ) -> None:
        fill(app, tallies=10, additions=20)  # 10 × 22 events
        head = app.recorder.max_notification_id()
        worker = start_worker(WORKER, log_env, spec, delay=0.01, batch=60)
        try:
            # Let it commit at least one batch, then kill it while it is inside another.
            wait_until(lambda: self.position(spec) > 0, timeout=30)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            worker.kill()
        at_kill = self.position(spec)
        assert 0 < at_kill < head
        worker = start_worker(WORKER, log_env, spec, delay=0.0, batch=60)
        try:
            wait_until(lambda: self.caught_up(app, spec), timeout=30)
        finally:
            worker.terminate()
            assert worker.wait(timeout=10) == 0
        followed = self.active(spec).snapshot()
        rebuilt_version = rebuild(app, spec.store, Tallies, switch=False)
        rebuilt = Tallies(spec.store, rebuilt_version).snapshot()
        assert followed == rebuilt
        assert len(followed["ledger"]) == 10 * 20
        assert sum(r["total"] for r in followed["tallies"]) == 10 * sum(range(1, 21))

    def test_free_text_columns_are_sealed_at_rest_and_read_back_in_clear(
        self, spec: StoreSpec
    ) -> None:
        keyed = open_store(spec.url, schema=spec.schema, key=bytes(range(32)))
        tables = {"notes": spec.store.table_name("sealing_notes")}
        try:
            keyed.run_ddl(
                tables,
                [
                    "CREATE TABLE {notes} (id TEXT PRIMARY KEY, reason TEXT, "
                    "outcome TEXT, status TEXT, n BIGINT)"
                ],
            )
            outcome = {"successful": True, "provisions": [{"description": "助学金"}]}

            def apply(tx: Any, seen: int | None) -> None:
                tx.put(
                    "notes",
                    {
                        "id": "a",
                        "reason": "伤情较重",
                        "outcome": outcome,
                        "status": "accepted",
                        "n": 3,
                    },
                )
                tx.put(
                    "notes",
                    {"id": "b", "reason": "无", "outcome": None, "status": "requested", "n": 4},
                )

            keyed.write(tables, Tracking("sealing", 1), apply)
            with spec.store.transaction(tables) as tx:  # a row from before sealing
                tx.execute(
                    tx.sql("INSERT INTO {notes} VALUES (?, ?, ?, ?, ?)"),
                    ("c", "旧记录", None, "requested", 5),
                )
            sql = "SELECT * FROM {notes} ORDER BY id"
            stored = spec.store.read(tables, sql)  # without the key: as at rest
            assert [r["reason"][:10] for r in stored[:2]] == ["sealed:v1:"] * 2
            assert stored[0]["outcome"].startswith("sealed:v1:")
            assert "伤情" not in str(stored) and "助学金" not in str(stored)
            assert [(r["status"], r["n"]) for r in stored] == [
                ("accepted", 3),
                ("requested", 4),
                ("requested", 5),
            ]
            assert stored[1]["outcome"] is None
            read = keyed.read(tables, sql)
            assert [r["reason"] for r in read] == ["伤情较重", "无", "旧记录"]
            assert json.loads(read[0]["outcome"]) == outcome
            with keyed.transaction(tables) as tx:
                assert tx.existing("notes", "a")["reason"] == "伤情较重"
        finally:
            keyed.close()

    def test_tally_topics_exclude_unhandled_events(self) -> None:
        assert Tallies.handles_topic(Tally.Added.__module__ + ":Tally.Added")
        assert not Tallies.handles_topic(Tally.Noted.__module__ + ":Tally.Noted")
