"""A toy aggregate, application and view for testing the projection machinery.

``Tally`` counts additions; the ``tallies`` view keeps a total per tally and an append-only
ledger of every addition (no key, so an event applied twice shows as a duplicate row).
``Tallies.delay`` slows each event down, so a test can kill a worker in the middle of a batch.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from projections.store import Tx
from projections.view import View, handles


class Tally(Aggregate):
    @event("Opened")
    def __init__(self, name: str) -> None:
        self.name = name

    @event("Added")
    def add(self, amount: int) -> None:
        pass

    @event("Noted")
    def note(self, text: str) -> None:
        pass


class ToyApp(Application[Any]):
    name = "ToyApp"


class Tallies(View):
    name = "tallies"
    delay: ClassVar[float] = 0.0
    tables: ClassVar[dict[str, list[str]]] = {
        "tallies": [
            "CREATE TABLE IF NOT EXISTS {tallies} (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
            "total BIGINT NOT NULL, additions BIGINT NOT NULL)"
        ],
        "ledger": [
            "CREATE TABLE IF NOT EXISTS {ledger} (tally_id TEXT NOT NULL, "
            "version BIGINT NOT NULL, amount BIGINT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS {p}_ledger_tally ON {ledger} (tally_id)",
        ],
    }

    @handles(Tally.Opened)
    def opened(self, tx: Tx, e: Any) -> None:
        tx.execute(
            tx.sql("INSERT INTO {tallies} VALUES (?, ?, 0, 0)"), (str(e.originator_id), e.name)
        )

    @handles(Tally.Added)
    def added(self, tx: Tx, e: Any) -> None:
        if self.delay:
            time.sleep(self.delay)
        tx.execute(
            tx.sql(
                "UPDATE {tallies} SET total = total + ?, additions = additions + 1 WHERE id = ?"
            ),
            (e.amount, str(e.originator_id)),
        )
        tx.execute(
            tx.sql("INSERT INTO {ledger} VALUES (?, ?, ?)"),
            (str(e.originator_id), e.originator_version, e.amount),
        )

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """Every row, in a stable order, for comparing two versions of the view."""
        return {
            "tallies": self.read("SELECT * FROM {tallies} ORDER BY id"),
            "ledger": self.read("SELECT * FROM {ledger} ORDER BY tally_id, version"),
        }


def fill(app: ToyApp, tallies: int, additions: int) -> list[Tally]:
    """Appends ``tallies`` tallies with ``additions`` additions and one note each."""
    made = []
    for i in range(tallies):
        tally = Tally(name=f"tally-{i}")
        for n in range(additions):
            tally.add(n + 1)
        tally.note("not projected")
        app.save(tally)
        made.append(tally)
    return made
