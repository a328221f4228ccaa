"""Choosing the view store: PostgreSQL for a ``postgresql://`` URL, else an SQLite file."""

from __future__ import annotations

from projections.sealing import Sealer
from projections.store import ViewStore


def open_store(url: str, *, schema: str | None = None, key: bytes | None = None) -> ViewStore:
    """Opens (and sets up) the view store at ``url``; with the hub ``key``, the views' free
    text is sealed at rest (:mod:`projections.sealing`).

    ``postgresql://user@host:port/db[?schema=name]`` (or ``postgres://``) selects PostgreSQL;
    anything else is the path of an SQLite file (``sqlite:///path`` is accepted too).
    """
    store: ViewStore
    if url.startswith(("postgresql://", "postgres://")):
        from projections.store_postgres import PostgresViewStore

        store = PostgresViewStore(url, schema=schema)
    else:
        from projections.store_sqlite import SQLiteViewStore

        store = SQLiteViewStore(url.removeprefix("sqlite://"))
    if key is not None:
        store.sealer = Sealer(key)
    store.setup()
    return store
