"""The composition root: the only place that builds the hub's services from settings.

Kafka services (the router, the reply appliers, the dead letters) are built here too, and
only when the settings name a Kafka bootstrap; on the embedded log there are none.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.workdays import WorkCalendar
from hub.access.read_log import ReadLog
from hub.access.tokens import AccessStore
from hub.app import ReliefHub
from hub.notify.store import NotifyStore
from hub.settings import PLACEHOLDERS, Settings
from hub.vault.keystore import KeyStore
from projections.deadlines import SlaPolicy
from projections.store import ViewStore
from projections.stores import open_store

if TYPE_CHECKING:  # the feeds bring Kafka's clients, OpenID Connect httpx and joserfc, identity
    # argon2: imported where built, not by every command
    from hub.feeds.dead_letters import DeadLetters
    from hub.feeds.replies import BackgroundApplier, ReplyApplier
    from hub.feeds.router import Router
    from hub.identity.oidc import OidcVerifier
    from hub.identity.service import Identity
    from hub.notify.notifier import Notifier

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    hub: ReliefHub
    access: AccessStore
    identity: Identity
    views: ViewStore
    notify: NotifyStore
    dead_letters: DeadLetters | None = None  # None on the embedded log
    oidc: OidcVerifier | None = None  # None unless HUB_OIDC_ISSUER is set

    def close(self) -> None:
        if self.oidc is not None:
            self.oidc.close()
        if self.hub.read_log is not None:
            self.hub.read_log.close()
        self.hub.close()
        self.access.close()
        self.views.close()
        self.notify.close()

    def sla_policy(self) -> SlaPolicy:
        return sla_policy(self.settings)


def sla_policy(settings: Settings) -> SlaPolicy:
    return SlaPolicy(
        calendar=WorkCalendar.with_local_days(settings.local_holidays, settings.local_workdays),
        completion_days=settings.sla_completion_days,
        amber_days=settings.sla_amber_days,
    )


def build_hub(
    settings: Settings, log_env: dict[str, str] | None = None, process: str = "hub"
) -> ReliefHub:
    """The Application on the log the settings name (or on ``log_env``, for tests)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return ReliefHub(
        log_env or settings.log_env(process),
        person_key=settings.secret("person_key"),
        hub_key=settings.secret("cipher_key"),
        keys=KeyStore(settings.keys_location(), settings.secret("master_key")),
        calendar=WorkCalendar.with_local_days(settings.local_holidays, settings.local_workdays),
        max_backdate_days=settings.max_backdate_days,
    )


def open_views(settings: Settings) -> ViewStore:
    """The view store the settings name, its free text sealed with the hub key."""
    return open_store(settings.views_location(), key=settings.secret("cipher_key"))


def build(settings: Settings, log_env: dict[str, str] | None = None) -> Services:
    from hub.identity.oidc import build_verifier
    from hub.identity.service import Identity

    oidc = build_verifier(settings)  # refuses a bad configuration before anything is opened
    hub = build_hub(settings, log_env)
    hub.read_log = ReadLog(
        settings.access_location(), hub, interval=settings.access_log_flush_seconds
    )
    access = AccessStore(settings.access_location())
    return Services(
        settings=settings,
        hub=hub,
        access=access,
        identity=Identity(
            access,
            hub,
            session_minutes=settings.session_minutes,
            oidc_cache_seconds=settings.oidc_cache_seconds,
            password_cost=settings.password_hashing(),
        ),
        views=open_views(settings),
        notify=NotifyStore(settings.notify_location()),
        dead_letters=build_dead_letters(settings),
        oidc=oidc,
    )


class NoKafka(ValueError):
    """A Kafka service was asked for, but the settings name no Kafka bootstrap."""


def _kafka(settings: Settings) -> tuple[str, str]:
    if not settings.kafka_bootstrap_servers:
        raise NoKafka("KAFKA_BOOTSTRAP_SERVERS is not set")
    return settings.kafka_bootstrap_servers, settings.topic_prefix


def build_dead_letters(settings: Settings) -> DeadLetters | None:
    """The replies' dead letters on Kafka; ``None`` on the embedded log (there are none)."""
    if not settings.kafka_bootstrap_servers:
        return None
    from hub.feeds.dead_letters import DeadLetters

    return DeadLetters(*_kafka(settings))


def build_router(settings: Settings, hub: ReliefHub, *, batch_size: int = 1000) -> Router:
    """The router that publishes the agencies' feeds to their Kafka topics."""
    from hub.feeds.router import Router

    bootstrap, prefix = _kafka(settings)
    return Router(hub, bootstrap, prefix, batch_size=batch_size)


