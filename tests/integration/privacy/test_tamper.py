"""Tampering with the stored log: ``hub audit verify`` finds it and names stream and position.

The seven scenarios run once; each test works on a copy of the hub's data directory and
changes the stored events of Zhou's case (scenario 3) with plain SQL, as someone with access
to the files could: one byte of a state (in the hash-chain link, or in the encrypted payload),
one event deleted, two events swapped (their states, or their positions in the log). On the
embedded log that is ``DATA_DIR/hub.sqlite`` (the library's ``stored_events`` table, whose
rowid is the notification id); on Kafka the topic cannot be rewritten, so the tampering is
done to the replica file (``events`` table), and a verification that reads the topic into a
fresh replica still passes.
"""

from __future__ import annotations

import shutil
import sqlite3
import warnings
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from hub.access.tokens import Role
from hub.api.app import create_app
from hub.demo.scenarios import load_all
from hub.settings import Settings
from tests.integration.privacy.conftest import HubHome, driver_for

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

Tamper = Callable[[sqlite3.Connection, str, dict[int, int]], None]


@pytest.fixture(scope="module")
def pristine(home: HubHome) -> dict[str, Any]:
    services = home.open()
    try:
        ids = load_all(driver_for(services))
    finally:
        services.close()
    return {"zhou": ids["scenario_3_zhou"]["case_id"], "ye": ids["scenario_5_ye"]["case_id"]}


def log_file(home: HubHome) -> tuple[Path, str]:
    """The file holding the stored events this hub reads, and its table."""
    if (home.data_dir / "hub.sqlite").exists():
        return home.data_dir / "hub.sqlite", "stored_events"
    return home.data_dir / "replica.sqlite", "events"


@pytest.fixture
def copy(home: HubHome, pristine: dict[str, Any], tmp_path: Path) -> Iterator[HubHome]:
    """A copy of the hub's data directory (the same topic on Kafka)."""
    target = tmp_path / "copy"
    shutil.copytree(home.data_dir, target)
    yield HubHome(Settings(**{**home.settings.model_dump(), "data_dir": target}), home.env)


def tamper(home: HubHome, stream: str, change: Tamper) -> dict[int, int]:
    """Applies ``change`` to the stream's stored events; returns version → log position."""
    path, table = log_file(home)
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        rows = db.execute(
            f"SELECT originator_version, rowid FROM {table} WHERE originator_id = ?",
            (UUID(stream).hex,),
        ).fetchall()
        positions = dict(rows)
        assert positions, f"no stored events of {stream}"
        db.execute("BEGIN")
        change(db, table, positions)
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return positions


def flip(at: int, version: int = 3) -> Tamper:
    def change(db: sqlite3.Connection, table: str, positions: dict[int, int]) -> None:
        (state,) = db.execute(
            f"SELECT state FROM {table} WHERE rowid = ?", (positions[version],)
        ).fetchone()
        state = bytearray(state)
        state[at] ^= 0x01
        db.execute(
            f"UPDATE {table} SET state = ? WHERE rowid = ?", (bytes(state), positions[version])
        )

    return change


def delete_version_3(db: sqlite3.Connection, table: str, positions: dict[int, int]) -> None:
    db.execute(f"DELETE FROM {table} WHERE rowid = ?", (positions[3],))


def swap_states_3_and_4(db: sqlite3.Connection, table: str, positions: dict[int, int]) -> None:
    three, four = (
        db.execute(f"SELECT state FROM {table} WHERE rowid = ?", (positions[v],)).fetchone()[0]
        for v in (3, 4)
    )
    db.execute(f"UPDATE {table} SET state = ? WHERE rowid = ?", (four, positions[3]))
    db.execute(f"UPDATE {table} SET state = ? WHERE rowid = ?", (three, positions[4]))


def swap_positions_3_and_4(db: sqlite3.Connection, table: str, positions: dict[int, int]) -> None:
    spare = -1
    db.execute(f"UPDATE {table} SET rowid = ? WHERE rowid = ?", (spare, positions[3]))
    db.execute(f"UPDATE {table} SET rowid = ? WHERE rowid = ?", (positions[3], positions[4]))
    db.execute(f"UPDATE {table} SET rowid = ? WHERE rowid = ?", (positions[4], spare))


def findings(output: str) -> set[tuple[str, str, str, str]]:
    """(position, stream, version, problem) of each row of the report table."""
    rows = set()
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) == 5 and cells[0] != "position":
            rows.add((cells[0], cells[1], cells[2], cells[3].split()[-1]))
    return rows


def verify_fails(home: HubHome, *args: str) -> set[tuple[str, str, str, str]]:
    done = home.cli("audit", "verify", *args)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "校验未通过" in done.stdout
    return findings(done.stdout)


