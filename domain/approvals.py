"""Approval of a grant (审批): who proposes, who approves, and the meetings a grant needs.

A grant is proposed by a case officer (承办检察官) and approved by a *different* official
with the required role: a department head (部门负责人) or the chief procurator (检察长); at
:data:`CHIEF_MEETING_THRESHOLD_FEN` or more, the chief procurator. Before such a grant the
chief procurator's meeting (检察长办公会) is recorded, with its date, the officials who
attended and its decision; a grant reckoned on more than :data:`STANDARD_MONTHS` months needs
the strict review (严格审查) recorded the same way. The grant never exceeds the approved
proposal, and a refused approval carries a reason.

These are the rules; the events that record each step are the aid case's
(:class:`domain.case.AidCase`), so the approval appears on the case's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from domain.acting import Actor
from domain.errors import (
    AmountOverLimit,
    ApprovalRequired,
    GrantOverProposal,
    InvalidValue,
    ReasonRequired,
    RoleRequired,
    SelfApproval,
)
from domain.officials import OfficialRole
from domain.values import MAX_ITEMS, MAX_SHORT_TEXT, require_text

STANDARD_MONTHS = 36  # 一般不超过36个月
CHIEF_MEETING_THRESHOLD_FEN = 1_000_000  # 1万元以上提交检察长办公会 (local practice)

APPROVERS = frozenset({OfficialRole.DEPARTMENT_HEAD, OfficialRole.CHIEF_PROCURATOR})


class Meeting(StrEnum):
    CHIEF_PROCURATOR_MEETING = "chief-procurator-meeting"  # 检察长办公会
    STRICT_REVIEW = "strict-review"  # 严格审查


class Decision(StrEnum):
    APPROVED = "approved"
    REFUSED = "refused"


def official(actor: Actor | None, step: str, *roles: OfficialRole) -> dict[str, Any]:
    """The acting official as recorded on the step (their id, name and roles at the time), if
    it is an official holding one of ``roles``."""
    if actor is None or actor["kind"] != "user" or not actor["user_id"]:
        raise RoleRequired(f"{step} is done by a signed-in official, not a machine token")
    if not {r.value for r in roles} & set(actor["roles"]):
        needed = " or ".join(r.value for r in roles)
        raise RoleRequired(f"{step} needs an official with the role {needed}")
    return snapshot(actor)


def snapshot(actor: Actor) -> dict[str, Any]:
    return {"user_id": actor["user_id"], "name": actor["name"], "roles": list(actor["roles"])}


def attendees(people: list[Actor], kind: Meeting) -> list[dict[str, Any]]:
    """The officials who attended a meeting: users, without repeats; a chief procurator's
    meeting has the chief procurator, a strict review a department head or the chief."""
    if not isinstance(people, list) or not 1 <= len(people) <= MAX_ITEMS:
        raise InvalidValue(f"a meeting has 1 to {MAX_ITEMS} attending officials")
    seen = {}
    for person in people:
        if person.get("kind") != "user" or not person.get("user_id"):
            raise InvalidValue("the attendees of a meeting are officials (users)")
        seen[person["user_id"]] = snapshot(person)
    chairs = (
        {OfficialRole.CHIEF_PROCURATOR}
        if kind == Meeting.CHIEF_PROCURATOR_MEETING
        else set(APPROVERS)
    )
    if not any({r.value for r in chairs} & set(p["roles"]) for p in seen.values()):
        needed = " or ".join(sorted(r.value for r in chairs))
        raise RoleRequired(f"a {kind.value} is attended by a {needed}")
    return list(seen.values())


@dataclass
class Approvals:
    """Where a case's submission stands: the proposal, its approval, and the meetings held."""

    proposer: dict[str, Any] | None = None
    proposed_fen: int = 0
    approver: dict[str, Any] | None = None
    approved: bool | None = None
    meetings: dict[str, bool] = field(default_factory=dict)

    def propose(self, proposer: dict[str, Any] | None, proposed_fen: int) -> None:
        self.proposer, self.proposed_fen = proposer, proposed_fen
        self.approver, self.approved, self.meetings = None, None, {}

    def check_approver(self, approver: dict[str, Any], *, approve: bool) -> None:
        if self.proposer is None:
            raise ApprovalRequired("the proposal was not made by a signed-in case officer")
        if self.approved is not None:
            raise ApprovalRequired("this proposal was decided; a new proposal is submitted")
        if approver["user_id"] == self.proposer["user_id"]:
            raise SelfApproval("nobody approves their own proposal")
        chief = OfficialRole.CHIEF_PROCURATOR.value in approver["roles"]
        if approve and self.proposed_fen >= CHIEF_MEETING_THRESHOLD_FEN and not chief:
            raise RoleRequired("10,000 yuan or more is approved by the chief procurator")

    def check_grant(self, amount_fen: int, months: int) -> None:
        """The grant may be decided: approved, within the proposal, with its meetings."""
        if not self.approved:
            raise ApprovalRequired(
                "a grant needs its proposal approved by a department head or the chief procurator"
            )
        if amount_fen > self.proposed_fen:
            raise GrantOverProposal(
                f"amount {amount_fen} fen exceeds the approved proposal of {self.proposed_fen} fen"
            )
        if amount_fen >= CHIEF_MEETING_THRESHOLD_FEN and not self.meetings.get(
            Meeting.CHIEF_PROCURATOR_MEETING
        ):
            raise ApprovalRequired(
                "grants of 10,000 yuan or more need the chief procurator's meeting recorded, "
                "approving, before the grant"
            )
        if months > STANDARD_MONTHS and not self.meetings.get(Meeting.STRICT_REVIEW):
            raise AmountOverLimit(
                f"more than {STANDARD_MONTHS} months' wages needs the strict review recorded, "
                "approving, before the grant"
            )


def refusal_reason(approve: bool, reason: str | None) -> str | None:
    if approve:
        return None if reason is None else require_text(reason, "reason", limit=MAX_SHORT_TEXT)
    if reason is None or not str(reason).strip():
        raise ReasonRequired("a refused approval carries a reason")
    return require_text(reason, "reason", limit=MAX_SHORT_TEXT)
