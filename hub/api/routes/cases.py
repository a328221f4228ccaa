"""The judicial relief procedure over HTTP: each step is a POST on the case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel

from domain.case import Stage
from domain.errors import InvalidValue
from domain.values import MAX_SHORT_TEXT, check_date
from hub.api.deps import (
    HubDep,
    Once,
    OnceDep,
    Reader,
    Staff,
    agency_of,
    may_read,
    reading_agency,
)
from hub.api.problems import Problem
from hub.api.schemas import (
    AdvanceCreate,
    ApprovalCreate,
    CaseCreate,
    CaseListPublic,
    CasePublic,
    ClassificationCreate,
    ClosureCreate,
    Created,
    DisbursementCreate,
    EventPublic,
    FollowUpCreate,
    FundsArrivalCreate,
    GrantCreate,
    HearingCreate,
    InquiryCreate,
    MatterCreate,
    MeetingCreate,
    NoticeCreate,
    RefusalCreate,
    ReviewCreate,
    SubmissionCreate,
)
from hub.app import ReliefHub

router = APIRouter(prefix="/cases", tags=["aid cases"])


class CaseStep(BaseModel):
    id: UUID
    stage: str
    version: int


def step(once: Once, hub: ReliefHub, case_id: UUID, command: Callable[[], None]) -> Any:
    def run() -> dict[str, Any]:
        command()
        case = hub.get_case(case_id)
        return {"id": case_id, "stage": case["stage"], "version": case["version"]}

    return once(run)


@router.post("", status_code=201, response_model=Created)
def receive_lead(body: CaseCreate, hub: HubDep, staff: Staff, once: OnceDep) -> Any:
    """Opens a case: an application, a case department's transfer, or an inbound referral."""
    return once(
        lambda: {
            "id": hub.receive_lead(
                agency_of(staff),
                body.person_id,
                body.source.value,
                body.summary,
                body.received_on,
                body.referral_id,
                on_behalf_of=body.on_behalf_of,
                matter_number=body.matter_number,
                applicant_relation=body.applicant_relation.value
                if body.applicant_relation
                else None,
                backdate_reason=body.backdate_reason,
            )
        },
        201,
    )


@router.get("", response_model=CaseListPublic, response_model_exclude_unset=True)
def list_cases(
    hub: HubDep,
    reader: Reader,
    stage: Stage | None = None,
    officer: Annotated[str | None, Query(max_length=MAX_SHORT_TEXT)] = None,
    due_before: Annotated[
        str | None,
        Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD", examples=["2021-12-31"]),
    ] = None,
    procuratorate_id: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(pattern=r"^\d{1,18}$")] = None,
) -> dict[str, Any]:
    """A procuratorate's own cases in the order received, by stage, by an official who acted
    on them (by name, from the credentials each step was taken with), and by decision deadline (not yet decided, due on or before
    ``due_before``); ``next_cursor`` asks for the next page. An agency lists only its own
    cases; auditors and administrators any procuratorate's (``procuratorate_id``) or all."""
    due = None
    if due_before is not None:
        try:
            due = check_date(date.fromisoformat(due_before), "due_before")
        except (ValueError, InvalidValue):
            raise Problem(422, "validation", "Invalid request", "due_before: a date") from None
    agency = reading_agency(reader)
    if agency is not None:
        if procuratorate_id is not None and procuratorate_id != agency:
            raise Problem(403, "forbidden", "Forbidden", "an agency lists its own cases")
        procuratorate_id = agency
    return hub.list_cases(
        procuratorate_id,
        stage=stage.value if stage else None,
        officer=officer,
        due_before=due,
        cursor=int(cursor) if cursor else 0,
        limit=limit,
    )


@router.get("/{case_id}", response_model=CasePublic, response_model_exclude_unset=True)
def case_file(case_id: UUID, hub: HubDep, reader: Reader) -> dict[str, Any]:
    """The case file: the case, its referrals and all aid given through them."""
    may_read(reader, hub.case_parties(case_id))
    return hub.get_case(case_id)


@router.get(
    "/{case_id}/history", response_model=list[EventPublic], response_model_exclude_unset=True
)
def case_history(case_id: UUID, hub: HubDep, reader: Reader) -> list[dict[str, Any]]:
    may_read(reader, hub.case_parties(case_id))
    return hub.history(case_id)


