"""The access matrix: who reads what of a person, her case and her referrals, on each log.

One world (:func:`world`): 叶某 is registered by the procuratorate ``p`` with every detail,
who takes her consent, opens her case and refers her to civil affairs (``ca``, completed with
a grant) and to education (``wd``, whose consent she later withdraws). A justice bureau
(``req``) registers her itself, takes its own consent and refers her to an enterprise. The
Youth League (``yl``) only posts her ID number (the attack of the issue). A disabled persons'
federation (``mm``) shares a linkage mechanism with ``p`` and has no part in her affairs; an
outsider procuratorate of another county (``out``) has none either.

Each row is one relation to the person; each column one resource; each cell the status, and
for the person and her combined aid what is visible.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from projections import worker
from tests.integration.api.conftest import Api, assert_problem, id_number

YE = {"name": "叶某", "contact": "13900000005", "health": "丧亲后抑郁", "family": "子女即将上大学"}
EXTRA_AGENCIES: dict[str, dict[str, Any]] = {
    "wd": {"kind": "education", "services": ["education-aid"]},
    "req": {"kind": "justice-bureau", "services": ["counselling"]},
    "yl": {"kind": "youth-league", "services": ["student-loan"]},
    "mm": {"kind": "disabled-persons-federation", "services": ["medical-aid"]},
}
REGION = {"level": "county", "region_code": "659001"}


def add_agency(api: Api, short: str, kind: str, services: list[str]) -> None:
    body = {"name": f"矩阵测试{short}", "kind": kind, "services": services, **REGION}
    api.ids[short] = api.ok("admin", "/agencies", body)["id"]
    token = {"role": "staff", "agency_id": api.ids[short], "label": f"{short} staff"}
    api.tokens[short] = api.ok("admin", "/tokens", token)["token"]


def refer(api: Api, who: str, to: str, person: str, services: list[str], **extra: Any) -> str:
    body = {
        "recipient_id": api.ids[to],
        "person_id": person,
        "reason": "需要帮扶",
        "services": services,
        "on_behalf_of": "经办人",
        **extra,
    }
    return str(api.ok(who, "/referrals", body)["id"])


@pytest.fixture(scope="module")
def world(api: Api) -> dict[str, str]:
    for short, agency in EXTRA_AGENCIES.items():
        if short not in api.ids:
            add_agency(api, short, agency["kind"], agency["services"])
    connector = {"role": "connector", "agency_id": api.ids["ca"], "label": "ca connector"}
    api.tokens["connector"] = api.ok("admin", "/tokens", connector)["token"]
    mechanism = {
        "name": "矩阵测试衔接机制",
        "region_code": "659001",
        "lead_agency_id": api.ids["p"],
        "signed_on": "2022-01-10",
        "members": [
            {"agency_id": api.ids["p"], "responsibility": "牵头"},
            {"agency_id": api.ids["mm"], "responsibility": "康复救助"},
        ],
    }
    mechanism_id = str(api.ok("admin", "/mechanisms", mechanism)["id"])
    number = id_number()
    person = str(api.ok("p", "/persons", {"id_number": number, **YE})["id"])
    to_ca = {"to_agencies": [api.ids["ca"]], "services": ["temporary-aid"], "evidence": "written"}
    api.ok("p", f"/persons/{person}/consent", {**to_ca, "on_behalf_of": "承办检察官"})
    to_wd = {"to_kinds": ["education"], "services": ["education-aid"], "evidence": "written"}
    wd_consent = api.ok("p", f"/persons/{person}/consent", {**to_wd, "on_behalf_of": "承办检察官"})
    case = str(
        api.ok("p", "/cases", {"person_id": person, "source": "applicant", "summary": "因案致困"})[
            "id"
        ]
    )
    referral = refer(api, "p", "ca", person, ["temporary-aid"], case_id=case)
    api.ok("ca", f"/referrals/{referral}/accept", {"on_behalf_of": "经办人"})
    grant = {
        "kind": "allowance",
        "amount_fen": 300_000,
        "provider": "民政局",
        "description": "临时救助",
    }
    outcome = {"successful": True, "provisions": [grant]}
    api.ok("ca", f"/referrals/{referral}/complete", {"on_behalf_of": "经办人", "outcome": outcome})
    to_wd_referral = refer(api, "p", "wd", person, ["education-aid"], case_id=case)
    withdrawal = {
        "on_behalf_of": "承办检察官",
        "reason": "本人撤回",
        "consent_id": wd_consent["consent_id"],
    }
    api.ok("p", f"/persons/{person}/consent/withdraw", withdrawal)
    # the justice bureau registers her itself, with her consent to the enterprise
    api.ok("req", "/persons", {"id_number": number, "name": "叶某", "contact": "13800000000"})
    to_ent = {"to_agencies": [api.ids["ent"]], "services": ["donation"], "evidence": "written"}
    api.ok("req", f"/persons/{person}/consent", {**to_ent, "on_behalf_of": "司法所"})
    by_req = refer(api, "req", "ent", person, ["donation"])
    api.ok("ent", f"/referrals/{by_req}/accept", {"on_behalf_of": "经办人"})
    money = {"kind": "money", "amount_fen": 100_000, "provider": "爱心企业", "description": "捐助"}
    outcome = {"successful": True, "provisions": [money]}
    api.ok("ent", f"/referrals/{by_req}/complete", {"on_behalf_of": "经办人", "outcome": outcome})
    # the Youth League knows her ID number, and nothing else
    api.ok("yl", "/persons", {"id_number": number, "name": "叶某"})
    for name in worker.VIEWS:
        worker.rebuild(api.services.hub, api.services.views, name)
    return {
        "person": person,
        "case": case,
        "referral": referral,
        "wd_referral": to_wd_referral,
        "req_referral": by_req,
        "id_number": number,
        "p": api.ids["p"],
        "mechanism": mechanism_id,
    }


RESOURCES = {
    "person": "/persons/{person}",
    "consents": "/persons/{person}/consents",
    "aid": "/persons/{person}/aid",
    "aid_view": "/views/persons/{person}/aid",
    "case": "/cases/{case}",
    "case_history": "/cases/{case}/history",
    "referral": "/referrals/{referral}",
    "referral_history": "/referrals/{referral}/history",
    "outbox": "/agencies/{p}/referrals?box=outbox",
    "outbox_view": "/agencies/{p}/outbox",
    "feed": "/agencies/{p}/feed",
    "statistics": "/statistics/regions/659001?from=2020-01-01&to=2099-12-31",
    "watch_list": "/sla/watch-list",
    "dashboard": "/views/dashboard/659001?from=2020-01-01&to=2099-12-31",
    "dashboard_export": "/views/dashboard/659001/export?format=xlsx&lang=en",
    "mechanism_view": "/views/mechanisms/{mechanism}",
    "fall_through": "/views/may-fall-through",  # an agency: the needs it owns
    "fall_through_of_p": "/views/may-fall-through?agency_id={p}",
    "case_list": "/cases",  # an agency: its own cases
    "case_list_of_p": "/cases?procuratorate_id={p}",
    "audit_replay": "/audit/cases/{case}/replay",
    "access_log": "/audit/access-log",
    "wages": "/wages/65/2021",
    "live": "/health/live",
    "ready": "/health/ready",
    "metrics": "/metrics",
}
ALL_FIELDS = {"id_number", *YE}
NOBODY = {r: 404 for r in RESOURCES} | {"statistics": 200, "watch_list": 200}
NOBODY |= {"fall_through": 200, "fall_through_of_p": 403, "case_list": 200, "case_list_of_p": 403}
NOBODY |= {"audit_replay": 403, "access_log": 403, "wages": 200}  # wages: public statistics
NOBODY |= {"metrics": 403}
#: dashboards: the region's and those below it, as the statistics; a mechanism's its members too
DASHBOARDS = ("dashboard", "dashboard_export", "mechanism_view")
NOBODY |= dict.fromkeys(DASHBOARDS, 200)
#: liveness and readiness answer anyone, without a token too; only administrators get figures
HEALTH = {"live": 200, "ready": 200}
NOBODY |= HEALTH


def row(**cells: int) -> dict[str, int]:
    """A relation's answers; whoever may read the person may list her consents it sees."""
    cells.setdefault("consents", cells.get("person", NOBODY["consents"]))
    return {**NOBODY, **cells}


