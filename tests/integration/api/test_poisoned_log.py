"""An event that breaks today's bounds, written by an older hub, poisons nothing.

The reproduction of the finding: a provision of ``amount_fen: 10**30`` is appended straight to
the log through the aggregate's event method (as a hub without the bounds did), bypassing the
guards. The reads near it still answer (never a 500), the projections that cannot hold it stop
with a clear status, and the other views go on following the log.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner

from domain.referral import Referral
from hub import cli
from projections import worker
from tests.integration.api.conftest import Api, assert_problem

HUGE = 10**30


def poison(api: Api, referral_id: str) -> None:
    """Completes ``referral_id`` with a provision of 10**30 fen, as an unbounded hub did."""
    hub = api.services.hub
    referral: Referral = hub.repository.get(UUID(referral_id))
    referral._status_changed(
        status="completed",
        by_agency=referral.recipient_id,
        on_behalf_of="经办人",
        reason=None,
        outcome={
            "successful": True,
            "reason": None,
            "provisions": [
                {"kind": "money", "amount_fen": HUGE, "provider": "企业", "description": ""}
            ],
        },
    )
    hub.save(referral)


@pytest.fixture(scope="module")
def poisoned(api: Api) -> dict[str, str]:
    """A referral from the procuratorate to the enterprise, completed with 10**30 fen."""
    person_id = api.person("p")
    referral_id = api.referral("p", "ent", person_id=person_id, services=["donation"])
    api.ok("ent", f"/referrals/{referral_id}/accept", {"on_behalf_of": "经办人"})
    poison(api, referral_id)
    return {"person_id": person_id, "referral_id": referral_id}


def test_the_guards_refuse_what_the_old_hub_accepted(api: Api) -> None:
    referral_id = api.referral("p", "ent", services=["donation"])
    api.ok("ent", f"/referrals/{referral_id}/accept", {"on_behalf_of": "经办人"})
    before = api.log_position()
    provision = {"kind": "money", "amount_fen": HUGE, "provider": "企业"}
    body = {"on_behalf_of": "经办人", "outcome": {"successful": True, "provisions": [provision]}}
    assert_problem(api.post("ent", f"/referrals/{referral_id}/complete", body), 422, "validation")
    referral: Referral = api.services.hub.repository.get(UUID(referral_id))
    with pytest.raises(Exception, match="at most 10000000000 fen"):
        referral.change_status(
            "completed",
            by_agency=referral.recipient_id,
            on_behalf_of="经办人",
            outcome=body["outcome"],
        )
    assert api.log_position() == before


def test_reads_near_the_bad_event_answer(api: Api, poisoned: dict[str, str]) -> None:
    referral_id, person_id = poisoned["referral_id"], poisoned["person_id"]
    answer = api.get("ent", f"/referrals/{referral_id}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["outcome"]["provisions"][0]["amount_fen"] == HUGE
    history = api.get("p", f"/referrals/{referral_id}/history")
    assert history.status_code == 200, history.text
    assert api.get("p", f"/persons/{person_id}/aid").status_code == 200
    for who in ("p", "ent"):
        listed = api.get(who, f"/agencies/{api.ids[who]}/referrals")
        assert listed.status_code == 200, listed.text
        assert referral_id in {r["id"] for r in listed.json()}


def run_views(api: Api, seconds: float) -> None:
    """Runs the projection worker for ``seconds``; it must neither crash nor loop on errors."""
    stop = threading.Event()
    failures: list[BaseException] = []

    def work() -> None:
        try:
            worker.run(api.services.hub, api.services.views, stop)
        except BaseException as error:
            failures.append(error)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    deadline = time.monotonic() + seconds
    head = api.log_position()
    while time.monotonic() < deadline:
        states = {row["view"]: row for row in worker.status(api.services.hub, api.services.views)}
        if all(r["position"] >= head or r.get("halted") for r in states.values()):
            break
        time.sleep(0.1)
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert failures == []


def test_a_view_that_cannot_hold_the_event_stops_with_a_status(
    api: Api, poisoned: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="projections.runner"):
        run_views(api, seconds=30)
    states: dict[str, Any] = {
        row["view"]: row for row in worker.status(api.services.hub, api.services.views)
    }
    halted = {name for name, row in states.items() if row["halted"]}
    # Person aid sums the provision into BIGINT columns: it stops at the bad event.
    assert "person_aid" in halted
    stop = states["person_aid"]["halted"]
    assert stop["position"] > 0 and "OverflowError" in stop["error"]
    assert states["person_aid"]["position"] == stop["position"] - 1
    # The others are not held up by it.
    for name in set(states) - halted:
        assert states[name]["behind"] == 0, states[name]
    assert any("person_aid" in r.getMessage() for r in caplog.records)
    # Readers of the stopped view are told so in its freshness; nothing answers 500.
    aid = api.get("p", f"/views/persons/{poisoned['person_id']}/aid")
    assert aid.status_code == 200, aid.text
    assert aid.json()["freshness"]["halted"]["position"] == stop["position"]
    inbox = api.get("ent", f"/agencies/{api.ids['ent']}/inbox")
    assert inbox.status_code == 200, inbox.text
    # A restarted worker does not crash on it either, and the stop stays recorded.
    run_views(api, seconds=3)
    again = {r["view"]: r for r in worker.status(api.services.hub, api.services.views)}
    assert again["person_aid"]["halted"]["position"] == stop["position"]


def test_hub_projections_status_names_the_stopped_view(
    api: Api,
    poisoned: dict[str, str],
    module_log_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run_views(api, seconds=30)
    for name, value in module_log_env.items():
        monkeypatch.setenv(name, value)
    data_dir = str(api.services.settings.data_dir)
    result = CliRunner().invoke(cli.app, ["projections", "status", "--data-dir", data_dir])
    assert result.exit_code == 1, result.output  # an operator's script sees it
    stop = next(x for x in result.output.splitlines() if x.startswith("person_aid v"))
    assert "STOPPED at" in stop and "OverflowError in PersonAid" in stop
    assert not any(x.startswith("case_files v") for x in result.output.splitlines())
