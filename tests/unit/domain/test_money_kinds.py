"""Money kinds: grants and donations add up to aid; loans and in-kind help are listed apart."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from domain.values import AID_KINDS, MAX_AMOUNT_FEN, ProvisionKind, money_totals

provisions = st.lists(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from([k.value for k in ProvisionKind]),
            "amount_fen": st.none() | st.integers(min_value=1, max_value=MAX_AMOUNT_FEN),
        }
    ),
    max_size=20,
)


def test_wangs_student_loan_is_not_aid() -> None:
    """王某: 20,000 yuan judicial relief, a 5,000 yuan donation, an 8,000 yuan student loan."""
    given_to_her = [
        {"kind": "money", "amount_fen": 500_000},
        {"kind": "counselling", "amount_fen": None},
        {"kind": "loan", "amount_fen": 800_000},
        {"kind": "job", "amount_fen": None},
    ]
    totals = money_totals(2_000_000, given_to_her)
    assert totals["aid_fen"] == totals["all_amount_fen"] == 2_500_000
    assert totals["social_aid_fen"] == totals["social_amount_fen"] == 500_000
    assert totals["loans_fen"] == 800_000
    assert totals["in_kind_fen"] == 0
    assert "loan" in totals["adds_up"]["loans_fen"] and "not aid" in totals["adds_up"]["loans_fen"]


def test_a_grant_of_social_relief_is_aid_and_in_kind_help_is_apart() -> None:
    totals = money_totals(
        0, [{"kind": "allowance", "amount_fen": 800_000}, {"kind": "in-kind", "amount_fen": 30_000}]
    )
    assert (totals["aid_fen"], totals["in_kind_fen"]) == (800_000, 30_000)


@given(st.integers(min_value=0, max_value=MAX_AMOUNT_FEN), provisions)
def test_each_amount_is_counted_once_in_the_total_of_its_kind(
    judicial: int, given_: list[dict[str, Any]]
) -> None:
    totals = money_totals(judicial, given_)
    every = sum(p["amount_fen"] or 0 for p in given_)
    services = sum(
        p["amount_fen"] or 0
        for p in given_
        if p["kind"] not in AID_KINDS | {ProvisionKind.LOAN, ProvisionKind.IN_KIND}
    )
    assert (
        totals["social_aid_fen"] + totals["loans_fen"] + totals["in_kind_fen"] + services == every
    )
    assert totals["aid_fen"] == judicial + totals["social_aid_fen"]
    assert set(totals["adds_up"]) == set(totals) - {"adds_up"}
