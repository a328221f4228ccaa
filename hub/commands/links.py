"""Which referrals, cases and officials belong to which case, person and agency, from the log.

Access checks and list queries ask these questions on every request. The creation events
that answer them never change, so the index only grows: each look-up first reads the events
appended since the previous one (filtered by topic) and costs the new events, not the log.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.persistence import Recording
from eventsourcing.utils import get_topic

from domain.agency import Agency
from domain.case import AidCase
from domain.officials import User
from domain.referral import Referral

if TYPE_CHECKING:
    from hub.ports import LogPort

TOPICS = [
    get_topic(c) for c in (Referral.Requested, AidCase.LeadReceived, Agency.Registered, User.Added)
]
BATCH = 1000
_FOLLOWED = frozenset(TOPICS)
#: events recorded by this process, kept until a look-up reaches them (at most this many)
RECENT = 1000
OFFICERS_KEPT = 5000  # as many as the aggregates the hub caches


class LinkIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._position = 0
        self.referrals: list[UUID] = []
        self.referrals_by: defaultdict[UUID, list[UUID]] = defaultdict(list)  # case/person/agency
        self.cases: list[UUID] = []
        self.cases_by_person: defaultdict[UUID, list[UUID]] = defaultdict(list)
        self.cases_by_procuratorate: defaultdict[UUID, list[UUID]] = defaultdict(list)
        # the officials who acted on a case, by (case, version): what a list page shows
        self._officers: OrderedDict[tuple[UUID, int], list[str]] = OrderedDict()
        # the parties of a person's referrals and cases, as their creation events name them
        # (never changed afterwards): what access checks ask on every request
        self.requesters_by_person: defaultdict[UUID, set[UUID]] = defaultdict(set)
        self.recipients_by_person: defaultdict[UUID, set[UUID]] = defaultdict(set)
        self.procuratorates_by_person: defaultdict[UUID, set[UUID]] = defaultdict(set)
        self.agencies: list[UUID] = []
        self.users: list[UUID] = []
        self.users_by_agency: defaultdict[UUID, list[UUID]] = defaultdict(list)
        self.user_by_external_id: dict[str, UUID] = {}
        # notification id → the domain event this process recorded with it (not decoded again)
        self._recent: dict[int, object] = {}
        self._recent_lock = threading.Lock()

    def remember(self, recordings: Sequence[Recording[UUID]]) -> None:
        """Events this process just recorded: the next look-up takes those it follows as they
        are, instead of reading them back from the log and decoding (decrypting) them."""
        followed = [
            (r.notification.id, r.domain_event)
            for r in recordings
            if r.notification.topic in _FOLLOWED
        ]
        if not followed:
            return
        with self._recent_lock:
            self._recent.update(followed)
            while len(self._recent) > RECENT:
                del self._recent[next(iter(self._recent))]

    def refresh(self, hub: LogPort) -> LinkIndex:
        """Reads what the log gained since the last look-up; returns the index."""
        with self._lock:
            while True:
                batch = hub.recorder.select_notifications(self._position + 1, BATCH, topics=TOPICS)
                for notification in batch:
                    with self._recent_lock:
                        event = self._recent.pop(notification.id, None)
                    if event is None:
                        event = hub.mapper.to_domain_event(notification)
                    self._add(event)
                    self._position = notification.id
                if len(batch) < BATCH:
                    return self

    def officers(self, case_id: UUID, version: int, read: Callable[[], list[str]]) -> list[str]:
        """The officials who acted on the case up to ``version`` (``read`` once per version:
        a case's events up to a version never change); the last ``OFFICERS_KEPT`` kept."""
        key = (case_id, version)
        with self._lock:
            found = self._officers.get(key)
            if found is not None:
                self._officers.move_to_end(key)
                return list(found)
        found = read()
        with self._lock:
            self._officers[key] = list(found)
            while len(self._officers) > OFFICERS_KEPT:
                self._officers.popitem(last=False)
        return found

    def _add(self, event: object) -> None:
        if isinstance(event, Referral.Requested):
            self.referrals.append(event.originator_id)
            keys = {event.requester_id, event.recipient_id, event.person_id}
            if event.case_id is not None:
                keys.add(event.case_id)
            for key in keys:
                self.referrals_by[key].append(event.originator_id)
            self.requesters_by_person[event.person_id].add(event.requester_id)
            self.recipients_by_person[event.person_id].add(event.recipient_id)
        elif isinstance(event, AidCase.LeadReceived):
            self.cases.append(event.originator_id)
            self.cases_by_person[event.person_id].append(event.originator_id)
            self.cases_by_procuratorate[event.procuratorate_id].append(event.originator_id)
            self.procuratorates_by_person[event.person_id].add(event.procuratorate_id)
        elif isinstance(event, Agency.Registered):
            self.agencies.append(event.originator_id)
        elif isinstance(event, User.Added):
            self.users.append(event.originator_id)
            self.users_by_agency[event.agency_id].append(event.originator_id)
            if event.external_id is not None:
                self.user_by_external_id[event.external_id] = event.originator_id
