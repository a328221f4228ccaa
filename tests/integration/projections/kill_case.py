"""Exactly once with the real views: kill the worker process mid-batch, restart, compare.

The worker (``hub_worker.py``) is slowed down per event so that it is inside a batch's open
transaction most of the time; it is killed with SIGKILL once it has committed a batch. After
a restart has caught up, every view must equal a clean rebuild from the log, row for row.
The test module that subclasses it provides the fixture ``stores`` (see ``views_case.py``).
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from hub.bootstrap import build_hub
from hub.settings import Settings
from projections import worker
from projections.rebuild import read_active, rebuild
from projections.store import ViewStore
from tests.integration.projections.harness import snapshot, start_worker, wait_until
from tests.integration.projections.load import generate
from tests.integration.projections.stores import StoreMaker

WORKER = "tests.integration.projections.hub_worker"
VIEWS = list(worker.VIEWS.values())


def positions(store: ViewStore) -> list[int]:
    return [
        (read_active(store, v).position() or 0) if store.active_version(v.name) else 0
        for v in VIEWS
    ]


class RealWorkerKillCase:
    def test_killed_mid_batch_then_restarted_equals_a_clean_rebuild(
        self,
        stores: StoreMaker,
        tmp_path: Path,
        log_kind: str,
        request: pytest.FixtureRequest,
    ) -> None:
        from tests.conftest import new_log_env

        log_env = new_log_env(log_kind, tmp_path, request)
        data_dir = tmp_path / "hub"
        hub = build_hub(Settings(data_dir=data_dir), log_env)
        try:
            generate(hub, 30)
            head = hub.recorder.max_notification_id()
            spec = stores()
            env: dict[str, Any] = {**log_env, "HUB_DATA_DIR": str(data_dir)}
            process = start_worker(WORKER, env, spec, delay=0.004, batch=100)
            try:
                wait_until(lambda: max(positions(spec.store)) > 0, timeout=60)
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
            finally:
                process.kill()
            at_kill = positions(spec.store)
            assert any(0 < p < head for p in at_kill), at_kill
            process = start_worker(WORKER, env, spec, delay=0.0, batch=100)
            try:
                wait_until(lambda: positions(spec.store) == [head] * len(VIEWS), timeout=60)
            finally:
                process.terminate()
                assert process.wait(timeout=20) == 0
            for view_class in VIEWS:
                followed = read_active(spec.store, view_class)
                clean = rebuild(hub, spec.store, view_class, switch=False)
                assert snapshot(view_class(spec.store, clean)) == snapshot(followed)
        finally:
            hub.close()
