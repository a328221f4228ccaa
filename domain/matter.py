"""One relief per matter (一案一救助): the grants made to one person on one underlying case.

A relief case names the underlying case number (案号) its hardship arose from. The grants on
that matter for that person are kept in one :class:`ReliefMatter`, saved atomically with the
case that grants: a second grant from another relief case is refused unless the exception is
recorded with its reason (e.g. a new, distinct hardship the rules allow to be relieved again).
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import MatterAlreadyRelieved
from domain.values import check_fen, require_text

MATTERS = uuid5(NAMESPACE_URL, "urn:referral-hub:relief-matter")


def normalise_matter(matter_number: str) -> str:
    """A case number compared without spaces and with full-width brackets made plain."""
    table = str.maketrans({"（": "(", "）": ")", "〔": "(", "〕": ")"})
    return "".join(matter_number.translate(table).split())


class ReliefMatter(Aggregate):
    """The reliefs granted to one person on one underlying case."""

    class Opened(Aggregate.Created):
        person_id: UUID
        matter_number: str

    class GrantCounted(Aggregate.Event):
        """A grant on this matter; ``exception`` says why a further grant is allowed."""

        case_id: UUID
        amount_fen: int
        exception: str | None

    @staticmethod
    def id_for(person_id: UUID, matter_number: str) -> UUID:
        return uuid5(MATTERS, f"{person_id}:{normalise_matter(matter_number)}")

    @staticmethod
    def create_id(person_id: UUID, matter_number: str, **_: Any) -> UUID:
        return ReliefMatter.id_for(person_id, matter_number)

    @classmethod
    def open(cls, *, person_id: UUID, matter_number: str) -> ReliefMatter:
        return cls(person_id=person_id, matter_number=normalise_matter(matter_number))

    @event(Opened)
    def __init__(self, person_id: UUID, matter_number: str) -> None:
        self.person_id = person_id
        self.matter_number = matter_number
        self.grants: list[dict[str, Any]] = []

    def count_grant(self, case_id: UUID, amount_fen: int, exception: str | None) -> None:
        """Counts a grant; refused if another case already relieved this matter, unless
        ``exception`` gives the reason."""
        earlier = [g for g in self.grants if g["case_id"] != case_id]
        reason = exception.strip() if exception and exception.strip() else None
        if earlier and reason is None:
            raise MatterAlreadyRelieved(
                f"relief was already granted to this person on matter {self.matter_number} "
                f"(case {earlier[0]['case_id']}); a further grant needs a recorded exception"
            )
        self._counted(
            case_id,
            check_fen(amount_fen, "amount"),
            require_text(reason, "exception") if earlier and reason else None,
        )

    @event(GrantCounted)
    def _counted(self, case_id: UUID, amount_fen: int, exception: str | None) -> None:
        self.grants.append({"case_id": case_id, "amount_fen": amount_fen, "exception": exception})
