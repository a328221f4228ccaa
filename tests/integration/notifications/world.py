"""A small network for the notifier's tests: agencies with officials in every working role, a
person whose name and ID number must never leave the hub in a message, and referrals.

``gov`` (a county government) is the superior of medical insurance ``b`` (the escalation
target); ``out`` is an outsider civil-affairs bureau of another county, party to nothing.
Every official has an email address in their preferences: ``<staff number>@test.gov.cn``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from hub.app import ReliefHub
from hub.bootstrap import build_hub
from hub.notify.channels import SmtpChannel, SmtpConfig, WebhookChannel
from hub.notify.notifier import Channel, Notifier, Retry
from hub.notify.store import NotifyStore
from hub.settings import Settings
from tests.integration.notifications.sinks import WEBHOOK_SECRET
from tests.support.ids import id_number

NAME = "阿依古丽·测试"
REASON = f"{NAME}家中困难，丈夫住院"

OFFICIALS = {
    "p": [("p-officer", "case_officer"), ("p-head", "department_head"), ("p-admin", "admin")],
    "a": [("a-worker", "caseworker"), ("a-head", "head")],
    "b": [("b-worker", "caseworker"), ("b-head", "head")],
    "gov": [("gov-head", "head")],
    "out": [("out-worker", "caseworker"), ("out-head", "head")],
}


def address(staff: str) -> str:
    return f"{staff}@test.gov.cn"


@dataclass
class World:
    hub: ReliefHub
    store: NotifyStore
    settings: Settings
    ids: dict[str, UUID] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)  # staff number -> user id
    id_number: str = ""

    def person(self) -> UUID:
        number = id_number()
        self.id_number = number
        person = self.hub.register_person(number, NAME, registered_by=self.ids["p"])
        self.hub.consent_to_all(person, self.hub.today())
        return person

    def refer(self, to: str, person: UUID | None = None, on: date | None = None) -> UUID:
        recipient = self.ids[to]
        service = {"a": "temporary-aid", "b": "medical-aid", "out": "temporary-aid"}[to]
        extra: dict[str, Any] = {}
        if on is not None:
            extra = {"on": on, "backdate_reason": "按纸质登记补录"}
        return self.hub.refer(
            requester_id=self.ids["p"],
            recipient_id=recipient,
            person_id=person or self.person(),
            reason=REASON,
            services=[service],
            **extra,
        )

    def notifier(
        self,
        smtp_port: int | None,
        webhook_url: str | None = None,
        *,
        retry: Retry | None = None,
        **kwargs: Any,
    ) -> Notifier:
        channels: dict[str, Channel] = {}
        if smtp_port is not None:
            channels["email"] = SmtpChannel(SmtpConfig("127.0.0.1", smtp_port, timeout=2))
        if webhook_url is not None:
            channels["webhook"] = WebhookChannel(webhook_url, WEBHOOK_SECRET.encode())
        return Notifier(
            self.hub,
            self.store,
            channels=channels,
            base_url="http://console.test",
            retry=retry or Retry(5, 0.05, 0.5),
            check_seconds=0.2,
            **kwargs,
        )


def build_world(settings: Settings, log_env: dict[str, str] | None) -> World:
    hub = build_hub(settings, log_env)
    world = World(hub, NotifyStore(settings.notify_location()), settings)
    reg = hub.register_agency
    ids = world.ids
    ids["gov"] = reg("奎屯市人民政府", "other", "county", "654003", ["temporary-aid"], 5)
    ids["p"] = reg("奎屯市人民检察院", "procuratorate", "county", "654003", ["judicial-relief"], 5)
    ids["a"] = reg("奎屯市民政局", "civil-affairs", "county", "654003", ["temporary-aid"], 5)
    ids["b"] = reg(
        "奎屯市医疗保障局",
        "medical-insurance",
        "county",
        "654003",
        ["medical-aid"],
        5,
        parent_id=ids["gov"],
    )
    ids["out"] = reg("木垒县民政局", "civil-affairs", "county", "652328", ["temporary-aid"], 5)
    for agency, officials in OFFICIALS.items():
        for staff, role in officials:
            user = hub.add_user(
                agency_id=ids[agency], name=f"{staff}官员", staff_number=staff, roles=[role]
            )
            world.users[staff] = str(user)
            world.store.set_prefs(str(user), {"email": address(staff)})
    return world


def wait_until(condition: Callable[[], Any], timeout: float = 20.0) -> Any:
    import time

    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.05)