CASE_PARTY = {"case": 200, "case_history": 200, "referral": 200, "referral_history": 200}
EVERYTHING = dict.fromkeys(RESOURCES, 200)

#: relation → (token, status per resource, person fields visible, aid: (judicial count, social referrals))
MATRIX: dict[
    str, tuple[str | None, dict[str, int], set[str] | None, tuple[int, set[str]] | None]
] = {
    # its own region's watch list only; another county's dashboards and mechanisms are not its
    "none": ("out", row(statistics=403, **dict.fromkeys(DASHBOARDS, 403)), None, None),
    "registered only": (
        "yl",
        row(person=200, aid=200, aid_view=200),
        {"name", "id_number"},
        (0, set()),
    ),
    "requester": (
        "req",
        row(person=200, aid=200, aid_view=200),
        {"name", "id_number", "contact"},
        (0, {"req_referral"}),
    ),
    "recipient": (
        "ca",
        row(person=200, aid=200, aid_view=200, **CASE_PARTY),
        {"name", "id_number", "contact", "family"},
        (0, {"referral"}),
    ),
    "case procuratorate": (
        "p",
        row(**{r: 200 for r in RESOURCES if r not in ("audit_replay", "access_log", "metrics")}),
        ALL_FIELDS,
        (1, {"referral", "req_referral"}),
    ),
    "mechanism member": ("mm", row(), None, None),
    "auditor": (
        "auditor",
        {**EVERYTHING, "feed": 404, "metrics": 403},
        ALL_FIELDS,
        (1, {"referral", "req_referral"}),
    ),
    "admin": ("admin", EVERYTHING, ALL_FIELDS, (1, {"referral", "req_referral"})),
    "connector": (
        "connector",
        row(person=200, aid=200, aid_view=200, **CASE_PARTY),
        {"name", "id_number", "contact", "family"},
        (0, {"referral"}),
    ),
    "consent withdrawn": (
        "wd",
        row(person=200, aid=200, aid_view=200, case=200, case_history=200),
        {"name", "id_number", "contact", "family"},
        (0, set()),
    ),
    "no token": (None, {**dict.fromkeys(RESOURCES, 401), **HEALTH}, None, None),
}


