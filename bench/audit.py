"""Benchmark of audit and privacy, one run, figures side by side.

1. Verification throughput: ``hub audit verify`` over a log of N stored events (synthetic
   relief cases: a person with consent, the six steps of a case, a referral answered twice;
   11 events each, every one encrypted, personal fields sealed, hash-chained), in events per
   second, over a raw read of the same log in the same run (``select_notifications`` in
   batches of 1,000, no checks); goal ≥ 0.5. Measured in-process (``verify_log``) and as the
   command itself (a subprocess, progress bar and start-up included).
2. Cost of per-person encryption on appends: the same Person events appended one per
   transaction (as one API command each) through the hub's ``HubMapper`` with its
   ``ChainedEventStore``, and through the library's plain ``Mapper`` (no cipher) and
   ``EventStore``, alternating in rounds on two SQLite files; the ratio of the times (goal
   under 1.3). Two workloads: new persons (a data key is created and wrapped for each) and
   further events of known persons (the data key is cached). ``--profile`` prints where the
   time of the hub's appends goes.

Usage: ``python bench/audit.py [--events 1000000] [--appends 4000] [--rounds 8]
[--profile] [--keep DIR]``. The embedded SQLite log only: on Kafka ``verify`` reads the
replica, an SQLite file of the same shape, so the verification figures carry over.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eventsourcing.persistence import EventStore, Mapper  # noqa: E402

from domain.acting import Actor  # noqa: E402
from domain.agency import Agency  # noqa: E402
from domain.case import AidCase  # noqa: E402
from domain.consent import consent_terms  # noqa: E402
from domain.person import Person  # noqa: E402
from domain.referral import Referral  # noqa: E402
from hub.app import ReliefHub  # noqa: E402
from hub.bootstrap import build_hub  # noqa: E402
from hub.settings import Settings  # noqa: E402
from hub.vault.keystore import KeyStore  # noqa: E402
from tests.support.ids import numbered  # noqa: E402

DAY = date(2026, 1, 5)
WAGE_FEN = 650_000
SCOPE = consent_terms(
    given_by="person",
    giver_name=None,
    relation=None,
    to_agencies=[],
    to_kinds=["enterprise"],
    services=["donation"],
    aid_view=False,
    valid_from=DAY,
    valid_until=None,
    evidence="written",
    witness=None,
)
CASES_PER_SAVE = 100
EVENTS_PER_CASE = 11


OFFICER = Actor(
    kind="user", user_id="officer", agency_id=None, name="承办检察官", roles=["case_officer"]
)
HEAD = Actor(
    kind="user", user_id="head", agency_id=None, name="部门负责人", roles=["department_head"]
)


def agencies(hub: ReliefHub) -> tuple[UUID, UUID]:
    p = Agency.register(
        name="基准测试县人民检察院",
        kind="procuratorate",
        level="county",
        region_code="654003",
        services=["judicial-relief"],
        response_days=5,
    )
    donor = Agency.register(
        name="基准测试爱心企业",
        kind="enterprise",
        level="county",
        region_code="654003",
        services=["donation"],
        response_days=5,
    )
    hub.save(p, donor)
    return p.id, donor.id


def one_case(hub: ReliefHub, p: UUID, donor: UUID, i: int) -> list[Any]:
    """A person, their relief case and a donation referral, built in memory: 11 events."""
    id_number = numbered(i, "654003")
    person = Person.register(
        id_key=hub.id_key(id_number),
        id_number=id_number,
        name=f"基准当事人{i}",
        contact="1390000" + f"{i % 10000:04d}",
        health="交通事故致伤，需长期康复",
        family="配偶无业，子女在读",
        registered_by=p,
    )
    person.record_consent(consent_id=uuid4(), taken_by=p, recorded_on=DAY, scope=SCOPE)
    amount = 200_000 + (i % 7) * 100_000
    case = AidCase.receive(
        procuratorate_id=p,
        person_id=person.id,
        source="applicant",
        summary="因案致困，无法通过诉讼获得赔偿",
        received_on=DAY,
        matter_number=f"（2026）新4003刑初{i}号",
        applicant_relation="victim",
    )
    case.record_inquiry("询问申请人及家属，核实困难情况", DAY, on_behalf_of="承办检察官")
    case.review(
        situation="serious-injury-unpaid",
        refusal_ground=None,
        notes="符合国家司法救助条件",
        reviewed_on=DAY,
    )
    case.submit_for_approval(amount, "承办检察官", DAY, OFFICER)
    case.decide_approval(True, None, DAY, HEAD)
    case.grant(
        amount_fen=amount,
        months=36,
        average_monthly_wage_fen=WAGE_FEN,
        strict_review=False,
        approved_by="部门负责人",
        decided_on=DAY,
    )
    case.disburse(amount, DAY)
    referral = Referral.request(
        requester_id=p,
        recipient_id=donor,
        direction="outbound",
        person_id=person.id,
        case_id=case.id,
        reason="刑事特困，需社会化救助",
        services=["donation"],
        due_on=DAY,
        consent=True,
        legal_basis=None,
        invoked_by=None,
        re_referral_of=None,
    )
    referral.change_status("accepted", by_agency=donor, on_behalf_of="经办人")
    provision = {
        "kind": "money",
        "amount_fen": 50_000 + i,
        "provider": "爱心企业",
        "description": "爱心企业捐助",
    }
    outcome = {"successful": True, "reason": None, "provisions": [provision]}
    referral.change_status("completed", by_agency=donor, on_behalf_of="经办人", outcome=outcome)
    return [person, case, referral]


def fill(hub: ReliefHub, events: int) -> int:
    """Appends synthetic cases until the log holds about ``events`` events."""
    p, donor = agencies(hub)
    cases = max(1, events // EVENTS_PER_CASE)
    started = time.perf_counter()
    for first in range(0, cases, CASES_PER_SAVE):
        batch = []
        for i in range(first, min(cases, first + CASES_PER_SAVE)):
            batch += one_case(hub, p, donor, i)
        hub.save(*batch)
        if first % (CASES_PER_SAVE * 100) == 0:
            done = hub.recorder.max_notification_id() or 0
            print(
                f"  filled {done:,} events ({time.perf_counter() - started:.0f} s)", file=sys.stderr
            )
    return hub.recorder.max_notification_id() or 0


def raw_read(hub: ReliefHub) -> int:
    """Every notification of the log in batches of 1,000, no checks; returns the count."""
    count, start = 0, 1
    while True:
        batch = hub.recorder.select_notifications(start, 1000)
        count += len(batch)
        if len(batch) < 1000:
            return count
        start = batch[-1].id + 1


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(call: Callable[[], Any]) -> tuple[Any, float, float]:
    """The result, wall-clock seconds and CPU seconds of ``call()``."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = call()
    return result, time.perf_counter() - wall, cpu_seconds() - cpu


