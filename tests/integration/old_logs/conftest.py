"""Each module here names the ``COMMIT`` whose log it reads; these fixtures open a copy of it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hub.bootstrap import Services
from tests.support.old_logs import expected, open_old_log


@pytest.fixture(scope="module")
def old(request: pytest.FixtureRequest) -> dict[str, Any]:
    """What the code of the module's ``COMMIT`` read back from its log."""
    return expected(request.module.COMMIT)


@pytest.fixture(scope="module")
def services(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Services]:
    """Today's hub opened on a copy of the module's ``COMMIT``'s log."""
    opened = open_old_log(request.module.COMMIT, tmp_path_factory.mktemp("old-log"))
    yield opened
    opened.close()