def fill(path: str, world: dict[str, str]) -> str:
    return path.format(**world)


@pytest.mark.parametrize("relation", list(MATRIX))
def test_access_matrix(api: Api, world: dict[str, str], relation: str) -> None:
    token, statuses, fields, aid = MATRIX[relation]
    answers = {name: api.get(token, fill(path, world)) for name, path in RESOURCES.items()}
    assert {name: a.status_code for name, a in answers.items()} == statuses
    if fields is None:
        return
    person = answers["person"].json()
    # the consents an agency sees are those it took or that name it: never the Youth League's
    seen = answers["consents"].json()
    assert (seen == []) == (relation == "registered only"), seen
    assert {f for f in ALL_FIELDS if person.get(f) is not None} == fields
    assert person["id_number"] == world["id_number"]
    recorded = {**YE, "contact": "13800000000"} if token == "req" else YE  # its own record
    assert all(person[f] == recorded[f] for f in fields & set(YE))
    assert aid is not None
    judicial, social = aid
    expected_referrals = {world[k] for k in social}
    for name in ("aid", "aid_view"):
        read = answers[name].json()
        assert len(read["judicial"]) == judicial, name
        assert {s["referral_id"] for s in read["social"]} == expected_referrals, name


@pytest.mark.parametrize("relation", list(MATRIX))
def test_a_look_up_by_id_number_answers_as_reading_her_does(
    api: Api, world: dict[str, str], relation: str
) -> None:
    """``POST /lookups/persons`` gives whoever may read her what ``GET /persons/{id}`` gives, and
    anyone else exactly what an unknown number gives: no oracle."""
    token, statuses, _, _ = MATRIX[relation]
    found = api.post(token, "/lookups/persons", {"id_number": world["id_number"]})
    assert found.status_code == statuses["person"]
    if found.status_code == 200:
        assert found.json() == api.get(token, fill("/persons/{person}", world)).json()
    elif token is not None:
        unknown = api.post(token, "/lookups/persons", {"id_number": id_number()})
        assert comparable(found) == comparable(unknown)
        assert world["person"] not in found.text


