"""The seven scenarios of DOMAIN.md, re-enacted through the API by the acting agencies.

Names, ID numbers and underlying case numbers (案号) are invented for the demo; amounts follow
the source document where it gives them. Grants are capped by the official average wage of
Xinjiang (``wages_xinjiang.csv``, published by 新疆维吾尔自治区统计局), loaded first. Dates
earlier than today carry :data:`SEED_REASON`; ``hub demo`` widens the backdate window to
``HUB_DEMO_BACKDATE_DAYS`` while it loads.

Every step carries its business date as the source report (最高人民检察院, 2022-07-21,
"新疆：探索构建多元化救助格局") tells it or allows it: 叶某 applied in April 2020, 王某's case
was in August 2021, 周某's money was handed over at the ceremony of 2021-10-20, Xinyuan's
mechanism was set up early in 2022 and 阿某's and 艾某's was the first case under it; days the
report does not give are placed plausibly between the ones it does. So 2021's statistics and
an auditor's replay as of 2021-12-31 show what had happened by then.

How a receiving agency's answers reach the hub is an :class:`Answers` strategy, passed to
each scenario: by default (:func:`through_api`) the agency's staff POST them through the API;
the connector tests pass one whose answers come from the agencies' connectors on Kafka.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from hub.demo import network as n
from hub.demo.driver import Driver
from hub.wage_tables import read_wage_file

Step = tuple[str, dict[str, Any]]  # one answer: the action and its fields besides the actor


class Answers(Protocol):
    def __call__(self, d: Driver, agency: str, referral_id: str, *steps: Step) -> None:
        """``agency`` answers ``referral_id`` with ``steps`` in order; returns once applied."""


def through_api(d: Driver, agency: str, referral_id: str, *steps: Step) -> None:
    """The default: the agency's staff POST each answer through the API, with its token."""
    for action, fields in steps:
        d.answer(agency, referral_id, action, **fields)


WAGE_TABLE = Path(__file__).with_name("wages_xinjiang.csv")
WAGE_REGION = "65"  # the autonomous region's figure
WAGE_YEAR = 2020  # the year before the 2021 cases (the table also holds 2021)
SEED_REASON = (
    "补录：按最高人民检察院2022年关于新疆检察机关司法救助与社会救助衔接的报告重现 "
    "(re-enacted from the 2022 SPP report on Xinjiang, seeds/000_55c157410a459b59.txt)"
)
#: every step the demo dates from the report is back-dated, and says so
BACKDATED = {"backdate_reason": SEED_REASON}
HEARING = [
    {"name": "人民监督员甲", "role": "人民监督员", "view": "符合救助条件，建议救助"},
    {"name": "人大代表乙", "role": "人大代表", "view": "同意，金额适当"},
    {"name": "政协委员丙", "role": "政协委员", "view": "同意救助并衔接社会救助"},
]


