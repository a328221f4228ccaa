"""``hub case list`` and ``hub person find``: the ID number from standard input, the read
recorded, an agency that may not read her told what an unknown number tells."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hub.bootstrap import Services
from tests.integration.privacy.conftest import CLI_TIMEOUT, HubHome
from tests.support.ids import numbered


def with_stdin(home: HubHome, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "hub"), *args, "--data-dir", str(home.data_dir)]
    env = {**os.environ, "COLUMNS": "300", "NO_COLOR": "1", **home.env}
    return subprocess.run(
        command, input=text, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT
    )


def test_case_list_and_person_find(home: HubHome, services: Services) -> None:
    hub = services.hub
    p = hub.register_agency(
        name="查找测试县人民检察院",
        kind="procuratorate",
        level="county",
        region_code="659001",
        services=["judicial-relief"],
        response_days=5,
    )
    other = hub.register_agency(
        name="查找测试县民政局",
        kind="civil-affairs",
        level="county",
        region_code="659001",
        services=["temporary-aid"],
        response_days=5,
    )
    number = numbered(21)
    person = hub.register_person(number, "查找测试当事人", registered_by=p)
    case = hub.receive_lead(p, person, "applicant", "申请司法救助")
    hub.record_inquiry(case, p, "询问", on_behalf_of="检察官李某")

    listed = home.cli("case", "list", "--procuratorate", str(p), "--lang", "en", check=True)
    assert str(case) in listed.stdout and "检察官李某" in listed.stdout
    page = json.loads(
        home.cli("case", "list", "--procuratorate", str(p), "--stage", "received", "--json").stdout
    )
    assert page["items"] == []
    bad = home.cli("case", "list", "--procuratorate", str(p), "--stage", "lost")
    assert bad.returncode == 1 and "stage 'lost'" in bad.stderr

    args = ("person", "find", "--purpose", "核对身份", "--by", "审计员王某", "--offline")
    found = with_stdin(home, number + "\n", *args)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["name"] == "查找测试当事人"
    assert number not in " ".join(args)  # never on the command line
    # civil affairs may not read her: the same answer as for a number nobody registered
    as_other = with_stdin(home, number + "\n", *args, "--agency", str(other))
    unknown = with_stdin(home, numbered(22) + "\n", *args, "--agency", str(other))
    assert as_other.returncode == unknown.returncode == 1
    assert as_other.stderr == unknown.stderr and str(person) not in as_other.stderr
    wrong = with_stdin(home, number[:17] + "Y\n", *args)
    assert wrong.returncode == 1 and "check character" in wrong.stderr
