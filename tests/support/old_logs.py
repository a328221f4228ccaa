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


#: totals that combined aid reads now besides what it read then
NEW_AID_TOTALS = {"aid_fen", "social_aid_fen", "loans_fen", "in_kind_fen", "adds_up"}
#: totals that then added loans and in-kind help to aid, and now add up aid only
REDEFINED_AID_TOTALS = {"all_amount_fen", "social_amount_fen"}


def assert_aid_reads_with_loans_apart(now: dict[str, Any], then: dict[str, Any]) -> None:
    """Combined aid reads as it did, except that loans and in-kind help, which older code
    added to the aid totals, are now listed apart from them."""
    kept = NEW_AID_TOTALS | REDEFINED_AID_TOTALS
    assert {**now, "totals": {k: v for k, v in now["totals"].items() if k not in kept}} == {
        **then,
        "totals": {k: v for k, v in then["totals"].items() if k not in kept},
    }
    apart = {
        kind: sum(p["amount_fen"] or 0 for p in then["social"] if p["kind"] == kind)
        for kind in ("loan", "in-kind")
    }
    totals = now["totals"]
    assert (totals["loans_fen"], totals["in_kind_fen"]) == (apart["loan"], apart["in-kind"])
    for name in REDEFINED_AID_TOTALS:
        assert totals[name] == then["totals"][name] - apart["loan"] - apart["in-kind"]
    assert totals["aid_fen"] == totals["all_amount_fen"]
