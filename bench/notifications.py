"""Benchmark of the notifier: from a referral's append to the SMTP server's receipt of the
mail that tells the recipient's caseworker, next to the projection lag of the same run.

One run: the hub (this process) appends referrals at a steady rate; ``hub notifications run``
and ``hub projections run --view referrals`` follow the log, each in its own process as in
compose; an SMTP server (aiosmtpd) on loopback takes the mails. For each referral: the time
from its append to the mail's arrival (notification latency), and to its row in the
recipient's inbox (projection lag, the baseline), p50 and p99 side by side, with their ratio.
Goal: notification p99 < 1 s at 50 referrals/s.

Usage: ``python bench/notifications.py [--log sqlite|kafka] [--rate 50] [--seconds 20]
[--kafka-bootstrap host:port] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.projections import log_environment, percentile  # noqa: E402
from hub.settings import Settings  # noqa: E402
from projections.rebuild import read_active  # noqa: E402
from projections.referrals import Referrals  # noqa: E402
from projections.stores import open_store  # noqa: E402
from tests.integration.notifications.sinks import smtp_server  # noqa: E402
from tests.integration.notifications.world import build_world  # noqa: E402

REFERRAL = re.compile(r"/work/referrals/([0-9a-f-]{36})")


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "hub", *args],
        cwd=ROOT,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def settings_env(log_env: dict[str, str], data_dir: Path, smtp_port: int) -> dict[str, str]:
    env = {
        "HUB_DATA_DIR": str(data_dir),
        "HUB_SMTP_HOST": "127.0.0.1",
        "HUB_SMTP_PORT": str(smtp_port),
        "HUB_POLL_INTERVAL": "0.05",
        "HUB_LOG_LEVEL": "WARNING",
    }
    if "KAFKA_BOOTSTRAP_SERVERS" in log_env:
        env["KAFKA_BOOTSTRAP_SERVERS"] = log_env["KAFKA_BOOTSTRAP_SERVERS"]
        env["HUB_LOG_TOPIC"] = log_env["HUB_LOG_TOPIC"]
    return env


def measure(log: str, rate: int, seconds: float, bootstrap: str | None) -> dict[str, Any]:
    directory = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    data_dir = directory / "hub"
    with log_environment(log, directory, bootstrap) as log_env:
        kafka = "KAFKA_BOOTSTRAP_SERVERS" in log_env
        settings = Settings(
            data_dir=data_dir,
            kafka_bootstrap_servers=log_env.get("KAFKA_BOOTSTRAP_SERVERS"),
            log_topic=log_env.get("HUB_LOG_TOPIC", "hub.events"),
            poll_interval=0.05,
        )
        world = build_world(settings, None)
        hub = world.hub
        person = world.person()
        with smtp_server() as (port, box):
            env = settings_env(log_env, data_dir, port)
            notifier = start(["notifications", "run"], env)
            worker = start(["projections", "run", "--view", "referrals"], env)
            views = open_store(settings.views_location(), key=hub.hub_key)
            appended: dict[str, float] = {}
            inbox: dict[str, float] = {}
            done = threading.Event()

            def follow_views() -> None:
                while not done.is_set():
                    waiting = [r for r in list(appended) if r not in inbox][:500]
                    if waiting and views.active_version(Referrals.name):
                        view = read_active(views, Referrals)
                        marks = ", ".join("?" for _ in waiting)
                        rows = view.read(
                            f"SELECT id FROM {{referrals}} WHERE id IN ({marks})", waiting
                        )
                        now = time.time()
                        for row in rows:
                            inbox[row["id"]] = now
                    time.sleep(0.002)

            try:
                warm = world.refer("a", person)  # both followers caught up before timing
                deadline = time.monotonic() + 180
                while time.monotonic() < deadline and not (
                    box.count() >= 1
                    and views.active_version(Referrals.name)
                    and read_active(views, Referrals).position()
                    == hub.recorder.max_notification_id()
                ):
                    time.sleep(0.05)
                assert box.count() == 1, f"the notifier did not tell of {warm} in time"
                poller = threading.Thread(target=follow_views)
                poller.start()
                interval, next_at = 1 / rate, time.perf_counter()
                for _ in range(int(rate * seconds)):
                    delay = next_at - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                    referral = world.refer("a", person)
                    appended[str(referral)] = time.time()
                    next_at += interval
                total = len(appended) + 1
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline and (
                    box.count() < total or len(inbox) < len(appended)
                ):
                    time.sleep(0.05)
                done.set()
                poller.join()
            finally:
                for process in (notifier, worker):
                    process.send_signal(signal.SIGTERM)
                    process.wait(timeout=30)
                views.close()
                world.store.close()
                hub.close()
            mailed: dict[str, float] = {}
            for message, at in zip(box.messages, box.arrived_at, strict=True):
                found = REFERRAL.search(message.get_content())  # type: ignore[attr-defined]
                if found and found.group(1) in appended:
                    mailed[found.group(1)] = at
    notify_ms = [(mailed[r] - t) * 1000 for r, t in appended.items() if r in mailed]
    lag_ms = [(inbox[r] - t) * 1000 for r, t in appended.items() if r in inbox]

    def figures(values: list[float]) -> dict[str, Any]:
        return {
            "count": len(values),
            "p50_ms": round(statistics.median(values), 1) if values else None,
            "p99_ms": round(percentile(values, 0.99), 1) if values else None,
            "max_ms": round(max(values), 1) if values else None,
        }

    result = {
        "log": "kafka" if kafka else "sqlite",
        "rate_per_s": rate,
        "referrals": len(appended),
        "projection_lag": figures(lag_ms),
        "notification": figures(notify_ms),
        "mails": box.count(),
        "lost": len(appended) - len(mailed),
    }
    n, p = result["notification"], result["projection_lag"]
    if n["p50_ms"] and p["p50_ms"]:
        result["ratio_p50"] = round(n["p50_ms"] / p["p50_ms"], 2)
        result["ratio_p99"] = round(n["p99_ms"] / p["p99_ms"], 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log", choices=["sqlite", "kafka"], default="sqlite")
    parser.add_argument("--kafka-bootstrap")
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.log, args.rate, args.seconds, args.kafka_bootstrap)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"log: {result['log']}, {result['referrals']} referrals at {args.rate}/s")
    print(f"{'':34}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for label, key in (
        ("projection lag (baseline)", "projection_lag"),
        ("append -> SMTP receipt", "notification"),
    ):
        f = result[key]
        print(f"{label:34}{f['p50_ms']!s:>10}{f['p99_ms']!s:>10}{f['max_ms']!s:>10}")
    print(
        f"ratio to the baseline: p50 {result.get('ratio_p50')}, p99 {result.get('ratio_p99')}; "
        f"mails {result['mails']}, lost {result['lost']}"
    )


if __name__ == "__main__":
    main()
