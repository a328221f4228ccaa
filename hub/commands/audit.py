"""Erasure, the record of reads of personal data, case replay and log verification."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

from domain.acting import actor_of, on_behalf_of
from domain.audit import PersonalDataRead, PersonalDataReads
from domain.case import AidCase
from domain.errors import DomainError, InvalidValue, NotFound
from domain.person import Person
from domain.referral import Referral
from domain.values import require_text
from hub.access.read_log import ReadLog
from hub.audit.verify import Report, Verifier, log_events, stream_events
from hub.commands.base import HubBase, plain
from hub.commands.queries import HIDDEN_FIELDS, HubQueries
from hub.vault.keystore import KeyStore
from hub.vault.mapper import HubMapper


class ReplayImpossible(DomainError):
    """The case's stored events fail verification, so it cannot be replayed as recorded."""

    rule = "log-verification-failed"
    title = "The log fails verification"


#: fields of an event that say who acted
WHO_FIELDS = ("by_agency", "on_behalf_of", "submitted_by", "approved_by")


class AuditCommands(HubQueries, HubBase):
    keys: KeyStore
    hub_key: bytes
    #: where the API's reads of personal data wait for their burst (see :mod:`hub.access.read_log`)
    read_log: ReadLog | None = None

    def erase_person(self, person_id: UUID, legal_basis: str, erased_by: str) -> None:
        """Records the erasure, then destroys the person's data key (crypto-shredding).

        Safe to run again: a person recorded as erased whose key survived (a crash between
        the two steps) has the key destroyed now. The keys named by the person's events are
        destroyed with theirs (see :mod:`hub.vault.keystore`).
        """
        person = self.load(Person, person_id)
        if not person.erased:
            person.erase(legal_basis, erased_by)
            self.save(person)
        mapper = self.mapper
        key_ids = (
            mapper.key_ids(self.recorder.select_events(person_id))
            if isinstance(mapper, HubMapper)
            else set()
        )
        self.keys.erase(person_id, legal_basis, erased_by, key_ids)

    def is_erased(self, person_id: UUID) -> bool:
        return self.keys.is_erased(person_id) or self.load(Person, person_id).erased

    def record_personal_read(
        self,
        person_id: UUID,
        reader: str,
        role: str,
        agency_id: UUID | None,
        purpose: str,
        channel: str,
    ) -> None:
        """Records a read of personal data: into the read log's next burst when one is
        attached (the API's process), else as an event of its own."""
        if self.read_log is not None:
            self.read_log.record(
                person_id=person_id,
                reader=require_text(reader, "reader"),
                role=role,
                agency_id=agency_id,
                purpose=require_text(purpose, "purpose"),
                channel=channel,
            )
            return
        self.save(
            PersonalDataRead.record(
                person_id=person_id,
                reader=reader,
                role=role,
                agency_id=agency_id,
                purpose=purpose,
                channel=channel,
            )
        )

    def access_log(self, person_id: UUID | None = None) -> list[dict[str, Any]]:
        """Every recorded read, oldest first: those in the log and those waiting for it."""
        waiting = self.read_log.pending() if self.read_log is not None else []
        entries: dict[str, dict[str, Any]] = {}
        for e in self.scan(PersonalDataRead.Recorded, PersonalDataReads.Recorded):
            if isinstance(e, PersonalDataRead.Recorded):
                entries[str(e.originator_id)] = plain(
                    {
                        "id": e.originator_id,
                        "at": e.timestamp.isoformat(),
                        "person_id": e.person_id,
                        "reader": e.reader,
                        "role": e.role,
                        "agency_id": e.agency_id,
                        "purpose": e.purpose,
                        "channel": e.channel,
                    }
                )
                continue
            who = {"reader": e.reader, "role": e.role, "agency_id": e.agency_id}
            for read in e.reads:
                entries[read["id"]] = plain({**read, **who, "channel": e.channel})
        for read in waiting:
            entries.setdefault(read["id"], read)
        wanted = None if person_id is None else str(person_id)
        found = [e for e in entries.values() if wanted is None or e["person_id"] == wanted]
        return sorted(found, key=lambda e: e["at"])

    def case_streams(self, case_id: UUID) -> list[UUID]:
        """The case's stream and its referrals' streams.

        Read from the case's first stored event, not by replaying the case, so that a case
        whose later events were tampered with can still be verified on its own.
        """
        case_id = UUID(str(case_id))
        first = self.recorder.select_events(case_id, limit=1)
        if not first:
            raise NotFound(f"AidCase {case_id} not found")
        streams = [case_id, *self.referral_ids(case_id=case_id)]
        try:
            lead = self.mapper.to_domain_event(first[0])
        except ValueError:  # unreadable: verification will say so
            return streams
        if not isinstance(lead, AidCase.LeadReceived):
            raise NotFound(f"AidCase {case_id} not found")
        if lead.referral_id is not None:
            streams.append(lead.referral_id)
        return streams

    def verify_log(
        self, case_id: UUID | None = None, progress: Callable[[int], None] = lambda n: None
    ) -> Report:
        """Checks the whole log, or the streams of one case (the case and its referrals).

        Which referrals belong to a case is read from the referrals' first events; if one of
        those cannot be read, the case's streams are not known for sure, so the whole log is
        checked (and the unreadable event is among the findings).
        """
        verifier = Verifier(self.hub_key)
        if case_id is None:
            return verifier.check(log_events(self.recorder), progress)
        try:
            streams = self.case_streams(case_id)
        except ValueError:
            return verifier.check(log_events(self.recorder), progress)
        return verifier.check(stream_events(self.recorder, streams), progress, contiguous=False)

    def replay_case(
        self, case_id: UUID, as_of: datetime | None = None, basis: str = "recorded"
    ) -> dict[str, Any]:
        """The case and its referrals as they stood at ``as_of``: every event, who, when.

        ``basis`` says which time ``as_of`` is on: ``recorded`` (when the hub recorded each
        event) or ``business`` (the day each step happened, its business date, in China
        time; an event without one, such as a referral's answer, counts on the day it was
        recorded). On ``business`` a stream is replayed up to its first event after that day.

        A case whose stored events cannot be read (they fail verification) is not replayed:
        ``ReplayImpossible`` names the first finding.
        """
        try:
            if basis not in TIME_BASES:
                raise InvalidValue(f"basis {basis!r} is not one of: {', '.join(TIME_BASES)}")
            return self._replay(case_id, as_of, basis)
        except ValueError:
            report = self.verify_log(case_id)
            if report.ok:
                raise
            f = report.findings[0]
            raise ReplayImpossible(
                f"case {case_id} cannot be replayed as recorded: {len(report.findings)} "
                f"finding(s); the first at position {f.position}, stream {f.stream}, version "
                f"{f.version}: {f.problem} ({f.detail}). See hub audit verify --case {case_id}"
            ) from None

    def _replay(self, case_id: UUID, as_of: datetime | None, basis: str) -> dict[str, Any]:
        streams = self.case_streams(case_id)
        timeline = []
        states: dict[str, Any] = {}
        for stream in streams:
            events = _up_to(list(self.events.get(stream)), as_of, basis)
            if not events:
                continue
            aggregate = self.repository.get(stream, version=events[-1].originator_version)
            states[str(stream)] = _state(aggregate)
            acting = (
                {"by_agency": aggregate.procuratorate_id} if isinstance(aggregate, AidCase) else {}
            )
            for e in events:
                details = {**acting, **{k: v for k, v in vars(e).items() if k not in HIDDEN_FIELDS}}
                timeline.append(
                    {
                        "at": e.timestamp.isoformat(),
                        "on": business_day_of(e).isoformat(),
                        "stream": str(stream),
                        "kind": type(aggregate).__name__,
                        "version": e.originator_version,
                        "event": type(e).__name__,
                        "who": plain({k: details[k] for k in WHO_FIELDS if details.get(k)}),
                        "by": actor_of(e),
                        "on_behalf_of": on_behalf_of(e),
                        "details": plain(details),
                    }
                )
        timeline.sort(key=lambda t: t["at"])
        report = self.verify_log(case_id)
        case = states.get(str(case_id))
        return {
            "case_id": str(case_id),
            "as_of": as_of.isoformat() if as_of else None,
            "as_of_basis": basis,
            "case": case,
            "person": self._replayed_person(case),
            "agencies": self._agency_names(timeline, states.values()),
            "referrals": [v for k, v in states.items() if k != str(case_id)],
            "events": timeline,
            "verification": {
                "ok": report.ok,
                "checked": report.checked,
                "findings": [vars(f) for f in report.findings],
            },
        }

    def _replayed_person(self, case: dict[str, Any] | None) -> dict[str, Any] | None:
        """Whose case it is, by id, and whether she was erased: never her personal data."""
        if case is None:
            return None
        person_id = UUID(case["person_id"])
        return {"id": str(person_id), "erased": self.is_erased(person_id)}

    def _agency_names(
        self, timeline: list[dict[str, Any]], states: Iterable[dict[str, Any]]
    ) -> dict[str, str]:
        """The name of every agency the replay names: the case's, the referrals' parties and
        whoever acted, so a report reads names, not ids."""
        ids: set[str] = set()
        for state in states:
            ids.update(str(state[k]) for k in AGENCY_KEYS if state.get(k))
        for t in timeline:
            by = t["by"] or {}
            ids.update(str(v) for v in (by.get("agency_id"), t["who"].get("by_agency")) if v)
        names = {}
        for agency_id in sorted(ids):
            try:
                names[agency_id] = self.get_agency(UUID(agency_id))["name"]
            except (NotFound, ValueError):
                continue
        return names


