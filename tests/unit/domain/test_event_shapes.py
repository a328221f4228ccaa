"""What the log stores of each event: its topic and its fields, pinned.

Every log already written holds these topics and fields; a renamed event or field would leave
old events unreadable (or read as something else) unless it is upcast. Each event is declared as
a class with its fields in its aggregate, so the type checker sees what projections read.
"""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate, CanMutateAggregate
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from domain.acting import actor_of
from domain.agency import Agency
from domain.audit import PersonalDataRead
from domain.case import AidCase
from domain.matter import ReliefMatter
from domain.mechanism import LinkageMechanism
from domain.officials import User
from domain.person import Person
from domain.referral import Referral
from domain.wages import WageFigure
from hub.transcodings import hub_transcoder

AGGREGATES: tuple[type[Aggregate], ...] = (
    Agency,
    PersonalDataRead,
    AidCase,
    LinkageMechanism,
    Person,
    Referral,
    ReliefMatter,
    WageFigure,
    User,
)
ENVELOPE = ("originator_id", "originator_version", "timestamp")
CREATED_ENVELOPE = (*ENVELOPE, "originator_topic")

#: topic → the event's own fields, in the order they are stored
STORED: dict[str, tuple[str, ...]] = {
    "domain.agency:Agency.Registered": (
        "name",
        "kind",
        "level",
        "region_code",
        "services",
        "response_days",
        "parent_id",
    ),
    "domain.agency:Agency.ResponseTargetSet": ("response_days",),
    "domain.agency:Agency.ServicesChanged": ("services",),
    "domain.audit:PersonalDataRead.Recorded": (
        "person_id",
        "reader",
        "role",
        "agency_id",
        "purpose",
        "channel",
    ),
    "domain.case:AidCase.AdvancePaid": (
        "amount_fen",
        "ground",
        "detail",
        "paid_on",
        "backdate_reason",
    ),
    "domain.case:AidCase.ApplicantNotified": ("notified_on", "means", "backdate_reason"),
    "domain.case:AidCase.CaseClosed": (
        "reason",
        "closed_on",
        "backdate_reason",
        "without_referral",
    ),
    "domain.case:AidCase.Classified": ("category", "mechanism_id"),
    "domain.case:AidCase.FollowUpRecorded": (
        "visited_on",
        "on_behalf_of",
        "notes",
        "new_needs",
        "backdate_reason",
        "next_visit_on",
    ),
    "domain.case:AidCase.FundsArrived": ("arrived_on", "backdate_reason"),
    "domain.case:AidCase.HearingHeld": (
        "officers",
        "held_on",
        "fewer_officers_reason",
        "backdate_reason",
    ),
    "domain.case:AidCase.InquiryRecorded": (
        "on_behalf_of",
        "notes",
        "held_on",
        "applicant_relation",
        "backdate_reason",
    ),
    "domain.case:AidCase.LeadReceived": (
        "procuratorate_id",
        "person_id",
        "source",
        "summary",
        "received_on",
        "referral_id",
        "matter_number",
        "applicant_relation",
        "backdate_reason",
    ),
    "domain.case:AidCase.MatterNamed": ("matter_number",),
    "domain.case:AidCase.ReliefDisbursed": ("amount_fen", "paid_on", "ceremony", "backdate_reason"),
    "domain.case:AidCase.ReliefGranted": (
        "amount_fen",
        "months",
        "average_monthly_wage_fen",
        "strict_review",
        "approved_by",
        "decided_on",
        "wage_region_code",
        "wage_year",
        "wage_source",
        "damages_fen",
        "advanced_fen",
        "advance_excess_fen",
        "matter_exception",
        "backdate_reason",
    ),
    "domain.case:AidCase.ReliefRefused": (
        "ground",
        "detail",
        "decided_on",
        "advance_to_recover_fen",
        "backdate_reason",
    ),
    "domain.case:AidCase.Reviewed": (
        "situation",
        "refusal_ground",
        "notes",
        "reviewed_on",
        "backdate_reason",
    ),
    "domain.case:AidCase.SubmittedForApproval": (
        "proposed_fen",
        "submitted_by",
        "on",
        "backdate_reason",
        "proposer",
    ),
    "domain.matter:ReliefMatter.Opened": ("person_id", "matter_number"),
    "domain.matter:ReliefMatter.GrantCounted": ("case_id", "amount_fen", "exception"),
    "domain.wages:WageFigure.Recorded": (
        "region_code",
        "year",
        "monthly_wage_fen",
        "yearly_wage_fen",
        "source",
        "recorded_by",
    ),
    "domain.wages:WageFigure.Revised": (
        "monthly_wage_fen",
        "yearly_wage_fen",
        "source",
        "recorded_by",
    ),
    "domain.case:AidCase.MeetingRecorded": (
        "meeting",
        "held_on",
        "attendees",
        "decision",
        "notes",
        "backdate_reason",
    ),
    "domain.case:AidCase.ApprovalDecided": (
        "approver",
        "approved",
        "reason",
        "decided_on",
        "backdate_reason",
    ),
    "domain.mechanism:LinkageMechanism.MemberJoined": ("agency_id", "responsibility", "joined_on"),
    "domain.mechanism:LinkageMechanism.MemberLeft": ("agency_id", "left_on", "reason"),
    "domain.mechanism:LinkageMechanism.Signed": (
        "name",
        "region_code",
        "lead_agency_id",
        "signed_on",
        "members",
    ),
    "domain.person:Person.ConsentRecorded": (
        "consent_id",
        "taken_by",
        "on_behalf_of",
        "recorded_on",
        "given_by",
        "to_agencies",
        "to_kinds",
        "all_agencies",
        "services",
        "all_services",
        "aid_view",
        "valid_from",
        "valid_until",
        "evidence",
        "details",
        "legacy",
    ),
    "domain.person:Person.ConsentWithdrawn": (
        "consent_ids",
        "on_behalf_of",
        "reason",
        "withdrawn_on",
    ),
    "domain.person:Person.DetailsRecorded": (
        "agency_id",
        "id_number",
        "name",
        "contact",
        "health",
        "family",
    ),
    "domain.person:Person.DetailsUpdated": ("details",),
    "domain.person:Person.Erased": ("legal_basis", "erased_by"),
    "domain.person:Person.Registered": (
        "id_key",
        "id_number",
        "name",
        "contact",
        "health",
        "family",
        "registered_by",
    ),
    "domain.referral:Referral.ReReferred": ("new_referral_id", "by_agency", "on_behalf_of"),
    "domain.referral:Referral.Requested": (
        "requester_id",
        "recipient_id",
        "direction",
        "person_id",
        "case_id",
        "reason",
        "services",
        "due_on",
        "consent",
        "consent_id",
        "legal_basis",
        "invoked_by",
        "on_behalf_of",
        "re_referral_of",
        "requested_on",
        "found_on",
        "backdate_reason",
        "answers_follow_up",
        "answers_need",
    ),
    "domain.officials:User.Added": (
        "agency_id",
        "agency_kind",
        "name",
        "staff_number",
        "roles",
        "external_id",
    ),
    "domain.officials:User.Disabled": ("reason",),
    "domain.officials:User.RolesChanged": ("roles",),
    "domain.referral:Referral.StatusChanged": (
        "status",
        "by_agency",
        "on_behalf_of",
        "reason",
        "outcome",
        "request_key",
    ),
}
#: events whose stored shape changed once, and the version they are at now
VERSIONS = {
    **{
        f"domain.case:AidCase.{name}": 2
        for name in (
            "LeadReceived",
            "Reviewed",
            "HearingHeld",
            "SubmittedForApproval",
            "ReliefGranted",
            "ReliefRefused",
            "ReliefDisbursed",
        )
    },
    # the last version of each of these: the free-text "who" field became on_behalf_of
    "domain.case:AidCase.InquiryRecorded": 3,
    "domain.case:AidCase.FollowUpRecorded": 4,
    "domain.case:AidCase.CaseClosed": 3,
    "domain.referral:Referral.Requested": 5,
    "domain.referral:Referral.StatusChanged": 2,
    "domain.referral:Referral.ReReferred": 2,
    "domain.person:Person.ConsentRecorded": 3,
    "domain.person:Person.ConsentWithdrawn": 3,
    # v2 the procedure's backdate reason, v3 the approval's proposer
    "domain.case:AidCase.SubmittedForApproval": 3,
}


