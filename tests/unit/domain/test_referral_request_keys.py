"""A connector's answer carries a key; the same answer applied twice changes nothing."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from domain.referral import Referral


def new_referral() -> tuple[Referral, UUID, UUID]:
    requester, recipient = uuid4(), uuid4()
    referral = Referral.request(
        requester_id=requester,
        recipient_id=recipient,
        direction="outbound",
        person_id=uuid4(),
        case_id=None,
        reason="need",
        services=["medical-aid"],
        due_on=date(2026, 12, 1),
        consent=True,
        legal_basis=None,
        invoked_by=None,
        on_behalf_of="officer",
    )
    return referral, requester, recipient


def test_same_key_applies_once() -> None:
    referral, _, recipient = new_referral()
    assert (
        referral.change_status(
            "accepted", by_agency=recipient, on_behalf_of="clerk", request_key="k1"
        )
        is True
    )
    version = referral.version
    assert (
        referral.change_status(
            "accepted", by_agency=recipient, on_behalf_of="clerk", request_key="k1"
        )
        is False
    )
    assert referral.version == version
    assert referral.status == "accepted"


def test_keys_survive_replay() -> None:
    referral, _, recipient = new_referral()
    referral.change_status("accepted", by_agency=recipient, on_behalf_of="clerk", request_key="k1")
    events = referral.collect_events()
    copy = None
    for e in events:
        copy = e.mutate(copy)
    assert copy is not None and copy.request_keys == [f"{recipient}:k1"]
    assert (
        copy.change_status("accepted", by_agency=recipient, on_behalf_of="clerk", request_key="k1")
        is False
    )


def test_without_key_a_repeat_is_a_transition_error() -> None:
    import pytest

    from domain.errors import TransitionNotAllowed

    referral, _, recipient = new_referral()
    referral.change_status("accepted", by_agency=recipient, on_behalf_of="clerk")
    with pytest.raises(TransitionNotAllowed):
        referral.change_status("accepted", by_agency=recipient, on_behalf_of="clerk")


def test_keys_are_per_agency() -> None:
    referral, requester, recipient = new_referral()
    referral.change_status(
        "accepted", by_agency=recipient, on_behalf_of="clerk", request_key="same"
    )
    assert referral.change_status(
        "cancelled", by_agency=requester, on_behalf_of="officer", reason="moved", request_key="same"
    )
    assert referral.status == "cancelled"


def test_a_third_agency_is_not_party_even_with_a_known_key() -> None:
    import pytest

    from domain.errors import NotParty

    referral, _, recipient = new_referral()
    referral.change_status("accepted", by_agency=recipient, on_behalf_of="clerk", request_key="k1")
    with pytest.raises(NotParty):
        referral.change_status(
            "accepted", by_agency=uuid4(), on_behalf_of="clerk", request_key="k1"
        )
