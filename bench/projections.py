"""Benchmark of the projections, one run, figures side by side.

1. Rebuild throughput: each view rebuilt from a log of synthetic cases, in events per second,
   over a raw read of the same log (every notification read and decoded); goal ≥ 0.5. The
   machine is shared, so each figure is the better of two runs (the raw read: before and
   after the rebuilds).
2. End-to-end lag: commands (new referrals) at a steady rate while a worker process follows
   the log; the lag from each accepted command to its row in the receiver's inbox, p50 and
   p99; goal p99 < 200 ms on the Kafka log.

Usage: ``python bench/projections.py [--log sqlite|kafka] [--cases 1000] [--rate 100]
[--seconds 10] [--views-url URL]``. With ``--log kafka`` the Tansu broker of the tests is
started (or ``--kafka-bootstrap host:port`` is used).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.bootstrap import build_hub  # noqa: E402
from hub.settings import Settings  # noqa: E402
from projections import worker  # noqa: E402
from projections.rebuild import read_active  # noqa: E402
from projections.referrals import Referrals  # noqa: E402
from projections.store_postgres import PostgresViewStore  # noqa: E402
from projections.stores import open_store  # noqa: E402
from tests.integration.projections.harness import own_replica  # noqa: E402
from tests.integration.projections.load import generate  # noqa: E402


def raw_read(hub: Any) -> tuple[int, float]:
    """Reads and decodes every notification of the log; returns (events, seconds)."""
    started, count, position = time.perf_counter(), 0, 0
    while True:
        batch = hub.recorder.select_notifications(
            start=position, limit=2000, inclusive_of_start=False
        )
        if not batch:
            return count, time.perf_counter() - started
        for notification in batch:
            hub.mapper.to_domain_event(notification)
        count += len(batch)
        position = batch[-1].id


def rebuilds(hub: Any, views_url: str) -> dict[str, float]:
    """Seconds to rebuild each view from the whole log."""
    store = open_store(views_url, key=hub.hub_key)
    try:
        took = {}
        for name in worker.VIEWS:
            for _ in range(2):  # the better of two: the machine is shared
                started = time.perf_counter()
                worker.rebuild(hub, store, name)
                took[name] = min(took.get(name, 1e9), time.perf_counter() - started)
        return took
    finally:
        discard(store)


def lag(hub: Any, env: dict[str, str], views_url: str, rate: int, seconds: float) -> list[float]:
    """Milliseconds from each accepted referral to its row in the recipient's inbox."""
    net = generate(hub, 1, tag="-lag")
    p, recipient = net["procuratorate"], net["partners"][0]
    person = hub.register_person("654003199909099992", "时延测试", registered_by=p)
    hub.consent_to_all(person, date(2026, 1, 5))
    process = subprocess.Popen(
        [sys.executable, __file__, "worker", views_url], cwd=ROOT, env={**os.environ, **env}
    )
    store = open_store(views_url, key=hub.hub_key)
    pending: dict[str, float] = {}
    lags: list[float] = []
    lock = threading.Lock()
    done = threading.Event()

    def poll() -> None:
        while not done.is_set() or pending:
            with lock:
                ids = list(pending)[:500]
            if ids and store.active_version(Referrals.name):
                view = read_active(store, Referrals)
                marks = ", ".join("?" for _ in ids)
                rows = view.read(f"SELECT id FROM {{referrals}} WHERE id IN ({marks})", ids)
                now = time.perf_counter()
                with lock:
                    for row in rows:
                        lags.append((now - pending.pop(row["id"])) * 1000)
            time.sleep(0.002)

    try:
        # Wait for the worker to have caught up with the log before timing.
        head = hub.recorder.max_notification_id()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if store.active_version(Referrals.name) and (
                read_active(store, Referrals).position() == head
            ):
                break
            time.sleep(0.05)
        poller = threading.Thread(target=poll)
        poller.start()
        interval, next_at = 1 / rate, time.perf_counter()
        for _ in range(int(rate * seconds)):
            delay = next_at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            referral = hub.refer(
                requester_id=p,
                recipient_id=recipient,
                person_id=person,
                reason="时延测试",
                services=["temporary-aid"],
            )
            with lock:
                pending[str(referral)] = time.perf_counter()
            next_at += interval
        done.set()
        poller.join(timeout=60)
        if poller.is_alive():
            raise RuntimeError(f"{len(pending)} referrals never reached the inbox in 60 s")
        return lags
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        discard(store)


