"""What the approvals' upcasts promise of a log written before officials signed in."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from hub.bootstrap import Services


def assert_approvals_upcast(services: Services, old: dict[str, Any]) -> None:
    """``SubmittedForApproval`` v1 reads with no proposer (no official proposed it: the hub did
    not know officials then), and who acted on each old event is the free text it recorded."""
    hub = services.hub
    submitted = 0
    for case_id in old["cases"]:
        for entry in hub.history(UUID(case_id)):
            if entry["event"] == "SubmittedForApproval":
                submitted += 1
                assert entry["details"]["proposer"] is None
                assert entry["by"] == {
                    "kind": "recorded",
                    "user_id": None,
                    "agency_id": None,
                    "name": entry["details"]["submitted_by"],
                    "roles": [],
                }
            if entry["event"] == "ReliefGranted":
                assert entry["by"]["name"] == entry["details"]["approved_by"]
            assert entry["by"] is None or entry["by"]["kind"] == "recorded"
    assert submitted >= 1
