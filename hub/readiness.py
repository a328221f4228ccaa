"""Whether this hub process may take traffic: the log answers, its writer is not fenced, and
the views are within ``HUB_READY_MAX_LAG`` events of the log.

Used by ``GET /health/ready`` (and so by compose's healthchecks and load balancers). The
views' figures are read from the view store whichever process keeps them current (this one
on the embedded default, ``hub projections run`` on Kafka).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from projections import worker


@dataclass
class Readiness:
    ready: bool
    failing: list[str] = field(default_factory=list)  # the names of the checks that fail
    log_position: int | None = None
    writer: str | None = None
    views: list[dict[str, Any]] = field(default_factory=list)


def writer_state(app: Any) -> str:
    """The Kafka writer's state (``idle``, ``ready``, ``unavailable``, ``fenced``), or
    ``embedded`` on the SQLite log, whose writes need no writer of their own."""
    log = getattr(app.recorder, "log", None)
    writer = getattr(log, "writer", None)
    return str(writer.state) if writer is not None else "embedded"


def check(app: Any, views: Any, max_lag: int) -> Readiness:
    try:
        position = app.recorder.max_notification_id() or 0
    except Exception:
        return Readiness(False, ["log"])
    answer = Readiness(True, log_position=position, writer=writer_state(app))
    if answer.writer in ("fenced", "unavailable"):
        answer.failing.append("writer")
    try:
        answer.views = worker.status(app, views)
    except Exception:
        answer.failing.append("views")
    else:
        if any(v["behind"] > max_lag or v["halted"] for v in answer.views):
            answer.failing.append("views")
    answer.ready = not answer.failing
    return answer
