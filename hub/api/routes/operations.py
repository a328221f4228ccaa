"""For operators: dead letters of the agencies' replies topics (Kafka), listed and retried."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from hub.api.deps import Admin, HubDep, Letters, OnceDep
from hub.api.problems import Problem
from hub.api.schemas import DeadLetterPublic
from hub.feeds.replies import Rejection

router = APIRouter(prefix="/operations", tags=["operations"])


@router.get("/dlq", response_model=list[DeadLetterPublic], response_model_exclude_unset=True)
def list_dead_letters(_: Admin, letters: Letters) -> list[dict[str, Any]]:
    """Replies that could not be applied, with the reason, oldest first."""
    return [
        {"id": x.id, "error": x.error, "detail": x.detail, "source": x.source, "reply": x.reply}
        for x in letters.list()
    ]


@router.post("/dlq/{letter_id}/retry")
def retry_dead_letter(
    _: Admin,
    letters: Letters,
    hub: HubDep,
    letter_id: Annotated[str, Path(pattern=r"^\d+:\d+$")],
    once: OnceDep,
) -> Any:
    """Puts a dead letter's reply back on its agency's replies topic; the letter leaves the list.

    Answers once the reply applier took it: ``applied`` true, or false with the new dead
    letter it became (``dead_letter``); ``applied`` null if the applier has not taken it
    within 10 seconds (it takes it later: the reply waits on its topic).
    """

    def command() -> dict[str, Any]:
        republished = letters.retry(letter_id)
        if isinstance(republished, Rejection):
            status = 404 if republished.error == "not-found" else 409
            raise Problem(status, republished.error, "Dead letter not retried", republished.detail)
        answer: dict[str, Any] = {
            "id": letter_id,
            "republished_to": republished.source,
            "applied": None,
            "dead_letter": None,
        }
        try:
            again = letters.outcome(hub, republished)
        except TimeoutError:
            return answer
        if again is None:
            return {**answer, "applied": True}
        letter = {"id": again.id, "error": again.error, "detail": again.detail}
        return {**answer, "applied": False, "dead_letter": letter}

    return once(command)
