"""Referrals between agencies (转介): request, answer, close the loop, re-refer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from domain.agency import Agency
from domain.case import AidCase
from domain.errors import ConsentRequired, InvalidValue, NotParty, ServiceNotOffered
from domain.referral import Referral
from domain.values import Direction, ReferralStatus, Service, check_date, parse
from hub.commands.base import HubBase

#: the verbs of the API and of connectors' replies, and the status each one sets
ACTIONS: dict[str, ReferralStatus] = {
    "receive": ReferralStatus.RECEIVED,
    "accept": ReferralStatus.ACCEPTED,
    "reject": ReferralStatus.REJECTED,
    "start": ReferralStatus.IN_PROGRESS,
    "hold": ReferralStatus.ON_HOLD,
    "resume": ReferralStatus.IN_PROGRESS,
    "complete": ReferralStatus.COMPLETED,
    "fail": ReferralStatus.FAILED,
    "cancel": ReferralStatus.CANCELLED,
}


def direction_between(requester: Agency, recipient: Agency) -> Direction:
    if recipient.is_procuratorate and not requester.is_procuratorate:
        return Direction.INBOUND
    if requester.is_procuratorate and not recipient.is_procuratorate:
        return Direction.OUTBOUND
    return Direction.LATERAL


class ReferralCommands(HubBase):
    consent_for_referral: Callable[..., dict[str, Any] | None]
    case_parties: Callable[[UUID], set[UUID]]

    def _new_referral(
        self,
        *,
        requester_id: UUID,
        recipient_id: UUID,
        person_id: UUID,
        case_id: UUID | None,
        reason: str,
        services: list[str],
        on_behalf_of: str | None,
        legal_basis: str | None,
        invoked_by: str | None,
        on: date | None,
        re_referral_of: UUID | None = None,
        found_on: date | None = None,
        backdate_reason: str | None = None,
        answers: tuple[int, str] | None = None,
    ) -> Referral:
        requester = self.read(Agency, requester_id)
        recipient = self.read(Agency, recipient_id)
        day = self.business_day(on, backdate_reason, "requested on")
        requested_on = day.on
        if found_on is not None:
            check_date(found_on, "found on")
            if found_on > requested_on:
                raise InvalidValue("the lead is found or the case concluded before it is referred")
        wanted = {parse(Service, s, "service").value for s in services}
        consent = self.consent_for_referral(  # first: one who may not refer her learns nothing
            person_id,
            requester_id=requester_id,
            recipient_id=recipient_id,
            services=sorted(wanted),
            on=requested_on,
        )
        missing = wanted - set(recipient.services)
        if missing:
            raise ServiceNotOffered(
                f"{recipient.name} does not offer: {', '.join(sorted(missing))}"
            )
        if case_id is not None:
            case = self.read(AidCase, case_id)
            if case.procuratorate_id not in (requester_id, recipient_id):
                raise NotParty("the case belongs to neither side of the referral")
            if requester_id not in self.case_parties(case_id):
                raise NotParty("the requester is not a party to the case")
            if case.person_id != person_id:
                raise InvalidValue("the case is about another person")
            if answers is not None:
                case.check_need(*answers)
        elif answers is not None:
            raise InvalidValue("a referral answering a need found at follow-up names the case")
        if not legal_basis and consent is None:
            raise ConsentRequired(
                "no live consent of the person allows disclosure to this agency for these "
                "services; record one, or give the legal basis and who invokes it"
            )
        return Referral.request(
            requester_id=requester_id,
            recipient_id=recipient_id,
            direction=direction_between(requester, recipient).value,
            person_id=person_id,
            case_id=case_id,
            reason=reason,
            services=sorted(wanted),
            due_on=self.calendar.add_working_days(requested_on, recipient.response_days),
            consent=not legal_basis,
            consent_id=UUID(consent["id"]) if consent and not legal_basis else None,
            legal_basis=legal_basis,
            invoked_by=invoked_by,
            on_behalf_of=on_behalf_of,
            re_referral_of=re_referral_of,
            requested_on=requested_on,
            found_on=found_on,
            backdate_reason=day.backdate_reason,
            answers_follow_up=None if answers is None else answers[0],
            answers_need=None if answers is None else answers[1],
        )

    def refer(
        self,
        *,
        requester_id: UUID,
        recipient_id: UUID,
        person_id: UUID,
        reason: str,
        services: list[str],
        on_behalf_of: str | None = None,
        case_id: UUID | None = None,
        legal_basis: str | None = None,
        invoked_by: str | None = None,
        on: date | None = None,
        found_on: date | None = None,
        backdate_reason: str | None = None,
        answers: tuple[int, str] | None = None,
    ) -> UUID:
        """Refers a person to another agency; due in the recipient's target working days.

        ``found_on``: the day the sender concluded the case or found the lead, from which its
        5 working days to refer run (by default the day of the referral). ``answers``
        (follow-up visit number, need) names the need found at follow-up that the referral
        answers; that need stays open until such a referral completes."""
        referral = self._new_referral(
            requester_id=requester_id,
            recipient_id=recipient_id,
            person_id=person_id,
            case_id=case_id,
            reason=reason,
            services=services,
            on_behalf_of=on_behalf_of,
            legal_basis=legal_basis,
            invoked_by=invoked_by,
            on=on,
            found_on=found_on,
            backdate_reason=backdate_reason,
            answers=answers,
        )
        self.save(referral)
        return referral.id

    def re_refer(
        self,
        *,
        referral_id: UUID,
        by_agency: UUID,
        new_recipient_id: UUID,
        reason: str,
        services: list[str] | None = None,
        on: date | None = None,
        on_behalf_of: str | None = None,
    ) -> UUID:
        """Sends a rejected or failed referral on to another agency; both change in one save."""
        old = self.load(Referral, referral_id)
        if old.party(by_agency) is None:
            raise NotParty("the agency is not a party to this referral")
        if new_recipient_id in (old.recipient_id, by_agency):
            raise InvalidValue("a referral is re-referred to another agency")
        new = self._new_referral(
            requester_id=by_agency,
            recipient_id=new_recipient_id,
            person_id=old.person_id,
            case_id=old.case_id,
            reason=reason,
            services=services or old.services,
            on_behalf_of=on_behalf_of,
            legal_basis=old.legal_basis,
            invoked_by=old.invoked_by,
            on=on,
            re_referral_of=old.id,
            answers=None
            if old.answers_follow_up is None or old.answers_need is None
            else (old.answers_follow_up, old.answers_need),
        )
        old.mark_re_referred(new.id, by_agency, on_behalf_of)
        self.save(old, new)
        return new.id

    def answer_referral(
        self,
        referral_id: UUID,
        by_agency: UUID,
        action: str,
        reason: str | None = None,
        outcome: dict[str, Any] | None = None,
        *,
        on_behalf_of: str | None = None,
        request_key: str | None = None,
        tracking: Tracking | None = None,
    ) -> str:
        """Applies one of :data:`ACTIONS` for ``by_agency``; returns the (new) status.

        With ``request_key``, an answer already applied is a no-op (exactly once). With
        ``tracking``, the consumer position of the reply is recorded in the same append.
        """
        status = ACTIONS.get(action)
        if status is None:
            raise InvalidValue(f"unknown action {action!r}; one of: {', '.join(ACTIONS)}")
        referral = self.load(Referral, referral_id)
        changed = referral.change_status(
            status,
            by_agency=by_agency,
            on_behalf_of=on_behalf_of,
            reason=reason,
            outcome=outcome,
            request_key=request_key,
        )
        if tracking is not None:
            self.save_tracked(referral if changed else None, tracking=tracking)
        elif changed:
            self.save(referral)
        return str(referral.status)

    def record_tracking(self, tracking: Tracking) -> None:
        """Records a consumer position with no event (a reply that went to the DLQ)."""
        self.save_tracked(tracking=tracking)
