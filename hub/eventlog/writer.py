"""The single writer of a log: version checks, contiguous ids, group commit, fencing.

Callers hand their ``insert_events`` to one thread, which takes every call waiting, checks
each against the replica (and the calls before it in the same group): a call whose
``(originator_id, originator_version)`` exists, repeats, or whose tracking mark is not past the
recorded one fails with the library's ``IntegrityError``, alone. The rest get contiguous
notification ids and go out in one Kafka transaction (group commit; a call is never split).
Once the broker confirms the commit, the group is applied to the replica, then answered.

States: *idle* until the first append (so a process that only reads never fences the hub);
*ready*; *unavailable* after a broker failure (``LogUnavailable`` at once, while a thread
takes the log over again every ``retry_after`` seconds); *fenced* once another writer took
over (``WriterFenced`` for good). Taking over: read the topic to its end (a writer mark of
another instance since our own means we were fenced), start a new transactional producer
(fencing any other), read to the end again, and commit our own writer mark.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable, Sequence

from eventsourcing.persistence import StoredEvent, Tracking

from hub.eventlog import transactions
from hub.eventlog.catchup import catch_up, prepare_topic
from hub.eventlog.config import LogConfig
from hub.eventlog.errors import LogUnavailable, WriterFenced, describe_cause
from hub.eventlog.grouping import MAX_GROUP_RECORDS, Append, admit
from hub.eventlog.records import encode_writer
from hub.eventlog.replica import Replica, ReplicaDiverged

log = logging.getLogger(__name__)


class Writer:
    def __init__(self, config: LogConfig, replica: Replica, on_applied: Callable[[], None]):
        self.config = config
        self.replica = replica
        self.instance = uuid.uuid4().hex
        self._on_applied = on_applied
        self._state = "idle"
        self._problem: LogUnavailable | None = None
        self._producer: transactions.LogProducer | None = None
        self._mark_offset: int | None = None
        self._queue: deque[Append] = deque()
        self._wakeup = threading.Condition()
        self._start_lock = threading.Lock()
        self._closed = threading.Event()
        self._loop: threading.Thread | None = None
        self._recovery: threading.Thread | None = None

    @property
    def state(self) -> str:
        return self._state

    def append(self, events: Sequence[StoredEvent], tracking: Tracking | None) -> list[int]:
        if self._state != "ready":
            self._start()
        request = Append(events, tracking)
        with self._wakeup:
            self._queue.append(request)
            self._wakeup.notify()
        if not request.done.wait(self.config.timeout * 3 + 5):
            raise LogUnavailable("the log writer did not answer in time", self.config.retry_after)
        if request.error is not None:
            raise request.error
        return request.ids

    def submit(
        self,
        events: Sequence[StoredEvent],
        tracking: Tracking | None,
        on_done: Callable[[Sequence[int] | None, BaseException | None], None],
    ) -> bool:
        """Queues an append and returns at once (``False``, queuing nothing, unless the writer
        is ready: taking the log over waits on the broker); ``on_done`` is called from the
        writer's thread with the ids, or the error, once the group's transaction is settled."""
        if self._state != "ready" or self._closed.is_set():
            return False
        request = Append(events, tracking, on_done=on_done)
        with self._wakeup:
            self._queue.append(request)
            self._wakeup.notify()
        return True

    def close(self) -> None:
        self._closed.set()
        with self._wakeup:
            self._wakeup.notify_all()
        for thread in (self._loop, self._recovery):
            if thread is not None and thread is not threading.current_thread():
                thread.join(self.config.timeout * 3 + 5)
        transactions.discard(self._producer)
        self._producer = None
        self._fail_waiting(LogUnavailable("the log is closed", self.config.retry_after))

    # Taking the log over.

    def _start(self) -> None:
        if self._state in ("fenced", "unavailable"):  # answer at once, never wait on recovery
            raise self._problem or LogUnavailable("log unavailable", self.config.retry_after)
        with self._start_lock:
            if self._state == "ready":
                return
            if self._state != "idle":
                raise self._problem or LogUnavailable("log unavailable", self.config.retry_after)
            try:
                self._take_over()
            except LogUnavailable as problem:
                self._unavailable(problem)
                raise

    def _take_over(self) -> None:
        transactions.discard(self._producer)
        self._producer = None
        try:
            if self._mark_offset is not None:
                self._catch_up()
                self._check_not_superseded()
            prepare_topic(self.config, self.replica)
            self._catch_up()
            self._producer = transactions.new_producer(self.config)
            self._catch_up()
            offsets = transactions.commit(self._producer, self.config, [(None, self._mark())])
            self.replica.apply([(offsets[0], self._mark())], offsets[0] + 1)
        except WriterFenced:
            raise
        except ReplicaDiverged as diverged:
            log.error("hub log: %s", diverged)
            raise LogUnavailable(f"the log and its replica diverged: {diverged}", 60) from None
        except Exception as error:
            if transactions.is_fencing(error):
                raise WriterFenced("another writer took over this log") from None
            log.warning("hub log: writer %s cannot start: %s", self.instance, describe_cause(error))
            raise LogUnavailable(
                f"the log's broker is unreachable ({type(error).__name__})", self.config.retry_after
            ) from None
        self._mark_offset = offsets[0]
        if self._loop is None:
            self._loop = threading.Thread(target=self._run, name="hub-log-writer", daemon=True)
            self._loop.start()
        self._state, self._problem = "ready", None
        log.info("hub log: writer %s took over %s", self.instance, self.config.topic)

    def _mark(self) -> bytes:
        return encode_writer(self.instance)

    def _catch_up(self) -> None:
        catch_up(self.config, self.replica, self.config.timeout * 2, self._on_applied)

    def _check_not_superseded(self) -> None:
        latest = self.replica.writer()
        if latest is not None and latest[0] != self.instance:
            self._fenced()
            raise WriterFenced("another writer took over this log")

    def _fenced(self) -> None:
        self._state = "fenced"
        self._problem = WriterFenced("another writer took over this log; this one stopped writing")
        log.error("hub log: writer %s fenced on %s", self.instance, self.config.topic)

    def _unavailable(self, problem: LogUnavailable) -> None:
        if isinstance(problem, WriterFenced):
            self._fenced()
            return
        self._state, self._problem = "unavailable", problem
        transactions.discard(self._producer)
        self._producer = None
        if self._recovery is None or not self._recovery.is_alive():
            self._recovery = threading.Thread(
                target=self._recover, name="hub-log-recovery", daemon=True
            )
            self._recovery.start()

    def _recover(self) -> None:
        while not self._closed.wait(self.config.retry_after):
            with self._start_lock:
                try:
                    self._take_over()
                except WriterFenced:
                    if self._state != "fenced":
                        self._fenced()
                    return
                except LogUnavailable as problem:
                    self._problem = problem
                    continue
                return

    # Group commit.

    def _run(self) -> None:
        while not self._closed.is_set():
            with self._wakeup:
                while not self._queue and not self._closed.is_set():
                    self._wakeup.wait(1.0)
                group = self._take_group()
            try:
                if group:
                    self._write(group)
            except Exception:  # never let the writer thread die: fail this group, go on
                log.exception("hub log: writing a group failed")
                problem = LogUnavailable("the log writer failed", self.config.retry_after)
                for request in group:
                    if not request.done.is_set():
                        request.finish(problem)

    def _take_group(self) -> list[Append]:
        group: list[Append] = []
        size = 0
        while self._queue and (not group or size + len(self._queue[0].events) <= MAX_GROUP_RECORDS):
            request = self._queue.popleft()
            group.append(request)
            size += len(request.events) + 1
        return group

    def _write(self, group: list[Append]) -> None:
        if self._state != "ready" or self._producer is None:
            problem = self._problem or LogUnavailable("log unavailable", self.config.retry_after)
            for request in group:
                request.finish(problem)
            return
        accepted, records = admit(self.replica, group)
        if not accepted:
            return
        from hub import metrics  # here, not at import: commands that only read start faster

        metrics.group_sizes.observe(len(accepted))
        try:
            offsets = transactions.commit(self._producer, self.config, records)
        except Exception as error:
            problem = self._failure(error)
            for request in accepted:
                request.finish(problem)
            return
        try:
            self.replica.apply(
                ((offset, value) for offset, (_, value) in zip(offsets, records, strict=True)),
                offsets[-1] + 1,
            )
        except Exception as error:  # the replica file is broken: stop writing
            log.exception("hub log: replica apply failed")
            problem = LogUnavailable(f"the replica cannot be written ({error})", 60)
            self._unavailable(problem)
            for request in accepted:
                request.finish(problem)
            return
        for request in accepted:
            request.finish()
        self._on_applied()

    def _failure(self, error: Exception) -> LogUnavailable:
        if transactions.is_fencing(error):
            self._fenced()
            assert self._problem is not None
            return self._problem
        log.warning("hub log: append failed: %s", describe_cause(error))
        problem = LogUnavailable(
            f"the log's broker did not take the append ({type(error).__name__})",
            self.config.retry_after,
        )
        self._unavailable(problem)
        return problem

    def _fail_waiting(self, problem: LogUnavailable) -> None:
        with self._wakeup:
            waiting, self._queue = list(self._queue), deque()
        for request in waiting:
            request.finish(problem)
