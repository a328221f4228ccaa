"""The hub's views over the seven scenarios, and the SLA watch list, in the SQLite store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import driver, scenarios, services  # noqa: F401  (the scenario fixtures)
from tests.integration.projections.dashboard_case import DashboardCase
from tests.integration.projections.kill_case import RealWorkerKillCase
from tests.integration.projections.sla_board_case import SlaBoardCase
from tests.integration.projections.sla_case import SlaWatchListCase
from tests.integration.projections.stores import StoreMaker, sqlite_stores
from tests.integration.projections.views_case import ScenarioViewsCase


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreMaker]:
    with sqlite_stores(tmp_path_factory.mktemp("views")) as make:
        yield make


class TestDashboardOnSQLite(DashboardCase):
    """First: its exact figures are the scenarios' alone (later tests add to the log)."""


class TestViewsOnSQLite(ScenarioViewsCase):
    pass


class TestSlaOnSQLite(SlaWatchListCase):
    pass


class TestSlaBoardOnSQLite(SlaBoardCase):
    pass


class TestRealWorkerKillOnSQLite(RealWorkerKillCase):
    pass
