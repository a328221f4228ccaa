"""The hub's views over the seven scenarios, in the PostgreSQL view store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import driver, scenarios, services  # noqa: F401  (the scenario fixtures)
from tests.integration.projections.stores import StoreMaker, postgres_stores
from tests.integration.projections.views_case import ScenarioViewsCase


@pytest.mark.postgres
class TestViewsOnPostgres(ScenarioViewsCase):
    @pytest.fixture(scope="class")
    @classmethod
    def stores(cls, postgres_dsn: str) -> Iterator[StoreMaker]:
        with postgres_stores(postgres_dsn) as make:
            yield make
