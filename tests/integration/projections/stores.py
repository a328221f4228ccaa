"""Fixtures' helpers that open throw-away view stores: an SQLite file or a PostgreSQL schema."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from projections.store_postgres import PostgresViewStore
from projections.stores import open_store
from tests.integration.projections.harness import StoreSpec

StoreMaker = Callable[[], StoreSpec]


@contextmanager
def _stores(new: Callable[[str], StoreSpec]) -> Iterator[StoreMaker]:
    opened: list[StoreSpec] = []

    def make() -> StoreSpec:
        opened.append(new(uuid.uuid4().hex[:12]))
        return opened[-1]

    try:
        yield make
    finally:
        for spec in opened:
            if isinstance(spec.store, PostgresViewStore):
                spec.store.drop_schema()
            spec.store.close()


def sqlite_stores(directory: Path) -> AbstractContextManager[StoreMaker]:
    """Each store a new SQLite file in ``directory``."""

    def new(tag: str) -> StoreSpec:
        url = str(directory / f"views-{tag}.sqlite")
        return StoreSpec(url, None, open_store(url))

    return _stores(new)


def postgres_stores(dsn: str) -> AbstractContextManager[StoreMaker]:
    """Each store a new schema of the PostgreSQL database, dropped afterwards."""

    def new(tag: str) -> StoreSpec:
        schema = f"views_test_{tag}"
        return StoreSpec(dsn, schema, open_store(dsn, schema=schema))

    return _stores(new)
