"""Shared values: codes, money in fen, text, and the stable rule codes of the errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from domain import errors
from domain.errors import DomainError, InvalidValue
from domain.values import AgencyKind, check_fen, parse, require_text


def test_parse_returns_the_member_or_lists_the_codes() -> None:
    assert parse(AgencyKind, "enterprise", "kind") is AgencyKind.ENTERPRISE
    with pytest.raises(InvalidValue) as info:
        parse(AgencyKind, "ENTERPRISE", "kind")
    assert "kind 'ENTERPRISE' is not one of: procuratorate" in str(info.value)


@pytest.mark.parametrize("amount", [1.0, Decimal(1), True, False, "100", None, -1, 0])
def test_money_is_positive_integer_fen(amount: Any) -> None:
    with pytest.raises(InvalidValue):
        check_fen(amount, "amount")


def test_zero_fen_only_when_allowed() -> None:
    assert check_fen(0, "amount", allow_zero=True) == 0
    assert check_fen(1, "amount") == 1
    with pytest.raises(InvalidValue):
        check_fen(-1, "amount", allow_zero=True)


def test_text_is_required_and_trimmed() -> None:
    assert require_text("  周某 ", "name") == "周某"
    for blank in (None, "", " \t\n"):
        with pytest.raises(InvalidValue):
            require_text(blank, "name")


def test_every_rule_has_its_own_stable_code_and_title() -> None:
    classes = [
        c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, DomainError)
    ]
    codes = [c.rule for c in classes]
    assert len(codes) == len(set(codes))
    for cls in classes:
        assert cls.rule == cls.rule.lower() and " " not in cls.rule
        assert cls.title
    error = errors.StepOutOfOrder("review needs an inquiry")
    assert (error.rule, error.message, str(error)) == (
        "case-step-out-of-order",
        "review needs an inquiry",
        "review needs an inquiry",
    )
