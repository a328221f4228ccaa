"""The SLA board's pages and counts and a box's counts, held against the whole watch list and
against :func:`~projections.deadlines.deadline` row by row; per view store.

The views are filled from generated events (:func:`tests.support.view_events.
synthetic_history`: referrals and cases over 2025 in every county, some left open), and
read as of days when some are amber and some red. The test module that subclasses it provides
the fixture ``stores`` (see ``views_case.py``).
"""

from __future__ import annotations

from datetime import date
from itertools import islice
from typing import Any

import pytest

from projections.case_files import CaseFiles
from projections.deadlines import SlaPolicy, deadline
from projections.referrals import Referrals, box_counts
from projections.sla import watch_list
from projections.sla_board import watch_page
from projections.store import ViewStore
from tests.integration.projections.stores import StoreMaker
from tests.support.view_events import synthetic_history

DAYS = (date(2025, 5, 6), date(2025, 10, 9), date(2025, 12, 29), date(2026, 1, 15))


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
