"""Commands on the event loop, their commits group-committed by the log's one writer thread.

For the API's commands (``POST /referrals`` first): the command's own work (checks, loads
from the aggregate cache, the new events, encoding, encryption, the hash chain) runs where the
request is, on the event loop, without handing the request to a worker thread; only the
durable commit is handed over, to the log's writer thread (:mod:`hub.eventlog.sqlite_group`
on the embedded log, :mod:`hub.eventlog.writer` on Kafka), which writes every unit waiting in
one transaction and resolves each request's future with ``loop.call_soon_threadsafe``. Under
concurrency one wake of the writer serves several commands, and the loop never waits on a
disk or a broker.

What keeps it correct:

- A request is answered only after its unit's transaction is durable; a unit the log refuses
  (``IntegrityError``: a version already recorded) fails alone, and a failed transaction
  (a fenced writer, an unreachable broker, a disk error) fails every unit in it: no command is
  acknowledged that the log does not hold.
- No command acts on a state the log may never hold: loads read the log (the aggregate cache
  is fast-forwarded from it), never a unit's uncommitted changes; and a command that loads a
  stream which a unit waiting for its commit changes stops (:class:`hub.idempotency.Pending`)
  and runs again, from the start, once that unit is settled. Commands run one at a time (on
  the loop, whole between two awaits; in worker threads, one after the other), and a unit's
  streams are pending from the moment its command returned until it is recorded, refused or
  released, so every command sees the units run before it.
- The hash chain's links of a unit are remembered (:meth:`ReliefHub.unit_recorded`) only once
  it is recorded, in the writer's thread, before the log's followers are woken.

When a store that a command touches beside the log is a database server (the access store or
the person keys on PostgreSQL), the command runs in one worker thread instead (a round trip
must not stall the loop); its commit is still handed to the writer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from starlette.concurrency import run_in_threadpool

from hub.eventlog.errors import LogUnavailable
from hub.idempotency import IdempotentAnswer, Pending, Unit, unit_of_work

if TYPE_CHECKING:
    from hub.app import ReliefHub

T = TypeVar("T")

#: how long a request waits for its commit before answering 503 (the unit may still be
#: recorded: a retry with the same key then finds its answer)
COMMIT_TIMEOUT = 60.0


class Committer:
    """Runs commands in units and hands their commits to the log's writer (see the module)."""

    def __init__(self, hub: ReliefHub, *, on_loop: bool = True) -> None:
        self.hub = hub
        #: whether commands run on the event loop (else each in one worker thread)
        self.on_loop = on_loop
        #: streams changed by units run or handed over and not yet settled → the unit's future
        self.pending: dict[UUID, asyncio.Future[None]] = {}
        self._held: dict[int, asyncio.Future[None]] = {}  # units run, not yet committed
        self._serial = asyncio.Lock()

    async def run(self, command: Callable[[], T]) -> tuple[Unit, T]:
        """Runs ``command`` in a unit (its saves held back); again, after the unit it waited
        for is settled, whenever it loaded a stream with a commit pending. The streams the
        unit changes are pending from then on: :meth:`commit` it, or :meth:`release` it."""
        while True:
            try:
                if self.on_loop:  # whole between two awaits: commands run one at a time
                    return self._hold(*self._run_unit(command))
                async with self._serial:  # in threads too, so none reads what another changes
                    return self._hold(*await run_in_threadpool(self._run_unit, command))
            except Pending as pending:
                settled = pending.settled
                assert isinstance(settled, asyncio.Future)
                await settled

    def _run_unit(self, command: Callable[[], T]) -> tuple[Unit, T]:
        with unit_of_work(self.pending) as unit:
            result = command()
        return unit, result

    def _hold(self, unit: Unit, result: T) -> tuple[Unit, T]:
        if unit.events:
            settled = asyncio.get_running_loop().create_future()
            self._held[id(unit)] = settled
            for stream in {e.originator_id for e in unit.events}:
                self.pending[stream] = settled
        return unit, result

    def release(self, unit: Unit) -> None:
        """A unit run but not committed (refused, or nothing to record): its streams are no
        longer pending, and whoever waited runs again."""
        settled = self._held.pop(id(unit), None)
        if settled is None:
            return
        for stream, waiting in list(self.pending.items()):
            if waiting is settled:
                del self.pending[stream]
        settled.set_result(None)

    async def commit(self, unit: Unit, answer: IdempotentAnswer | None = None) -> None:
        """Records the unit's events and the key's answer in one append of the log, handed to
        its writer; returns once they are durable, or raises the log's refusal or failure."""
        hub = self.hub
        loop = asyncio.get_running_loop()
        settled = self._held.pop(id(unit), None) or loop.create_future()
        try:
            prepared = hub.prepare_unit(unit, answer)
        except BaseException:
            self._held[id(unit)] = settled
            self.release(unit)
            raise
        recorded: asyncio.Future[None] = loop.create_future()
        streams = prepared.streams
        for stream in streams:
            self.pending[stream] = settled

        def now_recorded(
            ids: Sequence[int] | None, error: BaseException | None
        ) -> BaseException | None:
            """Where the append was settled (the writer's thread): what follows a recording
            (the chain's links remembered, the link index told) before anyone can read it."""
            if error is None:
                try:
                    hub.unit_recorded(prepared, ids)
                except BaseException as failure:  # answered to the request, not raised here
                    return failure
            return error

        def settle(error: BaseException | None) -> None:
            """On the loop: the unit's append is settled (recorded, refused or failed)."""
            for stream in streams:
                if self.pending.get(stream) is settled:
                    del self.pending[stream]
            settled.set_result(None)
            if not recorded.done():
                if error is None:
                    recorded.set_result(None)
                else:
                    recorded.set_exception(error)

        def done(ids: Sequence[int] | None, error: BaseException | None) -> None:
            """In the writer's thread."""
            error = now_recorded(ids, error)
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                loop.call_soon_threadsafe(settle, error)

        submit: Callable[..., bool] | None = getattr(hub.recorder, "submit_events", None)
        try:
            handed = submit is not None and submit(prepared.stored, None, done)
        except BaseException as error:
            settle(error)
            raise
        if not handed:  # the writer is not ready (taking the Kafka log over waits): a thread
            try:
                ids = await run_in_threadpool(hub.recorder.insert_events, prepared.stored)
            except BaseException as error:
                settle(error)
                raise
            settle(now_recorded(ids, None))
        finished, _ = await asyncio.wait({recorded}, timeout=COMMIT_TIMEOUT)
        if not finished:
            recorded.add_done_callback(lambda late: late.cancelled() or late.exception())
            raise LogUnavailable("the log's writer did not answer in time", 5)
        recorded.result()

    async def blocking(self, call: Callable[..., T], *args: Any) -> T:
        """``call(*args)`` where it may wait on a store: in a worker thread."""
        return await run_in_threadpool(call, *args)