def recorded_events() -> dict[str, type[CanMutateAggregate[object]]]:
    """Every event class the aggregates record, by topic (not their abstract bases)."""
    found = {}
    for aggregate in AGGREGATES:
        for name, value in vars(aggregate).items():
            if (
                isinstance(value, type)
                and issubclass(value, CanMutateAggregate)
                and name not in {"Event", "Created"}
            ):
                found[get_topic(value)] = value
    return found


def test_the_aggregates_record_exactly_the_pinned_events() -> None:
    assert sorted(recorded_events()) == sorted(STORED)


@pytest.mark.parametrize("topic", sorted(STORED))
def test_each_event_stores_its_pinned_fields_in_order(topic: str) -> None:
    event_class = recorded_events()[topic]
    fields = tuple(inspect.signature(event_class.__init__).parameters)[1:]  # after self
    envelope = CREATED_ENVELOPE if "originator_topic" in fields else ENVELOPE
    assert fields == (*envelope, *STORED[topic])
    assert resolve_topic(topic) is event_class
    assert getattr(event_class, "class_version", 1) == VERSIONS.get(topic, 1)


@pytest.mark.parametrize("topic", sorted(STORED))
def test_each_event_is_declared_with_its_fields_in_its_aggregate(topic: str) -> None:
    """The library subclasses the declared class; the declared one annotates every field."""
    event_class = recorded_events()[topic]
    declared = [
        c
        for c in event_class.__mro__[1:]
        if c.__qualname__ == event_class.__qualname__ and "__annotations__" in vars(c)
    ]
    assert declared, f"{topic} is made by the library from a method, not declared"
    annotated = {name for c in declared for name in vars(c)["__annotations__"]}
    assert set(STORED[topic]) <= annotated