#: the keys of a replayed case or referral that name an agency
AGENCY_KEYS = ("procuratorate_id", "requester_id", "recipient_id")
#: the times a replay may be "as of": when recorded, or when the steps happened
TIME_BASES = ("recorded", "business")
#: the attributes that carry an event's business date, in the order they are looked for
BUSINESS_DATE_FIELDS = (
    "received_on",
    "held_on",
    "reviewed_on",
    "on",
    "decided_on",
    "paid_on",
    "arrived_on",
    "notified_on",
    "visited_on",
    "closed_on",
    "requested_on",
)
CHINA = timezone(timedelta(hours=8))


def business_day_of(e: Any) -> date:
    """The day an event happened: its business date, else the day it was recorded (China)."""
    for name in BUSINESS_DATE_FIELDS:
        value = getattr(e, name, None)
        if isinstance(value, date):
            return value
    stamp: datetime = e.timestamp
    return stamp.astimezone(CHINA).date()


def _up_to(events: list[Any], as_of: datetime | None, basis: str) -> list[Any]:
    """The stream's events as of ``as_of`` on ``basis`` (a prefix: versions stay contiguous)."""
    if as_of is None:
        return events
    if basis == "recorded":
        return [e for e in events if e.timestamp <= as_of]
    day = as_of.astimezone(CHINA).date()
    kept = []
    for e in events:
        if business_day_of(e) > day:
            break
        kept.append(e)
    return kept


def _state(aggregate: Any) -> dict[str, Any]:
    if isinstance(aggregate, AidCase):
        return aggregate.summary_dict()
    if isinstance(aggregate, Referral):
        keep = ("requester_id", "recipient_id", "direction", "status", "due_on", "outcome")
        return plain(
            {"id": aggregate.id, "version": aggregate.version}
            | {k: getattr(aggregate, k) for k in keep}
        )
    return {"id": str(aggregate.id)}
