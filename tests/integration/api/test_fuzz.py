"""Random bodies on every kind of POST: never a server error, never a write on refusal.

Beside schemathesis (``test_schemathesis.py``, which follows the schema), hypothesis builds
JSON bodies here that mix the endpoint's real field names with values of any JSON type; each
answer must be below 500, and a refusal must be a problem that left the log as it was.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.api.conftest import PROBLEM, Api

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["2026-02-30", "00000000-0000-0000-0000-000000000000", "donation", ""])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)

FIELDS = {
    "/referrals": [
        "recipient_id",
        "person_id",
        "case_id",
        "reason",
        "services",
        "requested_by",
        "legal_basis",
        "invoked_by",
        "requested_on",
    ],
    "/persons": ["id_number", "name", "contact", "health", "family"],
    "/cases": ["person_id", "source", "summary", "received_on", "referral_id", "actor"],
    "/cases/{case}/grant": [
        "amount_fen",
        "region_code",
        "wage_year",
        "months",
        "strict_review",
        "decided_on",
    ],
    "/referrals/{referral}/complete": ["actor", "reason", "outcome"],
}


def bodies(fields: list[str]) -> st.SearchStrategy[Any]:
    known = st.dictionaries(st.sampled_from(fields), JSON, max_size=len(fields))
    return known | JSON


@pytest.fixture(scope="module")
def targets(api: Api) -> dict[str, str]:
    person_id = api.person("p")
    return {"case": api.case("p", person_id), "referral": api.referral("p", "ca", person_id)}


@pytest.mark.parametrize("path", list(FIELDS))
def test_random_bodies_never_fail_the_server(api: Api, targets: dict[str, str], path: str) -> None:
    who = "ca" if path.endswith("/complete") else "p"

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(body=bodies(FIELDS[path]))
    def check(body: Any) -> None:
        before = api.log_position()
        response = api.post(who, path.format(**targets), body)
        assert response.status_code < 500, (body, response.text)
        if response.status_code >= 400:
            assert response.headers["content-type"] == PROBLEM
            assert api.log_position() == before, body

    check()
