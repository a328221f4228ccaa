"""How the audit report words a replay (hub/audit/reading.py), on a replay made by hand: who
acted in each of the ways an event can say it, amounts in 元, codes in words, China time."""

from __future__ import annotations

from typing import Any

from hub.audit.reading import read_replay, yuan

PROCURATORATE = "11111111-1111-1111-1111-111111111111"
BUREAU = "22222222-2222-2222-2222-222222222222"


def event(name: str, by: dict[str, Any] | None, **details: Any) -> dict[str, Any]:
    return {
        "at": "2021-10-20T02:30:00+00:00",
        "on": "2021-10-20",
        "stream": "s",
        "kind": "AidCase",
        "version": 1,
        "event": name,
        "who": {"by_agency": details.pop("by_agency", None)},
        "by": by,
        "on_behalf_of": details.pop("on_behalf_of", None),
        "details": details,
    }


def replay(*events: dict[str, Any]) -> dict[str, Any]:
    return {
        "case_id": "c",
        "as_of": "2021-12-31T15:59:59+00:00",
        "as_of_basis": "business",
        "case": {
            "procuratorate_id": PROCURATORATE,
            "person_id": "p",
            "stage": "disbursed",
            "granted_fen": 6_000_000,
            "disbursed_fen": 6_000_000,
        },
        "person": {"id": "p", "erased": True},
        "agencies": {PROCURATORATE: "奎屯市人民检察院", BUREAU: "奎屯市民政局"},
        "referrals": [
            {
                "requester_id": PROCURATORATE,
                "recipient_id": BUREAU,
                "direction": "outbound",
                "status": "completed",
                "due_on": "2021-09-24",
                "outcome": {
                    "successful": True,
                    "provisions": [{"kind": "money", "amount_fen": 150_050, "provider": "某公司"}],
                },
            }
        ],
        "events": list(events),
        "verification": {
            "ok": False,
            "checked": 3,
            "findings": [
                {"position": 7, "stream": "s", "version": 2, "problem": "changed", "detail": "link"}
            ],
        },
    }


OFFICER = {"kind": "user", "agency_id": PROCURATORATE, "name": "胡磊", "roles": ["case_officer"]}


def test_who_acted_each_way() -> None:
    rows = read_replay(
        replay(
            event("ReliefDisbursed", OFFICER, amount_fen=6_000_000, paid_on="2021-10-20"),
            event(
                "StatusChanged",
                {**OFFICER, "agency_id": BUREAU, "name": "张强", "roles": ["caseworker"]},
                status="completed",
                on_behalf_of="李四",
            ),
            event(
                "Reviewed",
                {"kind": "recorded", "agency_id": None, "name": "承办人", "roles": []},
                by_agency=PROCURATORATE,
            ),
            event("CaseClosed", None, by_agency=PROCURATORATE),
            event(
                "ApprovalDecided",
                {"kind": "connector", "agency_id": BUREAU, "name": "接口甲", "roles": []},
                approved=True,
            ),
        )
    ).rows
    assert rows[0].who == ["胡磊（承办检察官）", "奎屯市人民检察院"]
    assert rows[0].event == "发放救助金"
    assert ("金额", "60,000.00 元") in rows[0].details
    assert rows[1].who == ["张强（经办人）代李四", "奎屯市民政局"] and rows[1].event == "已办结"
    assert rows[2].who == ["承办人（记录）", "奎屯市人民检察院"]
    assert rows[3].who == ["未记录", "奎屯市人民检察院"]
    assert rows[4].who == ["接口甲（接口）", "奎屯市民政局"] and ("同意", "是") in rows[4].details
    assert rows[0].recorded_at == "2021-10-20 10:30:00"  # China time


def test_the_heading_in_english() -> None:
    reading = read_replay(replay(), "en")
    facts = dict(reading.facts)
    assert facts["Procuratorate"] == "奎屯市人民检察院"
    assert facts["Granted"] == "CNY 60,000.00"
    assert facts["Person"] == "p, erased (personal data destroyed)"
    assert reading.as_of == "2021-12-31 23:59:59 (China time, on business dates)"
    assert not reading.verified and reading.verification.startswith("FAILED (3")
    assert reading.findings == ["#7 s v2: changed link"]
    assert reading.referrals[0][4:] == [
        "2021-09-24",
        "successful; Donation (money) CNY 1,500.50 (某公司)",
    ]


def test_yuan() -> None:
    assert yuan(6_000_000) == "60,000.00 元"
    assert yuan(5) == "0.05 元"
    assert yuan(None) == "0.00 元"
    assert yuan(123_456_789, "en") == "CNY 1,234,567.89"
