"""The bounds of ``domain.values``, held by the aggregates themselves (the CLI and the reply
applier enter values without the API): amounts, dates, counts, text and list lengths."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from domain.case import AidCase
from domain.errors import InvalidValue
from domain.mechanism import LinkageMechanism
from domain.referral import Referral, check_outcome
from domain.values import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_AMOUNT_FEN,
    MAX_ITEMS,
    MAX_MONTHS,
    MAX_SHORT_TEXT,
    MAX_TEXT,
    check_count,
    check_date,
    check_fen,
    check_items,
    check_length,
    require_text,
)
from tests.unit.domain.support import submit


def test_amounts_stop_at_one_hundred_million_yuan() -> None:
    assert MAX_AMOUNT_FEN == 100_000_000 * 100
    assert check_fen(MAX_AMOUNT_FEN, "amount") == MAX_AMOUNT_FEN
    for over in (MAX_AMOUNT_FEN + 1, 2**63, 10**30):
        with pytest.raises(InvalidValue, match="at most 10000000000 fen"):
            check_fen(over, "amount")


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1948, 12, 31), date(2101, 1, 1)])
def test_dates_outside_the_window_are_refused(day: date) -> None:
    with pytest.raises(InvalidValue, match="between 1949-01-01 and 2100-12-31"):
        check_date(day, "paid on")


def test_dates_at_the_edges_and_only_dates() -> None:
    assert check_date(EARLIEST_DATE, "d") == EARLIEST_DATE
    assert check_date(LATEST_DATE, "d") == LATEST_DATE
    with pytest.raises(InvalidValue):
        check_date("2026-01-01", "d")  # type: ignore[arg-type]


def test_counts_text_and_lists() -> None:
    assert check_count(MAX_MONTHS, "months", low=1, high=MAX_MONTHS) == MAX_MONTHS
    for bad in (0, MAX_MONTHS + 1, True, 1.0):
        with pytest.raises(InvalidValue):
            check_count(bad, "months", low=1, high=MAX_MONTHS)  # type: ignore[arg-type]
    assert require_text("x" * MAX_TEXT, "notes") == "x" * MAX_TEXT
    with pytest.raises(InvalidValue, match=f"at most {MAX_TEXT} characters"):
        require_text("x" * (MAX_TEXT + 1), "notes")
    with pytest.raises(InvalidValue, match=f"at most {MAX_SHORT_TEXT} characters"):
        require_text("x" * (MAX_SHORT_TEXT + 1), "actor", limit=MAX_SHORT_TEXT)
    with pytest.raises(InvalidValue):
        require_text(42, "actor")  # type: ignore[arg-type]
    assert check_length(None, "notes") is None
    with pytest.raises(InvalidValue):
        check_length("x" * (MAX_TEXT + 1), "notes")
    with pytest.raises(InvalidValue, match=f"at most {MAX_ITEMS} entries"):
        check_items([1] * (MAX_ITEMS + 1), "services")


def case_at_submission() -> AidCase:
    case = AidCase.receive(
        procuratorate_id=uuid4(),
        person_id=uuid4(),
        source="applicant",
        summary="困难",
        received_on=date(2026, 1, 5),
    )
    case.record_inquiry("询问", date(2026, 1, 6), on_behalf_of="检察官")
    case.review(
        situation="serious-injury-unpaid",
        refusal_ground=None,
        notes="符合",
        reviewed_on=date(2026, 1, 7),
    )
    submit(case, 300_000)
    return case


def test_an_aid_case_holds_the_bounds_without_the_api() -> None:
    with pytest.raises(InvalidValue):
        AidCase.receive(
            procuratorate_id=uuid4(),
            person_id=uuid4(),
            source="applicant",
            summary="困难",
            received_on=date(9999, 12, 31),
        )
    case = case_at_submission()
    version = case.version
    attempts: list[Any] = [
        lambda: case.grant(
            amount_fen=MAX_AMOUNT_FEN + 1,
            months=36,
            average_monthly_wage_fen=MAX_AMOUNT_FEN,
            strict_review=True,
            approved_by="chief-procurator-meeting",
            decided_on=date.today(),
        ),
        lambda: case.grant(
            amount_fen=300_000,
            months=MAX_MONTHS + 1,
            average_monthly_wage_fen=10_000,
            strict_review=True,
            approved_by="x",
            decided_on=date(2026, 1, 9),
        ),
        lambda: case.grant(
            amount_fen=300_000,
            months=36,
            average_monthly_wage_fen=10_000,
            strict_review=False,
            approved_by="人" * 201,
            decided_on=date(2026, 1, 9),
        ),
        lambda: case.grant(
            amount_fen=300_000,
            months=36,
            average_monthly_wage_fen=10_000,
            strict_review=False,
            approved_by="x",
            decided_on=date(1, 1, 1),
        ),
    ]
    for attempt in attempts:
        with pytest.raises(InvalidValue):
            attempt()
    assert case.version == version  # nothing recorded


def test_a_referral_outcome_and_answer_hold_the_bounds() -> None:
    money = {"kind": "money", "amount_fen": 10**30, "provider": "企业"}
    with pytest.raises(InvalidValue, match="at most"):
        check_outcome({"successful": True, "provisions": [money]})
    many = [{"kind": "job", "provider": "企业"}] * (MAX_ITEMS + 1)
    with pytest.raises(InvalidValue, match="entries"):
        check_outcome({"successful": True, "provisions": many})
    with pytest.raises(InvalidValue):
        check_outcome({"successful": False, "reason": "x" * (MAX_TEXT + 1)})
    requester, recipient = uuid4(), uuid4()
    referral = Referral.request(
        requester_id=requester,
        recipient_id=recipient,
        direction="outbound",
        person_id=uuid4(),
        case_id=None,
        reason="困难",
        services=["medical-aid"],
        due_on=date(2026, 1, 12),
        consent=True,
        legal_basis=None,
        invoked_by=None,
        on_behalf_of="承办人",
    )
    with pytest.raises(InvalidValue):
        referral.change_status(
            "rejected", by_agency=recipient, on_behalf_of="经办人", reason="x" * (MAX_TEXT + 1)
        )
    with pytest.raises(InvalidValue, match="a reason is text"):
        referral.change_status("rejected", by_agency=recipient, on_behalf_of="经办人", reason=["x"])  # type: ignore[arg-type]
    assert referral.version == 1


def test_a_mechanism_holds_the_bounds() -> None:
    lead = uuid4()
    with pytest.raises(InvalidValue):
        LinkageMechanism.sign(
            name="机制",
            region_code="654025",
            lead_agency_id=lead,
            signed_on=date(1900, 1, 1),
            members={lead: "牵头"},
        )
    mechanism = LinkageMechanism.sign(
        name="机制",
        region_code="654025",
        lead_agency_id=lead,
        signed_on=date(2022, 3, 1),
        members={lead: "牵头"},
    )
    with pytest.raises(InvalidValue):
        mechanism.join(uuid4(), "职责", date(2200, 1, 1))
