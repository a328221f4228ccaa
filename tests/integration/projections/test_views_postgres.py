"""The hub's views over the seven scenarios, and the SLA watch list, in the PostgreSQL store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import driver, scenarios, services  # noqa: F401  (the scenario fixtures)
from tests.integration.projections.dashboard_case import DashboardCase
from tests.integration.projections.kill_case import RealWorkerKillCase
from tests.integration.projections.sla_board_case import SlaBoardCase
from tests.integration.projections.sla_case import SlaWatchListCase
from tests.integration.projections.stores import StoreMaker, postgres_stores
from tests.integration.projections.views_case import ScenarioViewsCase

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def stores(postgres_dsn: str) -> Iterator[StoreMaker]:
    with postgres_stores(postgres_dsn) as make:
        yield make


class TestDashboardOnPostgres(DashboardCase):
    """First: its exact figures are the scenarios' alone (later tests add to the log)."""


class TestViewsOnPostgres(ScenarioViewsCase):
    pass


class TestSlaOnPostgres(SlaWatchListCase):
    pass


class TestSlaBoardOnPostgres(SlaBoardCase):
    pass


class TestRealWorkerKillOnPostgres(RealWorkerKillCase):
    pass
