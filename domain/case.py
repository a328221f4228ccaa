"""Aid case (司法救助案件): the national judicial relief procedure of a procuratorate.

lead or application received (受理) → inquiry (询问) → review (审查) → hearing (听证, optional)
→ submission for approval (报批) → decision (决定: grant or refusal) → disbursement (发放)
→ follow-up visits (回访) → closure (结案). A refusal may follow the review directly.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.acting import Actor
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
    AmountOverLimit,
    InvalidValue,
    OverDisbursement,
    ReviewInconsistent,
    StepOutOfOrder,
)
from domain.officials import OfficialRole
from domain.values import (
    MAX_MONTHS,
    MAX_SHORT_TEXT,
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
__all__ = ["CHIEF_MEETING", "CHIEF_MEETING_THRESHOLD_FEN", "STANDARD_MONTHS", "AidCase", "Stage"]


PROCURATORATE_ROLES = (
    OfficialRole.CASE_OFFICER,
    OfficialRole.DEPARTMENT_HEAD,
    OfficialRole.CHIEF_PROCURATOR,
)
APPROVERS = (OfficialRole.DEPARTMENT_HEAD, OfficialRole.CHIEF_PROCURATOR)


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


class AidCase(Aggregate):
    """One application for judicial relief, from lead to closure."""

    class LeadReceived(Aggregate.Created):
        """A lead or an application received (受理), from ``source``; from a referral, its id."""

        procuratorate_id: UUID
        person_id: UUID
        source: str
        summary: str
        received_on: date
        referral_id: UUID | None

    class InquiryRecorded(Aggregate.Event):
        """An inquiry (询问) held by an officer."""

        officer: str
        notes: str
        held_on: date

    class Reviewed(Aggregate.Event):
        """The review (审查): a qualifying situation, or a refusal ground, never both."""

        situation: str | None
        refusal_ground: str | None
        notes: str
        reviewed_on: date

    class HearingHeld(Aggregate.Event):
        """A hearing (听证); each officer has a name, a role and a view."""

        officers: list[dict[str, str]]
        held_on: date

    class SubmittedForApproval(Aggregate.Event):
        """Submitted for approval (报批) with the proposed amount in fen, by a case officer
        (``proposer``: user id, name and roles at the time; ``None`` in logs from before)."""

        proposed_fen: int
        submitted_by: str
        on: date
        proposer: dict[str, Any] | None

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["proposer"] = None

    class MeetingRecorded(Aggregate.Event):
        """The chief procurator's meeting (检察长办公会) or the strict review (严格审查) on the
        proposal: when, the officials who attended, and what it decided."""

        meeting: str
        held_on: date
        attendees: list[dict[str, Any]]
        decision: str
        notes: str | None

    class ApprovalDecided(Aggregate.Event):
        """The proposal approved or refused (审批) by an official other than the proposer."""

        approver: dict[str, Any]
        approved: bool
        reason: str | None
        decided_on: date

    class ReliefGranted(Aggregate.Event):
        """Relief granted (决定救助): the amount and the wage basis it was checked against."""

        amount_fen: int
        months: int
        average_monthly_wage_fen: int
        strict_review: bool
        approved_by: str
        decided_on: date

    class ReliefRefused(Aggregate.Event):
        """Relief refused (不予救助) on a ground, with the detail."""

        ground: str
        detail: str
        decided_on: date

    class ReliefDisbursed(Aggregate.Event):
        """(Part of) the grant paid out (发放), possibly at a ceremony."""

        amount_fen: int
        paid_on: date
        ceremony: str | None

    class FollowUpRecorded(Aggregate.Event):
        """A follow-up visit (回访) and the new needs it found."""

        visited_on: date
        officer: str
        notes: str
        new_needs: list[str]

    class CaseClosed(Aggregate.Event):
        """The case closed (结案)."""

        reason: str
        closed_on: date

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
    ) -> None:
        self.procuratorate_id = procuratorate_id
        self.person_id = person_id
        self.source = source
        self.referral_id = referral_id
        self.stage = Stage.RECEIVED.value
        self.eligible: bool | None = None
        self.refusal_ground: str | None = None
        self.granted_fen = 0
        self.disbursed_fen = 0
        self.follow_ups = 0
        self.approvals = Approvals()

    def _require_stage(self, step: str, *allowed: Stage) -> None:
        if self.stage not in allowed:
            needs = " or ".join(s.value for s in allowed)
            raise StepOutOfOrder(f"{step} needs the case at stage {needs}, it is {self.stage}")

    def record_inquiry(self, officer: str, notes: str, held_on: date) -> None:
        self._require_stage("inquiry", Stage.RECEIVED, Stage.INQUIRED)
        self._record_inquiry(
            require_text(officer, "officer", limit=MAX_SHORT_TEXT),
            check_length(notes, "notes"),
            check_date(held_on, "held on"),
        )

    @event(InquiryRecorded)
    def _record_inquiry(self, officer: str, notes: str, held_on: date) -> None:
        self.stage = Stage.INQUIRED.value

    def review(
        self,
        *,
        situation: str | None,
        refusal_ground: str | None,
        notes: str,
        reviewed_on: date,
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
            reviewed_on=check_date(reviewed_on, "reviewed on"),
        )

    @event(Reviewed)
    def _reviewed(
        self, situation: str | None, refusal_ground: str | None, notes: str, reviewed_on: date
    ) -> None:
        self.stage = Stage.REVIEWED.value
        self.eligible = situation is not None
        self.refusal_ground = refusal_ground

    def hold_hearing(self, officers: list[dict[str, str]], held_on: date) -> None:
        """Hearing officers (people's supervisors, deputies, CPPCC members) give views."""
        self._require_stage("hearing", Stage.REVIEWED)
        if not self.eligible:
            raise StepOutOfOrder("a hearing is held only on a case found eligible at review")
        if not officers:
            raise InvalidValue("a hearing needs at least one hearing officer")
        if not all(isinstance(o, dict) for o in check_items(officers, "a hearing")):
            raise InvalidValue("each hearing officer has a name, a role and a view")
        cleaned = [
            {
                "name": require_text(o.get("name"), "hearing officer name", limit=MAX_SHORT_TEXT),
                "role": require_text(o.get("role"), "hearing officer role", limit=MAX_SHORT_TEXT),
                "view": require_text(o.get("view"), "hearing officer view"),
            }
            for o in officers
        ]
        self._hearing_held(cleaned, check_date(held_on, "held on"))

    @event(HearingHeld)
    def _hearing_held(self, officers: list[dict[str, str]], held_on: date) -> None:
        self.stage = Stage.HEARD.value

    def submit_for_approval(
        self, proposed_fen: int, submitted_by: str, on: date, proposer: Actor | None = None
    ) -> None:
        """A case officer proposes an amount; a proposal not yet approved may be replaced."""
        self._require_stage("submission for approval", Stage.REVIEWED, Stage.HEARD, Stage.SUBMITTED)
        if not self.eligible:
            raise StepOutOfOrder("only a case found eligible is submitted for approval")
        if self.approvals.approved:
            raise StepOutOfOrder("no new submission: the proposal was approved, the decision is next")
        proposed = check_fen(proposed_fen, "proposed amount")
        by = require_text(submitted_by, "by", limit=MAX_SHORT_TEXT)
        day = check_date(on, "submitted on")
        self._submitted(
            proposed, by, day, official(proposer, "a proposal", OfficialRole.CASE_OFFICER)
        )

    @event(SubmittedForApproval)
    def _submitted(
        self, proposed_fen: int, submitted_by: str, on: date, proposer: dict[str, Any] | None
    ) -> None:
        self.stage = Stage.SUBMITTED.value
        self.approvals.propose(proposer, proposed_fen)

    def record_meeting(
        self,
        meeting: str,
        held_on: date,
        people: list[Actor],
        decision: str,
        notes: str | None,
        recorder: Actor | None,
    ) -> None:
        """Records the chief procurator's meeting or the strict review on the proposal."""
        self._require_stage("a meeting on the proposal", Stage.SUBMITTED)
        kind = parse(Meeting, meeting, "meeting")
        official(recorder, "recording a meeting", *PROCURATORATE_ROLES)
        self._meeting_recorded(
            meeting=kind.value,
            held_on=check_date(held_on, "held on"),
            attendees=attendees(people, kind),
            decision=parse(Decision, decision, "decision").value,
            notes=None if notes is None else require_text(notes, "notes"),
        )

    @event(MeetingRecorded)
    def _meeting_recorded(
        self,
        meeting: str,
        held_on: date,
        attendees: list[dict[str, Any]],
        decision: str,
        notes: str | None,
    ) -> None:
        self.approvals.meetings[meeting] = decision == Decision.APPROVED

    def decide_approval(
        self, approve: bool, reason: str | None, on: date, approver: Actor | None
    ) -> None:
        """A department head or the chief procurator, not the proposer, approves or refuses."""
        self._require_stage("approval", Stage.SUBMITTED)
        if not isinstance(approve, bool):
            raise InvalidValue("approved is true or false")
        who = official(approver, "approval", *APPROVERS)
        self.approvals.check_approver(who, approve=approve)
        self._approval_decided(
            approver=who,
            approved=approve,
            reason=refusal_reason(approve, reason),
            decided_on=check_date(on, "decided on"),
        )

    @event(ApprovalDecided)
    def _approval_decided(
        self, approver: dict[str, Any], approved: bool, reason: str | None, decided_on: date
    ) -> None:
        self.approvals.approver = approver
        self.approvals.approved = approved

    def grant(
        self,
        *,
        amount_fen: int,
        months: int,
        average_monthly_wage_fen: int,
        strict_review: bool,
        approved_by: str,
        decided_on: date,
    ) -> None:
        """Grant: amount within months × the previous year's regional average monthly wage."""
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
        approved_by = require_text(approved_by, "approved by", limit=MAX_SHORT_TEXT)
        decided_on = check_date(decided_on, "decided on")
        self.approvals.check_grant(amount_fen, months)  # 审批: see domain.approvals
        self._granted(
            amount_fen=amount_fen,
            months=months,
            average_monthly_wage_fen=average_monthly_wage_fen,
            strict_review=strict_review,
            approved_by=approved_by,
            decided_on=decided_on,
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
    ) -> None:
        self.stage = Stage.GRANTED.value
        self.granted_fen = amount_fen

    def refuse(self, ground: str, detail: str, decided_on: date) -> None:
        self._require_stage("refusal", Stage.REVIEWED, Stage.HEARD, Stage.SUBMITTED)
        self._refused(
            parse(RefusalGround, ground, "refusal ground").value,
            require_text(detail, "detail"),
            check_date(decided_on, "decided on"),
        )

    @event(ReliefRefused)
    def _refused(self, ground: str, detail: str, decided_on: date) -> None:
        self.stage = Stage.REFUSED.value

    def disburse(self, amount_fen: int, paid_on: date, ceremony: str | None = None) -> None:
        """Pays out (part of) the grant, possibly at a joint ceremony with social donations."""
        # A fully paid grant still answers with OverDisbursement: the rule that is broken.
        self._require_stage("disbursement", Stage.GRANTED, Stage.DISBURSED)
        check_fen(amount_fen, "disbursement")
        check_date(paid_on, "paid on")
        check_length(ceremony, "ceremony", limit=MAX_SHORT_TEXT)
        if self.disbursed_fen + amount_fen > self.granted_fen:
            raise OverDisbursement(
                f"{self.disbursed_fen + amount_fen} fen would exceed the grant of "
                f"{self.granted_fen} fen"
            )
        self._disbursed(amount_fen, paid_on, ceremony)

    @event(ReliefDisbursed)
    def _disbursed(self, amount_fen: int, paid_on: date, ceremony: str | None) -> None:
        self.disbursed_fen += amount_fen
        if self.disbursed_fen == self.granted_fen:
            self.stage = Stage.DISBURSED.value

    def record_follow_up(
        self, *, visited_on: date, officer: str, notes: str, new_needs: list[str]
    ) -> None:
        """A follow-up visit (回访); new needs found here start new referrals."""
        if self.disbursed_fen == 0 and self.stage != Stage.REFUSED:
            raise StepOutOfOrder("a follow-up visit comes after disbursement or refusal")
        if self.stage == Stage.CLOSED:
            raise StepOutOfOrder("the case is closed")
        self._followed_up(
            check_date(visited_on, "visited on"),
            require_text(officer, "officer", limit=MAX_SHORT_TEXT),
            check_length(notes, "notes"),
            sorted({parse(Service, n, "need").value for n in new_needs}),
        )

    @event(FollowUpRecorded)
    def _followed_up(
        self, visited_on: date, officer: str, notes: str, new_needs: list[str]
    ) -> None:
        self.follow_ups += 1

    def close(self, reason: str, closed_on: date) -> None:
        self._require_stage("closure", Stage.DISBURSED, Stage.REFUSED)
        self._closed(require_text(reason, "reason"), check_date(closed_on, "closed on"))

    @event(CaseClosed)
    def _closed(self, reason: str, closed_on: date) -> None:
        self.stage = Stage.CLOSED.value

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
            "version": self.version,
        }