def test_an_agency_lists_only_its_own_cases(api: Api, world: dict[str, str]) -> None:
    own = api.get("p", "/cases").json()["items"]
    assert world["case"] in {c["id"] for c in own}
    assert {c["procuratorate_id"] for c in own} == {api.ids["p"]}
    for other in ("ca", "out", "mm", "yl", "connector"):
        assert api.get(other, "/cases").json()["items"] == []
    every = api.get("auditor", f"/cases?procuratorate_id={api.ids['p']}").json()["items"]
    assert {c["id"] for c in every} == {c["id"] for c in own}


def comparable(answer: Any) -> tuple[int, dict[str, Any]]:
    return answer.status_code, {k: v for k, v in answer.json().items() if k != "instance"}


@pytest.mark.parametrize("who", ["out", "mm"])
def test_a_non_party_gets_what_an_unknown_person_gets(
    api: Api, world: dict[str, str], who: str
) -> None:
    unknown = {**world, "person": str(uuid.uuid4()), "case": str(uuid.uuid4())}
    for path in ("/persons/{person}", "/persons/{person}/aid", "/views/persons/{person}/aid"):
        assert comparable(api.get(who, fill(path, world))) == comparable(
            api.get(who, fill(path, unknown))
        )


def test_her_number_under_another_name_is_a_mismatch_that_tells_no_name(
    api: Api, world: dict[str, str]
) -> None:
    """同号异名: the same number with another name is refused (409, naming the rule), nothing
    is written, and the answer holds neither her name nor anything recorded of her. That it
    tells the number is known is the trade-off docs/privacy.md sets out."""
    before = api.log_position()
    response = api.post("yl", "/persons", {"id_number": world["id_number"], "name": "李某"})
    problem = assert_problem(response, 409, "id-number-name-mismatch")
    assert api.log_position() == before
    assert "叶某" not in response.text and world["person"] not in response.text
    assert world["id_number"] not in response.text
    assert set(problem) <= {"type", "title", "status", "detail", "instance"}
    # what the Youth League recorded of her itself is unchanged
    assert api.get("yl", f"/persons/{world['person']}").json()["name"] == "叶某"


