"""Benchmark of the console's work and Cases pages, side by side with the JSON API.

A hub is filled with synthetic cases (``tests/integration/projections/load.py``: each case
one person, the procedure up to disbursement and ``--referrals-per-case`` referrals, two by
default, so ``--cases N`` gives 2N referrals), the views are rebuilt, and then, for each page, the page and the JSON endpoint
that reads the same data are asked in turn, ``--rounds`` times each, in the same process
(FastAPI's TestClient: the server's time, no network). Figures: p50 and p99 in ms, and the
page's p99 over the endpoint's (the ratio); goal: every page's p99 < 150 ms.

=============  ==========================================  ===========================
page           console                                     JSON endpoint
=============  ==========================================  ===========================
inbox          /console/work?box=inbox (+ its 3 counts)    /agencies/{id}/inbox
outbox         /console/work?box=outbox (+ its 3 counts)   /agencies/{id}/outbox
referral       /console/work/referrals/{id}                /referrals/{id}
case list      /console/cases                              /cases
case file      /console/cases/{id}                         /cases/{id}
=============  ==========================================  ===========================

Usage: ``python bench/console_pages.py [--cases 2000] [--referrals-per-case 2] [--rounds 200]``
(embedded SQLite log and views, in a temporary directory). The fill's time is printed too, per
1,000 cases. ``--data-dir DIR`` keeps the filled hub in DIR (with ``bench-fill.json``, what
was filled) and, given a DIR filled before, measures it again without filling; add
``--no-rebuild`` to measure the views as they stand.
"""

from __future__ import annotations

import argparse
import contextlib
import json as jsonlib
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.access.tokens import Role  # noqa: E402
from hub.api.app import create_app  # noqa: E402
from hub.bootstrap import build  # noqa: E402
from hub.settings import Settings  # noqa: E402
from projections import worker  # noqa: E402
from tests.integration.console.conftest import Browser  # noqa: E402
from tests.integration.projections.load import network, one_case  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "bench password 2026"
GOAL_MS = 150.0


def fill(hub: Any, cases: int, referrals: int) -> tuple[dict[str, Any], list[float]]:
    """The network and ``cases`` cases; seconds per each 1,000 cases, in order."""
    net = network(hub)
    net["cases"], per_thousand = [], []
    started = time.perf_counter()
    for i in range(cases):
        net["cases"].append(one_case(hub, net, i, referrals))
        if (i + 1) % 1000 == 0 or i + 1 == cases:
            now = time.perf_counter()
            per_thousand.append((now - started) * 1000 / ((i % 1000) + 1))
            started = now
            print(f"  filled {i + 1} cases", file=sys.stderr, flush=True)
    return net, per_thousand


def official(client: Any, admin: str, agency: str, role: str) -> tuple[str, str]:
    """A new official of ``agency``: (staff number, API bearer token)."""
    number = f"{role}-bench"
    body = {
        "agency_id": agency,
        "name": f"压测{role}",
        "staff_number": number,
        "roles": [role],
        "password": PASSWORD,
    }
    made = client.post(
        "/users",
        json=body,
        headers={"Authorization": f"Bearer {admin}", "Idempotency-Key": f"bench-{agency}-{role}"},
    )
    assert made.status_code in (201, 409), made.text  # 409: made by a run before
    signed = client.post(
        "/auth/sign-in", json={"agency": agency, "staff_number": number, "password": PASSWORD}
    )
    assert signed.status_code == 200, signed.text
    return number, str(signed.json()["token"])


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    answer = call()
    took = (time.perf_counter() - started) * 1000
    assert answer.status_code == 200, (answer.status_code, answer.text[:300])
    return took


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--referrals-per-case", type=int, default=2, choices=range(2, 10))
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--data-dir", type=Path, help="keep (or reuse) the filled hub here")
    parser.add_argument("--no-rebuild", action="store_true", help="reused views as they are")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.data_dir is None:
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        else:
            directory = args.data_dir
            directory.mkdir(parents=True, exist_ok=True)
        return measure(args, directory)


