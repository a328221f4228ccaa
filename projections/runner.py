"""The projection runner: follows the application's log and keeps views up to date.

One subscription to the application recorder (``subscribe(gt=...)``, on the embedded log and
on Kafka alike) feeds every view. Notifications are taken in batches: whatever has arrived,
up to ``batch_size``; each view applies the batch's events it handles and records the batch's
last notification id in the same transaction. So under load a batch is large (throughput),
and when idle an event is applied as soon as it arrives (latency). A view skips what its
tracking says it has seen: a restart after a crash neither skips nor repeats an event.

Only events a view handles are decoded; the others (such as a person's personal data) are
passed over, but still advance the positions, so a view's position reaches the log's head.

Every ``recheck`` seconds the runner looks at the active table versions: when a rebuild has
switched a view to a new version built by this code, it follows that version from its own
position; a version built by other code is left to the worker that runs that code.

An event a view cannot decode or hold (an amount beyond 64 bits, written by an older hub) stops
that view only: the batch is applied again event by event, the view keeps every event before
the bad one, and the store records where and why it stopped (:meth:`ViewStore.halt`), which
``hub projections status`` and the freshness of its readers' answers show, and the operators'
log says. The other views go on; the worker does not crash and retry in a loop. An error of the
database itself (``ViewStore.transient_errors``) stops nothing and is raised, as before.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import IntegrityError, Notification

from projections.store import ViewStore
from projections.view import View

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
_END = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class ViewHalted(Exception):
    """A view met an event it cannot hold and was stopped at it."""

    def __init__(self, view: View, position: int, error: str) -> None:
        super().__init__(f"view {view.name} v{view.version} stopped at {position}: {error}")
        self.position = position


def describe(error: BaseException, view: View, topic: str) -> str:
    """The error's kind and where it happened, never its message (it may quote the data)."""
    return f"{type(error).__name__} in {type(view).__name__} applying {topic}"


def halt(view: View, position: int, error: BaseException, topic: str) -> ViewHalted:
    """Records and logs that ``view`` stops at ``position``; the exception to raise or drop."""
    reason = describe(error, view, topic)
    if position > 1:
        with contextlib.suppress(IntegrityError):  # it has seen everything before this event
            view.apply_batch([], position - 1)
    view.view.halt(view.name, view.version, position=position, error=reason)
    log.error(
        "view %s v%s stopped at notification %s (%s); it follows the log again once "
        "rebuilt by code that can hold this event",
        view.name,
        view.version,
        position,
        reason,
    )
    return ViewHalted(view, position, reason)


def apply_or_halt(
    view: View,
    events: Sequence[tuple[int, Any]],
    last_id: int,
    failed: dict[int, BaseException] | None = None,
    topics: dict[int, str] | None = None,
) -> ViewHalted | None:
    """Applies a batch to ``view``; on an event it cannot hold, applies the events before it
    and halts the view there. ``failed`` maps notification ids that could not be decoded to
    their errors. Database errors (``transient_errors``) are raised, not halted on."""
    transient = view.view.transient_errors
    bad = min(failed) if failed else None
    if bad is None:
        try:
            view.apply_batch(events, last_id)
            return None
        except IntegrityError:
            raise
        except transient:
            raise
        except Exception:
            pass  # find the event, one at a time
    seen = view.position() or 0
    for notification_id, domain_event in events:
        if bad is not None and notification_id > bad:
            break
        if notification_id <= seen:
            continue
        try:
            view.apply_batch([(notification_id, domain_event)], notification_id)
        except transient:
            raise
        except Exception as error:
            topic = type(domain_event).__qualname__
            return halt(view, notification_id, error, topic)
    if bad is not None and failed is not None:
        topic = (topics or {}).get(bad, "an event")
        return halt(view, bad, failed[bad], topic)
    # Every event applies alone: the batch failed for another reason; let it be seen.
    view.apply_batch(events, last_id)
    return None


def ensure_active(store: ViewStore, view_class: type[View]) -> None:
    """Gives a view its first, empty, active table version if it has none."""
    if store.active_version(view_class.name) is None:
        version = store.add_version(view_class.name, view_class.code_version, "building")
        view_class(store, version).create_tables()
        store.activate(view_class.name, version)


def bind(store: ViewStore, view_class: type[View]) -> View | None:
    """The active table version of a view, if it was built by this code version."""
    active = store.active_version(view_class.name)
    if active is None:
        return None
    version, code_version = active
    if code_version != view_class.code_version:
        log.warning(
            "view %s v%s was built by code version %s, this worker runs %s: not followed",
            view_class.name,
            version,
            code_version,
            view_class.code_version,
        )
        return None
    return view_class(store, version)


