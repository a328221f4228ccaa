"""Browser tests: a real hub (``hub demo`` on loopback, embedded default, the seven scenarios
loaded) driven by Debian's chromium through ``playwright``, once per session.

Nothing is downloaded here: chromium is ``/usr/bin/chromium`` (``scripts/setup.sh`` installs
Debian's package), playwright only drives it (never ``playwright install``), and axe-core is
``tests/browser/node_modules`` (``npm ci`` by ``scripts/setup.sh``, pinned by the lock). Without
any of them every browser test skips and says which is missing.

Fixtures: ``hub`` (its URL, the demo's officials and tokens), ``sign_in(agency, title)`` (a page
signed in as that demo official, e.g. ``sign_in("新源县民政局", "经办人")``); helpers ``axe(page)``
(no serious or critical violation) and ``screenshot(page, name)`` (docs/console/<name>.png).
Every page also records the browser's console: a Content-Security-Policy violation fails.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "docs" / "console"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OFFICIAL = re.compile(r"^(\S+) (\S+) (\S+) \(工号 staff number (\S+)\)$")


def missing() -> str | None:
    """Why the browser tests cannot run here, or ``None``."""
    if not CHROMIUM.exists():
        return "no /usr/bin/chromium (scripts/setup.sh installs Debian's chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (dev extra)"
    if not AXE.exists():
        return "no axe-core in tests/browser/node_modules (scripts/setup.sh runs npm ci)"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = missing()
    if reason is None:
        return
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


@dataclass
class Official:
    agency: str
    title: str
    name: str
    staff_number: str
    password: str


@dataclass
class Hub:
    url: str
    data_dir: Path
    tokens: dict[str, str] = field(default_factory=dict)  # agency name (or 管理员) -> token
    officials: list[Official] = field(default_factory=list)

    def official(self, agency: str, title: str) -> Official:
        for o in self.officials:
            if o.agency == agency and o.title == title:
                return o
        raise LookupError(f"no demo official {title} of {agency}")

    def token(self, agency: str) -> str:
        if agency == "admin":
            return self.tokens["管理员 administrator"]
        return self.tokens[agency]

    def api(self, method: str, path: str, token: str, body: Any = None) -> Any:
        """The hub's JSON API (for setting up and checking what the pages did)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
            request.add_header("Idempotency-Key", os.urandom(8).hex())
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read() or b"null")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def read_tokens(path: Path) -> tuple[dict[str, str], list[Official]]:
    tokens: dict[str, str] = {}
    officials = []
    for key, value in json.loads(path.read_text(encoding="utf-8")).items():
        found = OFFICIAL.match(key)
        if found:
            officials.append(Official(*found.groups(), value.rsplit(" ", 1)[1]))
        else:
            tokens[key] = value
    return tokens, officials


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """``hub demo`` serving on a free loopback port until the session ends."""
    if missing():
        pytest.skip(missing() or "")
    data_dir = tmp_path_factory.mktemp("browser-hub")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "KAFKA_"))}
    env.pop("PERSISTENCE_MODULE", None)
    env["HUB_MAX_BACKDATE_DAYS"] = os.environ.get("HUB_MAX_BACKDATE_DAYS", "3650")
    env["HUB_PASSWORD_COST"] = os.environ.get("HUB_PASSWORD_COST", "standard")
    log = (data_dir / "hub.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "hub", "demo", "--data-dir", str(data_dir), "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"hub demo exited: {(data_dir / 'hub.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/health/ready", timeout=2) as answer:
                    if answer.status == 200 and (data_dir / "demo-tokens.json").exists():
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("hub demo did not become ready in 300 s")
            time.sleep(0.5)
        tokens, officials = read_tokens(data_dir / "demo-tokens.json")
        yield Hub(url, data_dir, tokens, officials)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


class CspViolations(list[str]):
    """The browser console's CSP complaints on one page."""


@pytest.fixture
def new_page(chromium: Any, hub: Hub) -> Iterator[Callable[[], Any]]:
    """Pages in fresh contexts (own cookies), closed after the test; CSP violations fail."""
    contexts: list[Any] = []
    violations: list[str] = []

    def make() -> Any:
        context = chromium.new_context(
            base_url=hub.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        return page

    yield make
    for context in contexts:
        context.close()
    assert violations == [], violations


@pytest.fixture
def sign_in(hub: Hub, new_page: Callable[[], Any]) -> Callable[[str, str], Any]:
    """``sign_in(agency, title)``: a page signed in as that demo official, on the work queue."""

    def signed(agency: str, title: str) -> Any:
        official = hub.official(agency, title)
        page = new_page()
        page.goto("/console/sign-in")
        page.get_by_label("单位").fill(official.agency)
        page.get_by_label("工号").fill(official.staff_number)
        page.get_by_label("密码", exact=True).fill(official.password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/console/work")
        return page

    return signed


def axe(page: Any) -> None:
    """Runs axe-core on the page; fails on any serious or critical violation."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert bad == [], f"axe on {page.url}: {bad}"


def screenshot(page: Any, name: str) -> Path:
    """Saves the whole page as docs/console/<name>.png (committed, shown in the docs)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