def relieve(
    d: Driver,
    procuratorate: str,
    person_id: str,
    summary: str,
    situation: str,
    amount_fen: int,
    on: dict[str, str],
    *,
    hearing: bool = False,
    ceremony: str | None = None,
    source: str = "applicant",
    referral_id: str | None = None,
    relation: str = "victim",
) -> str:
    """Runs the judicial relief procedure from lead to disbursement, each step on its date in
    ``on`` (received, inquiry, review, hearing, submission, decision, paid); returns the case
    id."""
    body: dict[str, Any] = {
        "person_id": person_id,
        "source": source,
        "summary": summary,
        "received_on": on["received"],
        "backdate_reason": SEED_REASON,
        "matter_number": f"（{on['received'][:4]}）新刑初{int(person_id[-4:], 16) % 900 + 100}号",
        "applicant_relation": relation,
    }
    if referral_id:
        body["referral_id"] = referral_id
    case_id = str(d.post(procuratorate, "/cases", body)["id"])
    inquiry = {"notes": "询问申请人及家属，核实困难情况"}
    steps: list[tuple[str, dict[str, Any]]] = [
        ("inquiry", {**inquiry, "held_on": on["inquiry"], **BACKDATED}),
        (
            "review",
            {
                "situation": situation,
                "notes": "符合国家司法救助条件",
                "reviewed_on": on["review"],
                **BACKDATED,
            },
        ),
    ]
    if hearing:
        steps.append(("hearing", {"officers": HEARING, "held_on": on["hearing"], **BACKDATED}))
    submission = {"proposed_fen": amount_fen, "submitted_on": on["submission"], **BACKDATED}
    steps.append(("submission", submission))
    d.case_steps(procuratorate, case_id, *steps)
    approve(d, procuratorate, case_id, amount_fen, on["decision"])
    d.case_steps(
        procuratorate,
        case_id,
        (
            "grant",
            {
                "amount_fen": amount_fen,
                "region_code": WAGE_REGION,
                "wage_year": WAGE_YEAR,
                "decided_on": on["decision"],
                **BACKDATED,
            },
        ),
        (
            "disbursements",
            {"amount_fen": amount_fen, "ceremony": ceremony, "paid_on": on["paid"], **BACKDATED},
        ),
    )
    return case_id


def dates(received: str, *rest: str, hearing: bool = False) -> dict[str, str]:
    """The business dates of a relief case, in the order of its steps."""
    names = ["inquiry", "review", *(["hearing"] if hearing else []), "submission", "decision"]
    names.append("paid")
    if len(rest) != len(names):
        raise ValueError(f"{len(names)} dates after the receipt: {', '.join(names)}")
    return {"received": received, **dict(zip(names, rest, strict=True))}


def approve(d: Driver, procuratorate: str, case_id: str, amount_fen: int, on: str) -> None:
    """The proposal approved on the day of the decision: by the department head, or from
    10,000 yuan by the chief procurator after the chief procurator's meeting (检察长办公会),
    which all three attend."""
    approval = {"approved": True, "decided_on": on, **BACKDATED}
    if amount_fen < 1_000_000:
        d.post(procuratorate, f"/cases/{case_id}/approval", approval, "department_head")
        return
    attendees = [
        d.officials[(procuratorate, role)].user_id
        for role in ("chief_procurator", "department_head", "case_officer")
    ]
    meeting = {
        "meeting": "chief-procurator-meeting",
        "attendee_ids": attendees,
        "decision": "approved",
        "held_on": on,
        **BACKDATED,
    }
    d.post(procuratorate, f"/cases/{case_id}/meetings", meeting)
    d.post(procuratorate, f"/cases/{case_id}/approval", approval, "chief_procurator")


def complete(
    d: Driver, answers: Answers, agency: str, referral_id: str, *provisions: dict[str, Any]
) -> None:
    """``agency`` accepts the referral and completes it with ``provisions``."""
    outcome = {"successful": True, "provisions": list(provisions)}
    answers(d, agency, referral_id, ("accept", {}), ("complete", {"outcome": outcome}))


def scenario_1_xinyuan_mechanism(d: Driver, answers: Answers = through_api) -> dict[str, Any]:
    """Xinyuan county: the procuratorate and nine departments sign a linkage mechanism."""
    members = [{"agency_id": d.id(n.XINYUAN_PROCURATORATE), "responsibility": "牵头，办理司法救助"}]
    duties = {
        n.XINYUAN_COMMERCE: "组织爱心企业家为生活困难的司法救助申请人自愿提供救助资金、就业岗位等社会化救助"
    }
    for name in n.XINYUAN_DEPARTMENTS:
        members.append(
            {
                "agency_id": d.id(name),
                "responsibility": duties.get(name, "按职能提供社会救助、帮扶"),
            }
        )
    mechanism = d.admin(
        "/mechanisms",
        {
            "name": "新源县国家司法救助和社会化救助衔接工作机制",
            "region_code": "654025",
            "lead_agency_id": d.id(n.XINYUAN_PROCURATORATE),
            "signed_on": "2022-01-10",
            "members": members,
        },
    )
    return {"mechanism_id": mechanism["id"]}