@router.post("/{case_id}/inquiry", response_model=CaseStep)
def inquiry(case_id: UUID, body: InquiryCreate, hub: HubDep, staff: Staff, once: OnceDep) -> Any:
    return step(
        once,
        hub,
        case_id,
        lambda: hub.record_inquiry(
            case_id,
            agency_of(staff),
            body.notes,
            body.held_on,
            applicant_relation=body.applicant_relation.value if body.applicant_relation else None,
            backdate_reason=body.backdate_reason,
            on_behalf_of=body.on_behalf_of,
        ),
    )


@router.post("/{case_id}/review", response_model=CaseStep)
def review(case_id: UUID, body: ReviewCreate, hub: HubDep, staff: Staff, once: OnceDep) -> Any:
    return step(
        once,
        hub,
        case_id,
        lambda: hub.review_case(
            case_id=case_id,
            by_agency=agency_of(staff),
            situation=body.situation.value if body.situation else None,
            refusal_ground=body.refusal_ground.value if body.refusal_ground else None,
            notes=body.notes,
            on=body.reviewed_on,
            backdate_reason=body.backdate_reason,
        ),
    )


@router.post("/{case_id}/hearing", response_model=CaseStep)
def hearing(case_id: UUID, body: HearingCreate, hub: HubDep, staff: Staff, once: OnceDep) -> Any:
    return step(
        once,
        hub,
        case_id,
        lambda: hub.hold_hearing(
            case_id,
            agency_of(staff),
            [o.model_dump() for o in body.officers],
            body.held_on,
            fewer_officers_reason=body.fewer_officers_reason,
            backdate_reason=body.backdate_reason,
        ),
    )


@router.post("/{case_id}/submission", response_model=CaseStep)
def submission(
    case_id: UUID, body: SubmissionCreate, hub: HubDep, staff: Staff, once: OnceDep
) -> Any:
    return step(
        once,
        hub,
        case_id,
        lambda: hub.submit_for_approval(
            case_id,
            agency_of(staff),
            body.proposed_fen,
            body.submitted_on,
            backdate_reason=body.backdate_reason,
        ),
    )


@router.post("/{case_id}/meetings", response_model=CaseStep)
def meeting(case_id: UUID, body: MeetingCreate, hub: HubDep, staff: Staff, once: OnceDep) -> Any:
    """Records the chief procurator's meeting or the strict review on the proposal."""
    return step(
        once,
        hub,
        case_id,
        lambda: hub.record_meeting(
            case_id,
            agency_of(staff),
            meeting=body.meeting,
            attendee_ids=body.attendee_ids,
            decision=body.decision,
            notes=body.notes,
            held_on=body.held_on,
            backdate_reason=body.backdate_reason,
        ),
    )


@router.post("/{case_id}/approval", response_model=CaseStep)
def approval(case_id: UUID, body: ApprovalCreate, hub: HubDep, staff: Staff, once: OnceDep) -> Any:
    """The proposal approved or refused by an official other than the one who proposed it."""
    return step(
        once,
        hub,
        case_id,
        lambda: hub.decide_approval(
            case_id,
            agency_of(staff),
            body.approved,
            body.reason,
            body.decided_on,
            backdate_reason=body.backdate_reason,
        ),
    )


@router.post("/{case_id}/advances", response_model=CaseStep)
def advance(case_id: UUID, body: AdvanceCreate, hub: HubDep, staff: Staff, once: OnceDep) -> Any:
    """Advance relief (先行救助) for a person in urgent danger, paid before the decision."""
    return step(
        once,
        hub,
        case_id,
        lambda: hub.pay_advance(
            case_id,
            agency_of(staff),
            body.amount_fen,
            body.ground.value,
            body.detail,
            body.paid_on,
            backdate_reason=body.backdate_reason,
        ),
    )


@router.post("/{case_id}/matter", response_model=CaseStep)
def matter(case_id: UUID, body: MatterCreate, hub: HubDep, staff: Staff, once: OnceDep) -> Any:
    """Names the underlying case (案号) of a case opened without it."""
    return step(
        once, hub, case_id, lambda: hub.name_matter(case_id, agency_of(staff), body.matter_number)
    )


