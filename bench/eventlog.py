"""Benchmark of the hub's Kafka log against raw kafka-python and the library's SQLite recorder.

One run, side by side, the same ~300-byte records, on a Tansu broker it starts itself:

1. appends/s with 8 concurrent writers, one event per append: the hub's recorder (group
   commit) / raw kafka-python (8 transactional producers, one transaction per append, as
   each hub append is its own atomic, acknowledged unit) / the library's SQLite recorder;
2. single-append latency p50 and p99 (one writer, one event per append);
3. replica rebuild of N events: events/s of ``hub log rebuild``'s code over a raw
   kafka-python ``read_committed`` read of the same topic (``check_crcs=False``, as the
   hub's reader does not recompute CRCs either; the default CRC-checking read is reported
   too), each in its own process, with that process's peak memory (max RSS).

    .venv/bin/python bench/eventlog.py --appends 4000 --rebuild-events 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eventsourcing.persistence import StoredEvent  # noqa: E402
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore  # noqa: E402
from eventsourcing.utils import Environment  # noqa: E402

from hub.eventlog.config import LogConfig  # noqa: E402
from hub.eventlog.kafka import KafkaFactory  # noqa: E402
from tests.support.tansu import running_broker  # noqa: E402

WRITERS = 8
STATE = os.urandom(240)  # with the topic, id and header: about 300 bytes a record
TOPIC = "bench.eventlog:Happened"


def event(originator: uuid.UUID, version: int) -> StoredEvent:
    return StoredEvent(originator, version, TOPIC, STATE)


def concurrent_rate(append, appends: int) -> float:
    """Appends per second of ``append(writer, version)`` from 8 threads."""
    per_writer = appends // WRITERS

    def run(writer: int) -> None:
        for version in range(1, per_writer + 1):
            append(writer, version)

    started = time.perf_counter()
    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(run, range(WRITERS)))
    return per_writer * WRITERS / (time.perf_counter() - started)


def hub_env(bootstrap: str, directory: str, topic: str) -> dict[str, str]:
    return {
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "HUB_LOG_TOPIC": topic,
        "HUB_REPLICA_PATH": f"{directory}/{topic}.sqlite",
    }


def bench_hub_appends(bootstrap: str, directory: str, appends: int) -> tuple[float, list[float]]:
    factory = KafkaFactory(hub_env(bootstrap, directory, "bench-appends"))
    recorder = factory.application_recorder()
    originators = [uuid.uuid4() for _ in range(WRITERS)]
    recorder.insert_events([event(uuid.uuid4(), 1)])  # take the log over first
    rate = concurrent_rate(lambda w, v: recorder.insert_events([event(originators[w], v)]), appends)
    latencies = []
    single = uuid.uuid4()
    for version in range(1, min(appends, 2000) + 1):
        started = time.perf_counter()
        recorder.insert_events([event(single, version)])
        latencies.append(time.perf_counter() - started)
    factory.close()
    return rate, latencies


def bench_raw_appends(bootstrap: str, appends: int) -> float:
    from kafka import KafkaProducer
    from kafka.admin import KafkaAdminClient, NewTopic

    topic = "bench-raw"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    admin.create_topics([NewTopic(topic, 1, 1)])
    admin.close()
    producers = []
    for writer in range(WRITERS):
        producer = KafkaProducer(bootstrap_servers=bootstrap, transactional_id=f"raw-{writer}")
        producer.init_transactions()
        producers.append(producer)
    from hub.eventlog.records import encode_event, event_key

    originators = [uuid.uuid4() for _ in range(WRITERS)]

    def append(writer: int, version: int) -> None:
        record = event(originators[writer], version)
        producer = producers[writer]
        producer.begin_transaction()
        producer.send(
            topic, value=encode_event(version, record), key=event_key(record), partition=0
        )
        producer.commit_transaction()

    rate = concurrent_rate(append, appends)
    for producer in producers:
        producer.close()
    return rate


def bench_sqlite_appends(directory: str, appends: int) -> float:
    recorder = SQLiteApplicationRecorder(SQLiteDatastore(f"{directory}/library.sqlite"))
    recorder.create_table()
    originators = [uuid.uuid4() for _ in range(WRITERS)]
    return concurrent_rate(lambda w, v: recorder.insert_events([event(originators[w], v)]), appends)


def fill(bootstrap: str, directory: str, count: int) -> dict[str, str]:
    env = hub_env(bootstrap, directory, "bench-rebuild")
    factory = KafkaFactory(env)
    recorder = factory.application_recorder()
    originator, version = uuid.uuid4(), 0
    while version < count:
        batch = [event(originator, v) for v in range(version + 1, min(version + 1000, count) + 1)]
        recorder.insert_events(batch)
        version += len(batch)
    factory.close()
    return env


def in_process(kind: str, env: dict[str, str]) -> dict[str, float]:
    """Runs one read in a fresh process, so its peak memory is its own."""
    out = subprocess.run(
        [sys.executable, __file__, "--read", kind, "--env", json.dumps(env)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def read(kind: str, env: dict[str, str]) -> None:
    config = LogConfig.from_env(Environment(env=env))
    started = time.perf_counter()
    if kind == "hub":
        from hub.cli.log import rebuild_replica

        config = LogConfig.from_env(Environment(env={**env, "HUB_REPLICA_PATH": env["REBUILD_TO"]}))
        events, _ = rebuild_replica(config)
    else:
        events = raw_read(config, check_crcs=kind == "raw-crc")
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"events": events, "seconds": seconds, "peak_mb": peak_mb}))


def raw_read(config: LogConfig, check_crcs: bool) -> int:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(
        bootstrap_servers=config.bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
        max_partition_fetch_bytes=8 << 20,
        fetch_max_bytes=16 << 20,
        max_poll_records=100_000,
        check_crcs=check_crcs,
    )
    partition = TopicPartition(config.topic, 0)
    consumer.assign([partition])
    consumer.seek(partition, 0)
    end = consumer.end_offsets([partition])[partition]
    count = 0
    while consumer.position(partition) < end:
        for records in consumer.poll(timeout_ms=500).values():
            count += len(records)
    consumer.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appends", type=int, default=4000, help="appends per contender")
    parser.add_argument("--rebuild-events", type=int, default=1_000_000)
    parser.add_argument("--read", choices=["hub", "raw", "raw-crc"], help=argparse.SUPPRESS)
    parser.add_argument("--env", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        read(args.read, json.loads(args.env))
        return
    with tempfile.TemporaryDirectory() as directory, running_broker() as bootstrap:
        hub_rate, latencies = bench_hub_appends(bootstrap, directory, args.appends)
        raw_rate = bench_raw_appends(bootstrap, args.appends)
        sqlite_rate = bench_sqlite_appends(directory, args.appends)
        filled = time.perf_counter()
        env = fill(bootstrap, directory, args.rebuild_events)
        fill_seconds = time.perf_counter() - filled
        env["REBUILD_TO"] = f"{directory}/rebuilt.sqlite"
        hub_read = in_process("hub", env)
        raw = in_process("raw", env)
        raw_crc = in_process("raw-crc", env)
    quantiles = statistics.quantiles(latencies, n=100)
    report = {
        "appends": args.appends,
        "writers": WRITERS,
        "hub_appends_per_s": round(hub_rate),
        "raw_kafka_appends_per_s": round(raw_rate),
        "library_sqlite_appends_per_s": round(sqlite_rate),
        "hub_over_raw_kafka": round(hub_rate / raw_rate, 2),
        "hub_over_library_sqlite": round(hub_rate / sqlite_rate, 2),
        "latency_p50_ms": round(quantiles[49] * 1000, 2),
        "latency_p99_ms": round(quantiles[98] * 1000, 2),
        "rebuild_events": hub_read["events"],
        "fill_seconds": round(fill_seconds, 1),
        "hub_rebuild_events_per_s": round(hub_read["events"] / hub_read["seconds"]),
        "raw_read_events_per_s": round(raw["events"] / raw["seconds"]),
        "rebuild_over_raw_read": round(
            (hub_read["events"] / hub_read["seconds"]) / (raw["events"] / raw["seconds"]), 2
        ),
        "raw_read_with_crc_check_events_per_s": round(raw_crc["events"] / raw_crc["seconds"]),
        "hub_rebuild_peak_mb": round(hub_read["peak_mb"]),
        "raw_read_peak_mb": round(raw["peak_mb"]),
    }
    for key, value in report.items():
        print(f"{key:32} {value}")


if __name__ == "__main__":
    main()