def scenario_2_a_and_ai(
    d: Driver, answers: Answers = through_api, mechanism_id: str | None = None
) -> dict[str, Any]:
    """A and Ai, disabled in a car accident in 2021: the first criminal-hardship case (刑事特困)
    under Xinyuan's mechanism of early 2022; judicial plus social relief; both recover."""
    p, result = n.XINYUAN_PROCURATORATE, {}
    on = dates("2022-02-14", "2022-02-16", "2022-02-21", "2022-02-23", "2022-02-28", "2022-03-08")
    for key, id_number, name, amount in (
        ("a", "654025199203150029", "阿某", 3_000_000),
        ("ai", "654025199507200048", "艾某", 3_000_000),
    ):
        person = d.person(
            p,
            id_number,
            name,
            consent_to={n.XINYUAN_COMMERCE: ["donation"]},
            consent_on="2022-02-16",
            health="车祸致残",
            family="家庭生活困难",
        )
        case = relieve(
            d,
            p,
            person,
            "车祸致残，无法通过诉讼获得赔偿",
            "tort-damages-unobtainable",
            amount,
            on,
        )
        if mechanism_id is not None:  # the first 刑事特困 case under Xinyuan's mechanism
            d.post(
                p,
                f"/cases/{case}/classification",
                {"category": "criminal-hardship", "mechanism_id": mechanism_id},
            )
        referral = d.refer(
            p,
            n.XINYUAN_COMMERCE,
            person,
            case_id=case,
            reason="刑事特困，依衔接机制需社会化救助",
            services=["donation"],
            requested_on="2022-03-01",
            backdate_reason=SEED_REASON,
        )
        complete(
            d,
            answers,
            n.XINYUAN_COMMERCE,
            referral,
            {
                "kind": "money",
                "amount_fen": 1_000_000,
                "provider": n.XINYUAN_DONOR,
                "description": "爱心企业家捐助",
            },
        )
        d.case_steps(
            p,
            case,
            (
                "follow-ups",
                {
                    "notes": "康复训练，已可生活自理",
                    "new_needs": [],
                    "visited_on": "2022-06-20",
                    **BACKDATED,
                },
            ),
            (
                "closure",
                {"reason": "司法救助与社会救助均已落实", "closed_on": "2022-07-05", **BACKDATED},
            ),
        )
        result[key] = {"person_id": person, "case_id": case, "referral_id": referral}
    return result


def scenario_3_zhou(d: Driver, answers: Answers = through_api) -> dict[str, Any]:
    """Zhou, Kuytun: lead → inquiry → review → hearing → approval; 90,000+ yuan at a ceremony."""
    p = n.KUYTUN_PROCURATORATE
    person = d.person(
        p,
        "65400319800510001X",
        "周某",
        consent_to={n.KUYTUN_CITY_INVESTMENT: ["donation"]},
        consent_on="2021-08-12",
        family="妻儿交通事故重伤，需全职陪护",
        health="妻儿后续治疗",
    )
    ceremony = "2021-10-20 奎屯市检察院与奎屯市城建投资集团救助金发放仪式"
    case = relieve(
        d,
        p,
        person,
        "妻儿交通事故受重伤，仅获部分赔偿",
        "tort-damages-unobtainable",
        6_000_000,
        dates(
            "2021-08-10",
            "2021-08-12",
            "2021-08-20",
            "2021-09-10",
            "2021-09-15",
            "2021-09-28",
            "2021-10-20",
            hearing=True,
        ),
        hearing=True,
        ceremony=ceremony,
        source="case-department",
        relation="close-relative",
    )
    # the city construction investment group's donation, raised for his case (司法+社会)
    referral = d.refer(
        p,
        n.KUYTUN_CITY_INVESTMENT,
        person,
        case_id=case,
        reason="因案致困，医疗费用无着落",
        services=["donation"],
        requested_on="2021-09-16",
        backdate_reason=SEED_REASON,
    )
    complete(
        d,
        answers,
        n.KUYTUN_CITY_INVESTMENT,
        referral,
        {
            "kind": "money",
            "amount_fen": 3_100_000,
            "provider": n.KUYTUN_CITY_INVESTMENT,
            "description": ceremony,
        },
    )
    return {"person_id": person, "case_id": case, "referral_id": referral}


