"""A synthetic history across Xinjiang for the demo (``hub demo --synthetic N``), so that every
page shows something: N people in the prefectures and counties of :mod:`domain.regions`, each
referred at least once over the last year, about one in five with a judicial relief case.

Seeded, so the same N gives the same history (its dates move with today). Everything goes
through the Application's commands, as named officials of each agency (added here, with staff
numbers from 9001, so they never clash with the demo's own), on backdated business dates
(reason 演示数据). Some referrals are still open (due soon, or overdue), some rejected and
re-referred, some completed with grants, donations, loans or in-kind help, some failed; some
cases are still in procedure (a few past their decision deadline), most granted and paid.

People are obviously synthetic: named 演示人员00001 …, with ID numbers of the county, born
1960–2005, sequence numbers from 900, and a valid GB 11643 check digit.

A referral's events carry the instants a hub running through that year would have stamped
them with, as the real commands are stamped when they run: the request in office hours of its
business date, the first answer hours later (most within a working day or two, some after the
five working days agencies commonly promise), acceptance and start a day or so after that,
completion or failure days to weeks after the request, never after the history is loaded. The
dashboard times answers by those stamps (:mod:`projections.dashboard`), so the demo's hours to
first answer and days to completion show varied, plausible figures, not the milliseconds the
loading took. The stamps are drawn from a generator of their own, so the history's shape (who
was referred where, with what outcome) is the same as without them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from uuid import UUID

from domain.acting import Actor
from domain.regions import PREFECTURES, XINJIANG
from domain.values import id_check_digit
from hub.idempotency import current_unit, unit_of_work
from hub.identity.acting import acting_as

BACKDATE = "演示数据（按纸质台账补录）"
#: people whose history is recorded in one transaction (one commit, not one per command)
BATCH = 50
#: partner agencies every synthetic county has: (kind, name suffix, services)
PARTNERS = (
    ("civil-affairs", "民政局", ["minimum-living-allowance", "temporary-aid"]),
    ("medical-insurance", "医疗保障局", ["medical-aid"]),
    ("education", "教育局", ["education-aid"]),
    ("enterprise", "爱心企业联合会", ["donation", "job"]),
    ("youth-league", "团委", ["student-loan", "counselling"]),
)
#: what a partner of each kind gives when it completes: (provision kind, fen range or None)
GIVES: dict[str, tuple[str, tuple[int, int] | None]] = {
    "civil-affairs": ("allowance", (100_000, 600_000)),
    "medical-insurance": ("allowance", (200_000, 2_000_000)),
    "education": ("in-kind", (50_000, 300_000)),
    "enterprise": ("money", (100_000, 1_500_000)),
    "youth-league": ("loan", (500_000, 1_200_000)),
}
WEIGHTS = (10, 9, 11, 5, 40, 6, 8, 11)  # the outcomes of a referral, in OUTCOMES' order
OUTCOMES = (
    "requested",
    "received",
    "accepted",
    "in-progress",
    "completed",
    "failed",
    "rejected",
    "re-referred",
)
TITLES = {"case_officer": "承办人", "department_head": "负责人"}
CHINA = timezone(timedelta(hours=8))
#: hours after the step before, as the median and spread of a log-normal draw, and a cap:
#: the first answer (receive or reject), then accept and start; completion and failure come
#: days to weeks after the request itself
HOURS_TO_ANSWER = (14.0, 0.9, 240.0)
HOURS_TO_NEXT = (20.0, 0.7, 120.0)
HOURS_TO_FINISH = (12 * 24.0, 0.6, 90 * 24.0)


def id_number(county: str, born: date, sequence: int) -> str:
    """A resident ID number (GB 11643) with its check digit."""
    body = f"{county}{born:%Y%m%d}{sequence:03d}"
    return body + id_check_digit(body)


@dataclass
class County:
    code: str
    name: str
    procuratorate: UUID
    partners: dict[str, UUID] = field(default_factory=dict)


@dataclass
class Synthetic:
    """Builds the history on ``hub`` (a ReliefHub) as of ``today``."""

    hub: Any
    today: date
    seed: int = 2260
    rng: random.Random = field(init=False)
    clock: random.Random = field(init=False)  # the stamps' own draws (see the module's doc)
    now: datetime = field(init=False)
    officials: dict[tuple[UUID, str], Actor] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    services: dict[UUID, list[str]] = field(default_factory=dict)  # what each agency offers

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.clock = random.Random(self.seed + 1)
        self.now = datetime.now(UTC)

    def later(self, after: datetime, median_spread_cap: tuple[float, float, float]) -> datetime:
        """An instant after ``after``: a log-normal number of hours, capped; never in the
        future (a recent request's steps crowd towards now)."""
        median, spread, cap = median_spread_cap
        hours = min(cap, self.clock.lognormvariate(math.log(median), spread))
        return max(after + timedelta(seconds=1), min(self.now, after + timedelta(hours=hours)))

    def office_hours(self, day: date) -> datetime:
        """An instant in office hours (09:00–17:30, China time) of ``day``, not after now."""
        minute = self.clock.randrange(9 * 60, 17 * 60 + 30)
        at = datetime.combine(day, time(minute // 60, minute % 60), CHINA).astimezone(UTC)
        return min(self.now, at)

    def stamped(self, aggregate_id: UUID, since: int, at: datetime) -> None:
        """Stamps the events of ``aggregate_id`` held in the batch's unit from ``since`` on
        with ``at``, the instant the step would have been recorded (see the module's doc)."""
        unit = current_unit()
        assert unit is not None, "the synthetic history is recorded in units of work"
        for event in unit.events[since:]:
            if event.originator_id == aggregate_id:
                object.__setattr__(event, "timestamp", at)

    def held(self) -> int:
        """How many events the batch's unit holds so far."""
        unit = current_unit()
        assert unit is not None, "the synthetic history is recorded in units of work"
        return len(unit.events)

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def official(self, agency: UUID, role: str) -> Actor:
        """The agency's synthetic official with ``role``, added on first use."""
        key = (agency, role)
        if key not in self.officials:
            number = f"{9001 + len(self.officials)}"
            name = f"演示{TITLES.get(role, '经办人')}{number}"
            user = self.hub.add_user(agency_id=agency, name=name, staff_number=number, roles=[role])
            self.officials[key] = Actor(
                kind="user", user_id=str(user), agency_id=str(agency), name=name, roles=[role]
            )
        return self.officials[key]

    def network(self) -> list[County]:
        """A procuratorate and the partner agencies in every county (the demo's own where it
        has them), under a procuratorate of each prefecture and the autonomous region's."""
        known: dict[tuple[str, str], UUID] = {}
        for a in self.hub.list_agencies():
            known[(a["region_code"], a["kind"])] = UUID(str(a["id"]))
            self.services[UUID(str(a["id"]))] = list(a["services"])

        def agency(
            name: str, kind: str, level: str, code: str, services: list[str], **kw: Any
        ) -> UUID:
            found = known.get((code, kind))
            if found is None:
                found = self.hub.register_agency(name, kind, level, code, services, 5, **kw)
                known[(code, kind)] = found
                self.services[found] = services
            return found

        region = agency(
            "新疆维吾尔自治区人民检察院",
            "procuratorate",
            "autonomous-region",
            XINJIANG,
            ["judicial-relief"],
        )
        counties = []
        for code, (name, towns) in PREFECTURES.items():
            prefecture = agency(
                f"{name}人民检察院",
                "procuratorate",
                "prefecture",
                code,
                ["judicial-relief"],
                parent_id=region,
            )
            for town, town_name in towns.items():
                county = County(
                    town,
                    town_name,
                    agency(
                        f"{town_name}人民检察院",
                        "procuratorate",
                        "county",
                        town,
                        ["judicial-relief"],
                        parent_id=prefecture,
                    ),
                )
                for kind, suffix, services in PARTNERS:
                    county.partners[kind] = agency(
                        f"{town_name}{suffix}", kind, "county", town, services
                    )
                counties.append(county)
        return counties

    def day(self, within: int = 365) -> date:
        return self.today - timedelta(days=self.rng.randrange(1, within))

    def person(self, county: County, n: int) -> UUID:
        born = date(1960, 1, 1) + timedelta(days=self.rng.randrange(365 * 45))
        number = id_number(county.code, born, 900 + n % 100)
        with acting_as(self.official(county.procuratorate, "case_officer")):
            person = self.hub.register_person(
                number, f"演示人员{n:05d}", registered_by=county.procuratorate
            )
            self.hub.consent_to_all(person, self.today - timedelta(days=365))
        return UUID(str(person))

    def load(self, people: int, batch: int = BATCH) -> dict[str, int]:
        with unit_of_work() as unit:
            counties = self.network()
        self.hub.commit_unit(unit)
        for first in range(1, people + 1, batch):
            with unit_of_work() as unit:
                for n in range(first, min(people + 1, first + batch)):
                    county = self.rng.choice(counties)
                    person = self.person(county, n)
                    if self.rng.random() < 0.2:
                        self.case(county, person, n)
                    self.referral(county, person)
            self.hub.commit_unit(unit)  # the batch's events in one transaction
            self.counts["people"] = min(people, first + batch - 1)
        return self.counts

    def case(self, county: County, person: UUID, n: int) -> None:
        p, hub = county.procuratorate, self.hub
        received = self.day(200)
        officer, head = self.official(p, "case_officer"), self.official(p, "department_head")
        dated = {"backdate_reason": BACKDATE}
        with acting_as(officer):
            case = hub.receive_lead(
                p,
                person,
                "applicant",
                "因案致困，申请司法救助",
                received,
                matter_number=f"（{received.year}）新{county.code[2:]}刑初{n}号",
                applicant_relation="victim",
                backdate_reason=BACKDATE,
            )
            self.count("cases")
            roll = self.rng.random()
            if roll < 0.12:
                return  # still at the lead: undecided, past its deadline unless recent
            step = min(self.today, received + timedelta(days=3))
            hub.record_inquiry(case, p, "询问当事人", step, **dated)
            if roll < 0.2:
                return
            if roll < 0.3:
                hub.review_case(
                    case_id=case,
                    by_agency=p,
                    situation=None,
                    refusal_ground="already-helped",
                    notes="已获社会救助",
                    on=step,
                    **dated,
                )
                hub.refuse_relief(case, p, "already-helped", "已获得相应社会救助", step, **dated)
                return
            hub.review_case(
                case_id=case,
                by_agency=p,
                situation="serious-injury-unpaid",
                refusal_ground=None,
                notes="符合救助条件",
                on=step,
                **dated,
            )
            amount = 10_000 * self.rng.randrange(30, 100)  # 3,000–9,900 yuan: no meeting needed
            hub.submit_for_approval(case, p, amount, step, **dated)
        with acting_as(head):
            hub.decide_approval(case, p, True, on=step, **dated)
        with acting_as(officer):
            hub.grant_relief(
                case_id=case,
                by_agency=p,
                amount_fen=amount,
                region_code=XINJIANG,
                wage_year=2021,
                on=step,
                **dated,
            )
            self.count("granted")
            if roll < 0.4:
                return  # granted, not paid yet
            paid = min(self.today, step + timedelta(days=self.rng.randrange(5, 20)))
            hub.disburse_relief(case, p, amount, None, paid, **dated)

    def referral(self, county: County, person: UUID) -> None:
        hub = self.hub
        kind = self.rng.choice([k for k, _, _ in PARTNERS])
        partner = county.partners[kind]
        services = self.services[partner][:1]
        on = self.day()
        since = self.held()
        with acting_as(self.official(county.procuratorate, "case_officer")):
            referral = hub.refer(
                requester_id=county.procuratorate,
                recipient_id=partner,
                person_id=person,
                reason="经审查需要社会救助帮扶",
                services=services,
                on=on,
                backdate_reason=BACKDATE,
            )
        requested = self.office_hours(on)
        self.stamped(referral, since, requested)
        self.count("referrals")
        outcome = self.rng.choices(OUTCOMES, WEIGHTS)[0]
        with acting_as(self.official(partner, "caseworker")):
            self.answer(referral, partner, outcome, kind, requested)
        if outcome == "re-referred":
            other_kind = self.rng.choice([k for k, _, _ in PARTNERS if k != kind])
            other = county.partners[other_kind]
            with acting_as(self.official(county.procuratorate, "case_officer")):
                hub.re_refer(
                    referral_id=referral,
                    by_agency=county.procuratorate,
                    new_recipient_id=other,
                    reason="原接收单位退回，转其他单位",
                    services=self.services[other][:1],
                )  # today: a re-referral takes no earlier business date
            self.count("re-referred")

    def answer(
        self, referral: UUID, partner: UUID, outcome: str, kind: str, requested: datetime
    ) -> None:
        """The recipient's answers up to ``outcome``, each stamped hours or days after the
        one before (the request was stamped ``requested``)."""
        at = requested

        def step(
            action: str, after: tuple[float, float, float], *, from_request: bool = False, **kw: Any
        ) -> None:
            nonlocal at
            since = self.held()
            self.hub.answer_referral(referral, partner, action, **kw)
            at = max(
                at + timedelta(seconds=1), self.later(requested if from_request else at, after)
            )
            self.stamped(referral, since, at)

        if outcome == "requested":
            return
        if outcome in ("rejected", "re-referred"):
            step("reject", HOURS_TO_ANSWER, reason="不属于本单位救助范围")
            return
        step("receive", HOURS_TO_ANSWER)
        if outcome == "received":
            return
        step("accept", HOURS_TO_NEXT)
        if outcome == "accepted":
            return
        step("start", HOURS_TO_NEXT)
        if outcome == "in-progress":
            return
        if outcome == "failed":
            step("fail", HOURS_TO_FINISH, from_request=True, reason="当事人已迁出本地")
            return
        provision, fen = GIVES[kind]
        amount = None if fen is None else 100 * (self.rng.randrange(*fen) // 100)
        given = {
            "kind": provision,
            "amount_fen": amount,
            "provider": "演示单位",
            "description": "帮扶",
        }
        done = {"successful": True, "provisions": [given]}
        step("complete", HOURS_TO_FINISH, from_request=True, outcome=done)


def load_synthetic(hub: Any, people: int, *, seed: int = 2260) -> dict[str, int]:
    """Adds the synthetic history of ``people`` people to ``hub``; returns what it made."""
    with hub.backdating(400):
        return Synthetic(hub, hub.today(), seed).load(people)
