"""An official's notifications (通知): the list, marking read, their own preferences; and,
for administrators, the messages given up on, retried.

Only an official signed in has notifications (a connector's or the break-glass token has
none: 403). Each reads and changes only their own; another's reads as unknown (404).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from hub.access.principal import Principal, PrincipalKind
from hub.api.deps import Admin, NotifyDep, OnceDep, Reader
from hub.api.problems import Problem
from hub.api.schemas.notifications import (
    FailedPublic,
    MarkedRead,
    NotificationsPublic,
    Preferences,
    PreferencesPublic,
    Retried,
)
from hub.notify import prefs as preferences
from hub.notify.messages import link, render

router = APIRouter(tags=["notifications"])


def official(principal: Principal) -> str:
    if principal.kind != PrincipalKind.USER or principal.user_id is None:
        raise Problem(403, "forbidden", "Forbidden", "only an official signed in has notifications")
    return str(principal.user_id)


def _console(request: Request) -> str:
    return str(request.app.state.services.settings.console_base())


@router.get("/notifications", response_model=NotificationsPublic)
def list_notifications(
    request: Request,
    notify: NotifyDep,
    reader: Reader,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    """The official's notifications, newest first, each with its text in their language."""
    user_id = official(reader)
    lang = preferences.effective(notify.prefs(user_id))["lang"]
    base = _console(request)
    data = []
    for item in notify.items_of(user_id, unread_only=unread, limit=limit):
        subject, text = render(item.trigger, item.params, lang, base)
        data.append(
            {**item.public(), "subject": subject, "text": text, "link": link(base, item.params)}
        )
    return {"data": data, "count": len(data), "unread": notify.unread_count(user_id)}


@router.post("/notifications/{notification_id}/read", response_model=MarkedRead)
def mark_read(notification_id: str, notify: NotifyDep, reader: Reader, once: OnceDep) -> Any:
    """Marks one of the official's notifications read (an unknown one, or another's: 404)."""
    user_id = official(reader)
    item = notify.item(notification_id)
    if item is None or item.user_id != user_id:
        raise Problem(404, "not-found", "Not found", "no such notification")
    return once(lambda: {"marked": notify.mark_read(user_id, notification_id)}, 200)


@router.post("/notifications/read-all", response_model=MarkedRead)
def mark_all_read(notify: NotifyDep, reader: Reader, once: OnceDep) -> Any:
    user_id = official(reader)
    return once(lambda: {"marked": notify.mark_read(user_id)}, 200)


@router.get("/notifications/preferences", response_model=PreferencesPublic)
def get_preferences(notify: NotifyDep, reader: Reader) -> Any:
    """The official's own preferences (the defaults until set)."""
    return preferences.effective(notify.prefs(official(reader)))


@router.post("/notifications/preferences", response_model=PreferencesPublic)
def set_preferences(body: Preferences, notify: NotifyDep, reader: Reader, once: OnceDep) -> Any:
    """Sets the official's own preferences, all of them."""
    user_id = official(reader)

    def command() -> dict[str, Any]:
        notify.set_prefs(user_id, body.model_dump())
        return preferences.effective(notify.prefs(user_id))

    return once(command, 200)


@router.get("/notifications/failed", response_model=list[FailedPublic])
def failed(notify: NotifyDep, _: Admin) -> Any:
    """Messages given up on after their attempts, for an administrator to retry."""
    return [
        {
            "id": d.id,
            "channel": d.channel,
            "user_id": d.user_id,
            "attempts": d.attempts,
            "error": d.last_error,
        }
        for d in notify.failed()
    ]


@router.post("/notifications/failed/retry", response_model=Retried)
def retry_all(notify: NotifyDep, _: Admin, once: OnceDep) -> Any:
    return once(lambda: {"retried": notify.retry()}, 200)


@router.post("/notifications/failed/{delivery_id}/retry", response_model=Retried)
def retry_one(delivery_id: str, notify: NotifyDep, _: Admin, once: OnceDep) -> Any:
    if notify.delivery(delivery_id) is None or delivery_id not in {d.id for d in notify.failed()}:
        raise Problem(404, "not-found", "Not found", "no such failed notification")
    return once(lambda: {"retried": notify.retry(delivery_id)}, 200)
