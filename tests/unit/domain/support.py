"""Helpers for the domain unit tests: replaying events, checking an aggregate is unchanged,
and builders that bring a case or a referral to a given stage by its public commands."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate

from domain.acting import Actor
from domain.case import CHIEF_MEETING, AidCase
from domain.errors import DomainError
from domain.referral import Referral

A = TypeVar("A", bound=Aggregate)

PERSONAL_FIELDS = {"id_number", "name", "contact", "health", "family"}
DAY = date(2026, 3, 2)
WAGE_FEN = 800_000  # an average monthly wage of 8,000 yuan


def state(aggregate: Aggregate) -> dict[str, Any]:
    """The aggregate's attributes, without the list of events not yet collected."""
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def replay(events: list[Any]) -> Any:
    """Rebuilds an aggregate from its events, as the repository does."""
    rebuilt = None
    for event in events:
        rebuilt = event.mutate(rebuilt)
    return rebuilt


def assert_rebuilds(aggregate: A) -> list[Any]:
    """Collects the aggregate's events, replays them and compares; returns the events."""
    events = list(aggregate.collect_events())
    rebuilt = replay(events)
    assert type(rebuilt) is type(aggregate)
    assert state(rebuilt) == state(aggregate)
    return events


@contextmanager
def refused(aggregate: Aggregate, error: type[DomainError]) -> Iterator[pytest.ExceptionInfo[Any]]:
    """Expects ``error`` and that the aggregate neither changed nor recorded an event."""
    before = copy.deepcopy(state(aggregate))
    pending = len(aggregate._pending_events)
    with pytest.raises(error) as info:
        yield info
    assert type(info.value) is error, f"{type(info.value).__name__}: {info.value}"
    assert state(aggregate) == before
    assert len(aggregate._pending_events) == pending


# --- aid cases ---------------------------------------------------------------------------

PROCURATORATE = uuid4()
PERSON = uuid4()


def new_case(**overrides: Any) -> AidCase:
    fields: dict[str, Any] = {
        "procuratorate_id": PROCURATORATE,
        "person_id": PERSON,
        "source": "applicant",
        "summary": "traffic accident, damages not obtainable",
        "received_on": DAY,
        "applicant_relation": "victim",
    }
    fields.update(overrides)
    return AidCase.receive(**fields)


def inquire(case: AidCase) -> None:
    case.record_inquiry("household visited", DAY, on_behalf_of="officer Li")


def review_eligible(case: AidCase) -> None:
    case.review(
        situation="tort-damages-unobtainable",
        refusal_ground=None,
        notes="wife and son injured",
        reviewed_on=DAY,
    )


def review_ineligible(case: AidCase) -> None:
    case.review(
        situation=None,
        refusal_ground="hardship-not-caused-by-case",
        notes="illness unrelated to the case",
        reviewed_on=DAY,
    )


def hear(case: AidCase) -> None:
    officers = [
        {"name": f"officer {n}", "role": "people's supervisor", "view": "support"} for n in range(3)
    ]
    case.hold_hearing(officers, DAY)


def official(name: str, *roles: str) -> Actor:
    """A signed-in official of the procuratorate, as the hub stamps them."""
    return Actor(
        kind="user", user_id=f"user-{name}", agency_id=str(PROCURATORATE), name=name, roles=[*roles]
    )


OFFICER = official("承办检察官", "case_officer")
HEAD = official("部门负责人", "department_head")
CHIEF = official("检察长", "chief_procurator")
#: what the submitted stage proposes: enough for every grant the tests make
PROPOSED_FEN = 48 * WAGE_FEN


def propose(case: AidCase, proposed_fen: int = PROPOSED_FEN) -> None:
    case.submit_for_approval(proposed_fen, "case officer", DAY, OFFICER)


def submit(case: AidCase, proposed_fen: int = PROPOSED_FEN) -> None:
    """Proposed by the case officer; the chief procurator's meeting and the strict review held
    and approving; approved by the chief procurator (so every grant within it may be decided)."""
    propose(case, proposed_fen)
    for meeting in ("chief-procurator-meeting", "strict-review"):
        case.record_meeting(meeting, DAY, [CHIEF, HEAD], "approved", None, OFFICER)
    case.decide_approval(True, None, DAY, CHIEF)


