"""Loads the demo into a fresh hub through its own API, once; remembers the demo tokens."""

from __future__ import annotations

import json
import warnings

from hub.access.tokens import Role
from hub.api.app import create_app
from hub.bootstrap import Services
from hub.demo.driver import Driver
from hub.demo.scenarios import load_all
from hub.demo.synthetic import load_synthetic

TOKENS_FILE = "demo-tokens.json"


class DemoNotLoadable(Exception):
    """The data directory holds a hub that is not the demo's."""


def load_demo(services: Services, *, synthetic: int = 0) -> dict[str, str]:
    """Runs the scenarios on an empty log, then ``synthetic`` people's synthetic history
    (:mod:`hub.demo.synthetic`); returns what to print (kept for re-runs): the
    break-glass administrator's token, each agency's connector token, and each named
    official's (an auditor's too) staff number and password (sign in at ``POST /auth/sign-in``)."""
    path = services.settings.data_dir / TOKENS_FILE
    if services.hub.recorder.max_notification_id():
        if path.exists():
            tokens: dict[str, str] = json.loads(path.read_text())
            return tokens
        raise DemoNotLoadable(
            f"the log in {services.settings.data_dir} already holds other data: "
            "use hub serve there, or give hub demo another --data-dir"
        )
    admin = services.access.issue(Role.ADMIN, None, "demo administrator")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient
    driver = Driver(TestClient(create_app(services)), admin)
    with services.hub.backdating(services.settings.demo_backdate_days):
        load_all(driver)
    driver.add_auditor()
    if synthetic:
        load_synthetic(services.hub, synthetic)
    tokens = {"管理员 administrator": admin, **driver.tokens}
    del tokens["auditor"]  # the auditor signs in as an official, listed below
    for o in driver.officials.values():
        sign_in = f"{o.agency} {o.title} {o.name} (工号 staff number {o.staff_number})"
        tokens[sign_in] = f"密码 password {o.password}"
    path.write_text(json.dumps(tokens, ensure_ascii=False, indent=1))
    path.chmod(0o600)
    return tokens
