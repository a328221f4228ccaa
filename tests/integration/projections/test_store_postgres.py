"""The projection machinery on the PostgreSQL view store (a throw-away schema per test)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from projections.store_postgres import PostgresViewStore
from projections.stores import open_store
from tests.integration.projections.cases import ProjectionInfrastructureCase
from tests.integration.projections.harness import StoreSpec


@pytest.mark.postgres
class TestPostgresViewStore(ProjectionInfrastructureCase):
    @pytest.fixture
    def spec(self, postgres_dsn: str) -> Iterator[StoreSpec]:
        schema = f"views_test_{uuid.uuid4().hex[:12]}"
        store = open_store(postgres_dsn, schema=schema)
        assert isinstance(store, PostgresViewStore)
        try:
            yield StoreSpec(postgres_dsn, schema, store)
        finally:
            store.drop_schema()
            store.close()
