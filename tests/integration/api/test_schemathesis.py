"""Schemathesis over the whole OpenAPI document of a served hub: no 500s, no non-conformance.

The hub is built as ``hub serve`` builds it, on the embedded log, with the seven scenarios of
``DOMAIN.md`` loaded through the API and the views built, and served by uvicorn on loopback.
``st run`` (the schemathesis command) then runs every check (``--checks all``) over every
operation, once with an agency's staff token and once with an administrator's, with a fixed
seed, deterministic generation and a bounded number of examples per operation, so the run is
the same on every machine. Known ids (a case, a referral, a person, an agency of the caller's
own) are given as parameters, so requests reach the code behind the 404s too.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from hub.access.tokens import Role
from hub.api.app import create_app
from hub.bootstrap import Services, build
from hub.demo import network as n
from hub.demo.driver import Driver
from hub.demo.scenarios import load_all
from hub.settings import Settings
from projections import worker

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

#: examples per operation and phase: 100 tries about 6,300 requests per token over the 45
#: operations, in about a minute each on a busy 2-core machine
MAX_EXAMPLES = int(os.environ.get("HUB_SCHEMATHESIS_EXAMPLES", "100"))
SEED = 20261202


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A hub on the embedded log with the scenarios loaded, served on loopback."""
    data_dir = tmp_path_factory.mktemp("hub")
    services: Services = build(Settings(data_dir=data_dir))
    app = create_app(services)
    driver = Driver(TestClient(app), services.access.issue(Role.ADMIN, None, "schemathesis"))
    scenarios = load_all(driver)
    for name in worker.VIEWS:
        worker.rebuild(services.hub, services.views, name)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    zhou = scenarios["scenario_3_zhou"]
    agency = n.KUYTUN_PROCURATORATE
    yield {
        "url": f"http://127.0.0.1:{port}",
        "staff": driver.tokens[agency],
        "admin": driver.admin_token,
        "ids": {
            "agency_id": driver.id(agency),
            "case_id": zhou["case_id"],
            "referral_id": zhou["referral_id"],
            "person_id": zhou["person_id"],
        },
    }
    server.should_exit = True
    thread.join(timeout=10)
    services.close()


def config(path: Path, ids: dict[str, str]) -> Path:
    """The run's settings (``schemathesis.toml``).

    - the known ids, for the operations that take them;
    - the feed's ``wait`` at 0: a long-poll on an idle feed would spend the time budget
      waiting (the long-poll has its own tests);
    - schema-valid requests may be refused with 422 as well as 401/403/404/409: a domain rule
      (an amount above 36 months' wages, a reason an unsuccessful outcome needs, a date outside
      1949-01-01..2100-12-31, which JSON Schema states only as ``formatMinimum``/``Maximum``)
      refuses a well-formed request with its own problem type.
    """
    lines = ["[parameters]"]
    lines += [f'"path.{name}" = "{value}"' for name, value in ids.items()]
    lines += ['"query.wait" = 0', ""]
    lines += ["[checks.positive_data_acceptance]"]
    lines += ['expected-statuses = ["2xx", "401", "403", "404", "409", "422"]', ""]
    path.write_text("\n".join(lines) + "\n")
    return path


# about 6,300 requests: minutes on a loaded machine, longer than the suite's 300 s per test
@pytest.mark.timeout(900)
@pytest.mark.parametrize("who", ["staff", "admin"])
def test_schemathesis_finds_nothing(served: dict[str, Any], who: str, tmp_path: Path) -> None:
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    assert st is not None, "schemathesis is a dev dependency"
    settings = config(tmp_path / "schemathesis.toml", served["ids"])
    command = [
        st,
        "--config-file",
        str(settings),
        "run",
        f"{served['url']}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--generation-deterministic",
        "--workers",
        "1",
        "--no-color",
        "--header",
        f"Authorization: Bearer {served[who]}",
        "--request-timeout",
        "40",
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=840, cwd=tmp_path, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20000:]
    # how much was tried, for the record (``pytest -s``)
    print(who, *(line.strip() for line in output.splitlines() if " generated, " in line))