def test_the_attack_of_the_issue(api: Api, world: dict[str, str]) -> None:
    """The Youth League posts 叶某's ID number, then tries to refer her and to read her."""
    before = api.log_position()
    posted = api.post("yl", "/persons", {"id_number": world["id_number"], "name": "叶某"})
    between = api.log_position()
    fresh = api.post("yl", "/persons", {"id_number": id_number(), "name": "某某"})
    # the same answer as for a person nobody knew: 201 and an id, and the log moves either way
    assert (
        (posted.status_code, set(posted.json()))
        == (fresh.status_code, set(fresh.json()))
        == (201, {"id"})
    )
    assert posted.json()["id"] == world["person"]
    # and the log moves by as much for her as for a person nobody knew
    assert between - before == api.log_position() - between > 0
    # her consent names civil affairs, but it was not the Youth League's to rely on
    body = {
        "recipient_id": api.ids["ca"],
        "reason": "帮扶",
        "services": ["temporary-aid"],
        "on_behalf_of": "团委干部",
    }
    before = api.log_position()
    known = api.post("yl", "/referrals", {**body, "person_id": world["person"]})
    own_new = api.post("yl", "/referrals", {**body, "person_id": fresh.json()["id"]})
    assert_problem(known, 422, "consent-required")
    assert comparable(known) == comparable(own_new)
    assert api.log_position() == before
    # what it reads of her is what it posted; her case, referrals and others' aid stay hidden
    seen = api.get("yl", f"/persons/{world['person']}").json()
    assert {k: v for k, v in seen.items() if v is not None} == {
        "id": world["person"],
        "id_number": world["id_number"],
        "name": "叶某",
        "has_consent": False,
    }
    aid = api.get("yl", f"/persons/{world['person']}/aid").json()
    assert aid["judicial"] == [] and aid["social"] == [] and aid["totals"]["all_amount_fen"] == 0
    for path in (f"/cases/{world['case']}", f"/referrals/{world['referral']}"):
        assert_problem(api.get("yl", path), 404, "not-found")
    # an agency with no standing at all gets, for her, what it gets for nobody
    stranger = {**body, "recipient_id": api.ids["ca"]}
    known = api.post("out", "/referrals", {**stranger, "person_id": world["person"]})
    unknown = api.post("out", "/referrals", {**stranger, "person_id": str(uuid.uuid4())})
    assert_problem(known, 404, "not-found")
    assert comparable(known) == comparable(unknown)
    # recording its own consent answers alike for her and for the new person: nothing in the
    # answer (no version) tells how much others recorded of her
    consent = {
        "to_agencies": [api.ids["ca"]],
        "services": ["temporary-aid"],
        "evidence": "written",
        "on_behalf_of": "团委干部",
    }
    answers = [
        api.post("yl", f"/persons/{person}/consent", consent)
        for person in (world["person"], fresh.json()["id"])
    ]
    assert [(a.status_code, set(a.json())) for a in answers] == [(200, {"id", "consent_id"})] * 2


def test_consent_may_name_an_agency_for_the_combined_aid(api: Api, world: dict[str, str]) -> None:
    aid = f"/persons/{world['person']}/aid"
    assert {s["referral_id"] for s in api.get("ca", aid).json()["social"]} == {world["referral"]}
    body = {
        "to_agencies": [api.ids["ca"]],
        "services": ["temporary-aid"],
        "aid_view": True,
        "evidence": "written",
        "on_behalf_of": "承办检察官",
    }
    consent = api.ok("p", f"/persons/{world['person']}/consent", body)
    whole = api.get("ca", aid).json()
    assert len(whole["judicial"]) == 1
    assert {s["referral_id"] for s in whole["social"]} == {world["referral"], world["req_referral"]}
    withdrawal = {
        "on_behalf_of": "承办检察官",
        "reason": "撤回",
        "consent_id": consent["consent_id"],
    }
    api.ok("p", f"/persons/{world['person']}/consent/withdraw", withdrawal)
    assert {s["referral_id"] for s in api.get("ca", aid).json()["social"]} == {world["referral"]}


def test_the_requester_sees_which_referral_lost_its_basis(api: Api, world: dict[str, str]) -> None:
    outbox = api.get("p", f"/agencies/{world['p']}/referrals?box=outbox").json()
    lost = {r["id"] for r in outbox if r["basis_lost"]}
    assert world["wd_referral"] in lost and world["referral"] not in lost


