"""The hub's Prometheus metrics: every series any process of the hub exports, in one place.

Counters and histograms live in :data:`REGISTRY` (this process's own, not the client's global
one) and are incremented where the thing happens: the API's middleware (requests, commands),
the event store (appends), the Kafka writer (group sizes), the idempotent POSTs (replays), the
sign-in code (failures), the notifier (sent, failed). Figures read from the log and the views
at scrape time (log position, lags, dead letters waiting) are a :class:`LiveCollector` that a
process registers in its own :func:`process_registry`.

Labels never carry personal data or the id of a person, case or referral: requests are
labelled by route template (``/persons/{person_id}``), never by path.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

#: the counters and histograms of this process
REGISTRY = CollectorRegistry(auto_describe=True)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

requests = Counter(
    "hub_http_requests",
    "HTTP requests answered, by method, route template and status",
    ["method", "route", "status"],
    registry=REGISTRY,
)
request_seconds = Histogram(
    "hub_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
commands = Counter(
    "hub_commands",
    "Commands (state-changing requests) by kind and outcome (ok, refused, failed)",
    ["kind", "outcome"],
    registry=REGISTRY,
)
appends = Counter(
    "hub_log_appends",
    "Atomic appends to the event log (one insert_events call each)",
    registry=REGISTRY,
)
append_events = Histogram(
    "hub_log_append_events",
    "Events per atomic append",
    buckets=(1, 2, 3, 5, 8, 13, 21, 50, 100, 500),
    registry=REGISTRY,
)
group_sizes = Histogram(
    "hub_log_group_appends",
    "Appends sharing one transaction of the log (group commit), per transaction",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
    registry=REGISTRY,
)
idempotency_replays = Counter(
    "hub_idempotency_replays",
    "Retried POSTs answered with the first answer of their Idempotency-Key",
    registry=REGISTRY,
)
sign_in_failures = Counter(
    "hub_sign_in_failures",
    "Failed sign-ins and refused credentials, by reason",
    ["reason"],
    registry=REGISTRY,
)
notifications = Counter(
    "hub_notifications",
    "Notifications to officials, by channel and outcome (sent, failed)",
    ["channel", "outcome"],
    registry=REGISTRY,
)


#: the gauges processes compute at scrape time (``hub_up``, and what their figures name)
LIVE_SERIES = frozenset(
    {
        "hub_up",
        "hub_log_position",
        "hub_projection_lag_events",
        "hub_projection_halted",
        "hub_router_lag_events",
        "hub_dead_letters_waiting",
        "hub_notifications_waiting",
    }
)

#: a process's live figures: (name, help, [(labels, value)])
Figures = list[tuple[str, str, list[tuple[dict[str, str], float]]]]


class LiveCollector(Collector):
    """Gauges computed at scrape time by ``read()``; a failed read exports ``hub_up 0``."""

    def __init__(self, read: Callable[[], Figures]) -> None:
        self._read = read

    def collect(self) -> Iterator[Metric]:
        try:
            figures = self._read()
        except Exception:
            figures = []
            up = 0.0
        else:
            up = 1.0
        yield GaugeMetricFamily("hub_up", "1 when the live figures could be read", value=up)
        for name, documentation, samples in figures:
            labels = sorted({k for sample_labels, _ in samples for k in sample_labels})
            family = GaugeMetricFamily(name, documentation, labels=labels)
            for sample_labels, value in samples:
                family.add_metric([sample_labels.get(k, "") for k in labels], value)
            yield family


class _Forward(Collector):
    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry

    def collect(self) -> Iterable[Metric]:
        return self._registry.collect()


def process_registry(read: Callable[[], Figures] | None) -> CollectorRegistry:
    """What this process exports: the counters of :data:`REGISTRY` and its live figures."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Forward(REGISTRY))
    if read is not None:
        registry.register(LiveCollector(read))
    return registry


def exposition(registry: CollectorRegistry) -> bytes:
    """The text format Prometheus scrapes."""
    return generate_latest(registry)


def log_figures(app: Any, views: Any | None) -> Figures:
    """The log's position and each view's lag behind it, read from the log and the views."""
    from projections import worker

    head = app.recorder.max_notification_id() or 0
    figures: Figures = [("hub_log_position", "The log's last notification id", [({}, head)])]
    if views is not None:
        report = worker.status(app, views)
        figures.append(
            (
                "hub_projection_lag_events",
                "Events of the log a view has not yet applied",
                [({"view": r["view"]}, r["behind"]) for r in report],
            )
        )
        figures.append(
            (
                "hub_projection_halted",
                "1 when a view stopped following the log (an event it cannot hold)",
                [({"view": r["view"]}, 1.0 if r["halted"] else 0.0) for r in report],
            )
        )
    return figures


def notification_figures(counts: dict[str, int]) -> Figures:
    """The notifier's messages not sent yet, by state (``pending``, ``digest``, ``failed``),
    from its store's counts."""
    return [
        (
            "hub_notifications_waiting",
            "Notifications to officials not sent yet, by state (failed: given up, to retry)",
            [({"state": s}, float(counts.get(s, 0))) for s in ("pending", "digest", "failed")],
        )
    ]


_served: dict[tuple[str, int], Any] = {}
_served_lock = threading.Lock()


def serve_separately(host: str, port: int, registry: CollectorRegistry) -> None:
    """Exports ``registry`` on its own address (no token: guarded by where it binds)."""
    from prometheus_client import start_http_server

    with _served_lock:
        if (host, port) in _served:
            return
        _served[(host, port)] = start_http_server(port, addr=host, registry=registry)
