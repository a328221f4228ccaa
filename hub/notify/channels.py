"""The channels that carry a notification out of the hub: email (SMTP) and a signed webhook.

Email goes over SMTP (``smtplib``), with STARTTLS and a login when the settings ask for them;
each message's ``Message-ID`` is derived from its delivery, so a receiver can tell a message
sent again after a crash from a new one. The webhook POSTs one JSON document per message to a
relay (government messaging, an SMS gateway), signed as the connectors' webhooks are:
``X-Hub-Timestamp`` and ``X-Hub-Signature: sha256=<HMAC-SHA256(secret, timestamp + "." +
body)>``, with ``X-Hub-Notification-Id`` to deduplicate by (docs/notifications.md).

A channel raises :class:`ChannelError` when the message was not taken; the notifier retries.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import httpx
import orjson


class ChannelError(Exception):
    """The channel did not take the message (the text names the kind of failure only)."""


@dataclass(frozen=True)
class Outgoing:
    """One message: for whom, what, and the ids a receiver deduplicates by."""

    delivery_id: str
    user_id: str
    agency_id: str
    trigger: str
    lang: str
    subject: str
    text: str
    link: str
    address: str | None  # the official's email address (email only)


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 25
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "hub@localhost"
    timeout: float = 10.0


class SmtpChannel:
    """Email over SMTP; one connection kept open while messages flow."""

    name = "email"

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
        if c.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if c.username:
            smtp.login(c.username, c.password or "")
        return smtp

    def send(self, message: Outgoing) -> None:
        if not message.address:
            raise ChannelError("no email address in the official's preferences")
        mail = EmailMessage()
        mail["From"] = self.config.sender
        mail["To"] = message.address
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = f"<{message.delivery_id.replace(':', '.')}@referral-hub>"
        mail["X-Hub-Trigger"] = message.trigger
        mail.set_content(message.text)
        for attempt in range(2):  # a connection the server closed meanwhile: once more
            try:
                if self._smtp is None:
                    self._smtp = self._connect()
                self._smtp.send_message(mail)
                return
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPSenderRefused) as e:
                self.close()
                if attempt:
                    raise ChannelError(f"smtp: {type(e).__name__}") from None
            except (OSError, smtplib.SMTPException) as e:
                self.close()
                raise ChannelError(f"smtp: {type(e).__name__}") from None

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """The connectors' webhook signature: ``sha256=`` HMAC-SHA256 of ``b"<ts>." + body``."""
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def webhook_body(message: Outgoing, now: float) -> dict[str, Any]:
    """The documented JSON of one webhook message (docs/notifications.md)."""
    return {
        "id": message.delivery_id,
        "type": message.trigger,
        "user_id": message.user_id,
        "agency_id": message.agency_id,
        "lang": message.lang,
        "subject": message.subject,
        "text": message.text,
        "link": message.link,
        "sent_at": int(now),
    }


class WebhookChannel:
    """A signed POST to the relay's URL; any 2xx is taken, anything else retried."""

    name = "webhook"

    def __init__(self, url: str, secret: bytes, timeout: float = 10.0) -> None:
        self.url = url
        self.secret = secret
        self._client = httpx.Client(timeout=timeout)

    def send(self, message: Outgoing) -> None:
        now = time.time()
        body = orjson.dumps(webhook_body(message, now))
        stamp = int(now)
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Notification-Id": message.delivery_id,
            "X-Hub-Event-Type": f"notification.{message.trigger}",
            "X-Hub-Timestamp": str(stamp),
            "X-Hub-Signature": sign(self.secret, stamp, body),
        }
        try:
            answer = self._client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as e:
            raise ChannelError(f"webhook: {type(e).__name__}") from None
        if not 200 <= answer.status_code < 300:
            raise ChannelError(f"webhook: HTTP {answer.status_code}")

    def close(self) -> None:
        self._client.close()