def grant(case: AidCase, amount_fen: int = 3_000_000) -> None:
    case.grant(
        amount_fen=amount_fen,
        months=36,
        average_monthly_wage_fen=WAGE_FEN,
        strict_review=False,
        approved_by=CHIEF_MEETING,
        decided_on=DAY,
    )


def refuse(case: AidCase) -> None:
    case.refuse("hardship-not-caused-by-case", "referred to medical insurance", DAY)


def disburse_part(case: AidCase) -> None:
    case.disburse(1_000_000, DAY, None)


def disburse_all(case: AidCase) -> None:
    case.disburse(case.granted_fen - case.disbursed_fen, DAY, "joint ceremony")


def close(case: AidCase) -> None:
    """Closes the case; the person was referred on where a refusal asks it (细则第五条)."""
    case.close("relief delivered", DAY, referred_on=True)


CASE_PATHS: dict[str, list[Callable[[AidCase], None]]] = {
    "received": [],
    "inquired": [inquire],
    "reviewed-eligible": [inquire, review_eligible],
    "reviewed-ineligible": [inquire, review_ineligible],
    "heard": [inquire, review_eligible, hear],
    "submitted": [inquire, review_eligible, hear, submit],
    "granted": [inquire, review_eligible, hear, submit, grant],
    "partly-disbursed": [inquire, review_eligible, hear, submit, grant, disburse_part],
    "disbursed": [inquire, review_eligible, hear, submit, grant, disburse_all],
    "refused-after-review": [inquire, review_ineligible, refuse],
    "refused-after-hearing": [inquire, review_eligible, hear, refuse],
    "closed-after-grant": [inquire, review_eligible, hear, submit, grant, disburse_all, close],
    "closed-after-refusal": [inquire, review_ineligible, refuse, close],
}


def case_at(path: str) -> AidCase:
    case = new_case()
    for step in CASE_PATHS[path]:
        step(case)
    return case


# --- referrals ---------------------------------------------------------------------------

REQUESTER = uuid4()
RECIPIENT = uuid4()
THIRD = uuid4()


def new_referral(**overrides: Any) -> Referral:
    fields: dict[str, Any] = {
        "requester_id": REQUESTER,
        "recipient_id": RECIPIENT,
        "direction": "outbound",
        "person_id": PERSON,
        "case_id": None,
        "reason": "qualifies for medical aid, not for judicial relief",
        "services": ["medical-aid"],
        "due_on": date(2026, 3, 9),
        "consent": True,
        "legal_basis": None,
        "invoked_by": None,
        "on_behalf_of": "prosecutor Wang",
    }
    fields.update(overrides)
    return Referral.request(**fields)


SUCCESS = {
    "successful": True,
    "provisions": [
        {"kind": "allowance", "amount_fen": 800_000, "provider": "medical insurance bureau"}
    ],
}

#: how a referral reaches each status: (status, acting side) in order
REFERRAL_PATHS: dict[str, list[tuple[str, str]]] = {
    "requested": [],
    "received": [("received", "recipient")],
    "accepted": [("received", "recipient"), ("accepted", "recipient")],
    "in-progress": [("accepted", "recipient"), ("in-progress", "recipient")],
    "on-hold": [("accepted", "recipient"), ("on-hold", "recipient")],
    "completed": [("accepted", "recipient"), ("completed", "recipient")],
    "failed": [("accepted", "recipient"), ("failed", "recipient")],
    "rejected": [("rejected", "recipient")],
    "cancelled": [("cancelled", "requester")],
}

SIDES: dict[str, UUID] = {"requester": REQUESTER, "recipient": RECIPIENT, "third": THIRD}


def set_status(referral: Referral, status: str, side: str) -> None:
    referral.change_status(
        status,
        by_agency=SIDES[side],
        on_behalf_of=f"{side} officer",
        reason="a stated reason",
        outcome=SUCCESS if status == "completed" else None,
    )


def referral_at(status: str) -> Referral:
    referral = new_referral()
    for to, side in REFERRAL_PATHS[status]:
        set_status(referral, to, side)
    assert referral.status == status
    return referral