@pytest.mark.parametrize(
    ("version", "stored", "read"),
    [
        (1, {}, {"backdate_reason": None, "proposer": None}),
        # written by the procedure's v2 (a backdate reason, before approvals named a proposer)
        (2, {"backdate_reason": "补录"}, {"backdate_reason": "补录", "proposer": None}),
    ],
)
def test_a_submission_upcasts_in_one_chain_from_either_older_version(
    version: int, stored: dict[str, Any], read: dict[str, Any]
) -> None:
    """``SubmittedForApproval`` was changed twice (v2 the procedure's backdate reason, v3 the
    approval's proposer): a stored event of either older version reads with every field."""
    transcoder = hub_transcoder()  # the hub's stored events' transcoder
    mapper: Mapper[UUID] = Mapper(transcoder=transcoder)
    case_id = uuid4()
    state = {
        "timestamp": datetime(2026, 3, 2, tzinfo=UTC),
        "proposed_fen": 100_000,
        "submitted_by": "承办人",
        "on": date(2026, 3, 2),
        **stored,
        "class_version": version,
    }
    topic = get_topic(AidCase.SubmittedForApproval)
    event = mapper.to_domain_event(StoredEvent(case_id, 5, topic, transcoder.encode(state)))
    assert isinstance(event, AidCase.SubmittedForApproval)
    assert {k: getattr(event, k) for k in read} == read
    assert (event.proposed_fen, event.on) == (100_000, date(2026, 3, 2))


