"""ID numbers (身份证号, GB 11643): form, a real birth date, the ISO 7064 MOD 11-2 check."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import IdNumberInvalid, InvalidValue
from domain.values import check_id_number, id_check_digit
from tests.support.ids import with_check

#: the national standard's own examples (GB 11643-1999)
KNOWN = ["11010519491231002X", "440524188001010014"]

births = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))
regions = st.sampled_from(["110105", "654025", "654003", "652328", "659001"])
sequences = st.integers(min_value=0, max_value=999)


@pytest.mark.parametrize("number", KNOWN)
def test_known_numbers_pass(number: str) -> None:
    assert check_id_number(number) == number


def test_a_lower_case_x_is_read_as_x_and_spaces_around_are_dropped() -> None:
    assert check_id_number(" 11010519491231002x ") == "11010519491231002X"


@given(regions, births, sequences)
def test_every_number_made_with_its_check_character_passes(
    region: str, born: date, seq: int
) -> None:
    number = with_check(f"{region}{born:%Y%m%d}{seq:03d}")
    assert check_id_number(number) == number


@given(regions, births, sequences, st.sampled_from("0123456789X"))
def test_any_other_check_character_is_refused(
    region: str, born: date, seq: int, wrong: str
) -> None:
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    if wrong == id_check_digit(body):
        return
    with pytest.raises(IdNumberInvalid) as info:
        check_id_number(body + wrong)
    assert "check character" in info.value.message
    assert body not in info.value.message  # the number is never echoed


@given(regions, births, sequences, st.integers(min_value=0, max_value=16), st.integers(1, 9))
def test_one_changed_digit_is_caught(
    region: str, born: date, seq: int, position: int, delta: int
) -> None:
    number = with_check(f"{region}{born:%Y%m%d}{seq:03d}")
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    with pytest.raises(IdNumberInvalid):
        check_id_number(changed)


@pytest.mark.parametrize(
    "born", ["19901301", "19900230", "19900001", "19900100", "20230229", "17991231"]
)
def test_a_birth_date_that_is_not_a_date_is_refused_even_with_a_right_check(born: str) -> None:
    with pytest.raises(IdNumberInvalid) as info:
        check_id_number(with_check(f"654025{born}001"))
    assert "birth date" in info.value.message


def test_a_leap_day_is_a_date() -> None:
    number = with_check("654025" + "20000229" + "001")
    assert check_id_number(number) == number


@pytest.mark.parametrize(
    "number",
    ["", "6540251990010100", "65402519900101001XX", "X54025199001010011", "6540251990010100Y1"],
)
def test_the_form_is_seventeen_digits_and_a_check_character(number: str) -> None:
    with pytest.raises(IdNumberInvalid) as info:
        check_id_number(number)
    assert info.value.rule == "id-number-invalid"
    assert isinstance(info.value, InvalidValue)


def test_full_width_digits_are_refused() -> None:
    with pytest.raises(IdNumberInvalid):
        check_id_number("６５４０２５" + "199001010011")


def test_dates_right_around_a_month_end() -> None:
    day = date(1999, 12, 31)
    assert check_id_number(with_check(f"654025{day:%Y%m%d}001"))
    later = day + timedelta(days=1)
    assert check_id_number(with_check(f"654025{later:%Y%m%d}001"))
