"""Referrals: consent, the two sides, reasons, outcomes, terminal statuses, re-referral."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import (
    ConsentRequired,
    DomainError,
    InvalidValue,
    NotParty,
    ReasonRequired,
    TransitionNotAllowed,
    WrongSide,
)
from domain.referral import TRANSITIONS
from domain.values import FINAL_STATUSES, ReferralStatus
from tests.unit.domain.support import (
    RECIPIENT,
    REFERRAL_PATHS,
    REQUESTER,
    SUCCESS,
    THIRD,
    assert_rebuilds,
    new_referral,
    referral_at,
    refused,
    set_status,
)

STATUSES = [s.value for s in ReferralStatus]
#: who sets each status (Gravity SDOH referral guide); "requested" is set by request()
OWNER = {
    "received": {"recipient"},
    "accepted": {"recipient"},
    "rejected": {"recipient"},
    "in-progress": {"recipient"},
    "on-hold": {"recipient"},
    "completed": {"recipient"},
    "failed": {"recipient"},
    "cancelled": {"requester", "recipient"},
}
TERMINAL = {"rejected", "completed", "failed", "cancelled"}
#: the FHIR Task lifecycle as the hub uses it, written out to pin domain.referral.TRANSITIONS
EXPECTED_MOVES = {
    "requested": {"received", "accepted", "rejected", "cancelled"},
    "received": {"accepted", "rejected", "cancelled"},
    "accepted": {"in-progress", "on-hold", "completed", "failed", "cancelled"},
    "in-progress": {"on-hold", "completed", "failed", "cancelled"},
    "on-hold": {"in-progress", "failed", "cancelled"},
    **{status: set() for status in TERMINAL},
}


# --- creating a referral -----------------------------------------------------------------


def test_a_new_referral_is_requested_and_replays() -> None:
    referral = new_referral(services=["medical-aid", "temporary-aid", "medical-aid"])
    assert referral.status == "requested"
    assert referral.services == ["medical-aid", "temporary-aid"]
    assert referral.party(REQUESTER) == "requester"
    assert referral.party(RECIPIENT) == "recipient"
    assert referral.party(THIRD) is None
    assert_rebuilds(referral)


def test_without_consent_a_referral_needs_a_legal_basis_and_who_invoked_it() -> None:
    for basis, invoker in [
        (None, None),
        ("", "chief procurator"),
        (" ", "chief procurator"),
        ("Art. 5", None),
        ("Art. 5", "  "),
    ]:
        with pytest.raises(ConsentRequired) as info:
            new_referral(consent=False, legal_basis=basis, invoked_by=invoker)
        assert info.value.rule == "consent-required"
    referral = new_referral(
        consent=False, legal_basis="细则第五条 (Art. 5)", invoked_by="chief procurator"
    )
    assert (referral.consent, referral.legal_basis) == (False, "细则第五条 (Art. 5)")


def test_with_consent_no_legal_basis_is_recorded() -> None:
    referral = new_referral(consent=True, legal_basis="Art. 5", invoked_by="someone")
    assert (referral.legal_basis, referral.invoked_by) == (None, None)


@pytest.mark.parametrize(
    "overrides",
    [
        {"recipient_id": REQUESTER},
        {"services": []},
        {"services": ["a-pony"]},
        {"direction": "sideways"},
        {"reason": "  "},
        {"on_behalf_of": "某" * 201},
        {"on_behalf_of": 7},
    ],
)
def test_a_referral_request_is_validated(overrides: dict[str, Any]) -> None:
    with pytest.raises(InvalidValue):
        new_referral(**overrides)


@pytest.mark.parametrize("direction", ["inbound", "outbound", "lateral"])
def test_each_direction_is_accepted(direction: str) -> None:
    assert new_referral(direction=direction).direction == direction


# --- the state machine -------------------------------------------------------------------


def test_terminal_statuses_have_no_way_out() -> None:
    assert {s.value for s in FINAL_STATUSES} == TERMINAL
    for status in TERMINAL:
        assert not TRANSITIONS[ReferralStatus(status)]
        assert ReferralStatus(status).is_final


def test_the_transition_table_follows_the_fhir_task_lifecycle() -> None:
    assert {a.value: {b.value for b in t} for a, t in TRANSITIONS.items()} == EXPECTED_MOVES
    allowed = {(a.value, b.value) for a, targets in TRANSITIONS.items() for b in targets}
    # The closed loop of scenario 7 and the usual detours.
    for edge in [
        ("requested", "received"),
        ("received", "accepted"),
        ("accepted", "in-progress"),
        ("in-progress", "completed"),
        ("in-progress", "on-hold"),
        ("on-hold", "in-progress"),
        ("requested", "rejected"),
        ("received", "rejected"),
        ("in-progress", "failed"),
        ("requested", "cancelled"),
        ("in-progress", "cancelled"),
    ]:
        assert edge in allowed, edge
    # Nothing is completed that was never accepted; nothing goes back to requested.
    for edge in [
        ("requested", "completed"),
        ("received", "completed"),
        ("requested", "in-progress"),
        ("received", "failed"),
    ]:
        assert edge not in allowed, edge
    assert all(b != "requested" for _, b in allowed)
    assert set(TRANSITIONS) == set(ReferralStatus)


@pytest.mark.parametrize("start", list(REFERRAL_PATHS))
@pytest.mark.parametrize("to", STATUSES)
def test_every_status_change_from_every_status(start: str, to: str) -> None:
    """Each (from, to) pair for each side: done if allowed, else the named error."""
    for side in ("requester", "recipient"):
        referral = referral_at(start)
        if side not in OWNER.get(to, {"requester"}):
            error: type[DomainError] | None = WrongSide
        elif to not in EXPECTED_MOVES[start]:
            error = TransitionNotAllowed
        else:
            error = None
        if error is None:
            set_status(referral, to, side)
            assert referral.status == to
            assert_rebuilds(referral)
        else:
            with refused(referral, error):
                set_status(referral, to, side)


@pytest.mark.parametrize("to", STATUSES)
def test_a_third_agency_is_not_a_party(to: str) -> None:
    referral = referral_at("accepted")
    with refused(referral, NotParty) as info:
        referral.change_status(
            to, by_agency=THIRD, on_behalf_of="outsider", reason="because", outcome=SUCCESS
        )
    assert info.value.rule == "not-party"


@pytest.mark.parametrize(
    ("start", "to", "side"),
    [
        ("requested", "rejected", RECIPIENT),
        ("accepted", "on-hold", RECIPIENT),
        ("accepted", "failed", RECIPIENT),
        ("received", "cancelled", REQUESTER),
        ("in-progress", "cancelled", RECIPIENT),
    ],
)
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_rejected_on_hold_failed_and_cancelled_need_a_reason(
    start: str, to: str, side: Any, reason: str | None
) -> None:
    referral = referral_at(start)
    with refused(referral, ReasonRequired) as info:
        referral.change_status(to, by_agency=side, on_behalf_of="officer", reason=reason)
    assert info.value.rule == "reason-required"
    referral.change_status(
        to, by_agency=side, on_behalf_of="officer", reason="  no capacity this month "
    )
    event = referral.collect_events()[-1]
    assert vars(event)["reason"] == "no capacity this month"


def test_other_statuses_need_no_reason() -> None:
    referral = referral_at("requested")
    for to in ("received", "accepted", "in-progress"):
        referral.change_status(to, by_agency=RECIPIENT, on_behalf_of="officer")
    assert referral.status == "in-progress"


def test_a_status_changes_note_is_optional_bounded_and_blank_is_none() -> None:
    """Who acted is the stamp of the credentials; the step's on-behalf-of note is optional."""
    referral = referral_at("requested")
    with refused(referral, InvalidValue):
        referral.change_status("received", by_agency=RECIPIENT, on_behalf_of="某" * 201)
    referral.change_status("received", by_agency=RECIPIENT, on_behalf_of=" ")
    referral.change_status("accepted", by_agency=RECIPIENT, on_behalf_of=" 张某 ")
    received, accepted = referral.collect_events()[-2:]
    assert (received.on_behalf_of, accepted.on_behalf_of) == (None, "张某")


def test_an_unknown_status_is_invalid() -> None:
    referral = referral_at("requested")
    with refused(referral, InvalidValue):
        referral.change_status("draft", by_agency=REQUESTER, on_behalf_of="officer")
