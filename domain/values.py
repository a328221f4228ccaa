"""Value types shared by the aggregates: kinds, services, statuses, regions, money, bounds.

Enumerations are ``StrEnum`` so that events carry their plain string values and the API and
the feed speak the same codes. Chinese terms stand beside the English ones (see
``docs/glossary.md``).

The bounds below are the one place where the hub says how large a value may be: the domain's
guards refuse what breaks them (so the CLI and the reply applier, which enter values without
the API, are held to them too) and the API's schemas declare the same numbers, so OpenAPI
tells what the server enforces. Business rules may be tighter still.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import TypeVar, overload

from domain.errors import InvalidValue


class AgencyKind(StrEnum):
    PROCURATORATE = "procuratorate"  # 检察院
    POLITICAL_LEGAL_COMMITTEE = "political-legal-committee"  # 政法委
    CIVIL_AFFAIRS = "civil-affairs"  # 民政
    EDUCATION = "education"  # 教育
    MEDICAL_INSURANCE = "medical-insurance"  # 医保
    DISABLED_PERSONS_FEDERATION = "disabled-persons-federation"  # 残联
    COMMERCE_BUREAU = "commerce-bureau"  # 商务和工业信息化局
    JUSTICE_BUREAU = "justice-bureau"  # 司法局
    RURAL_REVITALISATION = "rural-revitalisation"  # 乡村振兴局
    YOUTH_LEAGUE = "youth-league"  # 团委
    VOLUNTEER_ASSOCIATION = "volunteer-association"  # 义工协会
    INDUSTRY_ASSOCIATION = "industry-association"  # 行业协会
    ENTERPRISE = "enterprise"  # 爱心企业
    OTHER = "other"


class AgencyLevel(StrEnum):
    AUTONOMOUS_REGION = "autonomous-region"  # 自治区
    PREFECTURE = "prefecture"  # 地州市 / 分院
    COUNTY = "county"  # 县市区


class Service(StrEnum):
    """What an agency offers; the social relief categories of State Council order 649 and more."""

    MINIMUM_LIVING_ALLOWANCE = "minimum-living-allowance"  # 最低生活保障
    EXTREME_POVERTY_SUPPORT = "extreme-poverty-support"  # 特困人员供养
    DISASTER_RELIEF = "disaster-relief"  # 受灾人员救助
    MEDICAL_AID = "medical-aid"  # 医疗救助
    EDUCATION_AID = "education-aid"  # 教育救助
    HOUSING_AID = "housing-aid"  # 住房救助
    EMPLOYMENT_AID = "employment-aid"  # 就业救助
    TEMPORARY_AID = "temporary-aid"  # 临时救助
    DONATION = "donation"  # 捐款
    JOB = "job"  # 就业岗位
    COUNSELLING = "counselling"  # 心理疏导
    STUDENT_LOAN = "student-loan"  # 助学贷款
    JUDICIAL_RELIEF = "judicial-relief"  # 国家司法救助


class CaseSource(StrEnum):
    APPLICANT = "applicant"  # 当事人申请
    CASE_DEPARTMENT = "case-department"  # 办案部门移送
    REFERRAL = "referral"  # 其他单位线索移送


class QualifyingSituation(StrEnum):
    """Art. 7 of the 2021 rules (细则第七条), abridged."""

    SERIOUS_INJURY_UNPAID = "serious-injury-unpaid"
    URGENT_MEDICAL_UNAFFORDABLE = "urgent-medical-unaffordable"
    DEATH_OR_INCAPACITY = "death-or-incapacity"
    MAJOR_PROPERTY_LOSS = "major-property-loss"
    RETALIATION = "retaliation"
    TORT_DAMAGES_UNOBTAINABLE = "tort-damages-unobtainable"
    OTHER_WARRANTED = "other-warranted"


class ApplicantRelation(StrEnum):
    """Who applies (申请人): the victim, a close relative or dependant, a legal representative."""

    VICTIM = "victim"  # 被害人本人
    CLOSE_RELATIVE = "close-relative"  # 近亲属 / 被扶养人
    LEGAL_REPRESENTATIVE = "legal-representative"  # 法定代理人


class AdvanceGround(StrEnum):
    """Why relief is advanced before the decision (先行救助): urgent danger."""

    LIFE_THREATENED = "life-threatened"  # 犯罪行为危及生命
    URGENT_TREATMENT_UNAFFORDABLE = "urgent-treatment-unaffordable"  # 重伤急需救治无力承担


class RefusalGround(StrEnum):
    APPLICANT_AT_FAULT = "applicant-at-fault"
    REFUSED_TO_COOPERATE = "refused-to-cooperate"
    FALSE_STATEMENT = "false-statement"
    WAIVED_CIVIL_CLAIM = "waived-civil-claim"
    HARDSHIP_NOT_CAUSED_BY_CASE = "hardship-not-caused-by-case"
    ALREADY_HELPED = "already-helped"


class ReferralStatus(StrEnum):
    """HL7 FHIR Task statuses used by referrals."""

    REQUESTED = "requested"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in-progress"
    ON_HOLD = "on-hold"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATUSES


FINAL_STATUSES = frozenset(
    {
        ReferralStatus.REJECTED,
        ReferralStatus.COMPLETED,
        ReferralStatus.FAILED,
        ReferralStatus.CANCELLED,
    }
)


class Direction(StrEnum):
    INBOUND = "inbound"  # to the procuratorate (线索移送)
    OUTBOUND = "outbound"  # from the procuratorate (移送救助、帮扶)
    LATERAL = "lateral"  # between other agencies


class ProvisionKind(StrEnum):
    MONEY = "money"
    JOB = "job"
    COUNSELLING = "counselling"
    LOAN = "loan"
    ALLOWANCE = "allowance"
    IN_KIND = "in-kind"
    OTHER = "other"


E = TypeVar("E", bound=StrEnum)
L = TypeVar("L", bound=Sequence[object])

#: the largest amount of money any value may state: 100,000,000 yuan (一亿元) in fen, far
#: above any real grant or donation, and far inside a 64-bit integer
MAX_AMOUNT_FEN = 10_000_000_000
#: the window of every date the hub takes (the API, the CLI, batch files, the domain)
EARLIEST_DATE = date(1949, 1, 1)
LATEST_DATE = date(2100, 12, 31)
#: free text (reasons, notes, summaries, descriptions) and short text (names, roles, actors)
MAX_TEXT = 2000
MAX_SHORT_TEXT = 200
#: entries of a list in one request: hearing officers, provisions, mechanism members
MAX_ITEMS = 100
#: months of wages a grant may be reckoned on (36 normally; more under strict review)
MAX_MONTHS = 120
#: an agency's response target, in working days
MAX_RESPONSE_DAYS = 60
#: how many days before the recording day a business date may lie (``HUB_MAX_BACKDATE_DAYS``)
DEFAULT_MAX_BACKDATE_DAYS = 30
#: hearing officers the hearing rules usually call (fewer needs a recorded reason)
USUAL_HEARING_OFFICERS = 3
#: the years an average-wage figure may be for
EARLIEST_WAGE_YEAR = 1949
LATEST_WAGE_YEAR = 2100
#: an underlying case number (案号), e.g. （2021）新4025刑初12号
MAX_MATTER_NUMBER = 64
#: an official's staff number (工号) within their agency
MAX_STAFF_NUMBER = 32
#: an official's id at the organisation's identity provider (OIDC ``sub`` or user name)
MAX_EXTERNAL_ID = 255
#: a local password: long enough for a passphrase, short enough to hash cheaply
MIN_PASSWORD = 12
MAX_PASSWORD = 256
#: a position in the log (a cursor such as the feed's ``after``): a 64-bit integer, with room
#: for the next one
MAX_POSITION = 2**63 - 2


def parse(kind: type[E], value: str, what: str) -> E:
    """``kind(value)``, or an :class:`InvalidValue` that lists the allowed codes."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise InvalidValue(f"{what} {value!r} is not one of: {allowed}") from None


