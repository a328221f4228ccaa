"""The notifier (通知): follows the log like a projection and tells officials, once each.

It subscribes to the log after its own tracked position (:class:`NotifyStore`) and, per batch,
writes each official's notifications, their messages to send and the batch's last position
in one transaction: killed at any point, it starts again where that transaction left it. The
time-based triggers (deadlines turning amber and red, escalations, dead letters) are looked
at every ``check_seconds``; each fires once, recorded by a key naming the deadline or letter,
so neither a restart nor a clock set back or forward fires one again. Deadlines are looked at
on the calendar's working days only: a weekend or holiday tells nobody, the next working day
does.

Messages are sent after they are written: a message leaves ``pending`` once its channel took
it (``sent``); a failure is tried again after ``base_seconds * 2**attempts`` (at most
``max_seconds``), and after ``max_attempts`` it is ``failed``, listed for administrators
(``hub notifications failed|retry``, ``GET /notifications/failed``). A notifier killed
between a server's acceptance and its own record sends that one message again, with the same
``Message-ID`` / ``X-Hub-Notification-Id``.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Protocol

from eventsourcing.persistence import Notification

from hub import metrics
from hub.notify import prefs as preferences
from hub.notify.channels import ChannelError, Outgoing
from hub.notify.messages import digest as render_digest
from hub.notify.messages import link, render
from hub.notify.store import Delivery, Item, NotifyStore
from hub.notify.triggers import (
    TOPICS,
    LogTriggers,
    Officials,
    Trigger,
    dead_letter_triggers,
    deadline_triggers,
    item_id,
)

log = logging.getLogger(__name__)

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
_END = object()


class Channel(Protocol):
    name: str

    def send(self, message: Outgoing) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Retry:
    max_attempts: int = 12
    base_seconds: float = 5.0
    max_seconds: float = 3600.0

    def next_at(self, attempts: int, now: float) -> float | None:
        """When to try again after ``attempts`` failed attempts; None: give up."""
        if attempts >= self.max_attempts:
            return None
        wait: float = min(self.base_seconds * 2.0 ** (attempts - 1), self.max_seconds)
        return now + wait


class Notifier:
    def __init__(
        self,
        hub: Any,
        store: NotifyStore,
        *,
        channels: dict[str, Channel],
        base_url: str,
        watch: Callable[[date], dict[str, Any]] | None = None,
        is_working_day: Callable[[date], bool] = lambda _: True,
        dead_letters: Callable[[], Sequence[Any]] | None = None,
        today: Callable[[], date] | None = None,
        clock: Callable[[], float] = time.time,
        retry: Retry | None = None,
        digest_hour: int = 8,
        check_seconds: float = 60.0,
        batch_size: int = 500,
        linger: float = 0.02,
        settle: float = 0.05,
    ) -> None:
        self.hub = hub
        self.store = store
        self.channels = channels
        self.base_url = base_url
        self.watch = watch
        self.is_working_day = is_working_day
        self.dead_letters = dead_letters
        self.today = today or hub.today
        self.clock = clock
        self.retry = retry or Retry()
        self.digest_hour = digest_hour
        self.check_seconds = check_seconds
        self.batch_size = batch_size
        #: how long a batch waits for more of the log after its first notification: under
        #: load one transaction and one look at what is due serve many events, not one each
        self.linger = linger
        #: seconds the log's subscription rests between pulls (commits meanwhile come together)
        self.settle = settle
        self._triggers = LogTriggers(hub)

    # deriving notifications

    def _items(self, triggers: Sequence[Trigger]) -> tuple[list[Item], list[Delivery]]:
        officials = Officials(self.hub)
        now = self.clock()
        items: list[Item] = []
        deliveries: list[Delivery] = []
        for trigger in triggers:
            for user in officials.recipients(trigger):
                user_id = str(user["id"])
                chosen = preferences.effective(self.store.prefs(user_id))
                if trigger.trigger not in chosen["triggers"]:
                    continue
                item = Item(
                    item_id(trigger.key, user_id),
                    user_id,
                    str(user["agency_id"]),
                    trigger.trigger,
                    trigger.params,
                    now,
                )
                items.append(item)
                state = "digest" if chosen["digest"] else "pending"
                for channel in chosen["channels"]:
                    if channel in self.channels:
                        deliveries.append(
                            Delivery(
                                f"{item.id}:{channel}",
                                item.id,
                                user_id,
                                channel,
                                state,
                                0,
                                now,
                                None,
                            )
                        )
        return items, deliveries

    def apply(self, batch: Sequence[Notification]) -> int:
        """Writes the notifications of a batch of the log with its position; how many."""
        items, deliveries = self._items(self._triggers.of(batch))
        if not self.store.record(items, deliveries, position=batch[-1].id):
            return 0
        return len(items)

    def check_time(self) -> int:
        """Fires the deadlines and dead letters not fired yet; how many notifications."""
        triggers: list[Trigger] = []
        today = self.today()
        if self.watch is not None and self.is_working_day(today):
            try:
                triggers += deadline_triggers(self.watch(today))
            except LookupError:  # the views are not built yet: the next look will tell
                log.info("the watch list's views are not built yet")
        if self.dead_letters is not None:
            triggers += dead_letter_triggers(self.dead_letters())
        keys = sorted({str(t.params["fire_key"]) for t in triggers})
        done = self.store.fired(keys)
        fresh = [t for t in triggers if t.params["fire_key"] not in done]
        if not fresh:
            return 0
        items, deliveries = self._items(fresh)
        self.store.record(
            items, deliveries, fired=sorted({str(t.params["fire_key"]) for t in fresh})
        )
        return len(items)

    # sending

    def _outgoing(self, delivery: Delivery, chosen: dict[str, Any]) -> Outgoing | None:
        lang = chosen["lang"]
        if delivery.id.startswith("digest:"):
            members = self.store.in_digest(delivery.id)
            if not members:
                return None
            subject, text = render_digest(
                [(i.trigger, i.params) for i in members], lang, self.base_url
            )
            trigger, agency_id, url = (
                "digest",
                members[0].agency_id,
                f"{self.base_url.rstrip('/')}/console/notifications",
            )
        else:
            item = self.store.item(delivery.item_id)
            if item is None:
                return None
            subject, text = render(item.trigger, item.params, lang, self.base_url)
            trigger, agency_id, url = item.trigger, item.agency_id, link(self.base_url, item.params)
        return Outgoing(
            delivery.id,
            delivery.user_id,
            agency_id,
            trigger,
            lang,
            subject,
            text,
            url,
            chosen.get("email"),
        )

    def deliver(self) -> int:
        """Sends what is due (outside each official's quiet hours); how many were sent."""
        now = self.clock()
        china_now = datetime.fromtimestamp(now, CHINA)
        self._digests(china_now)
        sent = 0
        for delivery in self.store.due(now):
            channel = self.channels.get(delivery.channel)
            chosen = preferences.effective(self.store.prefs(delivery.user_id))
            quiet = preferences.quiet_until(chosen, china_now)
            if quiet is not None:
                self.store.postpone(delivery.id, quiet.timestamp())
                continue
            message = self._outgoing(delivery, chosen)
            if channel is None or message is None:
                self.store.attempt_failed(delivery, "no such channel or message", None)
                continue
            try:
                channel.send(message)
            except ChannelError as error:
                metrics.notifications.labels(delivery.channel, "failed").inc()
                attempts = delivery.attempts + 1
                retry_at = self.retry.next_at(attempts, now)
                log.warning(
                    "notification %s not sent on %s (%s), attempt %s%s",
                    delivery.id,
                    delivery.channel,
                    error,
                    attempts,
                    "" if retry_at is not None else ": given up, listed as failed",
                )
                self.store.attempt_failed(delivery, str(error), retry_at)
                continue
            self.store.sent(delivery.id)
            metrics.notifications.labels(delivery.channel, "sent").inc()
            sent += 1
        return sent

    def _digests(self, china_now: datetime) -> None:
        """From the digest hour on, each official's messages that were waiting before it
        become one per channel (what comes later waits for the next day's)."""
        if china_now.hour < self.digest_hour:
            return
        hour = china_now.replace(hour=self.digest_hour, minute=0, second=0, microsecond=0)
        waiting: dict[tuple[str, str], list[Delivery]] = defaultdict(list)
        for delivery in self.store.waiting_digest():
            if delivery.next_at <= hour.timestamp():  # written before the hour
                waiting[(delivery.user_id, delivery.channel)].append(delivery)
        day = china_now.date().isoformat()
        for (user_id, channel), members in waiting.items():
            digest_id = f"digest:{user_id}:{channel}:{day}"
            if self.store.delivery(digest_id) is not None:
                continue  # today's went out; these wait for tomorrow's
            self.store.digested(
                [d.id for d in members],
                Delivery(digest_id, digest_id, user_id, channel, "pending", 0, 0.0, None),
            )

    # running

    def run(self, stop: threading.Event, *, poll: float = 0.1) -> None:
        """Follows the log, fires the time-based triggers and sends, until ``stop`` is set."""
        notifications: queue.Queue[Any] = queue.Queue(maxsize=self.batch_size * 4)
        subscription = self.hub.recorder.subscribe(gt=self.store.position(), topics=TOPICS)
        if hasattr(subscription, "settle"):  # the embedded log's: pull at most every `settle`
            subscription.settle = self.settle
        reader = threading.Thread(
            target=_read, args=(subscription, notifications), name="notify-reader", daemon=True
        )
        checked = delivered = 0.0
        with subscription:
            reader.start()
            try:
                while not stop.is_set():
                    batch = _take(notifications, self.batch_size, poll, self.linger)
                    written = self.apply(batch) if batch else 0
                    if time.monotonic() - checked >= self.check_seconds:
                        checked = time.monotonic()
                        written += self.check_time()
                    # what is due changes with what was just written, else only with time
                    if written or time.monotonic() - delivered >= poll:
                        delivered = time.monotonic()
                        self.deliver()
            finally:
                subscription.stop()
                reader.join(timeout=5)
                for channel in self.channels.values():
                    channel.close()


def _read(subscription: Any, into: queue.Queue[Any]) -> None:
    try:
        for notification in subscription:
            into.put(notification)
    except BaseException as error:
        into.put(error)
    finally:
        into.put(_END)


def _take(
    source: queue.Queue[Any], limit: int, timeout: float, linger: float = 0.0
) -> list[Notification]:
    """Waits up to ``timeout`` for one notification, then up to ``linger`` for more, to
    ``limit``."""
    batch: list[Notification] = []
    try:
        item = source.get(timeout=timeout)
        until = time.monotonic() + linger
        while True:
            if isinstance(item, BaseException):
                raise item
            if item is _END:
                raise RuntimeError("the log subscription ended unexpectedly")
            batch.append(item)
            if len(batch) >= limit:
                return batch
            left = until - time.monotonic()
            item = source.get(timeout=left) if left > 0 else source.get_nowait()
    except queue.Empty:
        return batch
