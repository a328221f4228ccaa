"""The seven scenarios of DOMAIN.md, re-enacted through the API by the acting agencies.

Names, ID numbers and underlying case numbers (案号) are invented for the demo; amounts follow
the source document where it gives them. Grants are capped by the official average wage of
Xinjiang (``wages_xinjiang.csv``, published by 新疆维吾尔自治区统计局), loaded first. Dates
earlier than today carry :data:`SEED_REASON`; ``hub demo`` widens the backdate window to
``HUB_DEMO_BACKDATE_DAYS`` while it loads.

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
    on: str,
    *,
    hearing: bool = False,
    ceremony: str | None = None,
    source: str = "applicant",
    referral_id: str | None = None,
    relation: str = "victim",
) -> str:
    """Runs the judicial relief procedure from lead to disbursement; returns the case id."""
    body: dict[str, Any] = {
        "person_id": person_id,
        "source": source,
        "summary": summary,
        "received_on": on,
        "backdate_reason": SEED_REASON,
        "matter_number": f"（{on[:4]}）新刑初{int(person_id[-4:], 16) % 900 + 100}号",
        "applicant_relation": relation,
    }
    if referral_id:
        body["referral_id"] = referral_id
    case_id = str(d.post(procuratorate, "/cases", body)["id"])
    steps: list[tuple[str, dict[str, Any]]] = [
        ("inquiry", {"officer": "承办检察官", "notes": "询问申请人及家属，核实困难情况"}),
        ("review", {"situation": situation, "notes": "符合国家司法救助条件"}),
    ]
    if hearing:
        steps.append(("hearing", {"officers": HEARING}))
    steps.append(("submission", {"proposed_fen": amount_fen}))
    d.case_steps(procuratorate, case_id, *steps)
    approve(d, procuratorate, case_id, amount_fen)
    d.case_steps(
        procuratorate,
        case_id,
        (
            "grant",
            {"amount_fen": amount_fen, "region_code": WAGE_REGION, "wage_year": WAGE_YEAR},
        ),
        ("disbursements", {"amount_fen": amount_fen, "ceremony": ceremony}),
    )
    return case_id


def approve(d: Driver, procuratorate: str, case_id: str, amount_fen: int) -> None:
    """The proposal approved: by the department head, or from 10,000 yuan by the chief
    procurator after the chief procurator's meeting (检察长办公会), which all three attend."""
    if amount_fen < 1_000_000:
        d.post(procuratorate, f"/cases/{case_id}/approval", {"approved": True}, "department_head")
        return
    attendees = [
        d.officials[(procuratorate, role)].user_id
        for role in ("chief_procurator", "department_head", "case_officer")
    ]
    meeting = {
        "meeting": "chief-procurator-meeting",
        "attendee_ids": attendees,
        "decision": "approved",
    }
    d.post(procuratorate, f"/cases/{case_id}/meetings", meeting)
    d.post(procuratorate, f"/cases/{case_id}/approval", {"approved": True}, "chief_procurator")


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


def scenario_2_a_and_ai(d: Driver, answers: Answers = through_api) -> dict[str, Any]:
    """A and Ai, disabled in a car accident: judicial plus social relief, both recover."""
    p, result = n.XINYUAN_PROCURATORATE, {}
    for key, id_number, name, amount in (
        ("a", "654025199203150021", "阿某", 3_000_000),
        ("ai", "654025199507200042", "艾某", 3_000_000),
    ):
        person = d.person(
            p,
            id_number,
            name,
            consent_to={n.XINYUAN_COMMERCE: ["donation"]},
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
            "2021-09-01",
        )
        referral = d.refer(
            p,
            n.XINYUAN_COMMERCE,
            person,
            case_id=case,
            reason="刑事特困，需社会化救助",
            services=["donation"],
            requested_by="承办检察官",
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
                {"officer": "承办检察官", "notes": "康复训练，已可生活自理", "new_needs": []},
            ),
            ("closure", {"reason": "司法救助与社会救助均已落实"}),
        )
        result[key] = {"person_id": person, "case_id": case, "referral_id": referral}
    return result


def scenario_3_zhou(d: Driver, answers: Answers = through_api) -> dict[str, Any]:
    """Zhou, Kuytun: lead → inquiry → review → hearing → approval; 90,000+ yuan at a ceremony."""
    p = n.KUYTUN_PROCURATORATE
    person = d.person(
        p,
        "654003198005100013",
        "周某",
        consent_to={n.KUYTUN_CITY_INVESTMENT: ["donation"]},
        family="妻儿交通事故重伤，需全职陪护",
        health="妻儿后续治疗",
    )
    ceremony = "2021-10-20 奎屯市检察院与奎屯市城建投资集团救助金发放仪式"
    referral = d.refer(
        p,
        n.KUYTUN_CITY_INVESTMENT,
        person,
        reason="因案致困，医疗费用无着落",
        services=["donation"],
        requested_by="承办检察官",
    )
    case = relieve(
        d,
        p,
        person,
        "妻儿交通事故受重伤，仅获部分赔偿",
        "tort-damages-unobtainable",
        6_000_000,
        "2021-08-10",
        hearing=True,
        ceremony=ceremony,
        source="case-department",
        relation="close-relative",
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
        d, p, person, "刑事案件被害人，生活困难", "serious-injury-unpaid", 2_000_000, "2021-08-05"
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
            requested_by="承办检察官",
        )
        complete(d, answers, agency, r, {"provider": agency, **provision})
        referrals[service] = r
    return {"person_id": person, "case_id": case, "referrals": referrals}


