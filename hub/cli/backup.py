"""``hub backup create|verify|restore``: the embedded default's backups (:mod:`hub.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn

from hub.cli.common import DataDir, console, fail, settings_for

backup_app = typer.Typer(
    help="备份 Back up and restore the embedded default (SQLite)", no_args_is_help=True
)

Target = Annotated[Path, typer.Argument(help="the backup's directory")]


@backup_app.command("create")
def create(
    directory: Target,
    data_dir: DataDir = None,
    secrets: Annotated[
        bool,
        typer.Option(help="copy DATA_DIR/secrets too (--no-secrets: keys kept apart)"),
    ] = True,
) -> None:
    """Take a consistent copy of the log, the key store, the access store and the views,
    while the hub runs."""
    from hub import backup

    settings = settings_for(data_dir)
    try:
        manifest = backup.create(settings, directory, with_secrets=secrets)
    except (backup.BackupError, OSError) as e:
        fail(f"备份失败 backup failed: {e}")
    console.print(
        f"已备份 backed up: {directory} (日志位置 log position {manifest.log_position}, "
        f"{len(manifest.files)} 个文件 files, 密钥 secrets: {'是 yes' if manifest.secrets else '否 no'})"
    )
    if not manifest.secrets:
        console.print("密钥未备份 secrets left out: keep HUB_*_KEY apart, restore needs them")


@backup_app.command("verify")
def verify(directory: Target) -> None:
    """Check the backup's files and the hash chain of every stream of its log; exit 1 on any
    finding."""
    from hub import backup

    try:
        with Progress(TextColumn("校验 verifying"), BarColumn(), console=console) as bar:
            task = bar.add_task("verify", total=None)
            check = backup.verify(
                directory, settings_for(None), progress=lambda n: bar.advance(task, n)
            )
    except (backup.BackupError, OSError) as e:
        fail(f"无法校验 cannot verify: {e}")
    if not check.ok:
        for problem in check.problems:
            console.print(f"[red]{problem}[/red]")
        fail(f"备份未通过校验 the backup does not verify: {len(check.problems)} finding(s)")
    console.print(
        f"备份完好 backup verified: {check.events_verified} 个事件 events, "
        f"日志位置 log position {check.manifest.log_position}, {check.manifest.created_at}"
    )


@backup_app.command("restore")
def restore(
    directory: Target,
    data_dir: Annotated[Path, typer.Option("--data-dir", help="where to restore")],
    force: Annotated[
        bool, typer.Option("--force", help="replace the stores of a non-empty data dir")
    ] = False,
) -> None:
    """Restore a backup into a data directory (stop any hub serving it first), then verify
    the restored log."""
    from hub import backup

    try:
        manifest = backup.restore(directory, data_dir, force=force)
        findings = backup.verify_chains(data_dir, settings_for(None))
    except (backup.BackupError, OSError) as e:
        fail(f"恢复失败 restore failed: {e}")
    if findings:
        fail("恢复的日志未通过校验 the restored log does not verify: " + "; ".join(findings))
    console.print(f"已恢复 restored into {data_dir}: 日志位置 log position {manifest.log_position}")
    console.print(
        f"请重新执行 {manifest.created_at} 之后的当事人信息删除 / re-run the erasures made "
        f"after {manifest.created_at} (hub person erase) before serving"
    )
