"""In a real browser (Debian's chromium driven by playwright): a leader of the autonomous
region's procuratorate opens the Xinjiang dashboard of a synthetic year (its charts drawn by
the vendored ECharts, nothing refused by the Content-Security-Policy) and drills down
自治区 → 伊犁州 → 奎屯市, then opens the SLA board; each page is photographed into
docs/console/ (dashboard-*.png)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from hub.access.tokens import Role
from hub.api.app import create_app
from hub.bootstrap import Services, build
from hub.demo import scenarios
from hub.demo.synthetic import load_synthetic
from hub.settings import Settings
from hub.wage_tables import read_wage_file
from projections import worker
from tests.support.tansu import free_port

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "console"
CHROMIUM = shutil.which("chromium")
PASSWORD = "correct horse battery staple"
#: axe-core, as the browser tests install it (tests/browser, npm); AXE_CORE overrides
AXE = Path(os.environ.get("AXE_CORE", ROOT / "tests/browser/node_modules/axe-core/axe.min.js"))


def axe_findings(page: Any) -> list[str]:
    """Serious or critical accessibility violations axe-core finds on the page."""
    page.evaluate(AXE.read_text())  # evaluated by the driver: no script tag for the CSP
    found = page.evaluate("axe.run().then(r => r.violations)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    services: Services = build(Settings(data_dir=tmp_path_factory.mktemp("walk")))
    hub = services.hub
    hub.load_wages(read_wage_file(scenarios.WAGE_TABLE), "演示")
    load_synthetic(hub, 400)
    for name in worker.VIEWS:
        worker.rebuild(hub, services.views, name)
    app = create_app(services)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    admin = services.access.issue(Role.ADMIN, None, "walk administrator")
    xj = next(a for a in hub.list_agencies() if a["region_code"] == "65")
    body = {
        "agency_id": xj["id"],
        "name": "演示领导",
        "staff_number": "8001",
        "roles": ["chief_procurator"],
        "password": PASSWORD,
    }
    made = httpx.post(
        f"{base}/users",
        json=body,
        headers={"Authorization": f"Bearer {admin}", "Idempotency-Key": "walk-leader"},
    )
    assert made.status_code == 201, made.text
    signed = httpx.post(
        f"{base}/auth/sign-in",
        json={"agency": xj["name"], "staff_number": "8001", "password": PASSWORD},
    )
    assert signed.status_code == 200, signed.text
    try:
        yield {"base": base, "token": signed.json()["token"]}
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        services.close()


@contextmanager
def signed_in_page(served: dict[str, Any], chromium: Any) -> Iterator[Any]:
    """A page of the browser tests' chromium (one playwright per session) with the leader's
    console cookie."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.add_cookies(
            [{"name": "hub_console", "value": served["token"], "url": served["base"]}]
        )
        yield context.new_page()
    finally:
        context.close()


def test_a_leader_drills_down_from_xinjiang_to_kuytun(
    served: dict[str, Any], chromium: Any
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with signed_in_page(served, chromium) as page:
        failed: list[str] = []  # every answer the pages asked for is a success
        page.on(
            "response",
            lambda r: (
                failed.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico")
                else None
            ),
        )
        refused: list[str] = []  # scripts or styles the Content-Security-Policy refused
        page.on(
            "console",
            lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{served['base']}/console/dashboards")
        assert page.locator("h1").inner_text().startswith("新疆维吾尔自治区")
        # ECharts (vendored) drew every chart on a canvas, each above its table
        page.wait_for_selector("[data-chart] canvas")
        assert page.locator("[data-chart] canvas").count() == 4
        assert page.get_by_role("table").count() >= 4
        page.screenshot(path=str(SHOTS / "dashboard-xinjiang.png"), full_page=True)
        page.get_by_role("link", name="伊犁哈萨克自治州", exact=True).click()
        assert page.locator("h1").inner_text().startswith("伊犁哈萨克自治州")
        page.screenshot(path=str(SHOTS / "dashboard-ili.png"), full_page=True)
        page.get_by_role("link", name="奎屯市", exact=True).click()
        assert page.locator("h1").inner_text().startswith("奎屯市")
        up = page.get_by_role("link", name="返回上一级：伊犁哈萨克自治州")
        assert up.count() == 1
        page.screenshot(path=str(SHOTS / "dashboard-kuytun.png"), full_page=True)
        page.get_by_role("link", name="超期预警").click()
        assert page.locator("h1").inner_text().startswith("超期预警")
        page.screenshot(path=str(SHOTS / "dashboard-sla.png"))
        page.goto(f"{served['base']}/console/dashboards?region=65&lang=en")
        assert "People helped" in page.content()
        assert not failed, failed
        assert not refused, refused


def test_the_sla_board_pages_by_keyboard(served: dict[str, Any], chromium: Any) -> None:
    # all of Xinjiang: the counts of every item, 50 of them a page, the next page by keyboard
    with signed_in_page(served, chromium) as page:
        page.goto(f"{served['base']}/console/dashboards/sla?region=65")
        pages = page.get_by_role("navigation", name="分页")
        assert page.locator("#sla-shown").inner_text().startswith("第 1–50 项")
        assert page.get_by_role("table").locator("tbody tr").count() == 50
        nxt = pages.get_by_role("link", name="下一页")
        nxt.focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**page=2")
        assert page.locator("#sla-shown").inner_text().startswith("第 51–")
        assert pages.get_by_role("link", name="上一页").count() == 1


PAGES = (
    "/console/dashboards",
    "/console/dashboards?region=654003",
    "/console/dashboards/sla",
    "/console/dashboards/sla?region=65&page=2",
)


@pytest.mark.skipif(not AXE.exists(), reason=f"axe-core is not installed at {AXE}")
def test_the_dashboard_pages_are_axe_clean(served: dict[str, Any], chromium: Any) -> None:
    findings: dict[str, list[str]] = {}
    with signed_in_page(served, chromium) as page:
        for path in PAGES:
            page.goto(f"{served['base']}{path}")
            page.wait_for_load_state("load")
            findings[path] = axe_findings(page)
    assert findings == {path: [] for path in PAGES}
