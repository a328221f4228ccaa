"""Who may import whom: the domain stays pure, the read models never reach into the hub.

``domain/`` is the aggregates and their rules on the library's domain model: the standard
library, ``eventsourcing.domain`` and the working calendar, nothing with I/O. ``projections/``
reads the log's events and writes views; it imports ``domain`` for event types and never
``hub``. (``connectors/`` has its own rule: ``tests/unit/connectors/test_dependencies.py``.)
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import domain
import projections

DOMAIN = Path(domain.__file__).parent
PROJECTIONS = Path(projections.__file__).parent

#: what the domain may import besides the standard library and itself
DOMAIN_ALLOWED = {"eventsourcing.domain", "chinese_calendar"}
#: what the projections may never import
PROJECTIONS_FORBIDDEN = {"hub", "connectors"}


def imported_modules(source: str) -> set[str]:
    """Every module a source imports, anywhere in it (functions and TYPE_CHECKING too)."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside its own package
                modules.add("." * node.level + (node.module or ""))
            elif node.module:
                modules.add(node.module)
    return modules


def foreign_to_domain(modules: set[str]) -> set[str]:
    """The imports a domain module may not make."""
    return {
        m
        for m in modules
        if m not in DOMAIN_ALLOWED
        and m.split(".")[0] not in sys.stdlib_module_names | {"__future__", "domain"}
        and not m.startswith(".")
    }


def hub_imports(modules: set[str]) -> set[str]:
    """The imports a projection may not make."""
    return {m for m in modules if m.split(".")[0] in PROJECTIONS_FORBIDDEN}


def sources(package: Path) -> list[Path]:
    found = sorted(package.rglob("*.py"))
    assert found
    return found


@pytest.mark.parametrize("path", sources(DOMAIN), ids=lambda p: p.name)
def test_domain_imports_only_the_standard_library_the_domain_model_and_the_calendar(
    path: Path,
) -> None:
    foreign = foreign_to_domain(imported_modules(path.read_text(encoding="utf-8")))
    assert not foreign, f"domain/{path.name} imports {sorted(foreign)}"


@pytest.mark.parametrize("path", sources(PROJECTIONS), ids=lambda p: p.name)
def test_projections_never_import_the_hub(path: Path) -> None:
    found = hub_imports(imported_modules(path.read_text(encoding="utf-8")))
    assert not found, f"projections/{path.name} imports {sorted(found)}"


def test_the_checks_catch_what_they_forbid() -> None:
    """The rules above would notice an import they forbid, wherever it stands."""
    source = (
        "import sqlite3\n"
        "from eventsourcing.domain import Aggregate\n"
        "from eventsourcing.persistence import Recorder\n"
        "import kafka\n"
        "from domain.values import parse\n"
        "def f():\n"
        "    from hub.settings import Settings\n"
        "    import connectors.cli\n"
    )
    modules = imported_modules(source)
    assert foreign_to_domain(modules) == {
        "eventsourcing.persistence",
        "kafka",
        "hub.settings",
        "connectors.cli",
    }
    assert hub_imports(modules) == {"hub.settings", "connectors.cli"}
