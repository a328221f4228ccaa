"""The notifier against a real SMTP server and a real webhook relay on loopback, on each log:
each trigger told once to each official it concerns and to nobody else, with no personal data
in any message; a restart tells nothing again; a failing channel is retried and nothing is
lost; deadlines fire once each, on working days, whatever the clock does."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from domain.workdays import WorkCalendar
from hub import metrics
from hub.notify.notifier import Notifier, Retry
from projections.case_files import CaseFiles
from projections.deadlines import SlaPolicy
from projections.fall_through import FallThrough
from projections.referrals import Referrals
from projections.sla import watch_list
from projections.stores import open_store
from tests.integration.notifications.sinks import free_port, smtp_server, webhook_relay
from tests.integration.notifications.world import (
    NAME,
    REASON,
    World,
    address,
    wait_until,
)
from tests.integration.projections.harness import follow


@contextmanager
def running(notifier: Notifier) -> Iterator[None]:
    stop = threading.Event()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            notifier.run(stop, poll=0.05)
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    if errors:
        raise errors[0]


def test_each_trigger_is_told_once_to_its_officials_by_email_and_webhook(
    world: World,
) -> None:
    hub, ids = world.hub, world.ids
    r1 = world.refer("a")
    hub.answer_referral(r1, ids["a"], "accept")
    r2 = world.refer("a")
    hub.answer_referral(r2, ids["a"], "reject", reason=f"{NAME}不符合条件")
    r3 = world.refer("b")
    hub.answer_referral(r3, ids["b"], "accept")
    outcome = {
        "successful": True,
        "reason": None,
        "provisions": [
            {"kind": "money", "amount_fen": 150000, "provider": "医保", "description": NAME}
        ],
    }
    hub.answer_referral(r3, ids["b"], "complete", outcome=outcome)
    person = world.person()
    world.refer("a", person)
    hub.withdraw_consent(person, by_agency=None, reason="本人撤回")
    expected = {
        # 3 referrals arrive at civil affairs, 1 at medical insurance
        "a-worker": Counter({"referral-arrived": 3, "consent-withdrawn": 1}),
        "b-worker": Counter({"referral-arrived": 1}),
        # accepted, rejected, accepted, completed; the last one's consent withdrawn
        "p-officer": Counter({"referral-answered": 4, "consent-withdrawn": 1}),
    }
    total = sum(sum(c.values()) for c in expected.values())
    with smtp_server() as (port, box), webhook_relay() as (url, relay):
        with running(world.notifier(port, url)):
            wait_until(lambda: box.count() >= total and relay.count() >= total)
        # a restarted notifier tells nothing again
        with running(world.notifier(port, url)):
            time.sleep(1.0)
        assert box.count() == total and relay.count() == total
        assert relay.bad_signatures == 0
        assert len(set(box.ids())) == total
        assert len({r["id"] for r in relay.received}) == total
        for staff, triggers in expected.items():
            mails = box.to(address(staff))
            assert Counter(str(m["X-Hub-Trigger"]) for m in mails) == triggers, staff
            user = world.users[staff]
            hooks = [r for r in relay.received if r["user_id"] == user]
            assert Counter(r["type"] for r in hooks) == triggers, staff
        told = {m["To"] for m in box.messages}
        assert told == {address(s) for s in expected}  # no head, no outsider, no admin
        texts = box.bodies() + [f"{r['subject']}{r['text']}" for r in relay.received]
        for text in texts:
            assert NAME not in text and world.id_number not in text and REASON not in text
            assert "http://console.test/console/work/referrals/" in text
        assert any("已退回" in t for t in texts) and any("帮扶成功" in t for t in texts)
    # the console's list holds the same, unread
    assert world.store.unread_count(world.users["p-officer"]) == 5
    assert world.store.items_of(world.users["out-worker"]) == []


def test_a_batch_written_twice_is_written_once(world: World) -> None:
    """The position and the items go in one transaction; the same batch again writes
    nothing (as after a crash between the write and whatever came next)."""
    world.refer("a")
    notifier = world.notifier(None)
    batch = list(world.hub.recorder.select_notifications(1, 1000))
    assert notifier.apply(batch) == 1
    assert notifier.apply(batch) == 0
    assert len(world.store.items_of(world.users["a-worker"])) == 1
    assert world.store.position() == batch[-1].id


def test_smtp_down_for_a_while_is_retried_and_nothing_is_lost(world: World) -> None:
    def counted(outcome: str) -> float:
        labels = {"channel": "email", "outcome": outcome}
        return metrics.REGISTRY.get_sample_value("hub_notifications_total", labels) or 0.0

    sent_before, failed_before = counted("sent"), counted("failed")
    port = free_port()  # nothing listens there yet
    notifier = world.notifier(port, retry=Retry(1000, 0.05, 0.3))
    refs = [world.refer("a") for _ in range(3)]
    with running(notifier):
        wait_until(
            lambda: (
                all(d.attempts >= 2 for d in world.store.due(float("inf")))
                and len(world.store.due(float("inf"))) == len(refs)
            )
        )
        with smtp_server(port) as (_, box):
            wait_until(lambda: box.count() >= len(refs))
            time.sleep(0.5)
            assert box.count() == len(refs) and len(set(box.ids())) == len(refs)
    assert world.store.counts() == {"sent": len(refs)}
    assert counted("sent") - sent_before == len(refs)
    assert counted("failed") - failed_before >= 2 * len(refs)


def test_after_its_limit_a_message_is_listed_failed_and_an_admin_retries_it(
    world: World,
) -> None:
    from typer.testing import CliRunner

    from hub.cli.app import app

    port = free_port()
    notifier = world.notifier(port, retry=Retry(2, 0.05, 0.1))
    world.refer("a")
    with running(notifier):
        wait_until(lambda: len(world.store.failed()) == 1)
    cli = CliRunner()
    listed = cli.invoke(
        app, ["notifications", "failed", "--data-dir", str(world.settings.data_dir)]
    )
    assert listed.exit_code == 0, listed.output
    assert "1 failed" in listed.output and "ConnectionRefuse" in listed.output
    with smtp_server(port) as (_, box):
        again = cli.invoke(
            app, ["notifications", "retry", "--data-dir", str(world.settings.data_dir)]
        )
        assert again.exit_code == 0 and "1 to be sent again" in again.output
        notifier.deliver()
        assert box.count() == 1
    assert world.store.failed() == []
    unknown = cli.invoke(
        app, ["notifications", "retry", "nope", "--data-dir", str(world.settings.data_dir)]
    )
    assert unknown.exit_code == 1 and "no failed notification nope" in unknown.output


def _working_days_before(calendar: WorkCalendar, day: date, n: int) -> date:
    while n:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def _next(calendar: WorkCalendar, day: date, working: bool) -> date:
    day += timedelta(days=1)
    while calendar.is_working_day(day) != working:
        day += timedelta(days=1)
    return day


def test_amber_and_red_fire_once_on_working_days_whatever_the_clock(
    world: World, tmp_path: Path
) -> None:
    calendar = WorkCalendar()
    policy = SlaPolicy(calendar=calendar)
    referral = world.refer("b")
    views = open_store(str(tmp_path / "views.sqlite"))
    follow(world.hub, views, [Referrals, CaseFiles, FallThrough])
    due = date.fromisoformat(world.hub.get_referral(referral)["due_on"])
    amber_day = _working_days_before(calendar, due, 2)
    holiday_after = _next(calendar, due, working=False)  # red, but nobody works that day
    red_day = _next(calendar, holiday_after, working=True)
    today = [amber_day]

    def notifier() -> Notifier:
        return world.notifier(
            None,
            watch=lambda d: watch_list(views, today=d, policy=policy),
            is_working_day=calendar.is_working_day,
            today=lambda: today[0],
        )

    def told() -> Counter[tuple[str, str]]:
        found: Counter[tuple[str, str]] = Counter()
        for staff, user in world.users.items():
            for item in world.store.items_of(user):
                found[(staff, item.trigger)] += 1
        return found

    first = notifier()
    assert first.check_time() == 1
    assert told() == Counter({("b-worker", "deadline-amber"): 1})
    assert first.check_time() == 0
    today[0] = holiday_after
    assert first.check_time() == 0
    today[0] = red_day
    assert first.check_time() == 3
    assert told() == Counter(
        {
            ("b-worker", "deadline-amber"): 1,
            ("b-worker", "deadline-red"): 1,
            ("b-head", "escalation"): 1,  # the head of the agency it binds
            ("gov-head", "escalation"): 1,  # and of its superior, the escalation target
        }
    )
    for day in (amber_day, red_day, _next(calendar, red_day, working=True)):
        today[0] = day  # the clock set back, then forward again, then a day later
        assert notifier().check_time() == 0  # and a restarted notifier too
    assert sum(told().values()) == 4
    items = world.store.items_of(world.users["gov-head"])
    assert items[0].params["deadline"] == due.isoformat()
    assert items[0].params["referral_id"] == str(referral)
    views.close()


def test_an_officials_preferences_choose_triggers_channels_and_language(
    world: World,
) -> None:
    worker = world.users["a-worker"]
    world.store.set_prefs(
        worker,
        {
            "email": address("a-worker"),
            "lang": "en",
            "channels": ["email"],
            "triggers": ["referral-answered"],
        },
    )
    world.refer("a")  # an arrival, which a-worker does not want
    world.store.set_prefs(world.users["b-worker"], {"email": address("b-worker"), "lang": "en"})
    world.refer("b")
    with smtp_server() as (port, box), webhook_relay() as (url, relay):
        with running(world.notifier(port, url)):
            wait_until(lambda: box.count() >= 1 and relay.count() >= 1)
            time.sleep(0.5)
        assert [m["To"] for m in box.messages] == [address("b-worker")]
        assert "answer by" in box.bodies()[0]
        assert [r["user_id"] for r in relay.received] == [world.users["b-worker"]]
    assert world.store.items_of(worker) == []


def test_quiet_hours_hold_messages_and_a_digest_sends_one_a_day(world: World) -> None:
    from datetime import datetime

    from hub.notify.notifier import CHINA

    worker = world.users["a-worker"]
    now = [datetime(2026, 12, 2, 23, 0, tzinfo=CHINA).timestamp()]
    world.store.set_prefs(
        worker,
        {"email": address("a-worker"), "quiet_hours": {"start": "22:00", "end": "07:00"}},
    )
    b_worker = world.users["b-worker"]
    world.store.set_prefs(b_worker, {"email": address("b-worker"), "digest": True})
    world.refer("a")
    world.refer("b")
    world.refer("b")
    with smtp_server() as (port, box):
        notifier = world.notifier(port, clock=lambda: now[0], digest_hour=8)
        notifier.apply(list(world.hub.recorder.select_notifications(1, 1000)))
        assert notifier.deliver() == 0  # 23:00: a-worker is in quiet hours, b waits for 8:00
        now[0] = datetime(2026, 12, 3, 7, 30, tzinfo=CHINA).timestamp()
        assert notifier.deliver() == 1 and box.to(address("a-worker"))
        now[0] = datetime(2026, 12, 3, 8, 0, tzinfo=CHINA).timestamp()
        assert notifier.deliver() == 1
        digest = box.to(address("b-worker"))
        assert len(digest) == 1 and "每日汇总：2条通知" in str(digest[0]["Subject"])
        assert notifier.deliver() == 0
    assert len(world.store.items_of(b_worker)) == 2


def test_nothing_is_sent_without_a_channel(world: World) -> None:
    world.refer("a")
    notifier = world.notifier(None)
    notifier.apply(list(world.hub.recorder.select_notifications(1, 1000)))
    assert notifier.deliver() == 0
    assert len(world.store.items_of(world.users["a-worker"])) == 1


def test_a_withdrawal_tells_only_of_referrals_that_relied_on_that_consent(world: World) -> None:
    hub, ids = world.hub, world.ids
    person = world.person()  # with a consent to the whole network
    on_consent = world.refer("a", person)
    on_basis = hub.refer(
        requester_id=ids["p"],
        recipient_id=ids["b"],
        person_id=person,
        reason=REASON,
        services=["medical-aid"],
        legal_basis="《人民检察院开展国家司法救助工作细则》第五条",
        invoked_by="检察长",
    )
    closed = world.refer("a", person)
    hub.answer_referral(closed, ids["a"], "reject", reason="不符合条件")
    hub.withdraw_consent(person, by_agency=None, reason="本人撤回")
    notifier = world.notifier(None)
    notifier.apply(list(hub.recorder.select_notifications(1, 10_000)))
    withdrawn = [
        i.params["referral_id"]
        for user in world.users.values()
        for i in world.store.items_of(user)
        if i.trigger == "consent-withdrawn"
    ]
    assert sorted(withdrawn) == [str(on_consent)] * 2  # its requester and its recipient
    assert str(on_basis) not in withdrawn and str(closed) not in withdrawn
