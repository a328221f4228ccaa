"""Who may import whom: the domain stays pure, the read models never reach into the hub,
and inside ``hub/`` the packages import one way (docs/architecture.md draws it).

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
import hub
import projections

DOMAIN = Path(domain.__file__).parent
PROJECTIONS = Path(projections.__file__).parent
HUB = Path(hub.__file__).parent

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


#: each part of ``hub/`` (a package or a top-level module) and the other parts it may import;
#: anything not named here is forbidden, and a new part must be added (test below)
HUB_MAY_IMPORT: dict[str, set[str]] = {
    "hub": set(),
    "hub.settings": set(),
    "hub.smalldb": set(),
    "hub.transcodings": set(),
    "hub.privacy": set(),
    "hub.idempotency": set(),
    "hub.wage_tables": set(),
    "hub.metrics": set(),  # every process's series; reads views through projections
    "hub.logs": set(),
    "hub.readiness": set(),
    "hub.words": set(),  # the words officials read for the domain's codes
    "hub.dashboards": {"hub.words"},  # labels and exports of the dashboards' figures
    "hub.eventlog": {"hub.logs", "hub.metrics"},  # the producer process's JSON lines; group sizes
    "hub.vault": {"hub.metrics", "hub.smalldb"},  # appends counted where they are chained
    "hub.audit": {"hub.vault", "hub.words"},
    "hub.ports": {"hub.commands"},  # the link index's type, for type checking only
    "hub.access": {"hub.ports", "hub.smalldb"},
    "hub.identity": {"hub.access", "hub.metrics", "hub.settings", "hub.smalldb"},  # sign-ins
    "hub.commands": {
        "hub.access",
        "hub.audit",
        "hub.identity",  # the acting principal, stamped on the events it records
        "hub.idempotency",
        "hub.ports",
        "hub.privacy",
        "hub.vault",
        "hub.wage_tables",
    },
    "hub.feeds": {"hub.eventlog", "hub.identity", "hub.ports", "hub.vault"},
    "hub.notify": {"hub.metrics", "hub.smalldb"},  # reads the hub through what it is given
    "hub.app": {"hub.commands", "hub.transcodings", "hub.vault"},
    # commands on the event loop, their commits handed to the log's writer
    "hub.committer": {"hub.app", "hub.eventlog", "hub.idempotency"},
    "hub.bootstrap": {
        "hub.access",
        "hub.app",
        "hub.feeds",
        "hub.identity",
        "hub.notify",
        "hub.settings",
        "hub.vault",
    },
    "hub.api": {
        "hub.access",
        "hub.app",
        "hub.audit",
        "hub.bootstrap",
        "hub.commands",
        "hub.committer",  # POST /referrals's command on the loop
        "hub.console",  # create_app mounts the console; the gate and the OIDC callback set its cookie
        "hub.dashboards",
        "hub.eventlog",
        "hub.feeds",
        "hub.idempotency",
        "hub.identity",
        "hub.logs",
        "hub.metrics",
        "hub.notify",
        "hub.privacy",
        "hub.readiness",
        "hub.wage_tables",
    },
    # the console: the API's pages, on the API's access layer (deps, gate) and commands
    "hub.console": {
        "hub.access",
        "hub.api",
        "hub.audit",  # the audit pages read a replay as the PDF report does
        "hub.bootstrap",
        "hub.commands",
        "hub.dashboards",  # the dashboards' labels and exports
        "hub.eventlog",  # the page of an unavailable log (503)
        "hub.identity",
        "hub.logs",  # the request's id on the 500 page
        "hub.notify",  # the bell and the list read the notifier's store
        "hub.privacy",
        "hub.words",
    },
    "hub.backup": {"hub.bootstrap", "hub.settings"},
    "hub.demo": {
        "hub.access",
        "hub.api",
        "hub.bootstrap",
        "hub.idempotency",  # the synthetic history, recorded in batches
        "hub.identity",  # as the synthetic officials
        "hub.settings",
        "hub.wage_tables",
    },
    "hub.cli": {
        "hub.access",
        "hub.api",
        "hub.app",
        "hub.audit",
        "hub.backup",
        "hub.bootstrap",
        "hub.demo",
        "hub.eventlog",
        "hub.feeds",
        "hub.identity",
        "hub.logs",
        "hub.metrics",
        "hub.notify",
        "hub.settings",
        "hub.wage_tables",
    },
    "hub.__main__": {"hub.cli"},
}


def part_of(module: str) -> str:
    """``hub.feeds.router`` -> ``hub.feeds``; ``hub.app`` -> ``hub.app``; ``hub`` -> ``hub``."""
    return ".".join(module.split(".")[:2])


def module_name(path: Path) -> str:
    parts = path.relative_to(HUB.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def hub_parts_imported(source: str, importer: str) -> set[str]:
    """The other parts of ``hub/`` a module imports (``from hub import privacy`` names
    ``hub.privacy``; relative imports are resolved against ``importer``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = importer.split(".")[: -node.level] if node.level else []
                base = ".".join([*package, base] if base else package)
            if base == "hub":
                names = [f"hub.{alias.name}" for alias in node.names]
            else:
                names = [base]
        found |= {part_of(n) for n in names if n == "hub" or n.startswith("hub.")}
    return found - {part_of(importer)}


@pytest.mark.parametrize("path", sources(HUB), ids=lambda p: str(p.relative_to(HUB)))
def test_hub_packages_import_one_way(path: Path) -> None:
    importer = module_name(path)
    part = part_of(importer)
    assert part in HUB_MAY_IMPORT, f"hub part {part} is new: say what it may import"
    forbidden = (
        hub_parts_imported(path.read_text(encoding="utf-8"), importer) - HUB_MAY_IMPORT[part]
    )
    assert not forbidden, f"{importer} imports {sorted(forbidden)}"


def test_the_hub_parts_are_all_named() -> None:
    """Every package and top-level module of ``hub/`` is in the table, and nothing stale is."""
    parts = {part_of(module_name(p)) for p in sources(HUB)}
    assert parts == set(HUB_MAY_IMPORT)


def test_the_cli_is_imported_by_nothing_and_the_api_only_by_the_cli_the_demo_and_the_console() -> (
    None
):
    importers_of_cli = {p for p, allowed in HUB_MAY_IMPORT.items() if "hub.cli" in allowed}
    assert importers_of_cli == {"hub.__main__"}
    importers_of_api = {p for p, allowed in HUB_MAY_IMPORT.items() if "hub.api" in allowed}
    assert importers_of_api == {"hub.cli", "hub.console", "hub.demo"}
    for feeds_may_not in ("hub.api", "hub.cli", "hub.app", "hub.commands", "hub.bootstrap"):
        assert feeds_may_not not in HUB_MAY_IMPORT["hub.feeds"]


def test_the_hub_check_catches_what_it_forbids() -> None:
    source = (
        "from hub.api.deps import HubDep\n"
        "from hub import privacy\n"
        "from . import topics\n"
        "from ..cli.common import fail\n"
        "def f():\n"
        "    import hub.bootstrap\n"
    )
    found = hub_parts_imported(source, "hub.feeds.router")
    assert found == {"hub.api", "hub.privacy", "hub.cli", "hub.bootstrap"}
    assert found - HUB_MAY_IMPORT["hub.feeds"] == found