def scenario_4_wang(d: Driver, answers: Answers = through_api) -> dict[str, Any]:
    """Wang, Kuytun: grant, donations, counselling, a student loan for her son, and a job."""
    p = n.KUYTUN_PROCURATORATE
    person = d.person(p, "654003198311020026", "王某", family="独自抚养儿子")
    case = relieve(
        d,
        p,
        person,
        "刑事案件被害人，生活困难",
        "serious-injury-unpaid",
        2_000_000,
        dates("2021-08-05", "2021-08-09", "2021-08-16", "2021-08-18", "2021-08-25", "2021-08-31"),
    )
    d.consent(
        p,
        person,
        {
            n.KUYTUN_DONOR: ["donation"],
            n.KUYTUN_VOLUNTEERS: ["counselling"],
            n.KUYTUN_YOUTH_LEAGUE: ["student-loan"],
            n.KUYTUN_PROPERTY_ASSOCIATION: ["job"],
        },
        valid_from="2021-08-31",
    )
    plan: list[tuple[str, str, dict[str, Any]]] = [
        (n.KUYTUN_DONOR, "donation", {"kind": "money", "amount_fen": 500_000}),
        (n.KUYTUN_VOLUNTEERS, "counselling", {"kind": "counselling", "description": "心理疏导"}),
        (
            n.KUYTUN_YOUTH_LEAGUE,
            "student-loan",
            {"kind": "loan", "amount_fen": 800_000, "description": "其子助学贷款"},
        ),
        (
            n.KUYTUN_PROPERTY_ASSOCIATION,
            "job",
            {"kind": "job", "description": "家门口物业公司就业"},
        ),
    ]
    referrals = {}
    for agency, service, provision in plan:
        r = d.refer(
            p,
            agency,
            person,
            case_id=case,
            reason="一次救助，长期关怀",
            services=[service],
            requested_on="2021-09-01",
            backdate_reason=SEED_REASON,
        )
        complete(d, answers, agency, r, {"provider": agency, **provision})
        referrals[service] = r
    return {"person_id": person, "case_id": case, "referrals": referrals}


def scenario_5_ye(d: Driver, answers: Answers = through_api) -> dict[str, Any]:
    """Ye, Mori county: 40,000+ yuan; a follow-up finds the child going to university."""
    p = n.MORI_PROCURATORATE
    person = d.person(p, "652328197804120030", "叶某", family="刑事案件被害人家属，孩子即将上大学")
    # the follow-up visit finds the new need; she consents to the donor being told of it
    case = relieve(
        d,
        p,
        person,
        "刑事案件被害人家属申请司法救助",
        "death-or-incapacity",
        4_200_000,
        dates("2020-04-08", "2020-04-10", "2020-04-17", "2020-04-21", "2020-04-28", "2020-05-08"),
        relation="close-relative",
    )
    d.post(
        p,
        f"/cases/{case}/follow-ups",
        {
            "notes": "孩子面临高考，即将外出读大学，经济压力很大",
            "new_needs": ["education-aid"],
            "visited_on": "2021-05-20",
            **BACKDATED,
            "next_visit_on": "2021-09-01",
        },
    )
    d.consent(p, person, {n.MORI_BUILDER: ["donation"]}, valid_from="2021-05-20")
    # the builder's donation answers the education need found at that (first) visit
    referral = d.refer(
        p,
        n.MORI_BUILDER,
        person,
        case_id=case,
        reason="回访发现新需求：子女上学",
        services=["donation"],
        requested_on="2021-05-25",
        backdate_reason=SEED_REASON,
        answers_follow_up=1,
        answers_need="education-aid",
    )
    complete(
        d,
        answers,
        n.MORI_BUILDER,
        referral,
        {
            "kind": "money",
            "amount_fen": 1_500_000,
            "provider": n.MORI_BUILDER,
            "description": "捐赠1.5万元，并承诺持续关注",
        },
    )
    return {"person_id": person, "case_id": case, "referral_id": referral}