def discard(store: Any) -> None:
    """Closes a store; a PostgreSQL one loses its throw-away schema."""
    if isinstance(store, PostgresViewStore):
        store.drop_schema()
    store.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@contextlib.contextmanager
def log_environment(kind: str, directory: Path, bootstrap: str | None) -> Iterator[dict[str, str]]:
    if kind == "sqlite":
        yield {
            "PERSISTENCE_MODULE": "hub.eventlog.sqlite:Factory",
            "SQLITE_DBNAME": str(directory / "log.sqlite"),
            "SQLITE_POLL_INTERVAL": "0.05",
        }
        return
    broker: contextlib.AbstractContextManager[str]
    if bootstrap:
        broker = contextlib.nullcontext(bootstrap)
    else:
        from tests.support.tansu import running_broker

        broker = running_broker()
    with broker as servers:
        yield {
            "PERSISTENCE_MODULE": "hub.eventlog.kafka:KafkaFactory",
            "KAFKA_BOOTSTRAP_SERVERS": servers,
            "HUB_LOG_TOPIC": f"bench-{uuid.uuid4().hex[:8]}.events",
            "HUB_REPLICA_PATH": str(directory / "replica.sqlite"),
        }


def run_worker(views_url: str) -> None:
    """The worker process of the lag measurement (``projections.py worker URL``)."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    hub = build_hub(Settings(data_dir=Path(os.environ["HUB_DATA_DIR"])), dict(os.environ))
    store = open_store(views_url, key=hub.hub_key)
    try:
        worker.run(hub, store, stop, views=[Referrals.name])
    finally:
        store.close()
        hub.close()


def main() -> None:
    if sys.argv[1:2] == ["worker"]:
        run_worker(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log", choices=["sqlite", "kafka"], default="sqlite")
    parser.add_argument("--kafka-bootstrap")
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--views-url", help="a postgresql:// URL; default: SQLite files")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="bench-projections-"))
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    url = (
        (lambda tag: f"{args.views_url}?schema={schema}_{tag}")
        if args.views_url
        else (lambda tag: str(directory / f"views-{tag}.sqlite"))
    )
    with log_environment(args.log, directory, args.kafka_bootstrap) as env:
        data_dir = directory / "hub"
        hub = build_hub(Settings(data_dir=data_dir), env)
        try:
            started = time.perf_counter()
            generate(hub, args.cases)
            wrote = time.perf_counter() - started
            events, raw_seconds = raw_read(hub)
            took = rebuilds(hub, url("rebuild"))
            raw_seconds = min(raw_seconds, raw_read(hub)[1])  # the better of before and after
            worker_env = {**own_replica(env), "HUB_DATA_DIR": str(data_dir)}
            lags = lag(hub, worker_env, url("lag"), args.rate, args.seconds)
        finally:
            hub.close()
    raw_rate = events / raw_seconds
    figures: dict[str, Any] = {
        "log": args.log,
        "view_store": "postgresql" if args.views_url else "sqlite",
        "events": events,
        "write_events_per_s": round(events / wrote),
        "raw_read_events_per_s": round(raw_rate),
        "rebuild": {
            name: {"events_per_s": round(events / s), "ratio": round(events / s / raw_rate, 2)}
            for name, s in took.items()
        },
        "lag": {
            "commands": len(lags),
            "rate_per_s": args.rate,
            "p50_ms": round(statistics.median(lags), 1) if lags else None,
            "p99_ms": round(percentile(lags, 0.99), 1) if lags else None,
            "max_ms": round(max(lags), 1) if lags else None,
        },
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"log: {args.log}, view store: {figures['view_store']}, {events} events")
    print(f"{'':28}{'events/s':>12}{'ratio':>8}")
    print(f"{'raw read (baseline)':28}{figures['raw_read_events_per_s']:>12}{1.0:>8.2f}")
    for name, r in figures["rebuild"].items():
        print(f"{'rebuild ' + name:28}{r['events_per_s']:>12}{r['ratio']:>8.2f}")
    lag_figures = figures["lag"]
    print(
        f"lag at {args.rate}/s ({lag_figures['commands']} commands): "
        f"p50 {lag_figures['p50_ms']} ms, p99 {lag_figures['p99_ms']} ms, "
        f"max {lag_figures['max_ms']} ms"
    )


if __name__ == "__main__":
    main()