def scenario_5_ye(d: Driver, answers: Answers = through_api) -> dict[str, Any]:
    """Ye, Mori county: 40,000+ yuan; a follow-up finds the child going to university."""
    p = n.MORI_PROCURATORATE
    person = d.person(p, "652328197804120035", "叶某", family="刑事案件被害人家属，孩子即将上大学")
    # the follow-up visit finds the new need; she consents to the donor being told of it
    case = relieve(
        d,
        p,
        person,
        "刑事案件被害人家属申请司法救助",
        "death-or-incapacity",
        4_200_000,
        "2020-04-08",
        relation="close-relative",
    )
    d.post(
        p,
        f"/cases/{case}/follow-ups",
        {
            "officer": "承办检察官",
            "notes": "孩子面临高考，即将外出读大学，经济压力很大",
            "new_needs": ["donation"],
        },
    )
    d.consent(p, person, {n.MORI_BUILDER: ["donation"]})
    referral = d.refer(
        p,
        n.MORI_BUILDER,
        person,
        case_id=case,
        reason="回访发现新需求：子女上学",
        services=["donation"],
        requested_by="承办检察官",
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
        "654003197609090048",
        "李某",
        consent_to={p: ["judicial-relief"]},
        family="低保核查中发现因案致困",
    )
    referral = d.refer(
        ca,
        p,
        person,
        reason="低保核查发现可能符合司法救助情形",
        services=["judicial-relief"],
        requested_by="低保专干",
    )
    answers(d, p, referral, ("receive", {}), ("accept", {}))
    case = relieve(
        d,
        p,
        person,
        "民政局移送线索",
        "serious-injury-unpaid",
        1_500_000,
        "2021-11-15",
        source="referral",
        referral_id=referral,
    )
    answers(d, p, referral, ("complete", {"outcome": {"successful": True, "provisions": []}}))
    return {"person_id": person, "case_id": case, "referral_id": referral}


def scenario_7_outbound(d: Driver, answers: Answers = through_api) -> dict[str, Any]:
    """Not eligible for judicial relief but for medical aid: referred, helped, loop closed."""
    p = n.KUYTUN_PROCURATORATE
    person = d.person(
        p,
        "654003199001010057",
        "赵某",
        consent_to={
            n.KUYTUN_CIVIL_AFFAIRS: ["temporary-aid"],
            n.KUYTUN_MEDICAL_INSURANCE: ["medical-aid"],
        },
        health="慢性病，医疗费用负担重",
    )
    case = str(
        d.post(
            p, "/cases", {"person_id": person, "source": "applicant", "summary": "申请司法救助"}
        )["id"]
    )
    d.case_steps(
        p,
        case,
        ("inquiry", {"officer": "承办检察官", "notes": "询问申请人"}),
        (
            "review",
            {
                "refusal_ground": "hardship-not-caused-by-case",
                "notes": "困难非因案件所致，但符合医疗救助条件",
            },
        ),
        (
            "refusal",
            {
                "ground": "hardship-not-caused-by-case",
                "detail": "不符合司法救助条件，依细则第五条协调社会救助",
            },
        ),
    )
    first = d.refer(
        p,
        n.KUYTUN_CIVIL_AFFAIRS,
        person,
        case_id=case,
        reason="医疗费用负担重",
        services=["temporary-aid"],
        requested_by="承办检察官",
    )
    answers(d, n.KUYTUN_CIVIL_AFFAIRS, first, ("reject", {"reason": "医疗费用应由医疗救助解决"}))
    second = str(
        d.post(
            p,
            f"/referrals/{first}/re-refer",
            {
                "recipient_id": d.id(n.KUYTUN_MEDICAL_INSURANCE),
                "reason": "符合医疗救助条件",
                "actor": "承办检察官",
                "services": ["medical-aid"],
            },
        )["id"]
    )
    mi = n.KUYTUN_MEDICAL_INSURANCE
    aid = {"kind": "allowance", "amount_fen": 800_000, "provider": mi, "description": "医疗救助"}
    answers(
        d,
        mi,
        second,
        ("receive", {}),
        ("accept", {}),
        ("start", {}),
        ("complete", {"outcome": {"successful": True, "provisions": [aid]}}),
    )
    d.case_steps(p, case, ("closure", {"reason": "已移送医疗保障局并办结"}))
    return {
        "person_id": person,
        "case_id": case,
        "rejected_referral_id": first,
        "referral_id": second,
    }


SCENARIOS = [
    scenario_1_xinyuan_mechanism,
    scenario_2_a_and_ai,
    scenario_3_zhou,
    scenario_4_wang,
    scenario_5_ye,
    scenario_6_inbound_lead,
    scenario_7_outbound,
]


def run_scenarios(d: Driver, answers: Answers = through_api) -> dict[str, Any]:
    """Runs every scenario on a registered network, once the official wages that cap the
    grants are loaded; returns the ids each one made."""
    load_wages(d)
    return {s.__name__: s(d, answers) for s in SCENARIOS}


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
