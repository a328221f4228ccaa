"""The notifier's channels from the settings: a webhook needs its secret (a real one in
production); no SMTP host, no email."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from hub.bootstrap import build_notifier
from hub.notify.store import NotifyStore
from hub.settings import Settings


class NoHub:
    """Building the notifier reads nothing of the hub but its clock."""

    def today(self) -> Any:
        raise AssertionError("not called while building")


def channels(tmp_path: Path, **given: Any) -> list[str]:
    store = NotifyStore(str(tmp_path / "notify.sqlite"))
    try:
        notifier = build_notifier(Settings(data_dir=tmp_path, **given), NoHub(), store, None)  # type: ignore[arg-type]
        return sorted(notifier.channels)
    finally:
        store.close()


def test_the_settings_choose_the_channels(tmp_path: Path) -> None:
    assert channels(tmp_path) == []
    assert channels(tmp_path, smtp_host="mail.internal") == ["email"]
    both = {"smtp_host": "mail.internal", "notify_webhook_url": "http://relay.internal/in"}
    assert channels(tmp_path, **both, notify_webhook_secret=SecretStr("s" * 40)) == [
        "email",
        "webhook",
    ]


@pytest.mark.parametrize("secret", [None, "  ", "changeme", "short"])
def test_a_webhook_without_a_real_secret_is_refused_in_production(
    tmp_path: Path, secret: str | None
) -> None:
    given = {
        "env": "production",
        "notify_webhook_url": "http://relay.internal/in",
        "notify_webhook_secret": None if secret is None else SecretStr(secret),
    }
    with pytest.raises(ValueError, match="HUB_NOTIFY_WEBHOOK_SECRET"):
        channels(tmp_path, **given)
