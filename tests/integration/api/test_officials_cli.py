"""``hub user …`` and ``hub token … --connector``: officials and machine tokens from the CLI.

The embedded log only: on Kafka these commands refuse to write while a hub serves (tested for
``hub person erase`` the same way), and what they write is the same events the API writes.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from hub.bootstrap import build
from hub.cli import app
from hub.settings import Settings

runner = CliRunner()
AGENCY = {
    "name": "新源县民政局",
    "kind": "civil-affairs",
    "level": "county",
    "region_code": "654025",
    "services": ["temporary-aid"],
    "response_days": 5,
}


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_users_and_connector_tokens_from_the_command_line(tmp_path: Path) -> None:
    services = build(Settings(data_dir=tmp_path))
    try:
        agency_id = services.hub.register_agency(**AGENCY)
    finally:
        services.close()
    data = ("--data-dir", str(tmp_path))
    added = run(
        "user",
        "add",
        "新源县民政局",
        "MZ-01",
        "--name",
        "古丽",
        "--role",
        "caseworker",
        "--external-id",
        "guli",
        *data,
    )
    password = added.split("first password: ")[1].strip()
    refused = runner.invoke(
        app,
        ["user", "add", "新源县民政局", "MZ-02", "--name", "x", "--role", "case_officer", *data],
    )
    assert refused.exit_code == 1 and "no role case_officer" in refused.output
    listing = run("user", "list", "新源县民政局", *data)
    assert "古丽" in listing and "经办人" in listing and "在用" in listing
    run("user", "roles", "新源县民政局", "MZ-01", "--role", "head", *data)
    assert "负责人" in run("user", "list", *data, "--lang", "zh")
    token = run("token", "issue", "--connector", "新源县民政局", "--days", "90", *data).strip()
    services = build(Settings(data_dir=tmp_path))
    try:
        principal = services.access.authenticate(token)
        assert principal is not None and str(principal.agency_id) == str(agency_id)
        user_id = services.hub.user_id_for_external_id("guli")
        assert user_id is not None
        assert services.identity.sign_in(user_id, password).principal.roles == ("head",)
        token_id = services.access.list_tokens()[0]["token_id"]
    finally:
        services.close()
    new_token = run("token", "rotate", token_id, "--overlap-hours", "0", *data).split()[1]
    run("user", "disable", "新源县民政局", "MZ-01", "--reason", "调离", *data)
    assert "已停用" in run("user", "list", *data)
    services = build(Settings(data_dir=tmp_path))
    try:
        assert services.access.authenticate(token) is None
        assert services.access.authenticate(new_token) is not None
    finally:
        services.close()
    run("token", "revoke", new_token_id(tmp_path), *data)


def new_token_id(data_dir: Path) -> str:
    services = build(Settings(data_dir=data_dir))
    try:
        valid = [t for t in services.access.list_tokens() if t["valid"]]
        assert len(valid) == 1
        return str(valid[0]["token_id"])
    finally:
        services.close()


def test_the_command_line_refuses_a_bare_auditor_token(tmp_path: Path) -> None:
    data = ("--data-dir", str(tmp_path))
    result = runner.invoke(app, ["token", "issue", "--role", "auditor", *data])
    assert result.exit_code == 1 and result.stdout == ""
    message = " ".join(result.stderr.split())
    assert "auditors are officials" in message and "--role auditor" in message
    services = build(Settings(data_dir=tmp_path))
    try:
        assert services.access.list_tokens() == []
    finally:
        services.close()
    assert run("token", "issue", "--role", "admin", *data).startswith("hub_")  # break-glass
