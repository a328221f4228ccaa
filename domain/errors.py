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


class FutureDate(DomainError):
    """A business date after the day it is recorded (China time)."""

    rule = "business-date-in-future"
    title = "Business date in the future"


class BackdateReasonRequired(DomainError):
    """A business date earlier than the recording day needs a reason (补录原因)."""

    rule = "backdate-reason-required"
    title = "Reason required for an earlier business date"


class BackdateNotAllowed(DomainError):
    """A business date further back than the deployment allows (``HUB_MAX_BACKDATE_DAYS``)."""

    rule = "backdate-too-far"
    title = "Business date too far back"


class StepDatedBeforePrevious(DomainError):
    """A case step dated before the step recorded before it: the steps keep their order."""

    rule = "case-step-date-order"
    title = "Step dated before the previous step"


class AdvanceNotAllowed(DomainError):
    """Advance relief (先行救助) only before the decision, for a person in urgent danger."""

    rule = "advance-relief-not-allowed"
    title = "Advance relief not allowed"


class WageFigureMissing(DomainError):
    """A grant names a region and year for which no official average wage is loaded."""

    rule = "wage-figure-missing"
    title = "No official average wage for that region and year"


class OverDamages(DomainError):
    """A grant above the damages awarded (never more than a court would award)."""

    rule = "relief-over-damages"
    title = "Relief exceeds the damages awarded"


class MatterAlreadyRelieved(DomainError):
    """A second grant for the same person on the same matter (案号) without a recorded exception."""

    rule = "one-relief-per-matter"
    title = "Relief already granted on this matter"


class RoleNotAllowed(DomainError):
    """A role outside the fixed vocabulary, or one the user's agency kind does not have."""

    rule = "role-not-allowed"
    title = "Role not allowed"


class UserExists(DomainError):
    """An agency has one official per staff number (工号)."""

    rule = "user-exists"
    title = "User already exists"


class UserDisabled(DomainError):
    """A disabled official (停用) cannot be changed or act; users are never deleted."""

    rule = "user-disabled"
    title = "User disabled"


class RoleRequired(DomainError):
    """The step needs an official with a given role (承办检察官, 部门负责人, 检察长)."""

    rule = "role-required"
    title = "Role required"


class SelfApproval(DomainError):
    """Nobody approves their own proposal."""

    rule = "self-approval"
    title = "Self-approval not allowed"


class GrantOverProposal(DomainError):
    """A grant never exceeds the proposal that was approved."""

    rule = "grant-over-proposal"
    title = "Grant exceeds the approved proposal"
