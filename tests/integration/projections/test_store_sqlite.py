"""The projection machinery on the SQLite view store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from projections.stores import open_store
from tests.integration.projections.cases import ProjectionInfrastructureCase
from tests.integration.projections.harness import StoreSpec


class TestSQLiteViewStore(ProjectionInfrastructureCase):
    @pytest.fixture
    def spec(self, tmp_path: Path) -> Iterator[StoreSpec]:
        url = str(tmp_path / "views.sqlite")
        store = open_store(url)
        yield StoreSpec(url, None, store)
        store.close()
