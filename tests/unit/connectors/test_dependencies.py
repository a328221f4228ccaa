"""The connector package stands alone: it imports only what an agency installs with it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import connectors

ALLOWED = {"kafka", "orjson", "httpx", "openpyxl", "typer", "rich", "connectors"}
PACKAGE = Path(connectors.__file__).parent


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_connectors_import_only_the_standard_library_and_their_five_dependencies() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 20
    for path in files:
        foreign = imported_roots(path) - ALLOWED - set(sys.stdlib_module_names) - {"__future__"}
        assert not foreign, f"{path.relative_to(PACKAGE)} imports {sorted(foreign)}"
