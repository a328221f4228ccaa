"""Backup and restore of the embedded default (备份与恢复): a consistent copy taken while it runs.

A backup is a directory: one SQLite file per store, each copied with SQLite's online backup
API (one step, so each file is a snapshot of one moment even while the hub writes), the
development secrets (unless left out, to be kept apart), and ``manifest.json`` with the log's
position and each file's SHA-256. The stores are copied in an order that keeps them
consistent with each other:

1. the views, first: a view copied before the log is never ahead of the log copied after it;
   then the notifier's store, for the same reason (a message sent after its copy is sent
   again after a restore, with the same ``Message-ID``);
2. the log (``hub.sqlite``): the backup's position is its last notification id;
3. the key store: a person's data key is written before her first event, so every event of
   the copied log finds its key (a key erased meanwhile stays erased: crypto-shredding wins);
4. the access store (tokens, refusals' idempotency records; answers are in the log).

On Kafka the topics are the record and PostgreSQL holds keys and access: see
``docs/operations.md``. Nothing here reads settings' secrets it was not given.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hub.settings import Settings

MANIFEST = "manifest.json"
LOG = "hub.sqlite"
#: the stores, in the order they are copied (see the module's docstring)
STORES = ("views.sqlite", "notify.sqlite", LOG, "keys.sqlite", "access.sqlite")
SECRETS = "secrets"
FORMAT = 1


class BackupError(Exception):
    """The backup cannot be taken, read or restored; the message says why."""


@dataclass
class Manifest:
    created_at: str
    log_position: int
    files: dict[str, str]  # name → sha256
    secrets: bool
    format: int = FORMAT

    def write(self, directory: Path) -> None:
        (directory / MANIFEST).write_text(json.dumps(self.__dict__, indent=1))

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        if not path.is_file():
            raise BackupError(f"{directory} is not a backup: no {MANIFEST}")
        try:
            data: dict[str, Any] = json.loads(path.read_text())
            manifest = cls(**data)
        except (ValueError, TypeError) as e:
            raise BackupError(f"{path} cannot be read: {e}") from None
        if manifest.format != FORMAT:
            raise BackupError(f"backup format {manifest.format} is not {FORMAT}")
        return manifest


def sources(settings: Settings) -> dict[str, Path]:
    """The embedded default's store files, by their name in a backup."""
    if settings.kafka_bootstrap_servers:
        raise BackupError(
            "the log is on Kafka: back up its topics and PostgreSQL (docs/operations.md)"
        )
    locations = {
        "views.sqlite": settings.views_location(),
        "notify.sqlite": settings.notify_location(),
        LOG: str(settings.data_dir / LOG),
        "keys.sqlite": settings.keys_location(),
        "access.sqlite": settings.access_location(),
    }
    for name, location in locations.items():
        if "://" in location:
            raise BackupError(
                f"{name} is kept in {location.split('://')[0]}: back it up there "
                "(docs/operations.md)"
            )
    return {name: Path(location) for name, location in locations.items()}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_online(source: Path, target: Path) -> None:
    """A snapshot of the SQLite database ``source`` into ``target``, in one backup step."""
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()


def log_position(log_file: Path) -> int:
    """The last notification id of the embedded log in ``log_file`` (0 when empty): the
    library's SQLite recorder numbers notifications by the events table's rowid."""
    db = sqlite3.connect(f"file:{log_file}?mode=ro", uri=True)
    try:
        found = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='stored_events'"
        ).fetchone()
        if found is None:
            return 0
        (top,) = db.execute("SELECT MAX(rowid) FROM stored_events").fetchone()
        return int(top or 0)
    finally:
        db.close()


def create(settings: Settings, target: Path, *, with_secrets: bool = True) -> Manifest:
    """Takes a backup of the running (or stopped) hub into the new or empty ``target``."""
    files = sources(settings)
    if not files[LOG].is_file():
        raise BackupError(f"no embedded log in {settings.data_dir}")
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    target.mkdir(parents=True, exist_ok=True)
    for name in STORES:
        if files[name].is_file():
            copy_online(files[name], target / name)
    secrets = settings.data_dir / SECRETS
    copied_secrets = with_secrets and secrets.is_dir()
    if copied_secrets:
        shutil.copytree(secrets, target / SECRETS)
        (target / SECRETS).chmod(0o700)
    manifest = Manifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        log_position=log_position(target / LOG),
        files={name: sha256(target / name) for name in STORES if (target / name).is_file()},
        secrets=copied_secrets,
    )
    manifest.write(target)
    return manifest


