"""Backoff: exponential, jittered, capped, and a stop ends the wait."""

from __future__ import annotations

import random
import threading
import time

from connectors.backoff import Backoff


def test_delays_double_within_jitter_and_stop_at_the_cap() -> None:
    backoff = Backoff(base=1.0, cap=8.0, rng=random.Random(7))
    for attempt, ceiling in enumerate([1, 2, 4, 8, 8, 8]):
        delays = {backoff.delay(attempt) for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jittered


def test_a_stop_ends_the_wait_at_once() -> None:
    stop = threading.Event()
    stop.set()
    started = time.monotonic()
    assert Backoff(base=30, cap=30).wait(3, stop) is True
    assert time.monotonic() - started < 1