@router.post("/{case_id}/grant", response_model=CaseStep)
def grant(case_id: UUID, body: GrantCreate, hub: HubDep, staff: Staff, once: OnceDep) -> Any:
    return step(
        once,
        hub,
        case_id,
        lambda: hub.grant_relief(
            case_id=case_id,
            by_agency=agency_of(staff),
            amount_fen=body.amount_fen,
            region_code=body.region_code,
            wage_year=body.wage_year,
            months=body.months,
            strict_review=body.strict_review,
            on=body.decided_on,
            damages_fen=body.damages_fen,
            matter_exception=body.matter_exception,
            backdate_reason=body.backdate_reason,
        ),
    )


@router.post("/{case_id}/refusal", response_model=CaseStep)
def refusal(case_id: UUID, body: RefusalCreate, hub: HubDep, staff: Staff, once: OnceDep) -> Any:
    return step(
        once,
        hub,
        case_id,
        lambda: hub.refuse_relief(
            case_id,
            agency_of(staff),
            body.ground.value,
            body.detail,
            body.decided_on,
            backdate_reason=body.backdate_reason,
        ),
    )


@router.post("/{case_id}/funds-arrival", response_model=CaseStep)
def funds_arrival(
    case_id: UUID, body: FundsArrivalCreate, hub: HubDep, staff: Staff, once: OnceDep
) -> Any:
    """The granted funds arrived: the applicant is to be told within 2 working days."""
    return step(
        once,
        hub,
        case_id,
        lambda: hub.record_funds_arrived(
            case_id, agency_of(staff), body.arrived_on, backdate_reason=body.backdate_reason
        ),
    )


@router.post("/{case_id}/notice", response_model=CaseStep)
def notice(case_id: UUID, body: NoticeCreate, hub: HubDep, staff: Staff, once: OnceDep) -> Any:
    """The applicant told to collect the money (通知申请人领取)."""
    return step(
        once,
        hub,
        case_id,
        lambda: hub.notify_applicant(
            case_id,
            agency_of(staff),
            body.means,
            body.notified_on,
            backdate_reason=body.backdate_reason,
        ),
    )


@router.post("/{case_id}/disbursements", response_model=CaseStep)
def disburse(
    case_id: UUID, body: DisbursementCreate, hub: HubDep, staff: Staff, once: OnceDep
) -> Any:
    return step(
        once,
        hub,
        case_id,
        lambda: hub.disburse_relief(
            case_id,
            agency_of(staff),
            body.amount_fen,
            body.ceremony,
            body.paid_on,
            backdate_reason=body.backdate_reason,
        ),
    )


@router.post("/{case_id}/follow-ups", response_model=CaseStep)
def follow_up(case_id: UUID, body: FollowUpCreate, hub: HubDep, staff: Staff, once: OnceDep) -> Any:
    return step(
        once,
        hub,
        case_id,
        lambda: hub.record_follow_up(
            case_id=case_id,
            by_agency=agency_of(staff),
            on_behalf_of=body.on_behalf_of,
            notes=body.notes,
            new_needs=[n.value for n in body.new_needs],
            on=body.visited_on,
            backdate_reason=body.backdate_reason,
            next_visit_on=body.next_visit_on,
        ),
    )


@router.post("/{case_id}/classification", response_model=CaseStep)
def classify(
    case_id: UUID, body: ClassificationCreate, hub: HubDep, staff: Staff, once: OnceDep
) -> Any:
    """Counts the case in a category (刑事特困 …), under a mechanism its procuratorate signed."""
    return step(
        once,
        hub,
        case_id,
        lambda: hub.classify_case(
            case_id=case_id,
            by_agency=agency_of(staff),
            category=body.category.value,
            mechanism_id=body.mechanism_id,
        ),
    )


@router.post("/{case_id}/closure", response_model=CaseStep)
def close(case_id: UUID, body: ClosureCreate, hub: HubDep, staff: Staff, once: OnceDep) -> Any:
    return step(
        once,
        hub,
        case_id,
        lambda: hub.close_case(
            case_id,
            agency_of(staff),
            body.reason,
            body.closed_on,
            backdate_reason=body.backdate_reason,
            without_referral=body.without_referral,
        ),
    )