@dataclass
class Check:
    manifest: Manifest
    problems: list[str]
    events_verified: int

    @property
    def ok(self) -> bool:
        return not self.problems


def check_files(directory: Path) -> tuple[Manifest, list[str]]:
    """The manifest and what is wrong with the files it names (hashes, SQLite integrity)."""
    manifest = Manifest.read(directory)
    problems = []
    for name, digest in manifest.files.items():
        path = directory / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256(path) != digest:
            problems.append(f"{name}: changed since the backup was taken")
        else:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                (result,) = db.execute("PRAGMA integrity_check").fetchone()
            finally:
                db.close()
            if result != "ok":
                problems.append(f"{name}: {result}")
    if LOG not in manifest.files:
        problems.append(f"{LOG}: not in the backup")
    return manifest, problems


def settings_of(directory: Path, given: Settings) -> Settings:
    """Settings that read the stores in ``directory``: its secrets, else the given ones."""
    overrides: dict[str, Any] = {
        "data_dir": directory,
        "keys_url": None,
        "views_url": None,
        "access_url": None,
        "notify_url": None,
        "kafka_bootstrap_servers": None,
    }
    for name in ("person_key", "cipher_key", "master_key"):
        if (directory / SECRETS / name).is_file():
            overrides[name] = None  # the backup's own
        else:
            value = getattr(given, name)
            if value is None:
                raise BackupError(
                    f"the backup holds no {name}: give HUB_{name.upper()} (the keys kept apart)"
                )
            overrides[name] = value
    return given.model_copy(update=overrides)


def verify_chains(
    directory: Path, settings: Settings, progress: Callable[[int], None] = lambda n: None
) -> list[str]:
    """The findings of the hash-chain check of every stream of the log in ``directory`` (a
    backup or a restored data dir), read with its own secrets or the settings' keys."""
    from hub.bootstrap import build_hub

    hub = build_hub(settings_of(directory, settings))
    try:
        report = hub.verify_log(progress=progress)
    finally:
        hub.close()
    return [
        f"position {f.position}, stream {f.stream}, version {f.version}: {f.problem}"
        for f in report.findings
    ]


def verify(
    directory: Path, settings: Settings, progress: Callable[[int], None] = lambda n: None
) -> Check:
    """Checks the files and the hash chain of every stream of the backup's log."""
    manifest, problems = check_files(directory)
    if problems:
        return Check(manifest, problems, 0)
    position = log_position(directory / LOG)
    if position != manifest.log_position:
        problems.append(f"log position {position}, the manifest says {manifest.log_position}")
    # opening a log writes to it (its schema, its journal): verify a scratch copy
    with tempfile.TemporaryDirectory(prefix="hub-verify-") as scratch:
        copy = Path(scratch)
        for name in manifest.files:
            shutil.copy2(directory / name, copy / name)
        if manifest.secrets:
            shutil.copytree(directory / SECRETS, copy / SECRETS)
        problems.extend(verify_chains(copy, settings, progress))
    return Check(manifest, problems, position)


def restore(directory: Path, target: Path, *, force: bool = False) -> Manifest:
    """Copies the backup into the data directory ``target`` (not while a hub runs there)."""
    manifest, problems = check_files(directory)
    if problems:
        raise BackupError("the backup does not verify: " + "; ".join(problems))
    if target.exists() and any(target.iterdir()):
        if not force:
            raise BackupError(f"{target} is not empty; --force replaces its stores")
        for name in STORES:
            for suffix in ("", "-wal", "-shm", "-journal"):
                (target / f"{name}{suffix}").unlink(missing_ok=True)
        if manifest.secrets:
            shutil.rmtree(target / SECRETS, ignore_errors=True)
    target.mkdir(parents=True, exist_ok=True)
    for name in manifest.files:
        shutil.copy2(directory / name, target / name)
    if manifest.secrets:
        shutil.copytree(directory / SECRETS, target / SECRETS, dirs_exist_ok=True)
        (target / SECRETS).chmod(0o700)
    return manifest
