"""The official's notifications (通知) in the console: the bell's unread count in every page's
header, the list with read and unread, marking one or all read.

The same store and rules as ``GET /notifications``: an official sees only their own; another's
notification reads as a missing one (404). Callers who are no official signed in (the
break-glass token) have no notifications (403). The texts are rendered in the console's
language from the item's codes and ids, with the link into the console; no personal data.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from hub.access.principal import Principal
from hub.api.problems import Problem
from hub.bootstrap import Services
from hub.console import i18n
from hub.console.nav import NavItem
from hub.console.security import PREFIX
from hub.console.session import Csrf, Official, lang_of, services_of
from hub.notify.messages import TRIGGER_LABELS, link, render

router = APIRouter(prefix="/notifications")


def officials(principal: Principal, _: Services | None = None) -> bool:
    """Notifications are a signed-in official's own (not a break-glass token's)."""
    return principal.user_id is not None


NAV = [NavItem("nav.notifications", "/notifications", order=90, visible=officials)]

i18n.register(
    {
        "nav.notifications": ("通知", "Notifications"),
        "bell.label": ("未读通知", "Unread"),
        "notifications.title": ("我的通知", "My notifications"),
        "notifications.all": ("全部", "All"),
        "notifications.unread": ("未读", "Unread"),
        "notifications.read": ("已读", "Read"),
        "notifications.empty": ("没有通知。", "No notifications."),
        "notifications.mark": ("标为已读", "Mark read"),
        "notifications.mark_all": ("全部标为已读", "Mark all read"),
        "notifications.open": ("查看", "Open"),
        "notifications.when": ("时间", "When"),
        "notifications.what": ("内容", "What"),
        "notifications.state": ("状态", "State"),
        "notifications.kind": ("类别", "Kind"),
    }
)


def own_user(principal: Principal) -> str:
    if not officials(principal):
        raise Problem(403, "forbidden", "Forbidden", "only an official signed in has notifications")
    return str(principal.user_id)


def unread_of(request: Request, principal: Principal | None) -> int | None:
    """The bell's count for the page header (None: no bell for this caller)."""
    if principal is None or not officials(principal):
        return None
    return services_of(request).notify.unread_count(str(principal.user_id))


@router.get("")
def page(request: Request, principal: Official, unread: bool = False) -> Response:
    user_id = own_user(principal)
    store = services_of(request).notify
    lang = lang_of(request)
    rows: list[dict[str, Any]] = []
    for item in store.items_of(user_id, unread_only=unread, limit=200):
        _, text = render(item.trigger, item.params, lang, "")
        rows.append(
            {
                "id": item.id,
                "kind": TRIGGER_LABELS[item.trigger][1 if lang == "en" else 0],
                "trigger": item.trigger,
                "text": text.split("\n")[0],
                "link": link("", item.params),
                "at": datetime.fromtimestamp(item.created_at, UTC),
                "read": item.read_at is not None,
            }
        )
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request, "notifications/list.html", rows=rows, only_unread=unread
    )


@router.get("/bell")
def bell(request: Request, principal: Official) -> Response:
    """The bell's content, for the header to follow (``data-poll``)."""
    own_user(principal)
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request, "notifications/_bell.html"
    )


@router.post("/read-all", dependencies=[Csrf])
def read_all(request: Request, principal: Official) -> Response:
    services_of(request).notify.mark_read(own_user(principal))
    return RedirectResponse(f"{PREFIX}/notifications", status_code=303)


@router.post("/{item_id}/read", dependencies=[Csrf])
def read_one(request: Request, principal: Official, item_id: str) -> Response:
    user_id = own_user(principal)
    store = services_of(request).notify
    item = store.item(item_id)
    if item is None or item.user_id != user_id:
        raise Problem(404, "not-found", "Not found", "no such notification")
    store.mark_read(user_id, item_id)
    return RedirectResponse(f"{PREFIX}/notifications", status_code=303)
