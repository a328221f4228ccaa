"""An agency's region code has the length of its level."""

from __future__ import annotations

import pytest

from domain.agency import Agency
from domain.errors import InvalidValue


@pytest.mark.parametrize(
    ("level", "code"),
    [
        ("autonomous-region", "6540"),
        ("prefecture", "65"),
        ("county", "6540"),
        ("prefecture", "654025"),
    ],
)
def test_region_code_must_match_level(level: str, code: str) -> None:
    with pytest.raises(InvalidValue, match="digit region code"):
        Agency.register(
            name="某单位",
            kind="enterprise",
            level=level,
            region_code=code,
            services=["donation"],
            response_days=5,
        )