@pytest.mark.parametrize("relation", list(MATRIX))
def test_sign_in_routes_answer_everyone_alike(api: Api, relation: str) -> None:
    """Browser sign-in (``/auth/oidc/…``) is public: every relation, and no token, gets the
    same answer; with no identity provider configured, 404 that says so."""
    token = MATRIX[relation][0]
    for path in ("/auth/oidc/login", "/auth/oidc/callback?code=x&state=y"):
        answer = api.get(token, path)
        assert_problem(answer, 404, "oidc-not-configured")


# Officials and machine tokens: administrators administer, auditors list officials


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        (
            "post",
            "/users",
            {"agency_id": None, "name": "x", "staff_number": "X", "roles": ["head"]},
        ),
        ("get", "/users", None),
        ("post", "/users/{user}/roles", {"roles": ["head"]}),
        ("post", "/users/{user}/disable", {"reason": "x"}),
        ("post", "/users/{user}/password", {"password": "a long enough password"}),
        ("post", "/users/{user}/totp", None),
        ("post", "/tokens/connector", {"agency_id": None, "label": "x"}),
        ("get", "/tokens", None),
        ("post", "/tokens/{token}/rotate", {}),
        ("post", "/tokens/{token}/revoke", None),
    ],
)
def test_only_administrators_administer_officials_and_tokens(
    api: Api, method: str, path: str, body: dict[str, Any] | None
) -> None:
    """Agency staff, connectors and named officials of an agency get 403; auditors may list."""
    user = api.users[api.as_official("ca", "head")]
    issued = {"agency_id": api.ids["ca"], "label": "matrix connector"}
    token = api.ok("admin", "/tokens/connector", issued)["token_id"]
    url = path.format(user=user, token=token)
    if body is not None and "agency_id" in body:
        body = {**body, "agency_id": api.ids["ca"]}
    caseworker = api.as_official("ca", "caseworker")
    callers = {"ca": 403, "connector": 403, caseworker: 403, "auditor": 403, None: 401}
    if method == "get":
        callers["auditor"] = 403 if path == "/tokens" else 200
    api.tokens["connector"] = api.ok("admin", "/tokens/connector", issued)["token"]
    for who, status in callers.items():
        if method == "get":
            answer = api.get(who, url)
        else:
            answer = api.post(who, url, body)
        assert answer.status_code == status, (who, url, answer.text)


@pytest.mark.parametrize("who", ["p", "connector", "auditor", "admin", "official", None])
def test_whoever_is_signed_in_may_ask_who_they_are_and_sign_out(api: Api, who: str | None) -> None:
    if who == "connector":
        issued = {"agency_id": api.ids["ca"], "label": "matrix connector"}
        api.tokens[who] = api.ok("admin", "/tokens/connector", issued)["token"]
    if who == "official":
        who = api.as_official("p", "case_officer")
    assert api.get(who, "/auth/me").status_code == (200 if who else 401)
    if who is not None and ":" in who:
        assert api.post(who, "/auth/sign-out").status_code == 204


# The approval steps of a case: the case's procuratorate only (its officials; the domain then
# asks for the role), auditors and administrators never


@pytest.mark.parametrize(
    ("step", "body"),
    [
        ("approval", {"approved": True}),
        (
            "meetings",
            {
                "meeting": "strict-review",
                "attendee_ids": [str(uuid.uuid4())],
                "decision": "approved",
            },
        ),
    ],
)
def test_only_the_cases_procuratorate_takes_its_approval_steps(
    api: Api, world: dict[str, str], step: str, body: dict[str, Any]
) -> None:
    outsider = api.as_official("out", "chief_procurator")
    own = api.as_official("p", "chief_procurator")
    expected = {
        outsider: 404,
        "out": 404,
        "ca": 404,
        "connector": 404,
        "auditor": 403,
        "admin": 403,
        None: 401,
        own: 409,  # the case is not submitted: the procedure's order, after access
    }
    before = api.log_position()
    for who, status in expected.items():
        answer = api.post(who, f"/cases/{world['case']}/{step}", body)
        assert answer.status_code == status, (who, answer.text)
    assert api.log_position() == before
