"""The console's tests use the API tests' hub and network (``tests/integration/api``)."""

from tests.integration.api.conftest import api, client, services  # noqa: F401
