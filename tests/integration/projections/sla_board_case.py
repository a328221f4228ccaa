"""The SLA board's pages and counts and a box's counts, held against the whole watch list and
against :func:`~projections.deadlines.deadline` row by row; per view store.

The views are filled from generated events (:func:`tests.support.view_events.
synthetic_history`: referrals and cases over 2025 in every county, some left open), and
read as of days when some are amber and some red. The test module that subclasses it provides
the fixture ``stores`` (see ``views_case.py``). A box's tallies are held against its rows
after random histories of requests and status changes.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from domain.referral import TRANSITIONS, ReferralStatus
from projections.case_files import CaseFiles
from projections.deadlines import SlaPolicy, deadline
from projections.referrals import OPEN, Referrals, box_counts
from projections.sla import watch_list
from projections.sla_board import watch_page
from projections.store import ViewStore
from tests.integration.projections.stores import StoreMaker
from tests.support import view_events as ev
from tests.support.view_events import synthetic_history

DAYS = (date(2025, 5, 6), date(2025, 10, 9), date(2025, 12, 29), date(2026, 1, 15))
AGENCIES = [UUID(int=i) for i in range(1, 4)]
T0 = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)

# a step of a history: ("request", requester, recipient, days after T0 due) or ("change",
# which referral, which of its allowed next statuses); indexes taken modulo what exists
steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("request"),
            st.sampled_from(AGENCIES),
            st.sampled_from(AGENCIES),
            st.integers(0, 20),
        ),
        st.tuples(st.just("change"), st.integers(0, 50), st.integers(0, 4)),
    ),
    max_size=40,
)


def history(plan: list[tuple[Any, ...]]) -> list[Any]:
    """The events of ``plan``: requests and status changes the domain allows."""
    events: list[Any] = []
    referrals: list[tuple[UUID, UUID, list[str]]] = []  # id, recipient, statuses so far
    for step in plan:
        at = T0 + timedelta(hours=len(events))
        if step[0] == "request":
            _, requester, recipient, days = step
            referrals.append((uuid4(), recipient, ["requested"]))
            due = T0.date() + timedelta(days=days)
            events.append(ev.requested(referrals[-1][0], requester, recipient, uuid4(), at, due))
            continue
        if not referrals:
            continue
        rid, recipient, statuses = referrals[step[1] % len(referrals)]
        allowed = sorted(s.value for s in TRANSITIONS[ReferralStatus(statuses[-1])])
        if allowed:
            statuses.append(allowed[step[2] % len(allowed)])
            events.append(ev.status(rid, len(statuses), at, statuses[-1], recipient))
    return events


class SlaBoardCase:
    @pytest.fixture(scope="class")
    @classmethod
    def generated(cls, stores: StoreMaker) -> ViewStore:
        store = stores().store
        views = []
        for view_class in (Referrals, CaseFiles):
            version = store.add_version(view_class.name, view_class.code_version, "building")
            view = view_class(store, version)
            view.create_tables()
            views.append(view)
        events = iter(synthetic_history(3000, 600))
        position = 0
        while batch := list(islice(events, 2000)):
            numbered = list(enumerate(batch, start=position + 1))
            position += len(batch)
            for view in views:
                view.apply_batch(numbered, position)
        for view in views:
            store.activate(view.name, view.version)
        return store

    @pytest.fixture(scope="class")
    @classmethod
    def tally_store(cls, stores: StoreMaker) -> ViewStore:
        """One store for every example of the tallies' test (each builds a version of its own)."""
        return stores().store

    @pytest.mark.parametrize("region", ["65", "6540", "654003"])
    def test_the_pages_are_the_watch_list_in_slices_with_its_counts(
        self, generated: ViewStore, region: str
    ) -> None:
        for today in DAYS:
            whole = watch_list(generated, today=today, region_code=region)
            items = whole["items"]
            if region == "65":  # the test sees both colours, and cases as well as referrals
                assert whole["counts"]["red"] > 50 and whole["counts"]["amber"] > 0, today
            for limit in (1, 37, 200):
                pages = []
                for offset in range(0, len(items) + limit, limit):
                    page = watch_page(
                        generated, today=today, region_code=region, limit=limit, offset=offset
                    )
                    assert page["counts"] == whole["counts"], (today, offset)
                    assert page["total"] == len(items)
                    pages += page["items"]
                    if offset > 3 * limit and limit == 1:
                        pages += items[offset + 1 :]  # one item a page: the first few suffice
                        break
                assert pages == items, (today, limit)

    def test_a_page_for_one_agency_and_a_policy_of_its_own(self, generated: ViewStore) -> None:
        policy = SlaPolicy(amber_days=4, completion_days=15, decision_days=8)
        today = DAYS[2]
        whole = watch_list(generated, today=today, policy=policy)
        agency = next(i["recipient"]["id"] for i in whole["items"] if i["kind"] == "referral")
        mine = watch_list(generated, today=today, policy=policy, agency_id=agency)
        page = watch_page(generated, today=today, policy=policy, agency_id=agency, limit=500)
        assert page["items"] == mine["items"] and page["counts"] == mine["counts"]
        everything = watch_page(generated, today=today, policy=policy, limit=500, offset=0)
        assert everything["items"] == whole["items"][:500]
        assert everything["total"] == len(whole["items"])

    def test_a_box_counts_what_deadline_colours(self, generated: ViewStore) -> None:
        policy = SlaPolicy()
        view = Referrals(generated, generated.active_version("referrals")[0])  # type: ignore[index]
        rows = view.read("SELECT requester_id, recipient_id, status, due_on FROM {referrals}")
        agencies = sorted({r["recipient_id"] for r in rows})[:5]
        agencies += sorted({r["requester_id"] for r in rows})[:5]
        for today in DAYS:
            for agency in agencies:
                for box, side in (("inbox", "recipient_id"), ("outbox", "requester_id")):
                    expected: dict[str, int] = {"new": 0, "soon": 0, "overdue": 0}
                    for r in rows:
                        if r[side] != agency:
                            continue
                        due = deadline(r["status"], date.fromisoformat(r["due_on"]), today, policy)
                        expected["new"] += r["status"] == "requested"
                        expected["soon"] += bool(due and due.level == "amber")
                        expected["overdue"] += bool(due and due.level == "red")
                    found: dict[str, Any] = box_counts(generated, box, agency, today, policy)
                    assert found == expected, (today, agency, box)

    def test_the_box_tallies_are_the_counts_of_the_rows(self, tally_store: ViewStore) -> None:
        # random requests and status changes, applied in batches of ``batch`` events: each
        # tally cell holds the number of the box's open referrals of its status and due date,
        # and a box's counts are what deadline() colours its rows (Hypothesis runs a function
        # of this test's own: the case is subclassed once per store)
        @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(plan=steps, batch=st.integers(1, 7))
        @example(  # cells filled, then emptied (received, then rejected): they stay at 0
            plan=[("request", AGENCIES[0], AGENCIES[1], 3), ("change", 0, 2), ("change", 0, 2)],
            batch=1,
        )
        def check(plan: list[tuple[Any, ...]], batch: int) -> None:
            tallies_match_rows(tally_store, history(plan), batch)

        check()