def verification(hub: ReliefHub, data_dir: Path, tries: int = 2) -> dict[str, Any]:
    """Raw read, ``verify_log`` and the command ``hub audit verify`` in turn, ``tries``
    times each; best of each, and the command's ratio per round. Wall-clock and CPU time: on a machine shared with
    other work, the CPU-time ratio is the steadier one."""
    raw: list[tuple[float, float]] = []
    verify: list[tuple[float, float]] = []
    cli: list[tuple[float, float]] = []
    command = [str(Path(sys.executable).parent / "hub"), "audit", "verify"]
    command += ["--data-dir", str(data_dir)]
    for _ in range(tries):
        n_raw, wall, cpu = timed(lambda: raw_read(hub))
        raw.append((wall, cpu))
        report, wall, cpu = timed(hub.verify_log)
        verify.append((wall, cpu))
        assert report.ok and report.checked == n_raw, report.findings[:3]
        done, wall, cpu = timed(lambda: subprocess.run(command, capture_output=True, text=True))
        assert done.returncode == 0, done.stdout + done.stderr
        cli.append((wall, cpu))
    figures: dict[str, Any] = {"events": n_raw}
    for i, clock in enumerate(("wall", "cpu")):
        base = min(r[i] for r in raw)
        checked = min(v[i] for v in verify)
        command_s = min(c[i] for c in cli)
        figures[clock] = {
            "raw_per_s": n_raw / base,
            "verify_per_s": n_raw / checked,
            "cli_per_s": n_raw / command_s,
            "ratio": base / checked,
            "cli_ratio": base / command_s,
            # each round's command against the same round's raw read
            "cli_rounds": [r[i] / c[i] for r, c in zip(raw, cli, strict=True)],
        }
    return figures


class PlainHub(ReliefHub):
    """The same Application with the library's plain mapper and event store: no cipher."""

    def construct_mapper(self) -> Mapper[UUID]:
        return Mapper(transcoder=self.construct_transcoder())

    def construct_event_store(self) -> EventStore[UUID]:
        return EventStore(self.mapper, self.recorder)


def open_pair(directory: Path, memory: bool = False) -> tuple[ReliefHub, ReliefHub]:
    """The hub (``build_hub``: HubMapper, ChainedEventStore, key store) on ``directory``, and
    the plain Application beside it; with ``memory``, both logs and key stores in memory."""
    settings = Settings(data_dir=directory / "hub")

    def log(name: str) -> dict[str, str]:
        db = ":memory:" if memory else str(directory / name)
        return {"PERSISTENCE_MODULE": "hub.eventlog.sqlite:Factory", "SQLITE_DBNAME": db}

    secrets = {
        "person_key": settings.secret("person_key"),
        "hub_key": settings.secret("cipher_key"),
    }
    master = settings.secret("master_key")
    if memory:
        hub = ReliefHub(log("hub.sqlite"), keys=KeyStore(":memory:", master), **secrets)
    else:
        hub = build_hub(settings)
    plain = PlainHub(log("plain.sqlite"), keys=KeyStore(":memory:", master), **secrets)
    return hub, plain


