"""The procedure as the rules say it: who applies, the hearing's officers, the matter (案号),
advance relief (先行救助), the funds' arrival and the notice, the damages cap."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.case import CHIEF_MEETING, Stage
from domain.errors import (
    AdvanceNotAllowed,
    InvalidValue,
    MatterAlreadyRelieved,
    OverDamages,
    OverDisbursement,
    StepOutOfOrder,
)
from domain.matter import ReliefMatter, normalise_matter
from tests.unit.domain.support import (
    DAY,
    PROPOSED_FEN,
    WAGE_FEN,
    assert_rebuilds,
    case_at,
    new_case,
    refused,
    submit,
)

officers = [{"name": f"听证员{n}", "role": "人民监督员", "view": "同意"} for n in range(3)]


def submitted(advance_fen: int = 0, proposed: int = PROPOSED_FEN) -> object:
    case = new_case()
    if advance_fen:
        case.pay_advance(advance_fen, "urgent-treatment-unaffordable", "重伤急需手术", DAY)
    case.record_inquiry("询问", DAY, on_behalf_of="检察官")
    case.review(
        situation="serious-injury-unpaid", refusal_ground=None, notes="符合", reviewed_on=DAY
    )
    submit(case, proposed)  # proposed by the case officer, approved by the chief procurator
    return case


def test_the_applicant_relation_is_recorded_before_a_decision() -> None:
    case = new_case(applicant_relation=None)
    case.record_inquiry("询问", DAY, on_behalf_of="检察官")
    case.review(
        situation="serious-injury-unpaid", refusal_ground=None, notes="符合", reviewed_on=DAY
    )
    submit(case, 100_000)
    with refused(case, InvalidValue):
        case.grant(
            amount_fen=100_000,
            months=36,
            average_monthly_wage_fen=WAGE_FEN,
            strict_review=False,
            approved_by=CHIEF_MEETING,
            decided_on=DAY,
        )
    with pytest.raises(InvalidValue):
        new_case(applicant_relation="neighbour")


def test_the_inquiry_may_record_who_applies() -> None:
    case = new_case(applicant_relation=None)
    case.record_inquiry("询问", DAY, applicant_relation="close-relative", on_behalf_of="检察官")
    assert case.applicant_relation == "close-relative"
    assert_rebuilds(case)


def test_a_hearing_usually_has_three_officers_fewer_with_a_reason() -> None:
    case = case_at("reviewed-eligible")
    with refused(case, InvalidValue) as info:
        case.hold_hearing(officers[:2], DAY)
    assert "3" in info.value.message
    case.hold_hearing(officers[:2], DAY, fewer_officers_reason="一名听证员因病缺席")
    (*_, held) = assert_rebuilds(case)
    assert held.fewer_officers_reason == "一名听证员因病缺席"


def test_three_officers_need_no_reason_and_record_none() -> None:
    case = case_at("reviewed-eligible")
    case.hold_hearing(officers, DAY, fewer_officers_reason="不需要")
    (*_, held) = assert_rebuilds(case)
    assert held.fewer_officers_reason is None


@given(
    st.integers(min_value=1, max_value=36 * WAGE_FEN),
    st.integers(min_value=1, max_value=36 * WAGE_FEN),
)
def test_a_grant_never_exceeds_the_damages_awarded(amount: int, damages: int) -> None:
    case = submitted()
    if amount > damages:
        with refused(case, OverDamages):
            case.grant(
                amount_fen=amount,
                months=36,
                average_monthly_wage_fen=WAGE_FEN,
                strict_review=False,
                approved_by=CHIEF_MEETING,
                decided_on=DAY,
                damages_fen=damages,
            )
    else:
        case.grant(
            amount_fen=amount,
            months=36,
            average_monthly_wage_fen=WAGE_FEN,
            strict_review=False,
            approved_by=CHIEF_MEETING,
            decided_on=DAY,
            damages_fen=damages,
        )
        assert case.granted_fen == amount


def test_advance_relief_is_paid_before_the_decision_only() -> None:
    case = case_at("granted")
    with refused(case, AdvanceNotAllowed):
        case.pay_advance(100_000, "life-threatened", "危及生命", DAY)
    ineligible = case_at("reviewed-ineligible")
    with refused(ineligible, AdvanceNotAllowed):
        ineligible.pay_advance(100_000, "life-threatened", "危及生命", DAY)
    with pytest.raises(InvalidValue):
        new_case().pay_advance(100_000, "poor", "不急", DAY)


@given(
    st.integers(min_value=1, max_value=10 * WAGE_FEN),
    st.integers(min_value=1, max_value=10 * WAGE_FEN),
)
def test_the_grant_reconciles_the_advance(advance: int, amount: int) -> None:
    """The grant counts what was advanced; the rest is disbursed; an advance larger than the
    grant is recorded as the excess to recover."""
    case = submitted(advance_fen=advance)
    case.grant(
        amount_fen=amount,
        months=36,
        average_monthly_wage_fen=WAGE_FEN,
        strict_review=False,
        approved_by=CHIEF_MEETING,
        decided_on=DAY,
    )
    assert case.disbursed_fen == advance  # the money paid, an excess included
    assert case.advance_excess_fen == max(0, advance - amount)
    rest = max(0, amount - advance)
    if rest:
        assert case.stage == Stage.GRANTED
        with refused(case, OverDisbursement):
            case.disburse(rest + 1, DAY)
        case.disburse(rest, DAY)
    assert case.stage == Stage.DISBURSED
    with refused(case, OverDisbursement):
        case.disburse(1, DAY)
    events = assert_rebuilds(case)
    granted = next(e for e in events if type(e).__name__ == "ReliefGranted")
    assert (granted.advanced_fen, granted.advance_excess_fen) == (advance, max(0, advance - amount))


def test_a_refusal_after_an_advance_records_it_to_recover() -> None:
    case = new_case()
    case.pay_advance(50_000, "life-threatened", "危及生命", DAY)
    case.record_inquiry("询问", DAY, on_behalf_of="检察官")
    case.review(
        situation=None, refusal_ground="applicant-at-fault", notes="本人有重大过错", reviewed_on=DAY
    )
    case.refuse("applicant-at-fault", "本人有重大过错", DAY)
    (*_, refusal) = assert_rebuilds(case)
    assert refusal.advance_to_recover_fen == 50_000


def test_the_applicant_is_told_after_the_funds_arrive() -> None:
    case = case_at("granted")
    with refused(case, StepOutOfOrder):
        case.notify_applicant(DAY, "电话")
    case.record_funds_arrived(DAY)
    with refused(case, StepOutOfOrder):
        case.record_funds_arrived(DAY)
    case.notify_applicant(DAY + timedelta(days=1), "电话通知")
    with refused(case, StepOutOfOrder):
        case.notify_applicant(DAY + timedelta(days=1), "电话")
    assert (case.funds_arrived_on, case.notified_on) == (DAY, DAY + timedelta(days=1))
    assert_rebuilds(case)


def test_the_matter_is_named_once_before_the_decision() -> None:
    case = new_case()
    case.name_matter("（2021）新4003刑初12号")
    with refused(case, InvalidValue):
        case.name_matter("（2021）新4003刑初13号")
    granted = case_at("granted")
    with refused(granted, StepOutOfOrder):
        granted.name_matter("（2021）新4003刑初12号")


def test_one_relief_per_person_and_matter() -> None:
    person = uuid4()
    matter = ReliefMatter.open(person_id=person, matter_number="（2021）新4003刑初12号")
    first, second = uuid4(), uuid4()
    matter.count_grant(first, 100_000, None)
    with refused(matter, MatterAlreadyRelieved) as info:
        matter.count_grant(second, 100_000, None)
    assert info.value.rule == "one-relief-per-matter"
    with refused(matter, MatterAlreadyRelieved):
        matter.count_grant(second, 100_000, "   ")
    matter.count_grant(second, 50_000, "因同一案件出现新的重大困难，经检察长批准再次救助")
    events = assert_rebuilds(matter)
    assert [e.exception for e in events[1:]] == [
        None,
        "因同一案件出现新的重大困难，经检察长批准再次救助",
    ]


def test_a_matter_is_the_same_however_its_brackets_are_typed() -> None:
    person = uuid4()
    assert ReliefMatter.id_for(person, "（2021）新4003刑初12号") == ReliefMatter.id_for(
        person, "(2021) 新4003刑初12号"
    )
    assert ReliefMatter.id_for(person, "（2021）新4003刑初12号") != ReliefMatter.id_for(
        uuid4(), "（2021）新4003刑初12号"
    )
    assert normalise_matter("〔2021〕 新 4003") == "(2021)新4003"
