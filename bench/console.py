"""Benchmark of the dashboards, figures side by side in one run.

The views are filled through the projections themselves (the dashboard view and, for the
baseline, the regional statistics view) from generated events
(:func:`tests.support.view_events.synthetic_history`: agencies in every county of Xinjiang,
``--cases`` aid cases and ``--referrals`` referrals over a year, with answers after hours and
completions after days), without a log: the log's speed is ``bench/eventlog.py``'s.

Then, for all of Xinjiang (``65``) over the year and for one county (奎屯市 ``654003``), each
``--runs`` times, p50 and p99 in milliseconds:

- the dashboard query (:func:`projections.dashboard_query.dashboard`) beside the regional
  statistics query that reads its own view row by row (:func:`projections.region_stats.
  region_stats`, the baseline), ratio dashboard ÷ statistics;
- the endpoints through the ASGI app, as an administrator: ``GET /views/dashboard/{code}``
  beside ``GET /statistics/regions/{code}``, and the XLSX export;
- the console's pages (server time, through the same app, with the session cookie): the
  dashboard page beside the JSON endpoint that reads the same view, the SLA board (its counts
  and first page of 50) beside the same page of ``GET /sla/watch-list?limit=50``, and that
  beside the whole list.

Goals (issue 15): the dashboard for all of Xinjiang over a year under 200 ms; every page's
server time p99 under 150 ms.

Usage: ``python bench/console.py [--referrals 100000] [--cases 20000] [--runs 40]
[--views-url postgresql://…] [--only sla]`` (default: an SQLite file in a temporary data dir).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.access.tokens import Role  # noqa: E402
from hub.api.app import create_app  # noqa: E402
from hub.bootstrap import build  # noqa: E402
from hub.settings import Settings  # noqa: E402
from projections.dashboard import Dashboard  # noqa: E402
from projections.dashboard_query import dashboard  # noqa: E402
from projections.rebuild import read_active  # noqa: E402
from projections.referrals import Referrals  # noqa: E402
from projections.region_stats import RegionStats, region_stats  # noqa: E402
from projections.store import ViewStore  # noqa: E402
from projections.view import View  # noqa: E402
from tests.support.view_events import synthetic_history  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
TODAY = date(2026, 1, 15)
PLACES = {"xinjiang": "65", "county": "654003"}


def fill(store: ViewStore, classes: list[type[View]], referrals: int, cases: int) -> float:
    """Builds each view from the generated events (5,000 a transaction); returns seconds."""
    started = time.perf_counter()
    views = []
    for cls in classes:
        version = store.add_version(cls.name, cls.code_version, "building")
        view = cls(store, version)
        view.create_tables()
        views.append(view)
    events: Iterator[Any] = iter(synthetic_history(referrals, cases))
    position = 0
    while batch := list(islice(events, 5000)):
        numbered = list(enumerate(batch, start=position + 1))
        position += len(batch)
        for view in views:
            view.apply_batch(numbered, position)
    for view in views:
        store.activate(view.name, view.version)
    return time.perf_counter() - started


def timed(call: Callable[[], Any], runs: int) -> dict[str, float]:
    call()  # warm
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        took.append((time.perf_counter() - started) * 1000)
    took.sort()
    return {
        "p50": statistics.median(took),
        "p99": took[min(len(took) - 1, int(len(took) * 0.99))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--views-url", default=None)
    parser.add_argument("--only", default="", help="only the rows whose name holds this")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="bench-console-"))
    services = build(Settings(data_dir=data_dir, views_url=args.views_url))
    try:
        store = services.views
        seconds = fill(store, [Dashboard, RegionStats, Referrals], args.referrals, args.cases)
        rows = read_active(store, Dashboard).read("SELECT COUNT(*) AS n FROM {referrals}")
        print(
            f"views filled: {rows[0]['n']} referrals, {args.cases} cases, "
            f"three views in {seconds:.1f} s ({store.dialect or type(store).__name__})"
        )
        admin = services.access.issue(Role.ADMIN, None, "bench administrator")
        client = TestClient(create_app(services))
        headers = {"Authorization": f"Bearer {admin}"}
        period = f"from={YEAR[0]}&to={YEAR[1]}"

        page_headers = {"Cookie": f"hub_console={admin}"}  # the console's session cookie

        def get(path: str) -> Callable[[], Any]:
            def call() -> None:
                answer = client.get(path, headers=page_headers if "/console" in path else headers)
                assert answer.status_code == 200, answer.text

            return call

        print(f"{'what':44} {'p50 ms':>8} {'p99 ms':>8}   ratio p50 (p99) to the baseline")
        for place, code in PLACES.items():
            pairs = [
                (
                    f"query dashboard {place}",
                    lambda code=code: dashboard(store, code, *YEAR, today=TODAY),
                    f"query region_stats {place} (baseline)",
                    lambda code=code: region_stats(store, code, *YEAR),
                ),
                (
                    f"GET /views/dashboard/{code}",
                    get(f"/views/dashboard/{code}?{period}"),
                    f"GET /statistics/regions/{code} (baseline)",
                    get(f"/statistics/regions/{code}?{period}"),
                ),
                (
                    f"page /console/dashboards?region={code}",
                    get(f"/console/dashboards?region={code}&{period}"),
                    f"GET /views/dashboard/{code} (baseline)",
                    get(f"/views/dashboard/{code}?{period}"),
                ),
                (  # the board's first page of 50 and its counts, beside the same page's JSON
                    f"page /console/dashboards/sla?region={code}",
                    get(f"/console/dashboards/sla?region={code}"),
                    f"GET /sla/watch-list?region_code={code}&limit=50",
                    get(f"/sla/watch-list?region_code={code}&limit=50"),
                ),
                (
                    f"GET /sla/watch-list?region_code={code}&limit=50",
                    get(f"/sla/watch-list?region_code={code}&limit=50"),
                    f"GET /sla/watch-list?region_code={code} (all)",
                    get(f"/sla/watch-list?region_code={code}"),
                ),
                (
                    f"GET /views/dashboard/{code}/export xlsx",
                    get(f"/views/dashboard/{code}/export?{period}&format=xlsx"),
                    f"GET /statistics/regions/{code} (baseline)",
                    get(f"/statistics/regions/{code}?{period}"),
                ),
            ]
            for name, call, base_name, base in pairs:
                if args.only not in name:
                    continue
                # side by side: the baseline and the measured one alternate run by run
                measured, baseline = [], []
                for _ in range(2):
                    baseline.append(timed(base, args.runs // 2))
                    measured.append(timed(call, args.runs // 2))
                b = {k: min(x[k] for x in baseline) for k in ("p50", "p99")}
                m = {k: min(x[k] for x in measured) for k in ("p50", "p99")}
                print(f"{base_name:44} {b['p50']:8.1f} {b['p99']:8.1f}")
                print(
                    f"{name:44} {m['p50']:8.1f} {m['p99']:8.1f}   "
                    f"{m['p50'] / b['p50']:.2f} ({m['p99'] / b['p99']:.2f})"
                )
    finally:
        services.close()


if __name__ == "__main__":
    main()