def person_events(hub: ReliefHub, start: int, count: int, new: bool) -> list[list[Any]]:
    """Events to append one list per transaction: a new person's registration, or a
    further event (details updated) of a person registered beforehand."""
    out = []
    for i in range(start, start + count):
        id_number = numbered(i, "659001")
        person = Person.register(
            id_key=hub.id_key(id_number),
            id_number=id_number,
            name=f"追加测试{i}",
            contact="13900000000",
            health="慢性病",
            family="独居",
            registered_by=None,
        )
        if not new:
            person.collect_events()  # registered beforehand (see ``register_first``)
            person.update_details(contact="13911112222", health="慢性病，需复诊")
        out.append(person.collect_events())
    return out


def register_first(stores: list[EventStore[UUID]], hub: ReliefHub, start: int, count: int) -> None:
    for events in person_events(hub, start, count, new=True):
        for store in stores:
            store.put(events)


def appends(hub: ReliefHub, plain: ReliefHub, n: int, rounds: int, new: bool) -> dict[str, Any]:
    """Seconds for ``n`` single-transaction appends on each side, alternating in rounds."""
    per_round = max(1, n // rounds)
    base = 10_000_000 if new else 20_000_000
    if not new:
        register_first([hub.events, plain.events], hub, base, per_round * rounds)
    wall = {"hub": 0.0, "plain": 0.0}
    cpu = {"hub": 0.0, "plain": 0.0}
    for r in range(rounds):
        batch = person_events(hub, base + r * per_round, per_round, new)
        for side, app in (
            (("hub", hub), ("plain", plain)) if r % 2 == 0 else (("plain", plain), ("hub", hub))
        ):

            def put_all(app: ReliefHub = app, batch: list[list[Any]] = batch) -> None:
                for events in batch:
                    app.events.put(events)

            _, seconds, cpu_s = timed(put_all)
            wall[side] += seconds
            cpu[side] += cpu_s
    total = per_round * rounds
    return {
        "appends": total,
        "hub_per_s": total / wall["hub"],
        "plain_per_s": total / wall["plain"],
        "ratio": wall["hub"] / wall["plain"],
        "cpu_ratio": cpu["hub"] / cpu["plain"],
    }


def profile_appends(hub: ReliefHub, n: int) -> str:
    batch = person_events(hub, 30_000_000, n, new=True)
    profiler = cProfile.Profile()
    profiler.enable()
    for events in batch:
        hub.events.put(events)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(22)
    return out.getvalue()


@contextlib.contextmanager
def workdir(keep: str | None) -> Iterator[Path]:
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        yield Path(keep)
        return
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        yield Path(tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", help="a directory to keep (and reuse) the generated log in")
    parser.add_argument("--only", choices=("verify", "appends"), help="run one part only")
    parser.add_argument("--tries", type=int, default=2, help="rounds of the verification part")
    args = parser.parse_args()
    with workdir(args.keep) as directory:
        if args.only != "verify":
            for memory in (False, True):
                print_appends(directory, args, memory)
        if args.only == "appends":
            return
        settings = Settings(data_dir=directory / "hub")
        hub = build_hub(settings)
        try:
            have = hub.recorder.max_notification_id() or 0
            if have < args.events * 0.95:
                _, fill_s, _ = timed(lambda: fill(hub, args.events - have))
                print(f"generated the log in {fill_s:.0f} s", file=sys.stderr)
            v = verification(hub, settings.data_dir, args.tries)
        finally:
            hub.close()
        for clock in ("wall", "cpu"):
            f = v[clock]
            print(
                f"verify ({clock} time): {v['events']:,} events; raw read {f['raw_per_s']:,.0f}/s; "
                f"verify_log {f['verify_per_s']:,.0f}/s (ratio {f['ratio']:.2f}); "
                f"hub audit verify {f['cli_per_s']:,.0f}/s (ratio {f['cli_ratio']:.2f}; per round "
                f"{', '.join(f'{r:.2f}' for r in f['cli_rounds'])}); goal ≥ 0.5"
            )


def print_appends(directory: Path, args: argparse.Namespace, memory: bool) -> None:
    place = directory / ("appends-memory" if memory else "appends")
    shutil.rmtree(place, ignore_errors=True)  # fresh, empty logs on both sides
    hub, plain = open_pair(place, memory)
    try:
        for new in (True, False):
            a = appends(hub, plain, args.appends, args.rounds, new)
            what = "new persons" if new else "known persons"
            where = "in memory" if memory else "on files"
            print(
                f"appends ({what}, {where}): {a['appends']:,}, one per transaction; "
                f"HubMapper {a['hub_per_s']:,.0f}/s, plain Mapper "
                f"{a['plain_per_s']:,.0f}/s; ratio {a['ratio']:.2f} (CPU time "
                f"{a['cpu_ratio']:.2f}); goal < 1.3"
            )
        if args.profile:
            print(profile_appends(hub, min(args.appends, 2000)))
    finally:
        hub.close()
        plain.close()


if __name__ == "__main__":
    main()
