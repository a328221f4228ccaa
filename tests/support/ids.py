"""Resident ID numbers for test data, with a correct GB 11643 check character.

Every ID number in the tests and the demo is invented; these helpers make them well formed, so
that the hub's check (``domain.values.check_id_number``) accepts them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from domain.values import id_check_digit

RNG = random.Random()


def with_check(body: str) -> str:
    """The 17 digits ``body`` with their check character appended."""
    return body + id_check_digit(body)


def numbered(i: int, region: str = "659001") -> str:
    """The ``i``-th of a series of distinct well-formed ID numbers (for bulk test data)."""
    born = date(1950, 1, 1) + timedelta(days=i // 1000)
    return with_check(f"{region}{born:%Y%m%d}{i % 1000:03d}")


def id_number(region: str = "659001", born: date | None = None, sequence: int | None = None) -> str:
    """A well-formed ID number; a random birth date and sequence unless given."""
    born = born or date(1950, 1, 1) + timedelta(days=RNG.randrange(60 * 365))
    seq = RNG.randrange(1000) if sequence is None else sequence
    return with_check(f"{region}{born:%Y%m%d}{seq:03d}")
