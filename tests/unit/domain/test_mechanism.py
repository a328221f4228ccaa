"""Linkage mechanisms (衔接机制): signing, members joining and leaving."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.errors import InvalidValue, MembershipRule
from domain.mechanism import LinkageMechanism
from tests.unit.domain.support import assert_rebuilds, refused

LEAD, COMMERCE, CIVIL, EDUCATION = uuid4(), uuid4(), uuid4(), uuid4()
SIGNED = date(2022, 1, 10)


def sign() -> LinkageMechanism:
    return LinkageMechanism.sign(
        name="新源县国家司法救助与社会救助衔接工作机制",
        region_code="654025",
        lead_agency_id=LEAD,
        signed_on=SIGNED,
        members={
            LEAD: "handles judicial relief",
            COMMERCE: "organises enterprises to give funds and jobs",
        },
    )


def test_signing_records_members_and_their_responsibilities() -> None:
    mechanism = sign()
    assert mechanism.member_ids() == [LEAD, COMMERCE]
    assert mechanism.members[str(COMMERCE)] == "organises enterprises to give funds and jobs"
    assert (mechanism.lead_agency_id, mechanism.signed_on) == (LEAD, SIGNED)
    assert_rebuilds(mechanism)


def test_the_lead_must_be_a_member() -> None:
    with pytest.raises(MembershipRule) as info:
        LinkageMechanism.sign(
            name="m",
            region_code="654025",
            lead_agency_id=LEAD,
            signed_on=SIGNED,
            members={COMMERCE: "funds"},
        )
    assert info.value.rule == "mechanism-membership"


@pytest.mark.parametrize(
    ("name", "region", "duty"), [(" ", "654025", "x"), ("m", "6540x", "x"), ("m", "654025", "")]
)
def test_signing_is_validated(name: str, region: str, duty: str) -> None:
    with pytest.raises(InvalidValue):
        LinkageMechanism.sign(
            name=name,
            region_code=region,
            lead_agency_id=LEAD,
            signed_on=SIGNED,
            members={LEAD: duty},
        )


def test_members_join_once_and_leave() -> None:
    mechanism = sign()
    mechanism.join(CIVIL, "refers minimum-allowance families", date(2022, 3, 1))
    with refused(mechanism, MembershipRule):
        mechanism.join(CIVIL, "again", date(2022, 3, 2))
    with refused(mechanism, InvalidValue):
        mechanism.join(EDUCATION, " ", date(2022, 3, 2))
    mechanism.leave(CIVIL, date(2022, 6, 1), "reorganised")
    assert CIVIL not in mechanism.member_ids()
    with refused(mechanism, MembershipRule):
        mechanism.leave(CIVIL, date(2022, 6, 2), "again")
    mechanism.join(CIVIL, "back again", date(2022, 9, 1))
    assert mechanism.members[str(CIVIL)] == "back again"
    events = assert_rebuilds(mechanism)
    assert [type(e).__name__ for e in events] == [
        "Signed",
        "MemberJoined",
        "MemberLeft",
        "MemberJoined",
    ]


def test_the_lead_cannot_leave() -> None:
    mechanism = sign()
    with refused(mechanism, MembershipRule):
        mechanism.leave(LEAD, date(2022, 6, 1), "tired")


def test_a_leaving_member_gives_a_reason() -> None:
    mechanism = sign()
    with refused(mechanism, InvalidValue):
        mechanism.leave(COMMERCE, date(2022, 6, 1), "")


def test_later_changes_do_not_alter_earlier_events() -> None:
    mechanism = sign()
    (signed,) = mechanism._pending_events
    mechanism.join(CIVIL, "refers families", date(2022, 3, 1))
    mechanism.leave(COMMERCE, date(2022, 4, 1), "reorganised")
    assert set(vars(signed)["members"]) == {str(LEAD), str(COMMERCE)}
