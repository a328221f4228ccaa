"""The connector imports and runs with the hub's whole stack unavailable (a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys

BLOCKER = """
import importlib, pkgutil, sys
class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"hub", "domain", "projections", "eventsourcing", "fastapi",
                                  "pydantic", "pydantic_settings", "psycopg", "structlog"}:
            raise ImportError("the connector must not need " + name)
sys.meta_path.insert(0, Blocked())
import connectors
for module in pkgutil.walk_packages(connectors.__path__, "connectors."):
    importlib.import_module(module.name)
print("ok", len(sys.modules))
"""


def test_every_connector_module_imports_with_the_hub_and_its_stack_unavailable() -> None:
    done = subprocess.run(
        [sys.executable, "-c", BLOCKER], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok")