def check_region_code(code: str) -> str:
    """GB/T 2260 region codes: 2, 4 or 6 digits, nesting by prefix (65 ⊃ 6540 ⊃ 654025)."""
    if not (code.isascii() and code.isdigit() and len(code) in (2, 4, 6)):
        raise InvalidValue(f"region code {code!r} must be 2, 4 or 6 digits (GB/T 2260)")
    return code


def region_contains(outer: str, inner: str) -> bool:
    """Whether region ``inner`` lies within (or is) region ``outer``."""
    return inner.startswith(outer)


def check_fen(amount_fen: int, what: str, *, allow_zero: bool = False) -> int:
    """Money is integer fen (分), at most :data:`MAX_AMOUNT_FEN`. Floats and booleans are
    refused."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise InvalidValue(f"{what} must be an integer number of fen")
    if amount_fen < 0 or (amount_fen == 0 and not allow_zero):
        raise InvalidValue(f"{what} must be positive")
    if amount_fen > MAX_AMOUNT_FEN:
        raise InvalidValue(f"{what} must be at most {MAX_AMOUNT_FEN} fen (100,000,000 yuan)")
    return amount_fen


def check_count(value: int, what: str, *, low: int, high: int) -> int:
    """A whole number within ``low``..``high``; booleans are refused."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidValue(f"{what} must be a whole number from {low} to {high}")
    return value


def check_date(value: date, what: str) -> date:
    """A date within :data:`EARLIEST_DATE`..:data:`LATEST_DATE`."""
    if not isinstance(value, date):
        raise InvalidValue(f"{what} must be a date")
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise InvalidValue(f"{what} must be between {EARLIEST_DATE} and {LATEST_DATE}")
    return value


def check_items(values: L, what: str) -> L:
    """A list of at most :data:`MAX_ITEMS` entries."""
    if len(values) > MAX_ITEMS:
        raise InvalidValue(f"{what} may list at most {MAX_ITEMS} entries")
    return values


@overload
def check_length(value: str, what: str, *, limit: int = MAX_TEXT) -> str: ...
@overload
def check_length(value: None, what: str, *, limit: int = MAX_TEXT) -> None: ...
@overload
def check_length(value: str | None, what: str, *, limit: int = MAX_TEXT) -> str | None: ...
def check_length(value: str | None, what: str, *, limit: int = MAX_TEXT) -> str | None:
    """Text (or nothing) of at most ``limit`` characters."""
    if value is not None and len(value) > limit:
        raise InvalidValue(f"{what} must be at most {limit} characters")
    return value


def require_text(value: str | None, what: str, *, limit: int = MAX_TEXT) -> str:
    """Non-empty text of at most ``limit`` characters, stripped."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(f"{what} must not be empty")
    if len(value) > limit:
        raise InvalidValue(f"{what} must be at most {limit} characters")
    return value.strip()


#: the longest bearer token the API reads (a provider's signed JWT is far shorter); a longer
#: one is refused before it is parsed
MAX_BEARER_TOKEN_CHARS = 8192
