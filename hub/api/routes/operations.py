"""For operators: dead letters of the replies topic (Kafka), listed and retried."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from hub.api.deps import Admin, HubDep, OnceDep
from hub.api.problems import Problem
from hub.dead_letters import DeadLetters

router = APIRouter(prefix="/operations", tags=["operations"])


def get_dead_letters(request: Request) -> DeadLetters:
    settings = request.app.state.services.settings
    if not settings.kafka_bootstrap_servers:
        raise Problem(
            409,
            "no-kafka",
            "No Kafka log",
            "dead letters exist only on the Kafka log; on the embedded log answers are "
            "refused at once over HTTP",
        )
    return DeadLetters(settings.kafka_bootstrap_servers, settings.topic_prefix)


Letters = Annotated[DeadLetters, Depends(get_dead_letters)]


@router.get("/dlq")
def list_dead_letters(letters: Letters, _: Admin) -> list[dict[str, Any]]:
    """Replies that could not be applied, with the reason, oldest first."""
    return [
        {"id": x.id, "error": x.error, "detail": x.detail, "source": x.source, "reply": x.reply}
        for x in letters.list()
    ]


@router.post("/dlq/{letter_id}/retry")
def retry_dead_letter(
    letters: Letters,
    hub: HubDep,
    _: Admin,
    letter_id: Annotated[str, Path(pattern=r"^\d+:\d+$")],
    once: OnceDep,
) -> Any:
    """Applies a dead letter again; one that applies now leaves the list."""

    def command() -> dict[str, Any]:
        rejection = letters.retry(hub, letter_id)
        if rejection is None:
            return {"id": letter_id, "applied": True}
        status = 404 if rejection.error == "not-found" else 409
        raise Problem(status, rejection.error, "Dead letter not applied", rejection.detail)

    return once(command)
