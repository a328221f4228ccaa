"""A synthetic workload for the hub: agencies, persons, relief cases and referrals.

Used by the real-view exactly-once test and by ``bench/projections.py``. Each case goes
lead → inquiry → review → submission → grant → disbursement, with two referrals: one
completed with a donation, one left accepted or unanswered (so SLA and inbox rows vary);
``referrals`` > 2 adds more, to each partner in turn, dated over November 2026 and left
requested, received, in progress or rejected.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from domain.acting import Actor
from hub.app import ReliefHub
from hub.identity.acting import acting_as
from hub.wage_tables import WageRow
from tests.support.ids import numbered

WAGE_FEN = 650_000


def official(agency_id: UUID, name: str, role: str) -> Actor:
    """An official of ``agency_id`` as the API would stamp them (one per name and agency)."""
    return Actor(
        kind="user",
        user_id=f"{agency_id}:{name}",
        agency_id=str(agency_id),
        name=name,
        roles=[role],
    )


BUREAUS = (
    ("civil-affairs", ["temporary-aid"]),
    ("medical-insurance", ["medical-aid"]),
    ("enterprise", ["donation"]),
    ("volunteer-association", ["counselling"]),
)


def network(hub: ReliefHub, tag: str = "") -> dict[str, Any]:
    """A county procuratorate under a prefecture one, and four partner agencies."""
    ili = hub.register_agency(
        f"伊犁州检察院{tag}", "procuratorate", "prefecture", "6540", ["judicial-relief"], 5
    )
    p = hub.register_agency(
        f"奎屯市检察院{tag}",
        "procuratorate",
        "county",
        "654003",
        ["judicial-relief"],
        5,
        parent_id=ili,
    )
    partners = [
        hub.register_agency(f"奎屯市{kind}{tag}", kind, "county", "654003", services, 5)
        for kind, services in BUREAUS
    ]
    hub.sign_mechanism(
        f"奎屯市衔接机制{tag}",
        "654003",
        p,
        date(2022, 1, 1),
        {p: "牵头", **{a: "社会救助" for a in partners}},
    )
    hub.load_wages([WageRow(1, "65", 2025, WAGE_FEN, None, "测试用平均工资")], "测试")
    return {"procuratorate": p, "partners": partners}


def one_case(hub: ReliefHub, net: dict[str, Any], i: int, referrals: int = 2) -> UUID:
    """One person, one relief case and ``referrals`` referrals (at least two): about 14
    events with two, and one or two more for each further referral."""
    p, partners = net["procuratorate"], net["partners"]
    person = hub.register_person(numbered(i, "654003"), f"当事人{i}", registered_by=p)
    hub.consent_to_all(person, date(2026, 1, 5))
    case = hub.receive_lead(
        p,
        person,
        "applicant",
        "因案致困",
        date(2026, 1, 5),
        matter_number=f"（2026）新4003刑初{i}号",
        applicant_relation="victim",
        backdate_reason="按纸质卷宗补录",
    )
    hub.record_inquiry(case, p, "询问", on_behalf_of="承办检察官")
    hub.review_case(
        case_id=case,
        by_agency=p,
        situation="serious-injury-unpaid",
        refusal_ground=None,
        notes="符合条件",
    )
    amount = 200_000 + (i % 7) * 100_000
    with acting_as(official(p, "承办检察官", "case_officer")):
        hub.submit_for_approval(case, p, amount)
    with acting_as(official(p, "部门负责人", "department_head")):
        hub.decide_approval(case, p, True)
    hub.grant_relief(
        case_id=case,
        by_agency=p,
        amount_fen=amount,
        region_code="65",
        wage_year=2025,
    )
    hub.disburse_relief(case, p, amount)
    donor = partners[2]
    r1 = hub.refer(
        requester_id=p,
        recipient_id=donor,
        person_id=person,
        reason="社会化救助",
        services=["donation"],
        on_behalf_of="承办检察官",
        case_id=case,
    )
    hub.answer_referral(r1, donor, "accept", on_behalf_of="经办人")
    provision = {
        "kind": "money",
        "amount_fen": 50_000 + i,
        "provider": "爱心企业",
        "description": "捐助",
    }
    hub.answer_referral(
        r1,
        donor,
        "complete",
        on_behalf_of="经办人",
        outcome={"successful": True, "provisions": [provision]},
    )
    other = partners[i % 2]
    service = "temporary-aid" if i % 2 == 0 else "medical-aid"
    r2 = hub.refer(
        requester_id=p,
        recipient_id=other,
        person_id=person,
        reason="后续帮扶",
        services=[service],
        on_behalf_of="承办检察官",
        case_id=case,
        on=date(2026, 11, 2),
        backdate_reason="按纸质登记补录",
    )
    if i % 3 == 0:
        hub.answer_referral(r2, other, "accept", on_behalf_of="经办人")
    for k in range(2, referrals):
        more_referral(hub, p, partners, person, case, i, k)
    return case


def more_referral(
    hub: ReliefHub, p: UUID, partners: list[UUID], person: UUID, case: UUID, i: int, k: int
) -> None:
    """The case's ``k``-th referral (k ≥ 2), to each partner in turn, in one of four states."""
    j = (i + k) % len(partners)
    recipient = partners[j]
    r = hub.refer(
        requester_id=p,
        recipient_id=recipient,
        person_id=person,
        reason="综合帮扶",
        services=BUREAUS[j][1],
        on_behalf_of="承办检察官",
        case_id=case,
        on=date(2026, 11, 2) + timedelta(days=(7 * i + 3 * k) % 28),
        backdate_reason="按纸质登记补录",
    )
    state = (i + 2 * k) % 4
    if state == 1:
        hub.answer_referral(r, recipient, "receive", on_behalf_of="经办人")
    elif state == 2:
        hub.answer_referral(r, recipient, "accept", on_behalf_of="经办人")
        hub.answer_referral(r, recipient, "start", on_behalf_of="经办人")
    elif state == 3:
        hub.answer_referral(r, recipient, "reject", "不属于本单位职责", on_behalf_of="经办人")


def generate(hub: ReliefHub, cases: int, tag: str = "") -> dict[str, Any]:
    net = network(hub, tag)
    net["cases"] = [one_case(hub, net, i) for i in range(cases)]
    return net
