"""The projection worker's entry points: run the views, rebuild one, report their state.

Plain functions for the CLI (``hub projections run|rebuild|status``) and the API to call.
``app`` is the hub's Application (any ``eventsourcing`` Application whose recorder has
``subscribe()``), built by the caller's composition root; ``store`` comes from
:func:`projections.stores.open_store`. Nothing here reads settings.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from projections import rebuild as rebuilding
from projections.case_files import CaseFiles
from projections.dashboard import Dashboard
from projections.fall_through import FallThrough
from projections.person_aid import PersonAid
from projections.referrals import Referrals
from projections.region_stats import RegionStats
from projections.runner import Progress, Runner
from projections.store import ViewStore
from projections.view import View

#: every view, by name; the SLA watch list reads the ``referrals`` view
VIEWS: dict[str, type[View]] = {
    v.name: v for v in (Referrals, CaseFiles, PersonAid, RegionStats, FallThrough, Dashboard)
}


def view_class(name: str) -> type[View]:
    try:
        return VIEWS[name]
    except KeyError:
        raise LookupError(f"no view named {name!r}; views: {', '.join(VIEWS)}") from None


def run(
    app: Any,
    store: ViewStore,
    stop: threading.Event,
    *,
    views: Sequence[str] | None = None,
    batch_size: int = 500,
    on_batch: Progress | None = None,
) -> None:
    """Follows the log and keeps the views current until ``stop`` is set (blocks)."""
    classes = [view_class(n) for n in views] if views else list(VIEWS.values())
    Runner(app, store, classes, batch_size=batch_size, on_batch=on_batch).run(stop)


def rebuild(
    app: Any,
    store: ViewStore,
    name: str,
    *,
    progress: Progress | None = None,
    batch_size: int = 2000,
) -> int:
    """Rebuilds view ``name`` from the log into a new table version and switches readers to
    it; returns the version. ``progress(position, log_position)`` after each batch."""
    return rebuilding.rebuild(
        app, store, view_class(name), progress=progress, batch_size=batch_size
    )


def status(app: Any, store: ViewStore) -> list[dict[str, Any]]:
    """Each view's active version, position, how far behind the log it is, and ``halted``:
    where and why it stopped following the log (an event it cannot hold), or None."""
    head = app.recorder.max_notification_id() or 0
    report = []
    for name, cls in VIEWS.items():
        active = store.active_version(name)
        if active is None:
            report.append(
                {
                    "view": name,
                    "version": None,
                    "position": 0,
                    "log_position": head,
                    "behind": head,
                    "halted": None,
                }
            )
            continue
        report.append(rebuilding.freshness(cls(store, active[0]), head))
    return report


def drop_retired(store: ViewStore, name: str) -> list[int]:
    """Drops the tables of the versions of ``name`` that readers no longer use."""
    return rebuilding.drop_retired(store, view_class(name))
