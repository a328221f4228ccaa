"""The domain's errors: one class per rule, each with a stable ``rule`` code.

The HTTP API turns ``rule`` into the problem ``type`` (``/problems/<rule>``), so these codes
are part of the public contract: add new ones, never rename.
"""

from __future__ import annotations


class DomainError(Exception):
    """A business rule was broken. ``rule`` is stable; the message says what happened."""

    rule = "domain-rule"
    title = "Domain rule broken"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    rule = "not-found"
    title = "Not found"


class InvalidValue(DomainError):
    rule = "invalid-value"
    title = "Invalid value"


class IdNumberInvalid(InvalidValue):
    """An ID number fails GB 11643: its form, its birth date or its check character."""

    rule = "id-number-invalid"
    title = "Invalid ID number"


class IdentityMismatch(DomainError):
    """An ID number already registered under another name (同号异名): not silently matched."""

    rule = "id-number-name-mismatch"
    title = "ID number registered under another name"


class StepOutOfOrder(DomainError):
    """A judicial relief step was attempted before the steps it depends on (程序顺序)."""

    rule = "case-step-out-of-order"
    title = "Step out of order"


class OutboundReferralRequired(DomainError):
    """Refused for hardship not caused by the case: refer on, or record why not, before
    closing (细则第五条; 应救尽救、应扶尽扶)."""

    rule = "outbound-referral-required"
    title = "Outbound referral or a reason required"


class AmountOverLimit(DomainError):
    """A grant exceeds months × the regional average monthly wage, or 36 months unreviewed."""

    rule = "relief-amount-over-limit"
    title = "Relief amount over the limit"


class ApprovalRequired(DomainError):
    """Grants of 10,000 yuan or more go to the chief procurator's meeting (检察长办公会)."""

    rule = "relief-approval-required"
    title = "Approval by the chief procurator's meeting required"


class OverDisbursement(DomainError):
    """More money would be paid out than was granted."""

    rule = "disbursement-over-grant"
    title = "Disbursement exceeds the grant"


class ReviewInconsistent(DomainError):
    rule = "review-inconsistent"
    title = "Review finding inconsistent"


class TransitionNotAllowed(DomainError):
    """A referral status change that the FHIR Task state machine does not allow."""

    rule = "referral-transition-not-allowed"
    title = "Referral status change not allowed"


class WrongSide(DomainError):
    """The requester or the recipient set a status that belongs to the other side."""

    rule = "referral-wrong-side"
    title = "Status belongs to the other side of the referral"


class ReasonRequired(DomainError):
    """Rejected, on-hold, failed and cancelled need a reason; so does an unsuccessful outcome."""

    rule = "reason-required"
    title = "Reason required"


class ConsentRequired(DomainError):
    """A referral needs consent to disclose and to be helped, or a recorded legal basis."""

    rule = "consent-required"
    title = "Consent or legal basis required"


class ServiceNotOffered(DomainError):
    """The recipient agency does not offer a service the referral asks for."""

    rule = "service-not-offered"
    title = "Service not offered by the recipient"


class ReReferralNotAllowed(DomainError):
    """Only a rejected or failed referral is sent on, once, by its requester."""

    rule = "re-referral-not-allowed"
    title = "Only a rejected or failed referral can be re-referred"


class MembershipRule(DomainError):
    rule = "mechanism-membership"
    title = "Linkage mechanism membership rule"


class NotParty(DomainError):
    """The acting agency is not a party to the case or referral (shown as not found)."""

    rule = "not-party"
    title = "Not a party"
