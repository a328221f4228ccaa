"""Finding things (on both logs): a procuratorate's case list by stage, officer and decision
deadline, page by page; a look-up by ID number that refuses a malformed one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.integration.api.conftest import Api, assert_problem, id_number


def cases_of(api: Api, query: str, who: str = "p") -> list[dict[str, Any]]:
    response = api.get(who, f"/cases{query}")
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def all_pages(api: Api, query: str, limit: int = 2) -> list[str]:
    ids, cursor = [], None
    while True:
        sep = "&" if "?" in query else "?"
        page = api.get(
            "p", f"/cases{query}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        )
        assert page.status_code == 200, page.text
        ids += [c["id"] for c in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return ids


def test_a_procuratorate_finds_its_cases_by_stage_officer_and_deadline(api: Api) -> None:
    """The officers of a case are the officials who acted on it (from their credentials); a
    machine token or a body's on-behalf-of note names none."""
    received = api.case("p")
    inquired = api.case("p")
    zhang = api.as_official("p", "case_officer", "检察官张某")
    api.ok(zhang, f"/cases/{inquired}/inquiry", {"on_behalf_of": "检察官王某", "notes": "询问"})
    listed = {c["id"]: c for c in cases_of(api, "")}
    assert {received, inquired} <= set(listed)
    assert (listed[received]["officers"], listed[inquired]["officers"]) == ([], ["检察官张某"])
    due = date.fromisoformat(listed[received]["decision_due_on"])
    today = date.fromisoformat(listed[received]["received_on"])
    assert today + timedelta(days=10) <= due <= today + timedelta(days=30)  # 10 working days
    assert inquired in {c["id"] for c in cases_of(api, "?stage=inquired")}
    assert received not in {c["id"] for c in cases_of(api, "?stage=inquired")}
    assert [c["id"] for c in cases_of(api, "?officer=检察官张某")] == [inquired]
    assert cases_of(api, "?officer=nobody") == cases_of(api, "?officer=检察官王某") == []
    assert received in {c["id"] for c in cases_of(api, f"?due_before={due.isoformat()}")}
    earlier = (due - timedelta(days=1)).isoformat()
    assert received not in {c["id"] for c in cases_of(api, f"?due_before={earlier}")}
    # page by page, the same cases in the same order, once each
    assert all_pages(api, "") == [c["id"] for c in cases_of(api, "?limit=200")]


def test_bad_filters_are_422(api: Api) -> None:
    for query in ("?stage=lost", "?limit=0", "?limit=201", "?cursor=-1", "?due_before=2026-13-01"):
        assert_problem(api.get("p", f"/cases{query}"), 422, "validation")
    other = api.get("ca", f"/cases?procuratorate_id={api.ids['p']}")
    assert_problem(other, 403, "forbidden")


def test_a_look_up_by_a_malformed_or_unchecked_number_is_422(api: Api) -> None:
    assert_problem(api.post("p", "/lookups/persons", {"id_number": "123"}), 422, "validation")
    number = id_number()
    wrong = number[:17] + ("0" if number[-1] != "0" else "1")
    assert_problem(
        api.post("p", "/lookups/persons", {"id_number": wrong}), 422, "id-number-invalid"
    )


def test_the_registering_agency_finds_her_by_number(api: Api) -> None:
    number = id_number()
    person = api.ok("p", "/persons", {"id_number": number, "name": "查找测试"})["id"]
    found = api.post("p", "/lookups/persons", {"id_number": number.lower()})
    assert found.status_code == 200 and found.json()["id"] == person
    assert found.json()["name"] == "查找测试"
    assert number not in api.client.get("/openapi.json").text