def build_reply_applier(settings: Settings, hub: ReliefHub) -> ReplyApplier:
    """The applier of the agencies' answers from their Kafka replies topics."""
    from hub.feeds.replies import ReplyApplier

    bootstrap, prefix = _kafka(settings)
    return ReplyApplier(hub, bootstrap, prefix)


def start_background_applier(settings: Settings, hub: ReliefHub) -> BackgroundApplier | None:
    """The reply applier in a thread of ``hub serve`` on Kafka; ``None`` on the embedded log."""
    if not settings.kafka_bootstrap_servers:
        return None
    from hub.feeds.replies import BackgroundApplier

    return BackgroundApplier(hub, *_kafka(settings))


def start_projection_worker(settings: Settings, stop: threading.Event) -> threading.Thread:
    """The projection worker in a thread of this process (``hub serve`` and ``hub demo`` on
    the embedded log), on its own Application and view store, until ``stop`` is set.
    Production on Kafka runs it as its own process: ``hub projections run``."""
    from projections import worker

    def work() -> None:
        hub = build_hub(settings, process="projections")
        store = open_views(settings)
        try:
            worker.run(hub, store, stop)
        except Exception:
            log.exception("projection worker stopped")
            raise
        finally:
            store.close()
            hub.close()

    thread = threading.Thread(target=work, name="projection-worker", daemon=True)
    thread.start()
    return thread


def build_notifier(
    settings: Settings, hub: ReliefHub, store: NotifyStore, views: ViewStore | None
) -> Notifier:
    """The notifier on its Application, its store and the views (for the watch list), with
    the channels the settings configure: email with ``HUB_SMTP_HOST``, the webhook with
    ``HUB_NOTIFY_WEBHOOK_URL``; on Kafka the replies' dead letters too."""
    from hub.notify.channels import SmtpChannel, SmtpConfig, WebhookChannel
    from hub.notify.notifier import Channel, Notifier, Retry
    from projections import sla

    channels: dict[str, Channel] = {}
    if settings.smtp_host:
        password = settings.smtp_password
        channels["email"] = SmtpChannel(
            SmtpConfig(
                settings.smtp_host,
                settings.smtp_port,
                starttls=settings.smtp_starttls,
                username=settings.smtp_username,
                password=password.get_secret_value() if password else None,
                sender=settings.smtp_from,
            )
        )
    if settings.notify_webhook_url:
        given = settings.notify_webhook_secret
        secret = given.get_secret_value().strip() if given is not None else ""
        if not secret:
            raise ValueError("HUB_NOTIFY_WEBHOOK_URL needs HUB_NOTIFY_WEBHOOK_SECRET")
        if settings.env == "production" and (secret.lower() in PLACEHOLDERS or len(secret) < 32):
            raise ValueError("HUB_NOTIFY_WEBHOOK_SECRET must be at least 32 random characters")
        channels["webhook"] = WebhookChannel(settings.notify_webhook_url, secret.encode())
    policy = sla_policy(settings)
    dead_letters = build_dead_letters(settings)
    return Notifier(
        hub,
        store,
        channels=channels,
        base_url=settings.console_base(),
        watch=None
        if views is None
        else lambda today: sla.watch_list(views, today=today, policy=policy),
        is_working_day=policy.calendar.is_working_day,
        dead_letters=None if dead_letters is None else dead_letters.list,
        retry=Retry(
            settings.notify_max_attempts,
            settings.notify_retry_seconds,
            settings.notify_retry_max_seconds,
        ),
        digest_hour=settings.notify_digest_hour,
        check_seconds=settings.notify_check_seconds,
    )


def run_notifier(settings: Settings, stop: threading.Event) -> None:
    """The notifier on its own Application (its own replica on Kafka), store and views,
    until ``stop`` is set (blocks): ``hub notifications run``, or a thread of ``hub serve``."""
    hub = build_hub(settings, process="notifier")
    store = NotifyStore(settings.notify_location())
    views = open_views(settings)
    try:
        build_notifier(settings, hub, store, views).run(stop)
    finally:
        views.close()
        store.close()
        hub.close()


def start_notifier(settings: Settings, stop: threading.Event) -> threading.Thread:
    """The notifier in a thread of this process (``hub serve`` on the embedded log)."""

    def work() -> None:
        try:
            run_notifier(settings, stop)
        except Exception:
            log.exception("notifier stopped")
            raise

    thread = threading.Thread(target=work, name="notifier", daemon=True)
    thread.start()
    return thread
