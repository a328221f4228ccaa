"""Names officials read for the domain's codes: statuses, services, provisions, agency kinds,
referral actions and events, in the catalogue (:mod:`hub.console.i18n`) under
``status.<code>``, ``service.<code>``, ``provision.<code>``, ``kind.<code>``, ``action.<code>``,
``event.<Name>``, ``direction.<code>``, ``evidence.<code>``. Every page may use them; an area adds its own codes here
or in its module."""

from __future__ import annotations

from hub.console import i18n
from hub.words import DIRECTIONS, PROVISIONS, SERVICES, STATUSES

KINDS = {
    "procuratorate": ("检察院", "Procuratorate"),
    "political-legal-committee": ("政法委", "Political-legal committee"),
    "civil-affairs": ("民政", "Civil affairs"),
    "education": ("教育", "Education"),
    "medical-insurance": ("医疗保障", "Medical insurance"),
    "disabled-persons-federation": ("残联", "Disabled persons' federation"),
    "commerce-bureau": ("商务", "Commerce bureau"),
    "rural-revitalisation": ("乡村振兴", "Rural revitalisation"),
    "justice-bureau": ("司法行政", "Justice bureau"),
    "youth-league": ("共青团", "Youth League"),
    "volunteer-association": ("义工协会", "Volunteer association"),
    "industry-association": ("行业协会", "Industry association"),
    "enterprise": ("企业", "Enterprise"),
    "other": ("其他", "Other"),
}
ACTIONS = {
    "receive": ("接收", "Receive"),
    "accept": ("受理", "Accept"),
    "reject": ("拒绝", "Reject"),
    "start": ("开始办理", "Start"),
    "hold": ("暂停", "Hold"),
    "resume": ("恢复办理", "Resume"),
    "complete": ("办结", "Complete"),
    "fail": ("未办成", "Fail"),
    "cancel": ("撤回", "Cancel"),
}
EVENTS = {
    "Requested": ("发起转介", "Referral requested"),
    "StatusChanged": ("状态变更", "Status changed"),
    "ReReferred": ("再转介", "Re-referred"),
}
EVIDENCE = {
    "written": ("书面同意", "Written"),
    "oral": ("口头同意（有见证人）", "Oral, before a witness"),
}

for prefix, table in (
    ("status", STATUSES),
    ("service", SERVICES),
    ("provision", PROVISIONS),
    ("kind", KINDS),
    ("action", ACTIONS),
    ("event", EVENTS),
    ("direction", DIRECTIONS),
    ("evidence", EVIDENCE),
):
    i18n.register({f"{prefix}.{code}": names for code, names in table.items()})