def tallies_match_rows(store: ViewStore, events: list[Any], batch: int) -> None:
    """Builds a version of the referrals view from ``events``, ``batch`` a transaction, and
    holds its tallies and its boxes' counts against its rows; then drops it."""
    version = store.add_version(Referrals.name, Referrals.code_version, "building")
    view = Referrals(store, version)
    view.create_tables()
    try:
        for start in range(0, len(events), batch):
            chunk = events[start : start + batch]
            view.apply_batch(list(enumerate(chunk, start=start + 1)), start + len(chunk))
        store.activate(Referrals.name, version)
        rows = view.read("SELECT requester_id, recipient_id, status, due_on FROM {referrals}")
        expected: Counter[tuple[str, str, str, str]] = Counter()
        for r in rows:
            if r["status"] in OPEN:
                expected["outbox", r["requester_id"], r["status"], r["due_on"]] += 1
                expected["inbox", r["recipient_id"], r["status"], r["due_on"]] += 1
        cells = {
            (c["side"], c["agency_id"], c["status"], c["due_on"]): int(c["n"])
            for c in view.read("SELECT side, agency_id, status, due_on, n FROM {box_tallies}")
        }
        assert {k: n for k, n in cells.items() if n != 0} == dict(expected)
        assert all(n >= 0 for n in cells.values())
        for r in rows:  # each was counted when requested: its cells stay, maybe at 0
            assert ("outbox", r["requester_id"], "requested", r["due_on"]) in cells
            assert ("inbox", r["recipient_id"], "requested", r["due_on"]) in cells
        policy = SlaPolicy()
        for today in (T0.date() + timedelta(days=d) for d in (0, 2, 9, 25)):
            for agency in map(str, AGENCIES):
                for box, side in (("inbox", "recipient_id"), ("outbox", "requester_id")):
                    want = {"new": 0, "soon": 0, "overdue": 0}
                    for r in rows:
                        if r[side] != agency:
                            continue
                        on = date.fromisoformat(r["due_on"])
                        due = deadline(r["status"], on, today, policy)
                        want["new"] += r["status"] == "requested"
                        want["soon"] += bool(due and due.level == "amber")
                        want["overdue"] += bool(due and due.level == "red")
                    found = box_counts(store, box, agency, today, policy)
                    assert found == want, (today, agency, box)
    finally:
        view.drop_tables()