def measure(args: argparse.Namespace, directory: Path) -> int:
    """Fills (or reuses) the hub in ``directory``, then asks each page beside its endpoint."""
    # the workload dates its cases in early 2026: allow recording them late
    services = build(Settings(data_dir=directory, max_backdate_days=3650), {})
    hub = services.hub
    saved = directory / "bench-fill.json"
    started = time.perf_counter()
    if saved.exists():
        kept = jsonlib.loads(saved.read_text())
        args.cases, args.referrals_per_case = kept["cases"], kept["referrals_per_case"]
        net = {k: kept[k] for k in ("procuratorate", "partners", "case_ids")}
        net["cases"] = [UUID(c) for c in net.pop("case_ids")]
        per_thousand = []
        print(f"  reusing {args.cases} cases filled in {directory}", file=sys.stderr)
    else:
        net, per_thousand = fill(hub, args.cases, args.referrals_per_case)
        saved.write_text(
            jsonlib.dumps(
                {
                    "cases": args.cases,
                    "referrals_per_case": args.referrals_per_case,
                    "procuratorate": str(net["procuratorate"]),
                    "partners": [str(a) for a in net["partners"]],
                    "case_ids": [str(c) for c in net["cases"]],
                }
            )
        )
    filled = time.perf_counter() - started
    started = time.perf_counter()
    if per_thousand or not args.no_rebuild:
        for name in worker.VIEWS:
            worker.rebuild(hub, services.views, name)
    rebuilt = time.perf_counter() - started

    app = create_app(services)
    api = TestClient(app, base_url="https://testserver")
    admin = services.access.issue(Role.ADMIN, None, "bench administrator")
    p, inbox_agency = str(net["procuratorate"]), str(net["partners"][0])
    p_number, p_token = official(api, admin, p, "case_officer")
    ca_number, ca_token = official(api, admin, inbox_agency, "caseworker")
    officer, caseworker = Browser(app), Browser(app)
    assert officer.sign_in(p, p_number, PASSWORD).status_code == 303
    assert caseworker.sign_in(inbox_agency, ca_number, PASSWORD).status_code == 303

    case_id = str(net["cases"][len(net["cases"]) // 2])
    referral_id = hub.get_case(net["cases"][len(net["cases"]) // 2])["referrals"][0]["id"]

    def json(token: str, path: str) -> Callable[[], Any]:
        return lambda: api.get(path, headers={"Authorization": f"Bearer {token}"})

    def page(browser: Browser, path: str) -> Callable[[], Any]:
        return lambda: browser.get(path)

    pairs = {
        "inbox": (
            page(caseworker, "/console/work?box=inbox"),
            json(ca_token, f"/agencies/{inbox_agency}/inbox"),
        ),
        "outbox": (
            page(officer, "/console/work?box=outbox"),
            json(p_token, f"/agencies/{p}/outbox"),
        ),
        "referral": (
            page(officer, f"/console/work/referrals/{referral_id}"),
            json(p_token, f"/referrals/{referral_id}"),
        ),
        "case list": (page(officer, "/console/cases"), json(p_token, "/cases")),
        "case file": (
            page(officer, f"/console/cases/{case_id}"),
            json(p_token, f"/cases/{case_id}"),
        ),
    }
    results = {}
    for name, (console, endpoint) in pairs.items():
        for _ in range(3):  # warm up
            timed(console), timed(endpoint)
        pages, jsons = [], []
        for _ in range(args.rounds):  # in turn, so both see the same machine
            pages.append(timed(console))
            jsons.append(timed(endpoint))
        results[name] = (pages, jsons)

    referrals = args.referrals_per_case * args.cases
    print(
        f"# console pages: {args.cases} cases, {referrals} referrals, {args.rounds} rounds; "
        f"fill {filled:.0f} s ({', '.join(f'{s:.0f}' for s in per_thousand)} s per 1,000 "
        f"cases in order), views rebuilt in {rebuilt:.0f} s"
    )
    print(
        f"{'page':<10} {'page p50':>9} {'page p99':>9} {'json p50':>9} {'json p99':>9} "
        f"{'p99 ratio':>9}  goal p99 < {GOAL_MS:.0f} ms"
    )
    worst = 0.0
    for name, (pages, jsons) in results.items():
        p50, p99 = statistics.median(pages), quantile(pages, 0.99)
        j50, j99 = statistics.median(jsons), quantile(jsons, 0.99)
        worst = max(worst, p99)
        verdict = "ok" if p99 < GOAL_MS else "OVER"
        print(
            f"{name:<10} {p50:>9.1f} {p99:>9.1f} {j50:>9.1f} {j99:>9.1f} "
            f"{p99 / j99:>9.2f}  {verdict}"
        )
    services.close()
    return 0 if worst < GOAL_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
