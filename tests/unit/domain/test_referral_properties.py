"""Property: any sequence of status changes either follows the rules or is refused whole.

The oracle below is written from the issue and the Gravity guide (who owns each status, which
statuses need a reason, what completion records) with the transition graph of
``domain.referral.TRANSITIONS``; the checks apply in the order party, side, transition,
reason, outcome.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import (
    DomainError,
    InvalidValue,
    NotParty,
    ReasonRequired,
    TransitionNotAllowed,
    WrongSide,
)
from domain.referral import TRANSITIONS
from domain.values import ReferralStatus
from tests.unit.domain.support import SIDES, assert_rebuilds, new_referral, refused

RECIPIENT_OWNS = {
    "received",
    "accepted",
    "rejected",
    "in-progress",
    "on-hold",
    "completed",
    "failed",
}
EITHER_OWNS = {"cancelled"}
NEEDS_REASON = {"rejected", "on-hold", "failed", "cancelled"}

OUTCOMES: dict[str, dict[str, Any] | None] = {
    "none": None,
    "success": {"successful": True, "provisions": []},
    "failure-with-reason": {"successful": False, "reason": "left the region"},
    "failure-without-reason": {"successful": False},
    "float-money": {
        "successful": True,
        "provisions": [{"kind": "money", "amount_fen": 10.5, "provider": "x"}],
    },
}

ANY_STATUS = [s.value for s in ReferralStatus]
# Weighted towards changes that can succeed, so that long lifecycles are explored too.
SIDE = st.sampled_from(["recipient"] * 4 + ["requester", "third"])
REASON = st.sampled_from(["a reason"] * 3 + [None, ""])
OUTCOME = st.sampled_from(["none"] * 3 + ["success"] * 3 + sorted(OUTCOMES))


def next_target(data: st.DataObject, status: str) -> str:
    allowed = sorted(t.value for t in TRANSITIONS[ReferralStatus(status)])
    prefer_allowed: bool = data.draw(st.booleans())
    if allowed and prefer_allowed:
        return data.draw(st.sampled_from(allowed))
    return data.draw(st.sampled_from(ANY_STATUS))


def expected_error(
    status: str, to: str, side: str, reason: str | None, outcome: str
) -> type[DomainError] | None:
    if side == "third":
        return NotParty
    if to not in EITHER_OWNS and (side == "recipient") != (to in RECIPIENT_OWNS):
        return WrongSide
    if ReferralStatus(to) not in TRANSITIONS[ReferralStatus(status)]:
        return TransitionNotAllowed
    if to in NEEDS_REASON and not reason:
        return ReasonRequired
    if to == "completed":
        if outcome == "none" or outcome == "float-money":
            return InvalidValue
        if outcome == "failure-without-reason":
            return ReasonRequired
    elif outcome != "none":
        return InvalidValue
    return None


@settings(max_examples=300)
@given(st.data(), st.integers(min_value=0, max_value=15))
def test_status_changes_follow_the_rules_or_change_nothing(
    data: st.DataObject, length: int
) -> None:
    referral = new_referral()
    status = "requested"
    history = [status]
    for _ in range(length):
        to = next_target(data, status)
        side, reason, outcome = data.draw(SIDE), data.draw(REASON), data.draw(OUTCOME)
        error = expected_error(status, to, side, reason, outcome)

        change = partial(
            referral.change_status,
            to,
            by_agency=SIDES[side],
            on_behalf_of=f"{side} officer",
            reason=reason,
            outcome=OUTCOMES[outcome],
        )
        if error is None:
            change()
            status = to
            history.append(status)
        else:
            with refused(referral, error):
                change()
        assert referral.status == status
    assert referral.version == len(history)
    events = assert_rebuilds(referral)
    assert [getattr(e, "status", "requested") for e in events] == history
