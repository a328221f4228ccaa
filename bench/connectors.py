"""Benchmark of the agency side on Kafka: the router's throughput and a connector's round trip.

One run, on a Tansu broker it starts itself (``tests/support/tansu.py``):

1. **Router.** N referrals are made through the Application (8 threads) on a fresh Kafka log;
   then, in alternating rounds, a raw kafka-python ``read_committed`` read of the log topic
   from its start to its end (records counted, ``check_crcs=False`` as the hub's own reader;
   the default CRC-checking read is reported too) and ``hub.feeds.router.Router`` routing the whole
   log to the agency topics of a fresh prefix (each referral event becomes two feed records,
   one per party, in one Kafka transaction per batch). Events per second, and the ratio
   router / raw read (goal: at least 0.5).
2. **Round trip.** A real ``hub serve`` (uvicorn) on a Kafka log — on Kafka the server is
   the log's one writer and applies the agencies' answers itself, in a thread — with
   ``hub router run`` in its own process and an SDK connector (accepts every new referral)
   on the recipient's topic in this process. ``POST /referrals`` at RATE per second for
   COUNT referrals (open loop: the i-th is sent at i / RATE s); for each, the time from
   sending the POST to the timestamp of its ``accepted`` event (made by the applier just
   before its append), with the split at the moment the connector handled the referral.

    .venv/bin/python bench/connectors.py --events 5000 --count 500 --rate 50
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# This file's name is the connector package's: bench/ goes last, so "connectors" is the package.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.append(str(ROOT / "bench"))

import httpx  # noqa: E402
from kafka import KafkaConsumer, TopicPartition  # noqa: E402

from connectors import Connector, FeedRecord, Reply  # noqa: E402
from connectors.settings import ConnectorSettings  # noqa: E402
from connectors.wiring import build_parts, build_runner  # noqa: E402
from hub.bootstrap import build  # noqa: E402
from hub.feeds.router import Router  # noqa: E402
from hub.feeds.topics import Topics, dead_letter_topic  # noqa: E402
from hub.settings import Settings  # noqa: E402
from tests.support.tansu import running_broker  # noqa: E402

GOAL = 0.5


def log_env(bootstrap: str, directory: Path, topic: str) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "hub.eventlog.kafka:KafkaFactory",
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "HUB_LOG_TOPIC": topic,
        "HUB_REPLICA_PATH": str(directory / "replica.sqlite"),
    }


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# 1. The router against a raw read of the log


def make_referrals(hub: Any, count: int) -> None:
    requester = hub.register_agency(
        "基准测试县人民检察院", "procuratorate", "county", "659001", ["judicial-relief"], 5
    )
    recipient = hub.register_agency(
        "基准测试县民政局", "civil-affairs", "county", "659001", ["temporary-aid"], 5
    )
    person = hub.register_person("659001199001010013", "基准", registered_by=requester)
    hub.consent_to_all(person, date.today())

    def refer(_: int) -> None:
        hub.refer(
            requester_id=requester,
            recipient_id=recipient,
            person_id=person,
            reason="生活困难",
            services=["temporary-aid"],
        )

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(refer, range(count)))


def raw_read(bootstrap: str, topic: str, check_crcs: bool) -> tuple[int, float]:
    """Records of ``topic`` read from its start to its end, and the seconds it took."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        isolation_level="read_committed",
        enable_auto_commit=False,
        check_crcs=check_crcs,
        fetch_max_bytes=8 * 1024 * 1024,
        max_partition_fetch_bytes=8 * 1024 * 1024,
    )
    try:
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        end = consumer.end_offsets([partition])[partition]
        started = time.perf_counter()
        consumer.seek_to_beginning(partition)
        count = 0
        while consumer.position(partition) < end:
            for records in consumer.poll(timeout_ms=1000, max_records=100_000).values():
                count += len(records)
        return count, time.perf_counter() - started
    finally:
        consumer.close()


def route_all(hub: Any, bootstrap: str, prefix: str) -> tuple[int, float]:
    """Events routed from the start of the log to its end under ``prefix``, and the seconds."""
    router = Router(hub, bootstrap, prefix)
    try:
        started = time.perf_counter()
        routed = router.catch_up()
        return routed, time.perf_counter() - started
    finally:
        router.close()


def bench_router(bootstrap: str, directory: Path, events: int, rounds: int) -> float:
    topic = f"bench{uuid.uuid4().hex[:8]}.events"
    services = build(Settings(data_dir=directory / "router"), log_env(bootstrap, directory, topic))
    try:
        started = time.perf_counter()
        make_referrals(services.hub, events)
        print(f"log: {events} referrals made in {time.perf_counter() - started:.1f} s")
        raw: list[float] = []
        routed: list[float] = []
        for r in range(rounds):
            count, seconds = raw_read(bootstrap, topic, check_crcs=False)
            raw.append(count / seconds)
            print(f"round {r + 1}: raw read {count} records in {seconds:.2f} s")
            prefix = f"bench{uuid.uuid4().hex[:8]}"
            count, seconds = route_all(services.hub, bootstrap, prefix)
            routed.append(count / seconds)
            print(f"round {r + 1}: router {count} events (2 records each) in {seconds:.2f} s")
        count, seconds = raw_read(bootstrap, topic, check_crcs=True)
        crc = count / seconds
    finally:
        services.close()
    ratio = sum(routed) / sum(raw)
    print()
    print(f"router events/s:                     {sum(routed) / rounds:>10,.0f}")
    print(f"raw read records/s (no CRC check):   {sum(raw) / rounds:>10,.0f}")
    print(f"raw read records/s (CRC check):      {crc:>10,.0f}")
    print(f"ratio router / raw read:             {ratio:>10.2f}   (goal >= {GOAL})")
    print(f"ratio router / raw read with CRC:    {sum(routed) / rounds / crc:>10.2f}")
    return ratio


