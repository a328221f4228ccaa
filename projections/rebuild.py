"""Rebuilding a view from the log into a new table version, and switching readers to it.

A rebuild reads the log from the start in large batches (``select_notifications``), writes a
new table version (``inbox_v2``) with its own tracking, and once it has reached the log's
head switches the view's active version in one transaction. Readers keep reading the old
version until that moment, so a new event type or a projection code change rolls out with
no downtime. A rebuild that meets an event the view cannot hold stops there
(:class:`~projections.runner.ViewHalted`) and switches nothing. A running worker with the same code notices the switch and follows the new
version from its position; the old version stays (retired) until :func:`drop_retired`.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from typing import Any

from projections.runner import Progress, apply_or_halt, decode_each
from projections.store import ViewStore
from projections.view import View


def rebuild(
    app: Any,
    store: ViewStore,
    view_class: type[View],
    *,
    progress: Progress | None = None,
    batch_size: int = 2000,
    switch: bool = True,
) -> int:
    """Builds ``view_class`` afresh from ``app``'s log; returns the new table version.

    ``progress(position, head)`` is called after each batch. With ``switch`` (the default)
    readers are switched to the new version when it has caught up with the log.
    """
    version = store.add_version(view_class.name, view_class.code_version, "building")
    view = view_class(store, version)
    view.create_tables()
    catch_up(app, view, progress=progress, batch_size=batch_size)
    if switch:
        store.activate(view_class.name, version)
    return version


def catch_up(
    app: Any,
    view: View,
    *,
    progress: Progress | None = None,
    batch_size: int = 2000,
) -> int:
    """Applies the log from ``view``'s position to the head; returns the position reached.

    The next batch is read and decoded in a thread while the current one is written. Raises
    :class:`~projections.runner.ViewHalted` at an event the view cannot hold.
    """
    recorder = app.recorder
    position = view.position() or 0
    head = recorder.max_notification_id() or 0
    batches: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def read() -> None:
        start, last = position, head
        try:
            while start < last and not stop.is_set():
                notifications = recorder.select_notifications(
                    start=start, limit=batch_size, inclusive_of_start=False
                )
                if not notifications:
                    break
                start = notifications[-1].id
                if start >= last:
                    last = recorder.max_notification_id() or 0
                decoded, failed = decode_each(app.mapper, notifications, [type(view)])
                topics = {n.id: n.topic for n in notifications}
                batches.put((list(decoded.items()), failed, topics, start, last))
        except BaseException as error:  # handed over to the writing thread
            batches.put(error)
        batches.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while (item := batches.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            events, failed, topics, position, head = item
            halted = apply_or_halt(view, events, position, failed, topics)
            if halted is not None:
                raise halted
            if progress is not None:
                progress(position, head)
    finally:
        stop.set()
        while reader.is_alive():
            with contextlib.suppress(queue.Empty):
                batches.get(timeout=0.05)
    return position


def drop_retired(store: ViewStore, view_class: type[View]) -> list[int]:
    """Drops the tables of every version of a view that is neither active nor building."""
    dropped = []
    for row in store.versions(view_class.name):
        if row["state"] == "retired":
            version = int(row["version"])
            view_class(store, version).drop_tables()
            store.forget_version(view_class.name, version)
            dropped.append(version)
    return dropped


def read_active(store: ViewStore, view_class: type[View]) -> View:
    """The active version of a view, for reading; raises LookupError if it has none."""
    active = store.active_version(view_class.name)
    if active is None:
        raise LookupError(f"view {view_class.name} has not been built")
    return view_class(store, active[0])


def freshness(view: View, log_position: int | None) -> dict[str, Any]:
    """How far behind the log a view is: its position and the log's (when given)."""
    position = view.position() or 0
    return {
        "view": view.name,
        "version": view.version,
        "position": position,
        "log_position": log_position,
        "behind": None if log_position is None else max(0, log_position - position),
        # where and why the view stopped following the log, if it did
        "halted": view.view.halted(view.name, view.version),
    }