def decode_each(
    mapper: Any, notifications: Sequence[Notification], view_classes: Sequence[type[View]]
) -> tuple[dict[int, Any], dict[int, BaseException]]:
    """The domain events of the notifications some view handles, by notification id; an
    event that cannot be decoded is returned apart, as its error, so that only the views that
    handle it stop there."""
    decoded: dict[int, Any] = {}
    failed: dict[int, BaseException] = {}
    for n in notifications:
        if any(v.handles_topic(n.topic) for v in view_classes):
            try:
                decoded[n.id] = mapper.to_domain_event(n)
            except Exception as error:
                failed[n.id] = error
    return decoded, failed


class Runner:
    """Follows ``app``'s log for ``view_classes`` in ``store`` until ``stop`` is set."""

    def __init__(
        self,
        app: Any,
        store: ViewStore,
        view_classes: Sequence[type[View]],
        *,
        batch_size: int = 500,
        recheck: float = 1.0,
        on_batch: Progress | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.view_classes = list(view_classes)
        self.batch_size = batch_size
        self.recheck = recheck
        self.on_batch = on_batch

    def run(self, stop: threading.Event) -> None:
        for view_class in self.view_classes:
            ensure_active(self.store, view_class)
        while not stop.is_set():
            bound = [v for v in (bind(self.store, c) for c in self.view_classes) if v]
            views = [v for v in bound if self.store.halted(v.name, v.version) is None]
            if not views:
                stop.wait(self.recheck)
                continue
            self._follow(views, stop)

    def _active(self) -> list[tuple[int, int] | None]:
        return [self.store.active_version(c.name) for c in self.view_classes]

    def _follow(self, views: list[View], stop: threading.Event) -> None:
        positions = {v.name: v.position() or 0 for v in views}
        start = min(positions.values())
        active = self._active()
        notifications: queue.Queue[Any] = queue.Queue(maxsize=self.batch_size * 4)
        subscription = self.app.recorder.subscribe(gt=start)
        reader = threading.Thread(target=_read, args=(subscription, notifications), daemon=True)
        with subscription:
            reader.start()
            try:
                checked = time.monotonic()
                while not stop.is_set():
                    batch = _take(notifications, self.batch_size, timeout=0.2)
                    if batch:
                        self._apply(views, positions, batch)
                    if not views:
                        return
                    if time.monotonic() - checked >= self.recheck:
                        checked = time.monotonic()
                        if self._active() != active:
                            return
            finally:
                subscription.stop()
                deadline = time.monotonic() + 5
                while reader.is_alive() and time.monotonic() < deadline:
                    _drain(notifications)
                    reader.join(timeout=0.05)

    def _apply(
        self, views: list[View], positions: dict[str, int], batch: list[Notification]
    ) -> None:
        last_id = batch[-1].id
        decoded, undecoded = decode_each(self.app.mapper, batch, [type(v) for v in views])
        topics = {n.id: n.topic for n in batch}
        for view in list(views):
            if last_id <= positions[view.name]:
                continue
            events = [
                (nid, event)
                for nid, event in decoded.items()
                if nid > positions[view.name] and view.handles_topic(topics[nid])
            ]
            failed = {
                nid: error
                for nid, error in undecoded.items()
                if nid > positions[view.name] and view.handles_topic(topics[nid])
            }
            try:
                halted = apply_or_halt(view, events, last_id, failed, topics)
            except IntegrityError:
                # Another writer recorded this position first: take its word, skip ahead.
                positions[view.name] = view.position() or 0
                log.warning("view %s was moved on by another writer", view.tracking_key)
                continue
            if halted is not None:
                views.remove(view)
                continue
            positions[view.name] = last_id
        if self.on_batch is not None:
            self.on_batch(last_id, self.app.recorder.max_notification_id() or 0)


def _read(subscription: Any, into: queue.Queue[Any]) -> None:
    try:
        for notification in subscription:
            into.put(notification)
    except BaseException as error:  # handed to the runner's thread, which raises it
        into.put(_Failed(error))
    finally:
        into.put(_END)


def _take(source: queue.Queue[Any], limit: int, timeout: float) -> list[Notification]:
    """Blocks up to ``timeout`` for one notification, then takes what is there, to ``limit``."""
    try:
        first = source.get(timeout=timeout)
    except queue.Empty:
        return []
    batch: list[Notification] = []
    item = first
    while True:
        if isinstance(item, _Failed):
            raise item.error
        if item is _END:
            raise RuntimeError("the log subscription ended unexpectedly")
        batch.append(item)
        if len(batch) >= limit:
            return batch
        try:
            item = source.get_nowait()
        except queue.Empty:
            return batch


def _drain(source: queue.Queue[Any]) -> None:
    while True:
        try:
            source.get_nowait()
        except queue.Empty:
            return