def scenario_6_inbound_lead(d: Driver, answers: Answers = through_api) -> dict[str, Any]:
    """Civil affairs finds a family during a minimum-allowance check and refers the lead."""
    ca, p = n.KUYTUN_CIVIL_AFFAIRS, n.KUYTUN_PROCURATORATE
    person = d.person(
        ca,
        "654003197609090049",
        "李某",
        consent_to={p: ["judicial-relief"]},
        consent_on="2021-11-08",
        family="低保核查中发现因案致困",
    )
    referral = d.refer(
        ca,
        p,
        person,
        reason="低保核查发现可能符合司法救助情形",
        services=["judicial-relief"],
        requested_on="2021-11-10",
        backdate_reason=SEED_REASON,
    )
    answers(d, p, referral, ("receive", {}), ("accept", {}))
    case = relieve(
        d,
        p,
        person,
        "民政局移送线索",
        "serious-injury-unpaid",
        1_500_000,
        dates("2021-11-15", "2021-11-17", "2021-11-22", "2021-11-24", "2021-11-30", "2021-12-06"),
        source="referral",
        referral_id=referral,
    )
    # the loop closes back to civil affairs with what was given: 15,000 yuan of judicial relief
    relief = {
        "kind": "judicial-relief",
        "amount_fen": 1_500_000,
        "provider": p,
        "description": "国家司法救助金1.5万元，已发放",
    }
    outcome = {"successful": True, "provisions": [relief]}
    answers(d, p, referral, ("complete", {"outcome": outcome}))
    return {"person_id": person, "case_id": case, "referral_id": referral}


def scenario_7_outbound(d: Driver, answers: Answers = through_api) -> dict[str, Any]:
    """Not eligible for judicial relief but for medical aid: referred to medical insurance,
    which accepts, helps and reports the outcome back (the loop closes)."""
    p, mi = n.KUYTUN_PROCURATORATE, n.KUYTUN_MEDICAL_INSURANCE
    person = d.person(
        p,
        "654003199001010054",
        "赵某",
        consent_to={mi: ["medical-aid"]},
        consent_on="2021-12-03",
        health="慢性病，医疗费用负担重",
    )
    case = str(
        d.post(
            p,
            "/cases",
            {
                "person_id": person,
                "source": "applicant",
                "summary": "申请司法救助",
                "received_on": "2021-12-01",
                **BACKDATED,
            },
        )["id"]
    )
    d.case_steps(
        p,
        case,
        (
            "inquiry",
            {"notes": "询问申请人", "held_on": "2021-12-03", **BACKDATED},
        ),
        (
            "review",
            {
                "refusal_ground": "hardship-not-caused-by-case",
                "notes": "困难非因案件所致，但符合医疗救助条件",
                "reviewed_on": "2021-12-08",
                **BACKDATED,
            },
        ),
        (
            "refusal",
            {
                "ground": "hardship-not-caused-by-case",
                "detail": "不符合司法救助条件，依细则第五条协调社会救助",
                "decided_on": "2021-12-10",
                **BACKDATED,
            },
        ),
    )
    referral = d.refer(
        p,
        mi,
        person,
        case_id=case,
        reason="不符合司法救助条件，但符合医疗救助条件",
        services=["medical-aid"],
        requested_on="2021-12-13",
        backdate_reason=SEED_REASON,
    )
    aid = {"kind": "allowance", "amount_fen": 800_000, "provider": mi, "description": "医疗救助"}
    answers(
        d,
        mi,
        referral,
        ("receive", {}),
        ("accept", {}),
        ("start", {}),
        ("complete", {"outcome": {"successful": True, "provisions": [aid]}}),
    )
    d.case_steps(
        p,
        case,
        ("closure", {"reason": "已移送医疗保障局并办结", "closed_on": "2021-12-28", **BACKDATED}),
    )
    return {"person_id": person, "case_id": case, "referral_id": referral}


