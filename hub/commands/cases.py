"""The judicial relief procedure (司法救助程序), step by step, for the case's procuratorate.

Each step takes its business date (``on``, default today in China) and, when earlier than
today, the reason it is recorded late (:meth:`HubBase.business_day`). A grant is reckoned on
the official average wage of the named region and year (:mod:`domain.wages`) and counted on
its matter (:mod:`domain.matter`) in the same atomic save.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from domain.acting import Actor
from domain.agency import Agency
from domain.case import AidCase, Stage
from domain.errors import InvalidValue, MembershipRule, NotParty, WageFigureMissing
from domain.matter import ReliefMatter
from domain.mechanism import LinkageMechanism
from domain.officials import User
from domain.referral import Referral
from domain.values import ReferralStatus
from domain.wages import WageFigure
from hub.commands.base import HubBase
from hub.identity.acting import current_actor


class CaseCommands(HubBase):
    require_person_party: Callable[[UUID, UUID | None], None]
    referral_ids: Callable[..., list[UUID]]

    def _case_for(self, case_id: UUID, by_agency: UUID) -> AidCase:
        case = self.load(AidCase, case_id)
        if case.procuratorate_id != by_agency:
            raise NotParty("only the case's procuratorate handles the case")
        return case

    def receive_lead(
        self,
        procuratorate_id: UUID,
        person_id: UUID,
        source: str,
        summary: str,
        received_on: date | None = None,
        referral_id: UUID | None = None,
        *,
        on_behalf_of: str | None = None,
        matter_number: str | None = None,
        applicant_relation: str | None = None,
        backdate_reason: str | None = None,
    ) -> UUID:
        """Opens a case from an application, a case department or an inbound referral.

        From a referral, the referral must be addressed to this procuratorate and accepted;
        it moves to in-progress in the same atomic save (``on_behalf_of`` its note).
        """
        day = self.business_day(received_on, backdate_reason, "received on")
        procuratorate = self.load(Agency, procuratorate_id)
        if not procuratorate.is_procuratorate:
            raise InvalidValue("judicial relief cases are opened by a procuratorate")
        self.require_person_party(person_id, procuratorate_id)
        to_save: list[Any] = []
        if referral_id is not None:
            referral = self.load(Referral, referral_id)
            if referral.recipient_id != procuratorate_id:
                raise NotParty("the referral is not addressed to this procuratorate")
            if referral.person_id != person_id:
                raise InvalidValue("the referral is about another person")
            if referral.status == ReferralStatus.ACCEPTED:
                referral.change_status(
                    ReferralStatus.IN_PROGRESS,
                    by_agency=procuratorate_id,
                    on_behalf_of=on_behalf_of,
                )
            elif referral.status != ReferralStatus.IN_PROGRESS:
                raise InvalidValue("accept the referral before opening a case from it")
            to_save.append(referral)
        case = AidCase.receive(
            procuratorate_id=procuratorate_id,
            person_id=person_id,
            source=source,
            summary=summary,
            received_on=day.on,
            referral_id=referral_id,
            matter_number=matter_number,
            applicant_relation=applicant_relation,
            backdate_reason=day.backdate_reason,
        )
        self.save(case, *to_save)
        return case.id

    def name_matter(self, case_id: UUID, by_agency: UUID, matter_number: str) -> None:
        case = self._case_for(case_id, by_agency)
        case.name_matter(matter_number)
        self.save(case)

    def record_inquiry(
        self,
        case_id: UUID,
        by_agency: UUID,
        notes: str,
        on: date | None = None,
        *,
        applicant_relation: str | None = None,
        backdate_reason: str | None = None,
        on_behalf_of: str | None = None,
    ) -> None:
        day = self.business_day(on, backdate_reason, "held on")
        case = self._case_for(case_id, by_agency)
        case.record_inquiry(
            notes,
            day.on,
            applicant_relation=applicant_relation,
            backdate_reason=day.backdate_reason,
            on_behalf_of=on_behalf_of,
        )
        self.save(case)

    def review_case(
        self,
        *,
        case_id: UUID,
        by_agency: UUID,
        situation: str | None,
        refusal_ground: str | None,
        notes: str,
        on: date | None = None,
        backdate_reason: str | None = None,
    ) -> None:
        day = self.business_day(on, backdate_reason, "reviewed on")
        case = self._case_for(case_id, by_agency)
        case.review(
            situation=situation,
            refusal_ground=refusal_ground,
            notes=notes,
            reviewed_on=day.on,
            backdate_reason=day.backdate_reason,
        )
        self.save(case)

    def hold_hearing(
        self,
        case_id: UUID,
        by_agency: UUID,
        officers: list[dict[str, str]],
        on: date | None = None,
        *,
        fewer_officers_reason: str | None = None,
        backdate_reason: str | None = None,
    ) -> None:
        day = self.business_day(on, backdate_reason, "held on")
        case = self._case_for(case_id, by_agency)
        case.hold_hearing(
            officers,
            day.on,
            fewer_officers_reason=fewer_officers_reason,
            backdate_reason=day.backdate_reason,
        )
        self.save(case)

    def submit_for_approval(
        self,
        case_id: UUID,
        by_agency: UUID,
        proposed_fen: int,
        on: date | None = None,
        *,
        backdate_reason: str | None = None,
    ) -> None:
        """The acting case officer (the principal acting now) proposes the amount."""
        day = self.business_day(on, backdate_reason, "submitted on")
        case = self._case_for(case_id, by_agency)
        proposer = current_actor()
        name = proposer["name"] if proposer else "-"
        case.submit_for_approval(
            proposed_fen, name, day.on, proposer, backdate_reason=day.backdate_reason
        )
        self.save(case)

    def record_meeting(
        self,
        case_id: UUID,
        by_agency: UUID,
        *,
        meeting: str,
        attendee_ids: list[UUID],
        decision: str,
        notes: str | None = None,
        held_on: date | None = None,
        backdate_reason: str | None = None,
    ) -> None:
        """Records the chief procurator's meeting or the strict review: the attendees are
        officials of the case's procuratorate, enabled, with their roles as they are now."""
        day = self.business_day(held_on, backdate_reason, "held on")
        case = self._case_for(case_id, by_agency)
        # attendees are looked up once the step is in order (else the order is what is wrong)
        ready = case.stage == Stage.SUBMITTED
        people = [self._attendee(u, by_agency) for u in attendee_ids] if ready else []
        case.record_meeting(
            meeting,
            day.on,
            people,
            decision,
            notes,
            current_actor(),
            backdate_reason=day.backdate_reason,
        )
        self.save(case)

    def _attendee(self, user_id: UUID, agency_id: UUID) -> Actor:
        user = self.load(User, user_id)
        if user.agency_id != agency_id or user.disabled:
            raise InvalidValue(f"user {user_id} is not an official of this procuratorate")
        return Actor(
            kind="user",
            user_id=str(user.id),
            agency_id=str(user.agency_id),
            name=user.name,
            roles=list(user.roles),
        )

    def decide_approval(
        self,
        case_id: UUID,
        by_agency: UUID,
        approved: bool,
        reason: str | None = None,
        on: date | None = None,
        *,
        backdate_reason: str | None = None,
    ) -> None:
        """The acting official approves or refuses the proposal."""
        day = self.business_day(on, backdate_reason, "decided on")
        case = self._case_for(case_id, by_agency)
        case.decide_approval(
            approved, reason, day.on, current_actor(), backdate_reason=day.backdate_reason
        )
        self.save(case)

    def pay_advance(
        self,
        case_id: UUID,
        by_agency: UUID,
        amount_fen: int,
        ground: str,
        detail: str,
        on: date | None = None,
        *,
        backdate_reason: str | None = None,
    ) -> None:
        """Advance relief (先行救助) for a person in urgent danger, before the decision."""
        day = self.business_day(on, backdate_reason, "paid on")
        case = self._case_for(case_id, by_agency)
        case.pay_advance(amount_fen, ground, detail, day.on, backdate_reason=day.backdate_reason)
        self.save(case)

    def wage_figure(self, region_code: str, year: int) -> WageFigure:
        """The official average wage of ``region_code`` in ``year``, or a clear refusal."""
        figure_id = WageFigure.id_for(region_code, year)
        if not self.exists(figure_id):
            raise WageFigureMissing(
                f"no official average wage is loaded for region {region_code} in {year} "
                "(hub wages load FILE)"
            )
        return self.load(WageFigure, figure_id)

    def grant_relief(
        self,
        *,
        case_id: UUID,
        by_agency: UUID,
        amount_fen: int,
        region_code: str,
        wage_year: int,
        months: int = 36,
        strict_review: bool = False,
        on: date | None = None,
        damages_fen: int | None = None,
        matter_exception: str | None = None,
        backdate_reason: str | None = None,
    ) -> None:
        """Decides the grant within the approved proposal, naming the approving official:
        within months × the official average monthly wage of the region and year, at most the
        damages awarded, one relief per person and matter (案号)."""
        day = self.business_day(on, backdate_reason, "decided on")
        case = self._case_for(case_id, by_agency)
        if case.matter_number is None:
            raise InvalidValue("name the underlying case (案号) the hardship arose from first")
        figure = self.wage_figure(region_code, wage_year)
        matter_id = ReliefMatter.id_for(case.person_id, case.matter_number)
        matter = (
            self.load(ReliefMatter, matter_id)
            if self.exists(matter_id)
            else ReliefMatter.open(person_id=case.person_id, matter_number=case.matter_number)
        )
        matter.count_grant(case.id, amount_fen, matter_exception)
        approver = case.approvals.approver
        case.grant(
            amount_fen=amount_fen,
            months=months,
            average_monthly_wage_fen=figure.monthly_wage_fen,
            strict_review=strict_review,
            approved_by=approver["name"] if approver else "-",
            decided_on=day.on,
            wage_region_code=figure.region_code,
            wage_year=figure.year,
            wage_source=figure.source,
            damages_fen=damages_fen,
            matter_exception=matter_exception,
            backdate_reason=day.backdate_reason,
        )
        self.save(case, matter)

    def refuse_relief(
        self,
        case_id: UUID,
        by_agency: UUID,
        ground: str,
        detail: str,
        on: date | None = None,
        *,
        backdate_reason: str | None = None,
    ) -> None:
        day = self.business_day(on, backdate_reason, "decided on")
        case = self._case_for(case_id, by_agency)
        case.refuse(ground, detail, day.on, backdate_reason=day.backdate_reason)
        self.save(case)

    def record_funds_arrived(
        self,
        case_id: UUID,
        by_agency: UUID,
        on: date | None = None,
        *,
        backdate_reason: str | None = None,
    ) -> None:
        day = self.business_day(on, backdate_reason, "arrived on")
        case = self._case_for(case_id, by_agency)
        case.record_funds_arrived(day.on, backdate_reason=day.backdate_reason)
        self.save(case)

    def notify_applicant(
        self,
        case_id: UUID,
        by_agency: UUID,
        means: str,
        on: date | None = None,
        *,
        backdate_reason: str | None = None,
    ) -> None:
        day = self.business_day(on, backdate_reason, "notified on")
        case = self._case_for(case_id, by_agency)
        case.notify_applicant(day.on, means, backdate_reason=day.backdate_reason)
        self.save(case)

    def disburse_relief(
        self,
        case_id: UUID,
        by_agency: UUID,
        amount_fen: int,
        ceremony: str | None = None,
        on: date | None = None,
        *,
        backdate_reason: str | None = None,
    ) -> None:
        day = self.business_day(on, backdate_reason, "paid on")
        case = self._case_for(case_id, by_agency)
        case.disburse(amount_fen, day.on, ceremony, backdate_reason=day.backdate_reason)
        self.save(case)

    def record_follow_up(
        self,
        *,
        case_id: UUID,
        by_agency: UUID,
        notes: str,
        new_needs: list[str],
        on: date | None = None,
        backdate_reason: str | None = None,
        next_visit_on: date | None = None,
        on_behalf_of: str | None = None,
    ) -> None:
        """A follow-up visit, also after closure; ``next_visit_on`` when the next is due."""
        day = self.business_day(on, backdate_reason, "visited on")
        case = self._case_for(case_id, by_agency)
        case.record_follow_up(
            visited_on=day.on,
            on_behalf_of=on_behalf_of,
            notes=notes,
            new_needs=new_needs,
            backdate_reason=day.backdate_reason,
            next_visit_on=next_visit_on,
        )
        self.save(case)

    def classify_case(
        self,
        *,
        case_id: UUID,
        by_agency: UUID,
        category: str,
        mechanism_id: UUID | None = None,
    ) -> None:
        """Counts the case in a category, under a mechanism its procuratorate belongs to."""
        case = self._case_for(case_id, by_agency)
        signed_on = None
        if mechanism_id is not None:
            mechanism = self.load(LinkageMechanism, mechanism_id)
            if str(case.procuratorate_id) not in mechanism.members:
                raise MembershipRule("the case's procuratorate is no member of that mechanism")
            signed_on = mechanism.signed_on
        case.classify(category=category, mechanism_id=mechanism_id, mechanism_signed_on=signed_on)
        self.save(case)

    def close_case(
        self,
        case_id: UUID,
        by_agency: UUID,
        reason: str,
        on: date | None = None,
        *,
        backdate_reason: str | None = None,
        without_referral: str | None = None,
    ) -> None:
        """Closes the case; refused for hardship not caused by it, only once the person was
        referred on (a referral of the case by its procuratorate, live or completed) or
        ``without_referral`` says why not."""
        day = self.business_day(on, backdate_reason, "closed on")
        case = self._case_for(case_id, by_agency)
        case.close(
            reason,
            day.on,
            backdate_reason=day.backdate_reason,
            referred_on=self.referred_on(case),
            without_referral=without_referral,
        )
        self.save(case)

    def referred_on(self, case: AidCase) -> bool:
        """The case's procuratorate referred the person to another agency, and that referral
        is live or completed (not rejected, failed or cancelled)."""
        ended = {ReferralStatus.REJECTED, ReferralStatus.FAILED, ReferralStatus.CANCELLED}
        for referral_id in self.referral_ids(case_id=case.id):
            referral = self.load(Referral, referral_id)
            if referral.requester_id == case.procuratorate_id and referral.status not in ended:
                return True
        return False
