"""Referrals: the outcome recorded on completion, and re-referral of a rejected one."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from domain.errors import InvalidValue, NotParty, ReasonRequired, ReReferralNotAllowed, WrongSide
from tests.unit.domain.support import (
    PERSONAL_FIELDS,
    RECIPIENT,
    REFERRAL_PATHS,
    REQUESTER,
    SUCCESS,
    THIRD,
    assert_rebuilds,
    new_referral,
    referral_at,
    refused,
)

# --- outcomes ----------------------------------------------------------------------------


def test_completing_records_the_outcome() -> None:
    referral = referral_at("in-progress")
    outcome = {
        "successful": True,
        "provisions": [
            {"kind": "money", "amount_fen": 1_500_000, "provider": "construction company"},
            {"kind": "job", "provider": "property company", "description": "near home"},
        ],
    }
    referral.change_status(
        "completed", by_agency=RECIPIENT, on_behalf_of="officer", outcome=outcome
    )
    assert referral.outcome == {
        "successful": True,
        "reason": None,
        "provisions": [
            {
                "kind": "money",
                "amount_fen": 1_500_000,
                "provider": "construction company",
                "description": "",
            },
            {
                "kind": "job",
                "amount_fen": None,
                "provider": "property company",
                "description": "near home",
            },
        ],
    }
    assert_rebuilds(referral)


def test_completing_without_an_outcome_is_refused() -> None:
    referral = referral_at("in-progress")
    with refused(referral, InvalidValue):
        referral.change_status("completed", by_agency=RECIPIENT, on_behalf_of="officer")


def test_only_completion_records_an_outcome() -> None:
    referral = referral_at("in-progress")
    with refused(referral, InvalidValue):
        referral.change_status(
            "failed", by_agency=RECIPIENT, on_behalf_of="officer", reason="moved", outcome=SUCCESS
        )


def test_an_unsuccessful_outcome_needs_a_reason() -> None:
    referral = referral_at("in-progress")
    with refused(referral, ReasonRequired):
        referral.change_status(
            "completed", by_agency=RECIPIENT, on_behalf_of="officer", outcome={"successful": False}
        )
    referral.change_status(
        "completed",
        by_agency=RECIPIENT,
        on_behalf_of="officer",
        outcome={"successful": False, "reason": "did not meet the income test"},
    )
    assert referral.outcome is not None and referral.outcome["successful"] is False


@pytest.mark.parametrize(
    "outcome",
    [
        {},
        {"successful": "yes"},
        {"successful": 1},
        {"successful": True, "provisions": [{"kind": "pony", "provider": "x"}]},
        {"successful": True, "provisions": [{"kind": "job", "provider": " "}]},
        {"successful": True, "provisions": [{"kind": "job"}]},
        {"successful": True, "provisions": [{"kind": "money", "provider": "x"}]},
        {
            "successful": True,
            "provisions": [{"kind": "money", "amount_fen": 100.5, "provider": "x"}],
        },
        {
            "successful": True,
            "provisions": [{"kind": "money", "amount_fen": 100.0, "provider": "x"}],
        },
        {"successful": True, "provisions": [{"kind": "loan", "amount_fen": -1, "provider": "x"}]},
        {"successful": True, "provisions": [{"kind": "loan", "amount_fen": True, "provider": "x"}]},
        {"successful": True, "provisions": ["money"]},
        {"successful": True, "provisions": "money"},
    ],
)
def test_outcomes_and_provisions_are_validated(outcome: dict[str, Any]) -> None:
    referral = referral_at("in-progress")
    with refused(referral, InvalidValue):
        referral.change_status(
            "completed", by_agency=RECIPIENT, on_behalf_of="officer", outcome=outcome
        )


@pytest.mark.parametrize("kind", ["money", "job", "counselling", "loan", "allowance"])
def test_each_kind_of_provision_the_issue_names_is_known(kind: str) -> None:
    referral = referral_at("in-progress")
    provision = {"kind": kind, "amount_fen": 100, "provider": "p"}
    referral.change_status(
        "completed",
        by_agency=RECIPIENT,
        on_behalf_of="o",
        outcome={"successful": True, "provisions": [provision]},
    )
    assert referral.outcome is not None
    assert referral.outcome["provisions"][0]["kind"] == kind


# --- re-referral -------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["rejected", "failed"])
def test_a_rejected_or_failed_referral_is_re_referred_by_its_requester_once(status: str) -> None:
    referral = referral_at(status)
    first, second = uuid4(), uuid4()
    referral.mark_re_referred(first, REQUESTER, "prosecutor")
    assert referral.re_referred_to == first
    assert referral.status == status
    with refused(referral, ReReferralNotAllowed) as info:
        referral.mark_re_referred(second, REQUESTER, "prosecutor")
    assert info.value.rule == "re-referral-not-allowed"
    assert_rebuilds(referral)


@pytest.mark.parametrize("status", sorted(set(REFERRAL_PATHS) - {"rejected", "failed"}))
def test_only_a_rejected_or_failed_referral_can_be_re_referred(status: str) -> None:
    referral = referral_at(status)
    with refused(referral, ReReferralNotAllowed):
        referral.mark_re_referred(uuid4(), REQUESTER, "prosecutor")


def test_the_recipient_does_not_re_refer_and_a_third_agency_is_not_a_party() -> None:
    referral = referral_at("rejected")
    with refused(referral, WrongSide):
        referral.mark_re_referred(uuid4(), RECIPIENT, "officer")
    with refused(referral, NotParty):
        referral.mark_re_referred(uuid4(), THIRD, "officer")


def test_a_re_referral_points_back_to_the_rejected_one() -> None:
    old = referral_at("rejected")
    new = new_referral(recipient_id=THIRD, re_referral_of=old.id)
    old.mark_re_referred(new.id, REQUESTER, "prosecutor")
    assert (new.re_referral_of, old.re_referred_to) == (old.id, new.id)


def test_referral_events_carry_no_personal_data() -> None:
    referral = referral_at("completed")
    for event in referral.collect_events():
        assert not PERSONAL_FIELDS & set(vars(event)), type(event).__name__