def scenario_8_tacheng_meeting(d: Driver, answers: Answers = through_api) -> dict[str, Any]:
    """塔城: the prefecture branch convenes eleven units (education, civil affairs, justice,
    rural revitalisation and seven more) and they agree to help people in hardship together
    through 低保、医疗、就学、就业、心理辅导 — recorded as the mechanism they agreed on."""
    duties = {
        "education": "就学帮扶",
        "civil-affairs": "低保等社会救助",
        "justice-bureau": "法律援助与心理辅导",
        "rural-revitalisation": "就业与防返贫帮扶",
        "medical-insurance": "医疗救助",
        "youth-league": "助学与心理辅导",
        "commerce-bureau": "组织爱心企业捐助、提供就业岗位",
    }
    members = [{"agency_id": d.id(n.TACHENG_BRANCH), "responsibility": "牵头，办理司法救助"}]
    for name, (kind, _) in n.TACHENG_UNITS.items():
        members.append({"agency_id": d.id(name), "responsibility": duties.get(kind, "按职能帮扶")})
    mechanism = d.admin(
        "/mechanisms",
        {
            "name": "塔城地区司法救助与社会救助衔接机制",
            "region_code": "6542",
            "lead_agency_id": d.id(n.TACHENG_BRANCH),
            "signed_on": "2022-07-12",
            "members": members,
        },
    )
    return {"mechanism_id": mechanism["id"]}


SCENARIOS = [
    scenario_1_xinyuan_mechanism,
    scenario_2_a_and_ai,
    scenario_3_zhou,
    scenario_4_wang,
    scenario_5_ye,
    scenario_6_inbound_lead,
    scenario_7_outbound,
    scenario_8_tacheng_meeting,
]


def run_scenarios(d: Driver, answers: Answers = through_api) -> dict[str, Any]:
    """Runs every scenario on a registered network, once the official wages that cap the
    grants are loaded; returns the ids each one made. 阿某's and 艾某's cases are the first
    under the mechanism Xinyuan signed in scenario 1."""
    load_wages(d)
    made: dict[str, Any] = {}
    for s in SCENARIOS:
        if s is scenario_2_a_and_ai:
            xinyuan = made["scenario_1_xinyuan_mechanism"]["mechanism_id"]
            made[s.__name__] = scenario_2_a_and_ai(d, answers, mechanism_id=xinyuan)
        else:
            made[s.__name__] = s(d, answers)
    return made


def load_all(d: Driver, answers: Answers = through_api) -> dict[str, Any]:
    """Registers the network and runs every scenario; returns the ids each one made."""
    n.register_network(d)
    return run_scenarios(d, answers)


def load_wages(d: Driver) -> None:
    """The administrator loads the official average wages the grants are capped by."""
    rows = [
        {
            "region_code": r.region_code,
            "year": r.year,
            "monthly_wage_fen": r.monthly_wage_fen,
            "yearly_wage_fen": r.yearly_wage_fen,
            "source": r.source,
        }
        for r in read_wage_file(WAGE_TABLE)
    ]
    d.admin("/wages", {"rows": rows})
