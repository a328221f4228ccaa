"""Referral (转介 / 线索移送): one agency asks another to help a person.

The lifecycle follows the HL7 FHIR Task statuses. As in the Gravity Project's referral
guide, the requester sets ``requested`` and may cancel; the recipient sets received,
accepted, rejected, in-progress, on-hold, completed and failed; either side may cancel. A
reason is required for rejected, on-hold, failed and cancelled. Referrals are never deleted;
a rejected or failed one can be re-referred elsewhere, so the person does not fall through.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.acting import behalf_note, moved_to_note
from domain.errors import (
    ConsentRequired,
    InvalidValue,
    NotParty,
    ReasonRequired,
    ReReferralNotAllowed,
    TransitionNotAllowed,
    WrongSide,
)
from domain.values import (
    MAX_POSITION,
    MAX_SHORT_TEXT,
    Direction,
    ProvisionKind,
    ReferralStatus,
    Service,
    check_count,
    check_date,
    check_fen,
    check_items,
    check_length,
    parse,
    require_text,
)

S = ReferralStatus

#: status → the statuses it may move to
TRANSITIONS: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    S.REQUESTED: frozenset({S.RECEIVED, S.ACCEPTED, S.REJECTED, S.CANCELLED}),
    S.RECEIVED: frozenset({S.ACCEPTED, S.REJECTED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.ON_HOLD, S.COMPLETED, S.FAILED, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.ON_HOLD, S.COMPLETED, S.FAILED, S.CANCELLED}),
    S.ON_HOLD: frozenset({S.IN_PROGRESS, S.FAILED, S.CANCELLED}),
    S.REJECTED: frozenset(),
    S.COMPLETED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
}
RECIPIENT_SETS = frozenset(
    {S.RECEIVED, S.ACCEPTED, S.REJECTED, S.IN_PROGRESS, S.ON_HOLD, S.COMPLETED, S.FAILED}
)
EITHER_SETS = frozenset({S.CANCELLED})
NEEDS_REASON = frozenset({S.REJECTED, S.ON_HOLD, S.FAILED, S.CANCELLED})
#: the statuses from which the requester sends the person on to another agency (再次转介)
RE_REFERABLE = frozenset({S.REJECTED, S.FAILED})


def check_outcome(outcome: dict[str, Any]) -> dict[str, Any]:
    """Completed records success or not (with a reason) and what was provided."""
    if not isinstance(outcome, dict) or "successful" not in outcome:
        raise InvalidValue("an outcome says whether it was successful")
    successful = outcome["successful"]
    if not isinstance(successful, bool):
        raise InvalidValue("outcome.successful must be true or false")
    reason = outcome.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise InvalidValue("outcome.reason is text")
    if not successful and not (reason and reason.strip()):
        raise ReasonRequired("an unsuccessful outcome needs a reason")
    check_length(reason, "outcome.reason")
    listed = outcome.get("provisions") or []
    if not isinstance(listed, list) or not all(isinstance(p, dict) for p in listed):
        raise InvalidValue("outcome.provisions is a list of objects")
    check_items(listed, "outcome.provisions")
    provisions = []
    for p in listed:
        amount = p.get("amount_fen")
        if amount is None and p.get("kind") == ProvisionKind.MONEY:
            raise InvalidValue("a money provision states its amount in fen")
        provisions.append(
            {
                "kind": parse(ProvisionKind, p.get("kind", ""), "provision kind").value,
                "amount_fen": None if amount is None else check_fen(amount, "provision amount"),
                "provider": require_text(p.get("provider"), "provider", limit=MAX_SHORT_TEXT),
                "description": check_length(str(p.get("description") or ""), "description"),
            }
        )
    return {"successful": successful, "reason": reason, "provisions": provisions}


class Referral(Aggregate):
    """A referral from a requester agency to a recipient agency, for one person."""

    class Requested(Aggregate.Created):
        """A referral requested; ``consent_id`` names the consent it relied on (or none);
        ``answers_follow_up`` and ``answers_need`` the follow-up visit of its case and the
        need found there that it answers (or none)."""

        class_version = 5

        requester_id: UUID
        recipient_id: UUID
        direction: str
        person_id: UUID
        case_id: UUID | None
        reason: str
        services: list[str]
        due_on: date
        consent: bool
        consent_id: UUID | None
        legal_basis: str | None
        invoked_by: str | None
        on_behalf_of: str | None
        re_referral_of: UUID | None
        requested_on: date | None
        found_on: date | None
        backdate_reason: str | None
        answers_follow_up: int | None
        answers_need: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Before consents had ids, a referral relied on the person's one consent."""
            state["consent_id"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Before business dates, a referral's day was the day it was recorded."""
            state["requested_on"] = None
            state["found_on"] = None
            state["backdate_reason"] = None

        @staticmethod
        def upcast_v3_v4(state: dict[str, Any]) -> None:
            """Before needs found at follow-up were tracked, a referral answered none."""
            state.update(answers_follow_up=None, answers_need=None)

        @staticmethod
        def upcast_v4_v5(state: dict[str, Any]) -> None:
            """The free-text ``requested_by`` became the on-behalf-of note, as recorded."""
            moved_to_note(state, "requested_by")

    class StatusChanged(Aggregate.Event):
        """A party moved the referral to ``status``; ``outcome`` only when completed.

        ``request_key`` is ``<agency id>:<idempotency key>`` of the answer, or None;
        ``on_behalf_of`` the note of on whose behalf the principal acted (or None).
        """

        class_version = 2

        status: str
        by_agency: UUID
        on_behalf_of: str | None
        reason: str | None
        outcome: dict[str, Any] | None
        request_key: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """The free-text ``actor`` became the on-behalf-of note, as recorded."""
            moved_to_note(state, "actor")

    class ReReferred(Aggregate.Event):
        """This rejected or failed referral was sent on to another agency as
        ``new_referral_id``."""

        class_version = 2

        new_referral_id: UUID
        by_agency: UUID
        on_behalf_of: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """The free-text ``actor`` became the on-behalf-of note, as recorded."""
            moved_to_note(state, "actor")

    @classmethod
    def request(
        cls,
        *,
        requester_id: UUID,
        recipient_id: UUID,
        direction: str,
        person_id: UUID,
        case_id: UUID | None,
        reason: str,
        services: list[str],
        due_on: date,
        consent: bool,
        legal_basis: str | None,
        invoked_by: str | None,
        on_behalf_of: str | None = None,
        re_referral_of: UUID | None = None,
        consent_id: UUID | None = None,
        requested_on: date | None = None,
        found_on: date | None = None,
        backdate_reason: str | None = None,
        answers_follow_up: int | None = None,
        answers_need: str | None = None,
    ) -> Referral:
        """A new referral. Without the person's consent, a legal basis and who invoked it.
        One answering a need found at follow-up names its case, the visit and the need.

        ``requested_on`` is its business date; ``found_on`` the day of the sender's own event
        the 5-working-day sending deadline runs from (case concluded, lead found), by default
        the day it is requested.
        """
        if requester_id == recipient_id:
            raise InvalidValue("an agency does not refer to itself")
        if (answers_follow_up is None) != (answers_need is None):
            raise InvalidValue("a referral answering a need names the follow-up and the need")
        if answers_follow_up is not None and case_id is None:
            raise InvalidValue("a referral answering a need found at follow-up names the case")
        if not consent and not (
            legal_basis and legal_basis.strip() and invoked_by and invoked_by.strip()
        ):
            raise ConsentRequired(
                "a referral needs the person's consent to disclose and to be helped, "
                "or a recorded legal basis and who invoked it"
            )
        if not services:
            raise InvalidValue("a referral asks for at least one service")
        check_length(legal_basis, "legal basis")
        check_length(invoked_by, "invoked by", limit=MAX_SHORT_TEXT)
        if requested_on is not None:
            check_date(requested_on, "requested on")
            found_on = check_date(found_on or requested_on, "found on")
            if found_on > requested_on:
                raise InvalidValue("the lead is found or the case concluded before it is referred")
        elif found_on is not None:
            raise InvalidValue("a referral with a found-on date has its own business date")
        return cls(
            requester_id=requester_id,
            recipient_id=recipient_id,
            direction=parse(Direction, direction, "direction").value,
            person_id=person_id,
            case_id=case_id,
            reason=require_text(reason, "reason"),
            services=sorted(
                {parse(Service, s, "service").value for s in check_items(services, "services")}
            ),
            due_on=due_on,
            consent=bool(consent),
            consent_id=consent_id if consent else None,
            legal_basis=legal_basis.strip() if not consent and legal_basis else None,
            invoked_by=invoked_by.strip() if not consent and invoked_by else None,
            on_behalf_of=behalf_note(on_behalf_of),
            re_referral_of=re_referral_of,
            requested_on=requested_on,
            found_on=found_on,
            backdate_reason=backdate_reason.strip()
            if backdate_reason and backdate_reason.strip()
            else None,
            answers_follow_up=None
            if answers_follow_up is None
            else check_count(answers_follow_up, "follow-up", low=1, high=MAX_POSITION),
            answers_need=None
            if answers_need is None
            else parse(Service, answers_need, "need").value,
        )

    @event(Requested)
    def __init__(
        self,
        requester_id: UUID,
        recipient_id: UUID,
        direction: str,
        person_id: UUID,
        case_id: UUID | None,
        reason: str,
        services: list[str],
        due_on: date,
        consent: bool,
        consent_id: UUID | None,
        legal_basis: str | None,
        invoked_by: str | None,
        on_behalf_of: str | None,
        re_referral_of: UUID | None,
        requested_on: date | None,
        found_on: date | None,
        backdate_reason: str | None,
        answers_follow_up: int | None = None,
        answers_need: str | None = None,
    ) -> None:
        self.requester_id = requester_id
        self.recipient_id = recipient_id
        self.direction = direction
        self.person_id = person_id
        self.case_id = case_id
        self.reason = reason
        self.services = services
        self.due_on = due_on
        self.consent = consent
        self.consent_id = consent_id
        self.legal_basis = legal_basis
        self.invoked_by = invoked_by
        self.on_behalf_of = on_behalf_of
        self.status = S.REQUESTED.value
        self.outcome: dict[str, Any] | None = None
        self.request_keys: list[str] = []
        self.re_referred_to: UUID | None = None
        self.re_referral_of = re_referral_of
        self.requested_on = requested_on
        self.found_on = found_on
        self.answers_follow_up = answers_follow_up
        self.answers_need = answers_need

    def party(self, agency_id: UUID) -> str | None:
        if agency_id == self.requester_id:
            return "requester"
        if agency_id == self.recipient_id:
            return "recipient"
        return None

    def _check_change(self, to: ReferralStatus, by_agency: UUID, reason: str | None) -> None:
        side = self.party(by_agency)
        if side is None:
            raise NotParty("the agency is not a party to this referral")
        if to not in EITHER_SETS and (side == "recipient") != (to in RECIPIENT_SETS):
            owner = "recipient" if to in RECIPIENT_SETS else "requester"
            raise WrongSide(f"only the {owner} sets a referral to {to.value}")
        if to not in TRANSITIONS[S(self.status)]:
            raise TransitionNotAllowed(f"a referral cannot go from {self.status} to {to.value}")
        if to in NEEDS_REASON and not (reason and reason.strip()):
            raise ReasonRequired(f"setting a referral to {to.value} needs a reason")

    def change_status(
        self,
        to: str,
        *,
        by_agency: UUID,
        on_behalf_of: str | None = None,
        reason: str | None = None,
        outcome: dict[str, Any] | None = None,
        request_key: str | None = None,
    ) -> bool:
        """Moves the referral to ``to`` for ``by_agency``; ``on_behalf_of`` an optional note
        (who acted is the principal stamped on the event).

        ``request_key`` identifies the answer (a connector's idempotency key, unique per
        agency): an answer already applied is not applied again, and ``False`` says so.
        """
        if self.party(by_agency) is None:
            raise NotParty("the agency is not a party to this referral")
        if reason is not None and not isinstance(reason, str):
            raise InvalidValue("a reason is text")
        if request_key is not None:
            request_key = f"{by_agency}:{request_key}"
            if request_key in self.request_keys:
                return False
        target = parse(ReferralStatus, to, "status")
        self._check_change(target, by_agency, reason)
        if target == S.COMPLETED:
            if outcome is None:
                raise InvalidValue("completing a referral records its outcome")
            outcome = check_outcome(outcome)
        elif outcome is not None:
            raise InvalidValue("only a completed referral records an outcome")
        self._status_changed(
            status=target.value,
            by_agency=by_agency,
            on_behalf_of=behalf_note(on_behalf_of),
            reason=check_length(reason.strip(), "reason") if reason else None,
            outcome=outcome,
            request_key=request_key,
        )
        return True

    @event(StatusChanged)
    def _status_changed(
        self,
        status: str,
        by_agency: UUID,
        on_behalf_of: str | None,
        reason: str | None,
        outcome: dict[str, Any] | None,
        request_key: str | None = None,
    ) -> None:
        self.status = status
        if request_key is not None:
            self.request_keys.append(request_key)
        if outcome is not None:
            self.outcome = outcome

    def mark_re_referred(
        self, new_referral_id: UUID, by_agency: UUID, on_behalf_of: str | None = None
    ) -> None:
        """Records that this rejected or failed referral was sent on to another agency."""
        if self.party(by_agency) is None:
            raise NotParty("the agency is not a party to this referral")
        if S(self.status) not in RE_REFERABLE:
            raise ReReferralNotAllowed("only a rejected or failed referral can be re-referred")
        if self.re_referred_to is not None:
            raise ReReferralNotAllowed("this referral was already re-referred")
        if by_agency != self.requester_id:
            raise WrongSide("only the requester re-refers a referral")
        self._re_referred(new_referral_id, by_agency, behalf_note(on_behalf_of))

    @event(ReReferred)
    def _re_referred(
        self, new_referral_id: UUID, by_agency: UUID, on_behalf_of: str | None
    ) -> None:
        self.re_referred_to = new_referral_id
