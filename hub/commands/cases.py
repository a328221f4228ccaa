"""The judicial relief procedure (司法救助程序), step by step, for the case's procuratorate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from domain.agency import Agency
from domain.case import AidCase
from domain.errors import InvalidValue, MembershipRule, NotParty
from domain.mechanism import LinkageMechanism
from domain.referral import Referral
from domain.values import ReferralStatus
from hub.commands.base import HubBase


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
        actor: str = "system",
    ) -> UUID:
        """Opens a case from an application, a case department or an inbound referral.

        From a referral, the referral must be addressed to this procuratorate and accepted;
        it moves to in-progress in the same atomic save.
        """
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
                    ReferralStatus.IN_PROGRESS, by_agency=procuratorate_id, actor=actor
                )
            elif referral.status != ReferralStatus.IN_PROGRESS:
                raise InvalidValue("accept the referral before opening a case from it")
            to_save.append(referral)
        case = AidCase.receive(
            procuratorate_id=procuratorate_id,
            person_id=person_id,
            source=source,
            summary=summary,
            received_on=received_on or self.today(),
            referral_id=referral_id,
        )
        self.save(case, *to_save)
        return case.id

    def record_inquiry(
        self, case_id: UUID, by_agency: UUID, officer: str, notes: str, on: date | None = None
    ) -> None:
        case = self._case_for(case_id, by_agency)
        case.record_inquiry(officer, notes, on or self.today())
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
    ) -> None:
        case = self._case_for(case_id, by_agency)
        case.review(
            situation=situation,
            refusal_ground=refusal_ground,
            notes=notes,
            reviewed_on=on or self.today(),
        )
        self.save(case)

    def hold_hearing(
        self,
        case_id: UUID,
        by_agency: UUID,
        officers: list[dict[str, str]],
        on: date | None = None,
    ) -> None:
        case = self._case_for(case_id, by_agency)
        case.hold_hearing(officers, on or self.today())
        self.save(case)

    def submit_for_approval(
        self,
        case_id: UUID,
        by_agency: UUID,
        proposed_fen: int,
        submitted_by: str,
        on: date | None = None,
    ) -> None:
        case = self._case_for(case_id, by_agency)
        case.submit_for_approval(proposed_fen, submitted_by, on or self.today())
        self.save(case)

    def grant_relief(
        self,
        *,
        case_id: UUID,
        by_agency: UUID,
        amount_fen: int,
        average_monthly_wage_fen: int,
        approved_by: str,
        months: int = 36,
        strict_review: bool = False,
        on: date | None = None,
    ) -> None:
        case = self._case_for(case_id, by_agency)
        case.grant(
            amount_fen=amount_fen,
            months=months,
            average_monthly_wage_fen=average_monthly_wage_fen,
            strict_review=strict_review,
            approved_by=approved_by,
            decided_on=on or self.today(),
        )
        self.save(case)

    def refuse_relief(
        self, case_id: UUID, by_agency: UUID, ground: str, detail: str, on: date | None = None
    ) -> None:
        case = self._case_for(case_id, by_agency)
        case.refuse(ground, detail, on or self.today())
        self.save(case)

    def disburse_relief(
        self,
        case_id: UUID,
        by_agency: UUID,
        amount_fen: int,
        ceremony: str | None = None,
        on: date | None = None,
    ) -> None:
        case = self._case_for(case_id, by_agency)
        case.disburse(amount_fen, on or self.today(), ceremony)
        self.save(case)

    def record_follow_up(
        self,
        *,
        case_id: UUID,
        by_agency: UUID,
        officer: str,
        notes: str,
        new_needs: list[str],
        on: date | None = None,
        next_visit_on: date | None = None,
    ) -> None:
        """A follow-up visit, also after closure; ``next_visit_on`` when the next is due."""
        case = self._case_for(case_id, by_agency)
        case.record_follow_up(
            visited_on=on or self.today(),
            officer=officer,
            notes=notes,
            new_needs=new_needs,
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
        without_referral: str | None = None,
    ) -> None:
        """Closes the case; refused for hardship not caused by it, only once the person was
        referred on (a referral of the case by its procuratorate, live or completed) or
        ``without_referral`` says why not."""
        case = self._case_for(case_id, by_agency)
        case.close(
            reason,
            on or self.today(),
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
