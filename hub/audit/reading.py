"""A case replay as people read it (审计报告的内容): names, words, amounts in 元, China time.

:func:`read_replay` turns what ``replay_case`` answers (ids, codes, integer fen, UTC times)
into what the PDF report and the CLI table print: each agency by its name, each official by
name and role with their agency, each event and field in Chinese (or English), amounts in 元
with two decimals, business dates, and times in China time. It adds nothing the replay does
not hold: the person helped is named by id only (her personal data stays behind the hub's
access rules, and an erased person stays erased).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from domain.officials import describe
from hub.audit.words import EVENTS, FIELDS, REPORT, STAGES, STATUSES, VALUES, say

CHINA = timezone(timedelta(hours=8))
#: fields a report leaves out: shown elsewhere (who acted, the case, the person) or internal
UNSHOWN = {
    "by_agency",
    "person_id",
    "case_id",
    "procuratorate_id",
    "request_key",
    "originator_id_type",
    "consent_id",
    "backdate_reason",
    "on_behalf_of",  # shown with who acted
}
#: fields holding an agency's id
AGENCY_FIELDS = {"requester_id", "recipient_id"}
#: fields holding an official as stamped (user id, name, roles)
OFFICIAL_FIELDS = {"approver", "proposer"}
ORDER = {name: i for i, name in enumerate(FIELDS)}


def yuan(fen: int | None, lang: str = "zh") -> str:
    """Integer fen as 元 with two decimals: 6000000 → 60,000.00 元 (en: CNY 60,000.00)."""
    amount = f"{(fen or 0) / 100:,.2f}"
    return f"{amount} 元" if lang == "zh" else f"CNY {amount}"


def china_time(stamp: str) -> str:
    """An ISO time as China time to the second: 2026-12-02 18:05:09."""
    return datetime.fromisoformat(stamp).astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Row:
    """One event of the replay, readable."""

    number: int
    business_day: str
    recorded_at: str
    event: str
    who: list[str]
    details: list[tuple[str, str]]
    #: why the step was recorded after the day it happened (补录原因), if it was
    late: str | None = None


@dataclass
class Reading:
    """The replay, readable: the heading facts, the referrals and one row per event."""

    lang: str
    facts: list[tuple[str, str]]
    verification: str
    verified: bool
    findings: list[str]
    referrals: list[list[str]] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    as_of: str = ""


def word(key: str, lang: str) -> str:
    return say(REPORT, key, lang)


class Reader:
    """Reads one replay in one language, with the agencies' names it carries."""

    def __init__(self, replay: dict[str, Any], lang: str) -> None:
        self.replay = replay
        self.lang = lang
        self.agencies: dict[str, str] = replay.get("agencies") or {}

    def agency(self, agency_id: object) -> str:
        return self.agencies.get(str(agency_id), str(agency_id))

    def who(self, entry: dict[str, Any]) -> list[str]:
        """Who acted on an event: the official's name and role, then their agency."""
        by = entry.get("by")
        agency_id = (by or {}).get("agency_id") or (entry.get("who") or {}).get("by_agency")
        agency = [self.agency(agency_id)] if agency_id else []
        if not by:
            return [word("unknown", self.lang), *agency]
        if by["kind"] in ("recorded", "connector", "break-glass"):
            kind = word("as_recorded" if by["kind"] == "recorded" else by["kind"], self.lang)
            name = f"{by['name']}（{kind}）" if self.lang == "zh" else f"{by['name']} ({kind})"
        else:
            name = describe(by["name"], by.get("roles") or [], self.lang)
        note = entry.get("on_behalf_of")
        if note:  # 代为办理: on whose behalf, never who acted
            name += f"代{note}" if self.lang == "zh" else f" on behalf of {note}"
        return [name, *agency]

    def value(self, name: str, value: Any) -> str:
        """One field's value as people read it."""
        lang = self.lang
        if name.endswith("_fen"):
            return yuan(value, lang)
        if name in AGENCY_FIELDS:
            return self.agency(value)
        if name in OFFICIAL_FIELDS and isinstance(value, dict):
            return describe(value.get("name", ""), value.get("roles") or [], lang)
        if name == "status":
            return say(STATUSES, value, lang)
        if isinstance(value, bool):
            return word("yes" if value else "no_", lang)
        if name == "outcome" and isinstance(value, dict):
            return self.outcome(value)
        if name == "officers" and isinstance(value, list):
            sep = "：" if lang == "zh" else ": "
            return "；".join(
                f"{o.get('name')}（{o.get('role')}）{sep}{o.get('view') or ''}" for o in value
            )
        if name == "attendees" and isinstance(value, list):
            return "、".join(describe(a.get("name", ""), a.get("roles") or [], lang) for a in value)
        if isinstance(value, list):
            return "、".join(self.value(name, v) for v in value)
        if isinstance(value, dict):
            return "；".join(f"{k}: {self.value(k, v)}" for k, v in value.items() if v is not None)
        if name.endswith("_id") or name in ("re_referral_of", "answers_follow_up"):
            return str(value)[:8]
        return say(VALUES, value, lang)

    def outcome(self, outcome: dict[str, Any]) -> str:
        lang = self.lang
        parts = [word("successful" if outcome.get("successful") else "unsuccessful", lang)]
        if outcome.get("reason"):
            parts.append(str(outcome["reason"]))
        for p in outcome.get("provisions") or []:
            text = say(VALUES, p.get("kind"), lang)
            if p.get("amount_fen"):
                text += " " + yuan(p["amount_fen"], lang)
            if p.get("provider"):
                text += f"（{p['provider']}）" if lang == "zh" else f" ({p['provider']})"
            if p.get("description"):
                text += ("：" if lang == "zh" else ": ") + str(p["description"])
            parts.append(text)
        return ("；" if lang == "zh" else "; ").join(parts)

    def details(self, details: dict[str, Any]) -> list[tuple[str, str]]:
        shown = [
            (k, v) for k, v in details.items() if k not in UNSHOWN and v is not None and v != []
        ]
        shown.sort(key=lambda kv: ORDER.get(kv[0], len(ORDER)))
        return [(say(FIELDS, k, self.lang), self.value(k, v)) for k, v in shown]

    def event(self, entry: dict[str, Any]) -> str:
        name = say(EVENTS, entry["event"], self.lang)
        if entry["event"] == "StatusChanged" and entry["details"].get("status"):
            return f"{say(STATUSES, entry['details']['status'], self.lang)}"
        return name

    def read(self) -> Reading:
        replay, lang = self.replay, self.lang
        case = replay.get("case") or {}
        verification = replay["verification"]
        basis = word(replay.get("as_of_basis") or "recorded", lang)
        as_of = (
            f"{china_time(replay['as_of'])}（{word('china_time', lang)}，{basis}）"
            if replay.get("as_of") and lang == "zh"
            else f"{china_time(replay['as_of'])} ({word('china_time', lang)}, {basis})"
            if replay.get("as_of")
            else word("now", lang)
        )
        person = replay.get("person") or {}
        person_text = str(person.get("id") or case.get("person_id") or "-")
        person_text += ("，" if lang == "zh" else ", ") + word(
            "erased" if person.get("erased") else "person_kept", lang
        )
        facts = [
            (word("case", lang), replay["case_id"]),
            (word("matter", lang), self.matter() or "-"),
            (word("procuratorate", lang), self.agency(case["procuratorate_id"]) if case else "-"),
            (word("person", lang), person_text),
            (word("stage", lang), say(STAGES, case.get("stage"), lang) if case else "-"),
            (word("granted", lang), yuan(case.get("granted_fen"), lang)),
            (word("disbursed", lang), yuan(case.get("disbursed_fen"), lang)),
            (word("as_of", lang), as_of),
        ]
        ok = verification["ok"]
        status = word("passed" if ok else "failed", lang)
        checked = f"{verification['checked']} {word('events_checked', lang)}"
        reading = Reading(
            lang=lang,
            facts=facts,
            verification=f"{status}（{checked}）" if lang == "zh" else f"{status} ({checked})",
            verified=ok,
            findings=[
                f"#{f.get('position')} {f.get('stream')} v{f.get('version')}: "
                f"{f.get('problem')} {f.get('detail')}"
                for f in verification.get("findings") or []
            ],
            as_of=as_of,
        )
        for r in replay.get("referrals") or []:
            reading.referrals.append(
                [
                    self.agency(r.get("requester_id")),
                    self.agency(r.get("recipient_id")),
                    say(VALUES, r.get("direction"), lang),
                    say(STATUSES, r.get("status"), lang),
                    str(r.get("due_on") or "-"),
                    self.outcome(r["outcome"]) if r.get("outcome") else "-",
                ]
            )
        for number, entry in enumerate(replay["events"], start=1):
            reading.rows.append(
                Row(
                    number=number,
                    business_day=str(entry.get("on") or "-"),
                    recorded_at=china_time(entry["at"]),
                    event=self.event(entry),
                    who=self.who(entry),
                    details=self.details(entry["details"]),
                    late=entry["details"].get("backdate_reason"),
                )
            )
        return reading

    def matter(self) -> str | None:
        for e in self.replay["events"]:
            number = e["details"].get("matter_number")
            if e["kind"] == "AidCase" and number:
                return str(number)
        return None


def read_replay(replay: dict[str, Any], lang: str = "zh") -> Reading:
    """The replay as people read it, in ``lang`` (``zh`` or ``en``)."""
    return Reader(replay, lang).read()
