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

from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar, overload

from domain.errors import IdNumberInvalid, InvalidValue


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


class CaseCategory(StrEnum):
    """How a case is counted (案件类别): 刑事特困 is the criminal-hardship relief the
    report's Xinyuan case was the first of under its mechanism."""

    CRIMINAL_HARDSHIP = "criminal-hardship"  # 刑事特困救助
    CIVIL_TORT = "civil-tort"  # 民事侵权致困 (e.g. traffic accidents)
    OTHER = "other"


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
    """What a completed referral provided. Money that is aid is a donation (``money``, 捐款)
    or a grant of social relief (``allowance``, 救助金/补助); a loan (``loan``, 贷款, e.g. 助学贷款)
    is repaid and in-kind help (``in-kind``, 实物) is valued, not paid: both are listed apart
    from aid in every total (:func:`money_totals`). ``judicial-relief`` reports, on the
    inbound referral that brought the lead, the relief its case paid: counted once, as the
    case's, never again as social aid (:data:`COUNTED_ELSEWHERE`)."""

    MONEY = "money"  # 捐款 (donation)
    JOB = "job"  # 就业岗位
    COUNSELLING = "counselling"  # 心理疏导
    LOAN = "loan"  # 贷款
    ALLOWANCE = "allowance"  # 救助金、补助 (grant)
    IN_KIND = "in-kind"  # 实物
    JUDICIAL_RELIEF = "judicial-relief"  # 国家司法救助 (the answer to an inbound lead)
    OTHER = "other"


#: provision kinds whose amounts are aid: donations and grants of social relief
AID_KINDS = frozenset({ProvisionKind.MONEY, ProvisionKind.ALLOWANCE})
#: provisions already counted as the judicial relief their case paid
COUNTED_ELSEWHERE = frozenset({ProvisionKind.JUDICIAL_RELIEF})
#: what each total adds up, said with it (English; 中文 beside it for the officials' pages)
ADDS_UP = {
    "aid_fen": "judicial relief paid + social grants + donations (司法救助发放 + 社会救助金 + 捐款)",
    "social_aid_fen": "social grants + donations (社会救助金 + 捐款)",
    "loans_fen": "loans, repaid, not aid (贷款，需偿还，不计入救助)",
    "in_kind_fen": "in-kind help at its stated value, not aid money (实物折价，不计入救助金额)",
}
#: the older names of two totals, kept for clients: they now add up what aid does
ADDS_UP["all_amount_fen"] = ADDS_UP["aid_fen"]
ADDS_UP["social_amount_fen"] = ADDS_UP["social_aid_fen"]
ADDS_UP["donated_fen"] = "donations (捐款)"


def money_totals(judicial_paid_fen: int, provisions: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Totals of judicial relief paid and social provisions, each kind where it belongs:
    grants and donations add up to aid, loans and in-kind help are listed apart."""
    social_aid = sum(p["amount_fen"] or 0 for p in provisions if p["kind"] in AID_KINDS)
    loans = sum(p["amount_fen"] or 0 for p in provisions if p["kind"] == ProvisionKind.LOAN)
    in_kind = sum(p["amount_fen"] or 0 for p in provisions if p["kind"] == ProvisionKind.IN_KIND)
    totals = {
        "aid_fen": judicial_paid_fen + social_aid,
        "all_amount_fen": judicial_paid_fen + social_aid,
        "social_aid_fen": social_aid,
        "social_amount_fen": social_aid,
        "loans_fen": loans,
        "in_kind_fen": in_kind,
    }
    return {**totals, "adds_up": {k: ADDS_UP[k] for k in totals}}


E = TypeVar("E", bound=StrEnum)
L = TypeVar("L", bound=Sequence[object])

#: the largest amount of money any value may state: 100,000,000 yuan (一亿元) in fen, far
#: above any real grant or donation, and far inside a 64-bit integer
MAX_AMOUNT_FEN = 10_000_000_000
#: the window of every date the hub takes (the API, the CLI, batch files, the domain)
EARLIEST_DATE = date(1949, 1, 1)
LATEST_DATE = date(2100, 12, 31)
#: the earliest birth date an ID number may carry (the standard's own examples go back to 1880)
EARLIEST_BIRTH = date(1800, 1, 1)
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


#: GB 11643-1999 resident ID numbers: 17 digits and a check digit (ISO 7064 MOD 11-2)
ID_NUMBER_LENGTH = 18
ID_CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def id_check_digit(body: str) -> str:
    """The check character of the first 17 digits of an ID number (ISO 7064 MOD 11-2)."""
    if not (len(body) == ID_NUMBER_LENGTH - 1 and body.isascii() and body.isdigit()):
        raise InvalidValue("an ID number starts with 17 digits")
    total = sum(int(d) * w for d, w in zip(body, ID_CHECK_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def check_id_number(value: str) -> str:
    """A resident ID number (身份证号, GB 11643): 6-digit region, a real birth date, 3-digit
    sequence and the check character; returned upper-cased. Refusals name what is wrong but
    never echo the number (it is personal data)."""
    if not isinstance(value, str):
        raise IdNumberInvalid("the ID number must be text")
    number = value.strip().upper()
    if not (
        len(number) == ID_NUMBER_LENGTH
        and number.isascii()
        and number[:-1].isdigit()
        and (number[-1].isdigit() or number[-1] == "X")
    ):
        raise IdNumberInvalid("an ID number is 17 digits and a check character (0-9 or X)")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberInvalid("the ID number's birth date (digits 7-14) is not a date") from None
    if born < EARLIEST_BIRTH:
        raise IdNumberInvalid(f"the ID number's birth date is before {EARLIEST_BIRTH.year}")
    if number[-1] != id_check_digit(number[:-1]):
        raise IdNumberInvalid("the ID number's check character does not match (GB 11643)")
    return number


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
