"""Bounded values over HTTP: amounts, dates, text and list lengths, refused with 422 and
nothing appended; values at the bounds accepted; the OpenAPI document states the same bounds.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.values import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_AMOUNT_FEN,
    MAX_ITEMS,
    MAX_POSITION,
    MAX_SHORT_TEXT,
    MAX_TEXT,
)
from tests.integration.api.conftest import Api, assert_problem


def refused(api: Api, who: str, path: str, body: Any) -> dict[str, Any]:
    before = api.log_position()
    problem = assert_problem(api.post(who, path, body), 422, "validation")
    assert api.log_position() == before, "a refused request wrote to the log"
    return problem


def referral(api: Api, **change: Any) -> dict[str, Any]:
    return {
        "recipient_id": api.ids["ca"],
        "person_id": api.person("p"),
        "reason": "生活困难",
        "services": ["temporary-aid"],
        "on_behalf_of": "承办人",
        **change,
    }


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1948-12-31", "2101-01-01"])
def test_dates_outside_the_window_are_refused(api: Api, day: str) -> None:
    """The finding: ``requested_on: 9999-12-31`` answered 500 in text/plain, year 1 passed."""
    problem = refused(api, "p", "/referrals", referral(api, requested_on=day))
    assert problem["errors"][0]["loc"] == ["body", "requested_on"]
    case_id = api.case("p")
    refused(
        api, "p", f"/cases/{case_id}/inquiry", {"on_behalf_of": "x", "notes": "x", "held_on": day}
    )


def test_dates_at_the_window_edges_pass_validation_and_meet_the_business_date_rules(
    api: Api,
) -> None:
    """Inside the window a date is no longer a validation error: the earliest is too far back
    for a business date, the latest in the future; each answered by the rule it breaks."""
    person_id = api.person("p")
    consent = api.consent_to_all(valid_from=EARLIEST_DATE.isoformat())
    api.ok("p", f"/persons/{person_id}/consent", consent)
    cases = [
        (
            referral(
                api, person_id=person_id, requested_on=day.isoformat(), backdate_reason="补录"
            ),
            rule,
        )
        for day, rule in (
            (EARLIEST_DATE, "backdate-too-far"),
            (LATEST_DATE, "business-date-in-future"),
        )
    ]
    before = api.log_position()
    for body, rule in cases:
        assert_problem(api.post("p", "/referrals", body), 422, rule)
    assert api.log_position() == before


def test_amounts_above_the_ceiling_are_refused(api: Api) -> None:
    case_id = api.case("p")
    for over in (MAX_AMOUNT_FEN + 1, 10**30):
        refused(api, "p", f"/cases/{case_id}/disbursements", {"amount_fen": over})
    referral_id = api.referral("p", "ent", services=["donation"])
    api.ok("ent", f"/referrals/{referral_id}/accept", {"on_behalf_of": "经办人"})
    provision = {"kind": "money", "amount_fen": MAX_AMOUNT_FEN + 1, "provider": "企业"}
    body = {"on_behalf_of": "经办人", "outcome": {"successful": True, "provisions": [provision]}}
    refused(api, "ent", f"/referrals/{referral_id}/complete", body)
    provision["amount_fen"] = MAX_AMOUNT_FEN
    assert api.post("ent", f"/referrals/{referral_id}/complete", body).status_code == 200


def test_text_and_lists_beyond_their_lengths_are_refused(api: Api) -> None:
    refused(api, "p", "/referrals", referral(api, reason="因" * (MAX_TEXT + 1)))
    refused(api, "p", "/referrals", referral(api, on_behalf_of="人" * (MAX_SHORT_TEXT + 1)))
    refused(api, "p", "/referrals", referral(api, services=["temporary-aid"] * (MAX_ITEMS + 1)))
    refused(api, "p", "/referrals", referral(api, reason="   "))


def test_an_unexpected_error_answers_problem_json_with_no_detail_of_the_cause(api: Api) -> None:
    """Whatever fails inside, the answer is ``application/problem+json`` (and logged)."""

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("boom: 张三 110101199003077774")

    hub = api.services.hub
    original = hub.agency_referrals
    hub.agency_referrals = broken
    try:
        response = api.get("p", f"/agencies/{api.ids['p']}/referrals")
    finally:
        hub.agency_referrals = original
    body = assert_problem(response, 500, "unexpected")
    assert "张三" not in response.text and "boom" not in body["detail"]


def test_the_openapi_document_states_the_bounds_the_server_enforces(api: Api) -> None:
    document = api.client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    fen = schemas["DisbursementCreate"]["properties"]["amount_fen"]
    assert fen["maximum"] == MAX_AMOUNT_FEN and fen["exclusiveMinimum"] == 0
    reason = schemas["ReferralCreate"]["properties"]["reason"]
    assert reason["maxLength"] == MAX_TEXT
    day = schemas["ReferralCreate"]["properties"]["requested_on"]["anyOf"][0]
    assert (day["formatMinimum"], day["formatMaximum"]) == (
        EARLIEST_DATE.isoformat(),
        LATEST_DATE.isoformat(),
    )
    assert schemas["ReferralCreate"]["properties"]["services"]["maxItems"] == MAX_ITEMS
    # every refusal of every operation is a problem, not FastAPI's own validation error
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert list(answer["content"]) == ["application/problem+json"], (
                        method,
                        path,
                        status,
                    )
            if path != "/health":
                assert {"401", "403", "500"} <= set(operation["responses"]), (method, path)
            if "requestBody" in operation:
                assert {"413", "422"} <= set(operation["responses"]), (method, path)
    assert "429" in document["paths"]["/agencies/{agency_id}/feed"]["get"]["responses"]


def test_query_values_beyond_their_bounds_are_422_not_500(api: Api) -> None:
    """A feed cursor beyond 64 bits reached the database and failed there (500)."""
    feed = f"/agencies/{api.ids['p']}/feed"
    assert_problem(api.get("p", f"{feed}?after={10**30}"), 422, "validation")
    assert api.get("p", f"{feed}?after={MAX_POSITION}").json()["records"] == []
    period = "from=0001-01-01&to=9999-12-31"
    assert_problem(api.get("p", f"/statistics/regions/65?{period}"), 422, "validation")
