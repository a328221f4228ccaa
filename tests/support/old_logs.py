"""Logs written by earlier code, kept under ``tests/fixtures/logs/<commit>/``, opened on a copy.

Each fixture holds an embedded SQLite log, its key store and the development secrets that read
them, and ``expected.json``: what the code that wrote it read back. A test opens a copy with
today's code and compares (see ``tests/fixtures/logs/<commit>/README.md``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from hub.bootstrap import Services, build
from hub.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "logs"
FILES = ("hub.sqlite", "keys.sqlite")


def open_old_log(commit: str, into: Path) -> Services:
    """Copies the fixture written by ``commit`` into ``into`` and opens today's hub on it."""
    source = FIXTURES / commit
    into.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(source / name, into / name)
    shutil.copytree(source / "secrets", into / "secrets", dirs_exist_ok=True)
    for secret in (into / "secrets").iterdir():
        secret.chmod(0o600)
    return build(Settings(data_dir=into))


def expected(commit: str) -> dict[str, Any]:
    """What the code of ``commit`` read back from its log."""
    found: dict[str, Any] = json.loads((FIXTURES / commit / "expected.json").read_text())
    return found