#: the events whose free-text "who" field became the on-behalf-of note: (class, version before,
#: the field it had, the other fields a stored event of that version holds)
WHO_FIELD_UPCASTS = [
    (
        Referral.StatusChanged,
        1,
        "actor",
        {"status": "received", "by_agency": uuid4(), "reason": None, "outcome": None},
    ),
    (Referral.ReReferred, 1, "actor", {"new_referral_id": uuid4(), "by_agency": uuid4()}),
    (
        AidCase.InquiryRecorded,
        2,
        "officer",
        {
            "notes": "询问",
            "held_on": date(2026, 3, 2),
            "applicant_relation": None,
            "backdate_reason": None,
        },
    ),
    (
        AidCase.FollowUpRecorded,
        3,
        "officer",
        {
            "visited_on": date(2026, 3, 2),
            "notes": "回访",
            "new_needs": [],
            "backdate_reason": None,
            "next_visit_on": None,
        },
    ),
    (
        Person.ConsentWithdrawn,
        2,
        "recorded_by",
        {"consent_ids": None, "reason": "本人撤回", "withdrawn_on": None},
    ),
]


@pytest.mark.parametrize(
    ("event_class", "version", "field", "fields"),
    WHO_FIELD_UPCASTS,
    ids=[c.__qualname__ for c, *_ in WHO_FIELD_UPCASTS],
)
@pytest.mark.parametrize("typed", ["张某 经办人", ""])
def test_a_free_text_who_field_reads_as_the_on_behalf_of_note_as_recorded(
    event_class: type[Any], version: int, field: str, fields: dict[str, Any], typed: str
) -> None:
    """An event stored with a free-text ``actor``/``officer``/``recorded_by`` reads with that
    text as its ``on_behalf_of`` note (blank: no note) and no such field any more; with no
    stamp, who acted on it is that text, as recorded."""
    transcoder = hub_transcoder()
    mapper: Mapper[UUID] = Mapper(transcoder=transcoder)
    state = {
        "timestamp": datetime(2026, 3, 2, tzinfo=UTC),
        **fields,
        field: typed,
        "class_version": version,
    }
    stored = StoredEvent(uuid4(), 3, get_topic(event_class), transcoder.encode(state))
    event = mapper.to_domain_event(stored)
    assert isinstance(event, event_class)
    assert event.on_behalf_of == (typed or None)
    assert field not in vars(event)
    expected = (
        {"kind": "recorded", "user_id": None, "agency_id": None, "name": typed, "roles": []}
        if typed
        else None
    )
    assert actor_of(event) == expected


def test_a_referral_requested_at_v1_reads_its_requester_as_the_note() -> None:
    """``Requested`` upcasts v1 to v5 in one chain; ``requested_by`` ends as the note."""
    transcoder = hub_transcoder()
    mapper: Mapper[UUID] = Mapper(transcoder=transcoder)
    state = {
        "timestamp": datetime(2026, 3, 2, tzinfo=UTC),
        "originator_topic": get_topic(Referral),
        "requester_id": uuid4(),
        "recipient_id": uuid4(),
        "direction": "outbound",
        "person_id": uuid4(),
        "case_id": None,
        "reason": "困难",
        "services": ["job"],
        "due_on": date(2026, 3, 9),
        "consent": True,
        "legal_basis": None,
        "invoked_by": None,
        "requested_by": "承办检察官",
        "re_referral_of": None,
        "class_version": 1,
    }
    topic = get_topic(Referral.Requested)
    event = mapper.to_domain_event(StoredEvent(uuid4(), 1, topic, transcoder.encode(state)))
    assert isinstance(event, Referral.Requested)
    assert (event.on_behalf_of, event.consent_id, event.answers_need) == ("承办检察官", None, None)
    assert "requested_by" not in vars(event)
