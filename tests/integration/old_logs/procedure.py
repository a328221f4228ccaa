"""What the procedure's upcasts promise of a log written before business dates, wage figures,
matters and advance relief: each old event reads with the new fields empty, as it was."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.case import AidCase
from domain.referral import Referral
from hub.bootstrap import Services

#: keys the case file reads now that the old code did not
CASE_PROCEDURE_KEYS = (
    "matter_number",
    "applicant_relation",
    "received_on",
    "decided_on",
    "advanced_fen",
    "advance_excess_fen",
    "funds_arrived_on",
    "notified_on",
)


def assert_procedure_upcast(services: Services, old: dict[str, Any]) -> None:
    hub = services.hub
    for referral_id in old["referrals"]:
        referral = hub.load(Referral, UUID(referral_id))
        assert referral.requested_on is None and referral.found_on is None
        (requested, *_) = hub.history(UUID(referral_id))
        assert requested["details"]["backdate_reason"] is None
    for case_id in old["cases"]:
        case = hub.load(AidCase, UUID(case_id))
        now = hub.get_case(UUID(case_id))
        assert now["matter_number"] is None and now["applicant_relation"] is None
        assert now["advanced_fen"] == now["advance_excess_fen"] == 0
        history = hub.history(UUID(case_id))
        assert history[0]["details"]["received_on"] == now["received_on"]
        assert all(e["details"]["backdate_reason"] is None for e in history)
        # the steps' order is the dates they carried: the latest is what a new step must follow
        dated = [
            v
            for e in history
            for k, v in e["details"].items()
            if k in ("received_on", "held_on", "reviewed_on", "on", "decided_on", "paid_on")
            or k in ("visited_on", "closed_on")
        ]
        assert case.last_on.isoformat() == max(dated)
        granted = [e for e in history if e["event"] == "ReliefGranted"]
        for e in granted:
            assert e["details"]["wage_source"] is None
            assert e["details"]["advanced_fen"] == 0