# 2. The round trip through the server, the router and a connector


@contextmanager
def process(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with log.open("wb") as out:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield child
        finally:
            child.terminate()
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


class Accepting(Connector):
    """Accepts every new referral; remembers when it handled each, and when it saw it accepted."""

    def __init__(self) -> None:
        self.handled: dict[str, float] = {}
        self.accepted: set[str] = set()
        self.seen = threading.Condition()

    def handle(self, record: FeedRecord) -> list[Reply]:
        if record.type == "referral.accepted":  # its own answer, applied and routed back
            with self.seen:
                self.accepted.add(record.referral_id)
                self.seen.notify_all()
        if not record.incoming:
            return []
        self.handled.setdefault(record.referral_id, time.time())
        return [record.reply("accept", "基准测试系统")]

    def wait_accepted(self, referrals: dict[str, float], timeout: float) -> None:
        with self.seen:
            if not self.seen.wait_for(lambda: self.accepted >= referrals.keys(), timeout):
                missing = len(referrals.keys() - self.accepted)
                raise RuntimeError(f"{missing} referrals not accepted in time")


def accepted_at(client: httpx.Client, token: str, referral_id: str) -> float | None:
    headers = {"Authorization": f"Bearer {token}"}
    history = client.get(f"/referrals/{referral_id}/history", headers=headers).json()
    for entry in history:
        if entry["details"].get("status") == "accepted":
            return datetime.fromisoformat(entry["at"]).timestamp()
    return None


def send_paced(base: str, token: str, body: dict[str, Any], count: int, rate: float) -> dict:
    """POSTs ``count`` referrals, the i-th at i / rate s; referral id → time it was sent."""
    sent: dict[str, float] = {}
    local = threading.local()

    def post(at: float) -> None:
        client = getattr(local, "client", None) or httpx.Client(base_url=base, timeout=30)
        local.client = client
        time.sleep(max(0.0, at - time.monotonic()))
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
        when = time.time()
        response = client.post("/referrals", json=body, headers=headers)
        response.raise_for_status()
        sent[response.json()["id"]] = when

    start = time.monotonic() + 0.5
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(post, [start + i / rate for i in range(count)]))
    return sent


def bench_round_trip(bootstrap: str, directory: Path, count: int, rate: float) -> None:
    # imported here: api_commands puts bench/ first on sys.path, where this file shadows the
    # connectors package (imported above already)
    from api_commands import set_up
    from api_server import hub_command, server

    data_dir = directory / "serve"
    topic = f"trip{uuid.uuid4().hex[:8]}.events"
    prefix = topic.rsplit(".", 1)[0]
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "HUB_LOG_TOPIC": topic}
    data_dir.mkdir()
    router_env = {**env, "HUB_REPLICA_PATH": str(data_dir / "router-replica.sqlite")}
    router_cmd = [*hub_command(), "router", "run", "--data-dir", str(data_dir)]
    with server(data_dir, env) as (base, admin, _):
        token, body = set_up(base, admin)
        settings = ConnectorSettings(
            agency_id=body["recipient_id"],
            transport="kafka",
            kafka_bootstrap=bootstrap,
            topic_prefix=prefix,
            kafka_session_timeout_ms=6000,
            kafka_max_poll_interval_ms=3000,
        )
        topics = Topics(bootstrap)  # as the operator provisions an agency's topics
        topics.ensure(settings.agency_topic, dead_letter_topic(settings.agency_topic))
        topics.close()
        connector, stop = Accepting(), threading.Event()
        parts = build_parts(settings)
        runner = build_runner(connector, parts, settings, stop)
        thread = threading.Thread(target=runner.run, name="connector", daemon=True)
        thread.start()
        with process(router_cmd, router_env, directory / "router.log"):
            try:
                warm = send_paced(base, token, body, 5, 5)  # the connector joins its group
                connector.wait_accepted(warm, 90)
                sent = send_paced(base, token, body, count, rate)
                connector.wait_accepted(sent, 120)
            finally:
                stop.set()
                thread.join(10)
                parts.close()
        accepted = accepted_times(base, token, sent)
    trips = [accepted[r] - sent[r] for r in sent]
    there = [connector.handled[r] - sent[r] for r in sent]
    back = [accepted[r] - connector.handled[r] for r in sent]
    print()
    print(f"round trip, {count} referrals at {rate:g}/s, POST sent -> accepted event:")
    for name, values in (("whole", trips), ("to connector", there), ("back", back)):
        p50, p99 = quantile(values, 0.5) * 1000, quantile(values, 0.99) * 1000
        print(
            f"  {name:<14} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   max {max(values) * 1000:7.1f} ms"
        )


def accepted_times(base: str, token: str, sent: dict[str, float]) -> dict[str, float]:
    """Each referral's ``accepted`` event time (read once all are accepted, off the clock)."""
    with httpx.Client(base_url=base, timeout=30) as client:
        times = {r: accepted_at(client, token, r) for r in sent}
    return {r: t for r, t in times.items() if t is not None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--events", type=int, default=5000, help="referral events to route (0: skip)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="raw read / router rounds")
    parser.add_argument("--count", type=int, default=500, help="referrals for the round trip")
    parser.add_argument("--rate", type=float, default=50.0, help="referrals per second")
    args = parser.parse_args()
    with running_broker() as bootstrap, tempfile.TemporaryDirectory() as scratch:
        ratio = (
            bench_router(bootstrap, Path(scratch), args.events, args.rounds) if args.events else 0.0
        )
        bench_round_trip(bootstrap, Path(scratch), args.count, args.rate)
    return 0 if not args.events or ratio >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
