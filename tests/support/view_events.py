"""Domain events made directly, with the recording times a test or a benchmark chooses, for
views that are filled without a log (the dashboard's exact figures; ``bench/console.py``).

:func:`synthetic_history` generates, seeded and so the same every run, agencies in every
county of :mod:`domain.regions`, aid cases and referrals over a year: answers after hours,
completions after days, some open and overdue, some rejected, some re-referred.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.agency import Agency
from domain.case import AidCase
from domain.mechanism import LinkageMechanism
from domain.referral import Referral
from domain.regions import PREFECTURES, XINJIANG

Event = Any
T0 = datetime(2025, 1, 1, 2, 0, tzinfo=UTC)  # 10:00 China time


def agency(agency_id: UUID, region: str, kind: str, at: datetime = T0) -> Event:
    level = {2: "autonomous-region", 4: "prefecture", 6: "county"}[len(region)]
    return Agency.Registered(
        originator_id=agency_id,
        originator_version=1,
        timestamp=at,
        originator_topic=get_topic(Agency),
        name=f"{region}{kind}",
        kind=kind,
        level=level,
        region_code=region,
        services=["donation"],
        response_days=5,
        parent_id=None,
    )


def requested(
    referral_id: UUID,
    requester: UUID,
    recipient: UUID,
    person: UUID,
    at: datetime,
    due_on: date,
    *,
    re_referral_of: UUID | None = None,
) -> Event:
    return Referral.Requested(
        originator_id=referral_id,
        originator_version=1,
        timestamp=at,
        originator_topic=get_topic(Referral),
        requester_id=requester,
        recipient_id=recipient,
        direction="outbound",
        person_id=person,
        case_id=None,
        reason="后续帮扶",
        services=["donation"],
        due_on=due_on,
        consent=True,
        consent_id=None,
        legal_basis=None,
        invoked_by=None,
        on_behalf_of=None,
        re_referral_of=re_referral_of,
        requested_on=(at + timedelta(hours=8)).date(),
        found_on=None,
        backdate_reason=None,
        answers_follow_up=None,
        answers_need=None,
    )


def status(
    referral_id: UUID,
    version: int,
    at: datetime,
    to: str,
    by: UUID,
    *,
    given: list[tuple[str, int]] | None = None,
) -> Event:
    outcome = None
    if to == "completed":
        provisions = [
            {"kind": kind, "amount_fen": fen, "provider": "爱心企业", "description": "帮扶"}
            for kind, fen in (given or [])
        ]
        outcome = {
            "successful": bool(given),
            "reason": None if given else "未能帮扶",
            "provisions": provisions,
        }
    return Referral.StatusChanged(
        originator_id=referral_id,
        originator_version=version,
        timestamp=at,
        status=to,
        by_agency=by,
        on_behalf_of=None,
        reason="不属本单位职能" if to == "rejected" else None,
        outcome=outcome,
        request_key=None,
    )


def case_events(
    case_id: UUID,
    procuratorate: UUID,
    person: UUID,
    received_on: date,
    *,
    granted_fen: int | None,
    paid_on: date | None = None,
) -> list[Event]:
    at = datetime.combine(received_on, datetime.min.time(), UTC)
    events: list[Event] = [
        AidCase.LeadReceived(
            originator_id=case_id,
            originator_version=1,
            timestamp=at,
            originator_topic=get_topic(AidCase),
            procuratorate_id=procuratorate,
            person_id=person,
            source="applicant",
            summary="因案致困",
            received_on=received_on,
            referral_id=None,
            matter_number=None,
            applicant_relation="victim",
            backdate_reason=None,
        )
    ]
    if granted_fen is None:
        return events
    decided_on = received_on + timedelta(days=7)
    events.append(
        AidCase.ReliefGranted(
            originator_id=case_id,
            originator_version=2,
            timestamp=at,
            amount_fen=granted_fen,
            months=36,
            average_monthly_wage_fen=650_000,
            strict_review=False,
            approved_by="检察长",
            decided_on=decided_on,
            wage_region_code="65",
            wage_year=2024,
            wage_source="测试",
            damages_fen=None,
            advanced_fen=0,
            advance_excess_fen=0,
            matter_exception=None,
            backdate_reason=None,
        )
    )
    if paid_on is not None:
        events.append(
            AidCase.ReliefDisbursed(
                originator_id=case_id,
                originator_version=3,
                timestamp=at,
                amount_fen=granted_fen,
                paid_on=paid_on,
                ceremony=None,
                backdate_reason=None,
            )
        )
    return events


PARTNERS = ("civil-affairs", "medical-insurance", "enterprise", "youth-league")
GIVEN = (("money", 200_000), ("allowance", 150_000), ("loan", 800_000), ("in-kind", 50_000))


def synthetic_history(
    referrals: int, cases: int, *, seed: int = 2260, year: int = 2025, people: int = 0
) -> Iterator[Event]:
    """Agencies in every listed county, then ``cases`` aid cases and ``referrals`` referrals
    spread over ``year``, in the order a log would hold them (by recording time per stream);
    each about a person of her own, or, given ``people``, one of that many (helped again,
    and in other counties)."""
    rng = random.Random(seed)
    ids = (UUID(int=rng.getrandbits(128), version=4) for _ in iter(int, 1))
    pool = [UUID(int=rng.getrandbits(128), version=4) for _ in range(people)]

    def person() -> UUID:
        return rng.choice(pool) if pool else next(ids)

    yield agency(next(ids), XINJIANG, "procuratorate")
    counties: list[tuple[UUID, list[UUID]]] = []
    for prefecture, (_, towns) in PREFECTURES.items():
        yield agency(next(ids), prefecture, "procuratorate")
        for county in towns:
            p = next(ids)
            yield agency(p, county, "procuratorate")
            partners = [next(ids) for _ in PARTNERS]
            for partner, kind in zip(partners, PARTNERS, strict=True):
                yield agency(partner, county, kind)
            counties.append((p, partners))
    start = datetime(year, 1, 1, 2, 0, tzinfo=UTC)
    for _ in range(cases):
        p, _ = rng.choice(counties)
        received = (start + timedelta(days=rng.randrange(365))).date()
        roll = rng.random()
        granted = None if roll < 0.15 else 100_000 * rng.randrange(5, 60)
        paid = received + timedelta(days=12) if roll > 0.3 else None
        yield from case_events(next(ids), p, person(), received, granted_fen=granted, paid_on=paid)
    for _ in range(referrals):
        p, partners = rng.choice(counties)
        recipient = rng.choice(partners)
        at = start + timedelta(days=rng.randrange(365), minutes=rng.randrange(600))
        rid = next(ids)
        yield requested(rid, p, recipient, person(), at, at.date() + timedelta(days=7))
        roll = rng.random()
        if roll < 0.08:
            continue  # never answered
        answered = at + timedelta(hours=rng.randrange(1, 120))
        if roll < 0.14:
            yield status(rid, 2, answered, "rejected", recipient)
            continue
        yield status(rid, 2, answered, "accepted", recipient)
        if roll < 0.25:
            continue  # still being worked on
        done = answered + timedelta(days=rng.randrange(1, 30), hours=rng.randrange(24))
        given = [GIVEN[rng.randrange(len(GIVEN))]] if roll < 0.9 else []
        yield status(rid, 3, done, "completed", recipient, given=given)


def numbered(events: Iterator[Event] | list[Event]) -> Iterator[tuple[int, Event]]:
    """``(notification_id, event)`` pairs as a view's ``apply_batch`` takes them."""
    return ((n, e) for n, e in enumerate(events, start=1))


def new_id() -> UUID:
    return uuid.uuid4()


def mechanism(
    mechanism_id: UUID, region: str, lead: UUID, members: dict[UUID, str], at: datetime = T0
) -> Event:
    return LinkageMechanism.Signed(
        originator_id=mechanism_id,
        originator_version=1,
        timestamp=at,
        originator_topic=get_topic(LinkageMechanism),
        name=f"{region}衔接机制",
        region_code=region,
        lead_agency_id=lead,
        signed_on=at.date(),
        members={str(k): v for k, v in members.items()},
    )
