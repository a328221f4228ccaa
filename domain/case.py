"""Aid case (司法救助案件): the national judicial relief procedure of a procuratorate.

lead or application received (受理) → inquiry (询问) → review (审查) → hearing (听证, optional)
→ submission for approval (报批) → decision (决定: grant or refusal) → disbursement (发放)
→ follow-up visits (回访) → closure (结案). A refusal may follow the review directly.

Nobody falls through (应救尽救、应扶尽扶): a refusal because the hardship was not caused by the
case (细则第五条) closes only once the person was referred on to an agency that can help, or a
reason why not is recorded; follow-up visits go on after closure ("one relief, long-term
care"), each with the date of the next one; a need found at a visit is numbered by the visit,
so that the referral answering it can name it.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.acting import Actor, behalf_note, moved_to_note
from domain.approvals import (
    CHIEF_MEETING_THRESHOLD_FEN,
    STANDARD_MONTHS,
    Approvals,
    Decision,
    Meeting,
    attendees,
    official,
    refusal_reason,
)
from domain.errors import (
    AdvanceNotAllowed,
    AmountOverLimit,
    InvalidValue,
    OutboundReferralRequired,
    OverDamages,
    OverDisbursement,
    ReviewInconsistent,
    StepDatedBeforePrevious,
    StepOutOfOrder,
)
from domain.officials import OfficialRole
from domain.values import (
    MAX_MATTER_NUMBER,
    MAX_MONTHS,
    MAX_SHORT_TEXT,
    USUAL_HEARING_OFFICERS,
    AdvanceGround,
    ApplicantRelation,
    CaseCategory,
    CaseSource,
    QualifyingSituation,
    RefusalGround,
    Service,
    check_count,
    check_date,
    check_fen,
    check_items,
    check_length,
    parse,
    require_text,
)

CHIEF_MEETING = Meeting.CHIEF_PROCURATOR_MEETING.value
DECISION_WORKING_DAYS = 10  # 受理后十个工作日内作出决定
__all__ = ["CHIEF_MEETING", "CHIEF_MEETING_THRESHOLD_FEN", "STANDARD_MONTHS", "AidCase", "Stage"]


PROCURATORATE_ROLES = (
    OfficialRole.CASE_OFFICER,
    OfficialRole.DEPARTMENT_HEAD,
    OfficialRole.CHIEF_PROCURATOR,
)
APPROVERS = (OfficialRole.DEPARTMENT_HEAD, OfficialRole.CHIEF_PROCURATOR)


def _no_backdate(state: dict[str, Any]) -> None:
    """Before business dates were checked, no step said why it was dated earlier."""
    state["backdate_reason"] = None


def _optional_reason(value: str | None, what: str) -> str | None:
    if value is None or not value.strip():
        return None
    return require_text(value, what)


class Stage(StrEnum):
    RECEIVED = "received"
    INQUIRED = "inquired"
    REVIEWED = "reviewed"
    HEARD = "heard"
    SUBMITTED = "submitted"
    GRANTED = "granted"
    REFUSED = "refused"
    DISBURSED = "disbursed"
    CLOSED = "closed"


#: stages before the decision, where advance relief (先行救助) may be paid
UNDECIDED = (Stage.RECEIVED, Stage.INQUIRED, Stage.REVIEWED, Stage.HEARD, Stage.SUBMITTED)


class AidCase(Aggregate):
    """One application for judicial relief, from lead to closure.

    Every step carries its business date (``domain.dates``) and, when it was recorded later
    than it happened, why; a step is never dated before the step recorded before it.
    """

    class LeadReceived(Aggregate.Created):
        """A lead or an application received (受理), from ``source``; from a referral, its id.

        ``matter_number`` is the underlying case (案号) the hardship arose from;
        ``applicant_relation`` says who applies (victim, close relative, legal representative).
        """

        class_version = 2

        procuratorate_id: UUID
        person_id: UUID
        source: str
        summary: str
        received_on: date
        referral_id: UUID | None
        matter_number: str | None
        applicant_relation: str | None
        backdate_reason: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["matter_number"] = None
            state["applicant_relation"] = None
            state["backdate_reason"] = None

    class MatterNamed(Aggregate.Event):
        """The underlying case number (案号) named after the case was opened."""

        matter_number: str

    class InquiryRecorded(Aggregate.Event):
        """An inquiry (询问), held by the official who records it (or ``on_behalf_of`` whom);
        it may record who the applicant is to the victim."""

        class_version = 3

        on_behalf_of: str | None
        notes: str
        held_on: date
        applicant_relation: str | None
        backdate_reason: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["applicant_relation"] = None
            state["backdate_reason"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """The free-text ``officer`` became the on-behalf-of note, as recorded."""
            moved_to_note(state, "officer")

    class Reviewed(Aggregate.Event):
        """The review (审查): a qualifying situation, or a refusal ground, never both."""

        class_version = 2

        situation: str | None
        refusal_ground: str | None
        notes: str
        reviewed_on: date
        backdate_reason: str | None
        upcast_v1_v2 = staticmethod(_no_backdate)

    class HearingHeld(Aggregate.Event):
        """A hearing (听证); each officer has a name, a role and a view. Usually three officers;
        fewer with ``fewer_officers_reason``."""

        class_version = 2

        officers: list[dict[str, str]]
        held_on: date
        fewer_officers_reason: str | None
        backdate_reason: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["fewer_officers_reason"] = None
            state["backdate_reason"] = None

    class SubmittedForApproval(Aggregate.Event):
        """Submitted for approval (报批) with the proposed amount in fen, by a case officer
        (``proposer``: user id, name and roles at the time; ``None`` in logs from before)."""

        class_version = 3

        proposed_fen: int
        submitted_by: str
        on: date
        backdate_reason: str | None
        proposer: dict[str, Any] | None

        upcast_v1_v2 = staticmethod(_no_backdate)

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Before approvals, no signed-in case officer was recorded as the proposer."""
            state["proposer"] = None

    class AdvancePaid(Aggregate.Event):
        """Advance relief (先行救助) paid before the decision to a person in urgent danger."""

        amount_fen: int
        ground: str
        detail: str
        paid_on: date
        backdate_reason: str | None

    class MeetingRecorded(Aggregate.Event):
        """The chief procurator's meeting (检察长办公会) or the strict review (严格审查) on the
        proposal: when, the officials who attended, and what it decided."""

        meeting: str
        held_on: date
        attendees: list[dict[str, Any]]
        decision: str
        notes: str | None
        backdate_reason: str | None

    class ApprovalDecided(Aggregate.Event):
        """The proposal approved or refused (审批) by an official other than the proposer."""

        approver: dict[str, Any]
        approved: bool
        reason: str | None
        decided_on: date
        backdate_reason: str | None

    class ReliefGranted(Aggregate.Event):
        """Relief granted (决定救助): the amount and the wage basis it was checked against.

        The wage basis names the official figure (``wage_region_code``, ``wage_year``,
        ``wage_source``); ``advanced_fen`` is what advance relief already paid and counts
        toward the grant, ``advance_excess_fen`` what was advanced beyond it (to recover).
        """

        class_version = 2

        amount_fen: int
        months: int
        average_monthly_wage_fen: int
        strict_review: bool
        approved_by: str
        decided_on: date
        wage_region_code: str | None
        wage_year: int | None
        wage_source: str | None
        damages_fen: int | None
        advanced_fen: int
        advance_excess_fen: int
        matter_exception: str | None
        backdate_reason: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.update(
                wage_region_code=None,
                wage_year=None,
                wage_source=None,
                damages_fen=None,
                advanced_fen=0,
                advance_excess_fen=0,
                matter_exception=None,
                backdate_reason=None,
            )

    class ReliefRefused(Aggregate.Event):
        """Relief refused (不予救助) on a ground, with the detail; advance relief paid is to be
        recovered (``advance_to_recover_fen``)."""

        class_version = 2

        ground: str
        detail: str
        decided_on: date
        advance_to_recover_fen: int
        backdate_reason: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["advance_to_recover_fen"] = 0
            state["backdate_reason"] = None

    class FundsArrived(Aggregate.Event):
        """The granted funds arrived (资金到位): the applicant is told within 2 working days."""

        arrived_on: date
        backdate_reason: str | None

    class ApplicantNotified(Aggregate.Event):
        """The applicant told to collect the money (通知申请人领取)."""

        notified_on: date
        means: str
        backdate_reason: str | None

    class ReliefDisbursed(Aggregate.Event):
        """(Part of) the grant paid out (发放), possibly at a ceremony."""

        class_version = 2

        amount_fen: int
        paid_on: date
        ceremony: str | None
        backdate_reason: str | None
        upcast_v1_v2 = staticmethod(_no_backdate)

    class FollowUpRecorded(Aggregate.Event):
        """A follow-up visit (回访), the new needs it found and when the next visit is due."""

        class_version = 4

        visited_on: date
        on_behalf_of: str | None
        notes: str
        new_needs: list[str]
        backdate_reason: str | None
        next_visit_on: date | None
        upcast_v1_v2 = staticmethod(_no_backdate)

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Visits recorded before set no next visit."""
            state["next_visit_on"] = None

        @staticmethod
        def upcast_v3_v4(state: dict[str, Any]) -> None:
            """The free-text ``officer`` became the on-behalf-of note, as recorded."""
            moved_to_note(state, "officer")

    class Classified(Aggregate.Event):
        """The case counted in a category (案件类别) and, given, handled under a linkage
        mechanism (衔接机制) whose member the procuratorate is."""

        category: str
        mechanism_id: UUID | None

    class CaseClosed(Aggregate.Event):
        """The case closed (结案); ``without_referral`` says why a person refused for hardship
        not caused by the case was not referred on (None when she was, or it did not apply)."""

        class_version = 3

        reason: str
        closed_on: date
        backdate_reason: str | None
        without_referral: str | None
        upcast_v1_v2 = staticmethod(_no_backdate)

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Closures recorded before gave no such reason."""
            state["without_referral"] = None

    @classmethod
    def receive(
        cls,
        *,
        procuratorate_id: UUID,
        person_id: UUID,
        source: str,
        summary: str,
        received_on: date,
        referral_id: UUID | None = None,
        matter_number: str | None = None,
        applicant_relation: str | None = None,
        backdate_reason: str | None = None,
    ) -> AidCase:
        source_value = parse(CaseSource, source, "case source").value
        if (source_value == CaseSource.REFERRAL) != (referral_id is not None):
            raise InvalidValue("a case from a referral names that referral, and only then")
        return cls(
            procuratorate_id=procuratorate_id,
            person_id=person_id,
            source=source_value,
            summary=require_text(summary, "summary"),
            received_on=check_date(received_on, "received on"),
            referral_id=referral_id,
            matter_number=_matter(matter_number) if matter_number is not None else None,
            applicant_relation=parse(ApplicantRelation, applicant_relation, "applicant").value
            if applicant_relation is not None
            else None,
            backdate_reason=_optional_reason(backdate_reason, "backdate reason"),
        )

    @event(LeadReceived)
    def __init__(
        self,
        procuratorate_id: UUID,
        person_id: UUID,
        source: str,
        summary: str,
        received_on: date,
        referral_id: UUID | None,
        matter_number: str | None,
        applicant_relation: str | None,
        backdate_reason: str | None,
    ) -> None:
        self.procuratorate_id = procuratorate_id
        self.person_id = person_id
        self.received_on = received_on
        self.source = source
        self.referral_id = referral_id
        self.matter_number = matter_number
        self.applicant_relation = applicant_relation
        self.stage = Stage.RECEIVED.value
        self.eligible: bool | None = None
        self.refusal_ground: str | None = None
        self.granted_fen = 0
        self.disbursed_fen = 0
        self.advanced_fen = 0
        self.advance_excess_fen = 0
        self.follow_ups = 0
        self.refused_on_ground: str | None = None
        #: the needs each follow-up visit found, by the visit's number (1, 2, …)
        self.follow_up_needs: dict[int, list[str]] = {}
        self.next_visit_on: date | None = None
        self.without_referral: str | None = None
        self.category: str | None = None
        self.mechanism_id: UUID | None = None
        self.received_on = received_on
        self.decided_on: date | None = None
        self.funds_arrived_on: date | None = None
        self.notified_on: date | None = None
        self.last_on = received_on
        self.approvals = Approvals()

    def _require_stage(self, step: str, *allowed: Stage) -> None:
        if self.stage not in allowed:
            needs = " or ".join(s.value for s in allowed)
            raise StepOutOfOrder(f"{step} needs the case at stage {needs}, it is {self.stage}")

    def _dated(self, on: date, what: str) -> date:
        """``on`` checked, and not before the step recorded before it (程序顺序)."""
        check_date(on, what)
        if on < self.last_on:
            raise StepDatedBeforePrevious(
                f"{what} {on} is before the case's previous step ({self.last_on})"
            )
        return on

    def _stepped(self, on: date) -> None:
        self.last_on = max(self.last_on, on)

    def name_matter(self, matter_number: str) -> None:
        """Names the underlying case (案号) of a case opened without it, before the decision."""
        self._require_stage("naming the matter", *UNDECIDED)
        if self.matter_number is not None:
            raise InvalidValue(f"the case already names its matter {self.matter_number}")
        self._matter_named(_matter(matter_number))

    @event(MatterNamed)
    def _matter_named(self, matter_number: str) -> None:
        self.matter_number = matter_number

    def record_inquiry(
        self,
        notes: str,
        held_on: date,
        *,
        applicant_relation: str | None = None,
        backdate_reason: str | None = None,
        on_behalf_of: str | None = None,
    ) -> None:
        self._require_stage("inquiry", Stage.RECEIVED, Stage.INQUIRED)
        self._record_inquiry(
            behalf_note(on_behalf_of),
            check_length(notes, "notes"),
            self._dated(held_on, "held on"),
            parse(ApplicantRelation, applicant_relation, "applicant").value
            if applicant_relation is not None
            else None,
            _optional_reason(backdate_reason, "backdate reason"),
        )

    @property
    def decided(self) -> bool:
        return self.stage in (Stage.GRANTED, Stage.REFUSED, Stage.DISBURSED, Stage.CLOSED)

    @event(InquiryRecorded)
    def _record_inquiry(
        self,
        on_behalf_of: str | None,
        notes: str,
        held_on: date,
        applicant_relation: str | None,
        backdate_reason: str | None,
    ) -> None:
        self.stage = Stage.INQUIRED.value
        if applicant_relation is not None:
            self.applicant_relation = applicant_relation
        self._stepped(held_on)

    def review(
        self,
        *,
        situation: str | None,
        refusal_ground: str | None,
        notes: str,
        reviewed_on: date,
        backdate_reason: str | None = None,
    ) -> None:
        """Eligible with a qualifying situation (Art. 7); ineligible with a refusal ground."""
        self._require_stage("review", Stage.INQUIRED)
        if (situation is None) == (refusal_ground is None):
            raise ReviewInconsistent(
                "a review finds either a qualifying situation or a refusal ground, not both"
            )
        self._reviewed(
            situation=parse(QualifyingSituation, situation, "situation").value
            if situation
            else None,
            refusal_ground=parse(RefusalGround, refusal_ground, "refusal ground").value
            if refusal_ground
            else None,
            notes=check_length(notes, "notes"),
            reviewed_on=self._dated(reviewed_on, "reviewed on"),
            backdate_reason=_optional_reason(backdate_reason, "backdate reason"),
        )

    @event(Reviewed)
    def _reviewed(
        self,
        situation: str | None,
        refusal_ground: str | None,
        notes: str,
        reviewed_on: date,
        backdate_reason: str | None,
    ) -> None:
        self.stage = Stage.REVIEWED.value
        self.eligible = situation is not None
        self.refusal_ground = refusal_ground
        self._stepped(reviewed_on)

    def hold_hearing(
        self,
        officers: list[dict[str, str]],
        held_on: date,
        *,
        fewer_officers_reason: str | None = None,
        backdate_reason: str | None = None,
    ) -> None:
        """Hearing officers (people's supervisors, deputies, CPPCC members) give views;
        usually three (听证员一般为三名), fewer only with a recorded reason."""
        self._require_stage("hearing", Stage.REVIEWED)
        if not self.eligible:
            raise StepOutOfOrder("a hearing is held only on a case found eligible at review")
        if not officers:
            raise InvalidValue("a hearing needs at least one hearing officer")
        if not all(isinstance(o, dict) for o in check_items(officers, "a hearing")):
            raise InvalidValue("each hearing officer has a name, a role and a view")
        fewer = _optional_reason(fewer_officers_reason, "reason for fewer hearing officers")
        if len(officers) < USUAL_HEARING_OFFICERS and fewer is None:
            raise InvalidValue(
                f"a hearing usually has {USUAL_HEARING_OFFICERS} hearing officers; with "
                f"{len(officers)}, record why (fewer_officers_reason)"
            )
        cleaned = [
            {
                "name": require_text(o.get("name"), "hearing officer name", limit=MAX_SHORT_TEXT),
                "role": require_text(o.get("role"), "hearing officer role", limit=MAX_SHORT_TEXT),
                "view": require_text(o.get("view"), "hearing officer view"),
            }
            for o in officers
        ]
        self._hearing_held(
            cleaned,
            self._dated(held_on, "held on"),
            fewer if len(officers) < USUAL_HEARING_OFFICERS else None,
            _optional_reason(backdate_reason, "backdate reason"),
        )

    @event(HearingHeld)
    def _hearing_held(
        self,
        officers: list[dict[str, str]],
        held_on: date,
        fewer_officers_reason: str | None,
        backdate_reason: str | None,
    ) -> None:
        self.stage = Stage.HEARD.value
        self._stepped(held_on)

    def submit_for_approval(
        self,
        proposed_fen: int,
        submitted_by: str,
        on: date,
        proposer: Actor | None = None,
        *,
        backdate_reason: str | None = None,
    ) -> None:
        """A case officer proposes an amount; a proposal not yet approved may be replaced."""
        self._require_stage("submission for approval", Stage.REVIEWED, Stage.HEARD, Stage.SUBMITTED)
        if not self.eligible:
            raise StepOutOfOrder("only a case found eligible is submitted for approval")
        if self.approvals.approved:
            raise StepOutOfOrder(
                "no new submission: the proposal was approved, the decision is next"
            )
        proposed = check_fen(proposed_fen, "proposed amount")
        by = require_text(submitted_by, "by", limit=MAX_SHORT_TEXT)
        self._submitted(
            proposed,
            by,
            self._dated(on, "submitted on"),
            official(proposer, "a proposal", OfficialRole.CASE_OFFICER),
            _optional_reason(backdate_reason, "backdate reason"),
        )

    @event(SubmittedForApproval)
    def _submitted(
        self,
        proposed_fen: int,
        submitted_by: str,
        on: date,
        proposer: dict[str, Any] | None,
        backdate_reason: str | None,
    ) -> None:
        self.stage = Stage.SUBMITTED.value
        self.approvals.propose(proposer, proposed_fen)
        self._stepped(on)

    def pay_advance(
        self,
        amount_fen: int,
        ground: str,
        detail: str,
        paid_on: date,
        *,
        backdate_reason: str | None = None,
    ) -> None:
        """Advance relief (先行救助): paid before the decision to a person in urgent danger;
        the procedure is completed afterwards and the grant reconciles it."""
        if self.stage not in UNDECIDED:
            raise AdvanceNotAllowed("advance relief is paid before the decision, not after it")
        if self.eligible is False:
            raise AdvanceNotAllowed("the review found the case ineligible")
        self._advance_paid(
            check_fen(amount_fen, "advance"),
            parse(AdvanceGround, ground, "advance ground").value,
            require_text(detail, "detail"),
            self._dated(paid_on, "paid on"),
            _optional_reason(backdate_reason, "backdate reason"),
        )

    @event(AdvancePaid)
    def _advance_paid(
        self,
        amount_fen: int,
        ground: str,
        detail: str,
        paid_on: date,
        backdate_reason: str | None,
    ) -> None:
        self.advanced_fen += amount_fen
        self.disbursed_fen += amount_fen  # money paid, before the decision
        self._stepped(paid_on)

    def record_meeting(
        self,
        meeting: str,
        held_on: date,
        people: list[Actor],
        decision: str,
        notes: str | None,
        recorder: Actor | None,
        *,
        backdate_reason: str | None = None,
    ) -> None:
        """Records the chief procurator's meeting or the strict review on the proposal, on or
        after the submission."""
        self._require_stage("a meeting on the proposal", Stage.SUBMITTED)
        kind = parse(Meeting, meeting, "meeting")
        official(recorder, "recording a meeting", *PROCURATORATE_ROLES)
        self._meeting_recorded(
            meeting=kind.value,
            held_on=self._dated(held_on, "held on"),
            attendees=attendees(people, kind),
            decision=parse(Decision, decision, "decision").value,
            notes=None if notes is None else require_text(notes, "notes"),
            backdate_reason=_optional_reason(backdate_reason, "backdate reason"),
        )

    @event(MeetingRecorded)
    def _meeting_recorded(
        self,
        meeting: str,
        held_on: date,
        attendees: list[dict[str, Any]],
        decision: str,
        notes: str | None,
        backdate_reason: str | None,
    ) -> None:
        self.approvals.meetings[meeting] = decision == Decision.APPROVED
        self._stepped(held_on)

    def decide_approval(
        self,
        approve: bool,
        reason: str | None,
        on: date,
        approver: Actor | None,
        *,
        backdate_reason: str | None = None,
    ) -> None:
        """A department head or the chief procurator, not the proposer, approves or refuses,
        on or after the submission (and its meetings)."""
        self._require_stage("approval", Stage.SUBMITTED)
        if not isinstance(approve, bool):
            raise InvalidValue("approved is true or false")
        who = official(approver, "approval", *APPROVERS)
        self.approvals.check_approver(who, approve=approve)
        self._approval_decided(
            approver=who,
            approved=approve,
            reason=refusal_reason(approve, reason),
            decided_on=self._dated(on, "decided on"),
            backdate_reason=_optional_reason(backdate_reason, "backdate reason"),
        )

    @event(ApprovalDecided)
    def _approval_decided(
        self,
        approver: dict[str, Any],
        approved: bool,
        reason: str | None,
        decided_on: date,
        backdate_reason: str | None,
    ) -> None:
        self.approvals.approver = approver
        self.approvals.approved = approved
        self._stepped(decided_on)

    def grant(
        self,
        *,
        amount_fen: int,
        months: int,
        average_monthly_wage_fen: int,
        strict_review: bool,
        approved_by: str,
        decided_on: date,
        wage_region_code: str | None = None,
        wage_year: int | None = None,
        wage_source: str | None = None,
        damages_fen: int | None = None,
        matter_exception: str | None = None,
        backdate_reason: str | None = None,
    ) -> None:
        """Grant: amount within months × the previous year's regional average monthly wage,
        and never above the damages awarded where recorded. Advance relief counts toward it."""
        self._require_stage("decision", Stage.SUBMITTED)
        check_fen(amount_fen, "amount")
        check_fen(average_monthly_wage_fen, "average monthly wage")
        check_count(months, "months", low=1, high=MAX_MONTHS)
        if months > STANDARD_MONTHS and not strict_review:
            raise AmountOverLimit(
                f"more than {STANDARD_MONTHS} months' wages needs the case marked for strict review"
            )
        limit = months * average_monthly_wage_fen
        if amount_fen > limit:
            raise AmountOverLimit(
                f"amount {amount_fen} fen exceeds {months} months × {average_monthly_wage_fen} fen"
            )
        if damages_fen is not None and amount_fen > check_fen(damages_fen, "damages awarded"):
            raise OverDamages(
                f"amount {amount_fen} fen exceeds the damages awarded ({damages_fen} fen)"
            )
        self.approvals.check_grant(amount_fen, months)  # 审批: see domain.approvals
        if self.applicant_relation is None:
            raise InvalidValue(
                "record who applies (victim, close relative or legal representative) before "
                "the decision"
            )
        self._granted(
            amount_fen=amount_fen,
            months=months,
            average_monthly_wage_fen=average_monthly_wage_fen,
            strict_review=strict_review,
            approved_by=require_text(approved_by, "approved by", limit=MAX_SHORT_TEXT),
            decided_on=self._dated(decided_on, "decided on"),
            wage_region_code=wage_region_code,
            wage_year=wage_year,
            wage_source=check_length(wage_source, "wage source"),
            damages_fen=damages_fen,
            advanced_fen=self.advanced_fen,
            advance_excess_fen=max(0, self.advanced_fen - amount_fen),
            matter_exception=_optional_reason(matter_exception, "matter exception"),
            backdate_reason=_optional_reason(backdate_reason, "backdate reason"),
        )

    @event(ReliefGranted)
    def _granted(
        self,
        amount_fen: int,
        months: int,
        average_monthly_wage_fen: int,
        strict_review: bool,
        approved_by: str,
        decided_on: date,
        wage_region_code: str | None,
        wage_year: int | None,
        wage_source: str | None,
        damages_fen: int | None,
        advanced_fen: int,
        advance_excess_fen: int,
        matter_exception: str | None,
        backdate_reason: str | None,
    ) -> None:
        self.stage = Stage.GRANTED.value
        self.granted_fen = amount_fen
        self.decided_on = decided_on
        self.advance_excess_fen = advance_excess_fen
        # what was advanced was paid already, and counts toward the grant
        if self.disbursed_fen >= self.granted_fen:
            self.stage = Stage.DISBURSED.value
        self._stepped(decided_on)

    def refuse(
        self, ground: str, detail: str, decided_on: date, *, backdate_reason: str | None = None
    ) -> None:
        self._require_stage("refusal", Stage.REVIEWED, Stage.HEARD, Stage.SUBMITTED)
        self._refused(
            parse(RefusalGround, ground, "refusal ground").value,
            require_text(detail, "detail"),
            self._dated(decided_on, "decided on"),
            self.advanced_fen,
            _optional_reason(backdate_reason, "backdate reason"),
        )

    @event(ReliefRefused)
    def _refused(
        self,
        ground: str,
        detail: str,
        decided_on: date,
        advance_to_recover_fen: int,
        backdate_reason: str | None,
    ) -> None:
        self.stage = Stage.REFUSED.value
        self.decided_on = decided_on
        self.advance_excess_fen = advance_to_recover_fen
        self._stepped(decided_on)
        self.refused_on_ground = ground

    @property
    def needs_outbound_referral(self) -> bool:
        """Refused because the hardship was not caused by the case: judicial relief cannot
        help, so the procuratorate coordinates another agency's (细则第五条)."""
        return self.refused_on_ground == RefusalGround.HARDSHIP_NOT_CAUSED_BY_CASE

    def record_funds_arrived(self, arrived_on: date, *, backdate_reason: str | None = None) -> None:
        """The granted funds arrived; the applicant must be told within 2 working days."""
        self._require_stage("funds arriving", Stage.GRANTED)
        if self.funds_arrived_on is not None:
            raise StepOutOfOrder("the funds' arrival is already recorded")
        self._funds_arrived(
            self._dated(arrived_on, "arrived on"),
            _optional_reason(backdate_reason, "backdate reason"),
        )

    @event(FundsArrived)
    def _funds_arrived(self, arrived_on: date, backdate_reason: str | None) -> None:
        self.funds_arrived_on = arrived_on
        self._stepped(arrived_on)

    def notify_applicant(
        self, notified_on: date, means: str, *, backdate_reason: str | None = None
    ) -> None:
        """The applicant told to collect the money (通知申请人领取), after the funds arrived."""
        if self.funds_arrived_on is None:
            raise StepOutOfOrder("the applicant is told once the funds have arrived")
        if self.notified_on is not None:
            raise StepOutOfOrder("the applicant was already told")
        self._notified(
            self._dated(notified_on, "notified on"),
            require_text(means, "means", limit=MAX_SHORT_TEXT),
            _optional_reason(backdate_reason, "backdate reason"),
        )

    @event(ApplicantNotified)
    def _notified(self, notified_on: date, means: str, backdate_reason: str | None) -> None:
        self.notified_on = notified_on
        self._stepped(notified_on)

    def disburse(
        self,
        amount_fen: int,
        paid_on: date,
        ceremony: str | None = None,
        *,
        backdate_reason: str | None = None,
    ) -> None:
        """Pays out (part of) the grant, possibly at a joint ceremony with social donations."""
        # A fully paid grant still answers with OverDisbursement: the rule that is broken.
        self._require_stage("disbursement", Stage.GRANTED, Stage.DISBURSED)
        check_fen(amount_fen, "disbursement")
        check_length(ceremony, "ceremony", limit=MAX_SHORT_TEXT)
        if self.disbursed_fen + amount_fen > self.granted_fen:
            raise OverDisbursement(
                f"{self.disbursed_fen + amount_fen} fen would exceed the grant of "
                f"{self.granted_fen} fen"
                + (f" ({self.advanced_fen} fen advanced)" if self.advanced_fen else "")
            )
        self._disbursed(
            amount_fen,
            self._dated(paid_on, "paid on"),
            ceremony,
            _optional_reason(backdate_reason, "backdate reason"),
        )

    @event(ReliefDisbursed)
    def _disbursed(
        self, amount_fen: int, paid_on: date, ceremony: str | None, backdate_reason: str | None
    ) -> None:
        self.disbursed_fen += amount_fen
        if self.disbursed_fen == self.granted_fen:
            self.stage = Stage.DISBURSED.value
        self._stepped(paid_on)

    def record_follow_up(
        self,
        *,
        visited_on: date,
        notes: str,
        new_needs: list[str],
        backdate_reason: str | None = None,
        next_visit_on: date | None = None,
        on_behalf_of: str | None = None,
    ) -> None:
        """A follow-up visit (回访), also after closure (一次救助，长期关怀); new needs found
        here stay open until a referral naming this visit answers them."""
        if self.disbursed_fen == 0 and self.refused_on_ground is None:
            raise StepOutOfOrder("a follow-up visit comes after disbursement or refusal")
        visited_on = self._dated(visited_on, "visited on")
        if next_visit_on is not None and check_date(next_visit_on, "next visit") <= visited_on:
            raise InvalidValue("the next visit comes after this one")
        self._followed_up(
            visited_on,
            behalf_note(on_behalf_of),
            check_length(notes, "notes"),
            sorted({parse(Service, n, "need").value for n in check_items(new_needs, "needs")}),
            _optional_reason(backdate_reason, "backdate reason"),
            next_visit_on,
        )

    @event(FollowUpRecorded)
    def _followed_up(
        self,
        visited_on: date,
        on_behalf_of: str | None,
        notes: str,
        new_needs: list[str],
        backdate_reason: str | None,
        next_visit_on: date | None = None,
    ) -> None:
        self.follow_ups += 1
        self.follow_up_needs[self.follow_ups] = list(new_needs)
        self.next_visit_on = next_visit_on
        self._stepped(visited_on)

    def classify(
        self, *, category: str, mechanism_id: UUID | None, mechanism_signed_on: date | None
    ) -> None:
        """Counts the case in ``category``; under a mechanism only if the case came after the
        mechanism was signed (``mechanism_signed_on``, given with ``mechanism_id``)."""
        value = parse(CaseCategory, category, "case category").value
        if (mechanism_id is None) != (mechanism_signed_on is None):
            raise InvalidValue("a case under a mechanism names it and when it was signed")
        if mechanism_signed_on is not None and self.received_on < mechanism_signed_on:
            raise InvalidValue("a case received before the mechanism was signed is not under it")
        self._classified(value, mechanism_id)

    @event(Classified)
    def _classified(self, category: str, mechanism_id: UUID | None) -> None:
        self.category = category
        self.mechanism_id = mechanism_id

    def check_need(self, follow_up: int, need: str) -> str:
        """The need ``need`` found at follow-up visit number ``follow_up``, for a referral that
        answers it."""
        found = self.follow_up_needs.get(follow_up)
        if found is None:
            raise InvalidValue(f"the case has no follow-up visit number {follow_up}")
        if need not in found:
            raise InvalidValue(f"follow-up visit {follow_up} found no need {need!r}")
        return need

    def close(
        self,
        reason: str,
        closed_on: date,
        *,
        backdate_reason: str | None = None,
        referred_on: bool = False,
        without_referral: str | None = None,
    ) -> None:
        """Closes the case. Refused for hardship not caused by the case, it closes only when
        the person was ``referred_on`` to another agency or ``without_referral`` says why not."""
        self._require_stage("closure", Stage.DISBURSED, Stage.REFUSED)
        why_not = (
            check_length(without_referral.strip(), "without referral") if without_referral else None
        )
        if self.needs_outbound_referral and not referred_on and not why_not:
            raise OutboundReferralRequired(
                "refused for hardship not caused by the case: refer the person to an agency "
                "that can help, or record why not, before closing (细则第五条)"
            )
        self._closed(
            require_text(reason, "reason"),
            self._dated(closed_on, "closed on"),
            _optional_reason(backdate_reason, "backdate reason"),
            why_not if self.needs_outbound_referral else None,
        )

    @event(CaseClosed)
    def _closed(
        self,
        reason: str,
        closed_on: date,
        backdate_reason: str | None,
        without_referral: str | None = None,
    ) -> None:
        self.stage = Stage.CLOSED.value
        self.without_referral = without_referral
        self._stepped(closed_on)

    def summary_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "procuratorate_id": str(self.procuratorate_id),
            "person_id": str(self.person_id),
            "source": self.source,
            "referral_id": str(self.referral_id) if self.referral_id else None,
            "stage": self.stage,
            "eligible": self.eligible,
            "granted_fen": self.granted_fen,
            "disbursed_fen": self.disbursed_fen,
            "follow_ups": self.follow_ups,
            "next_visit_on": self.next_visit_on.isoformat() if self.next_visit_on else None,
            "without_referral": self.without_referral,
            "category": self.category,
            "mechanism_id": str(self.mechanism_id) if self.mechanism_id else None,
            "version": self.version,
        }

    def procedure_dict(self) -> dict[str, Any]:
        """The procedure's business dates and what it records beyond the summary."""
        return {
            "matter_number": self.matter_number,
            "applicant_relation": self.applicant_relation,
            "received_on": self.received_on.isoformat(),
            "decided_on": self.decided_on.isoformat() if self.decided_on else None,
            "advanced_fen": self.advanced_fen,
            "advance_excess_fen": self.advance_excess_fen,
            "funds_arrived_on": self.funds_arrived_on.isoformat()
            if self.funds_arrived_on
            else None,
            "notified_on": self.notified_on.isoformat() if self.notified_on else None,
        }


def _matter(matter_number: str) -> str:
    """An underlying case number (案号), e.g. （2021）新4025刑初12号."""
    return require_text(matter_number, "matter number", limit=MAX_MATTER_NUMBER)