def test_the_untouched_copy_verifies(copy: HubHome) -> None:
    done = copy.cli("audit", "verify")
    assert done.returncode == 0, done.stdout + done.stderr


Expected = Callable[[dict[int, int]], set[tuple[int, int, str]]]

#: each change, and the findings (position, version, problem) it must give on Zhou's case
TAMPERING: dict[str, tuple[Tamper, Expected]] = {
    "a changed byte of the link": (flip(0), lambda p: {(p[3], 3, "changed")}),
    "a changed byte of the payload": (flip(32 + 20), lambda p: {(p[3], 3, "changed")}),
    # the stream's gap, and the gap in the log's positions (whatever stream comes next)
    "a deleted event": (delete_version_3, lambda p: {(p[4], 4, "missing")}),
    "swapped states": (swap_states_3_and_4, lambda p: {(p[3], 3, "changed")}),
    "swapped positions": (
        swap_positions_3_and_4,
        lambda p: {(p[3], 4, "missing"), (p[4], 3, "reordered")},
    ),
}


@pytest.mark.parametrize("what", list(TAMPERING))
def test_tampering_is_found_with_stream_and_position(
    copy: HubHome, pristine: dict[str, Any], what: str
) -> None:
    change, expected = TAMPERING[what]
    case = pristine["zhou"]
    positions = tamper(copy, case, change)
    found = verify_fails(copy)
    assert {(str(at), case, str(v), problem) for at, v, problem in expected(positions)} <= found
    if change is delete_version_3:
        assert any(f[0] == str(positions[3] + 1) and f[3] == "missing" for f in found), found


@pytest.mark.parametrize("what", list(TAMPERING))
def test_verifying_one_case_checks_only_its_streams(
    copy: HubHome, pristine: dict[str, Any], what: str
) -> None:
    tamper(copy, pristine["zhou"], TAMPERING[what][0])
    assert copy.cli("audit", "verify", "--case", pristine["ye"]).returncode == 0
    found = verify_fails(copy, "--case", pristine["zhou"])
    assert found and {(stream, problem) for _, stream, _, problem in found} <= {
        (pristine["zhou"], p) for p in ("changed", "missing", "reordered")
    }
    assert {version for _, _, version, _ in found} & {"3", "4"}
    assert all(position.isdigit() for position, _, _, _ in found)  # positions named too


def test_on_kafka_the_topic_itself_still_verifies(
    copy: HubHome, pristine: dict[str, Any], log_kind: str, tmp_path: Path
) -> None:
    if log_kind != "kafka":
        pytest.skip("only the Kafka log has a topic behind its file")
    tamper(copy, pristine["zhou"], delete_version_3)
    assert copy.cli("audit", "verify").returncode == 1
    fresh = copy.cli("audit", "verify", env={"HUB_REPLICA_PATH": str(tmp_path / "fresh.sqlite")})
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr


def test_an_unreadable_referral_elsewhere_fails_a_case_check_safely(
    copy: HubHome, pristine: dict[str, Any]
) -> None:
    """Which referrals belong to a case is read from the referrals' first events: with one
    of them unreadable, checking a case checks the whole log and names that event."""
    path, table = log_file(copy)
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        oid, version, position = db.execute(
            f"SELECT originator_id, originator_version, rowid FROM {table} "
            "WHERE topic LIKE '%Referral.Requested' ORDER BY rowid LIMIT 1"
        ).fetchone()
    tamper(copy, str(UUID(oid)), flip(32 + 20, version=int(version)))
    found = verify_fails(copy, "--case", pristine["zhou"])
    assert (str(position), str(UUID(oid)), "1", "changed") in found


def test_a_tampered_case_is_not_replayed_as_if_whole(
    copy: HubHome, pristine: dict[str, Any]
) -> None:
    case = pristine["zhou"]
    positions = tamper(copy, case, flip(32 + 20))
    done = copy.cli("audit", "replay", case, "--format", "jsonl")
    assert done.returncode == 1 and done.stdout == ""
    message = " ".join(done.stderr.split())
    assert "cannot be replayed" in message and f"position {positions[3]}" in message
    services = copy.open()
    try:
        # the break-glass administrator reads the audit routes as an auditor does
        admin = services.access.issue(Role.ADMIN, None, "administrator")
        client = TestClient(create_app(services))
        answer = client.get(
            f"/audit/cases/{case}/replay", headers={"Authorization": f"Bearer {admin}"}
        )
    finally:
        services.close()
    assert answer.status_code == 422, answer.text
    assert answer.json()["type"] == "/problems/log-verification-failed"
