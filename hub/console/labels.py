"""Names officials read for the domain's codes: statuses, services, provisions, agency kinds,
referral actions and events, in the catalogue (:mod:`hub.console.i18n`) under
``status.<code>``, ``service.<code>``, ``provision.<code>``, ``kind.<code>``, ``action.<code>``,
``event.<Name>``, ``direction.<code>``. Every page may use them; an area adds its own codes here
or in its module."""

from __future__ import annotations

from hub.console import i18n

STATUSES = {
    "requested": ("待接收", "Requested"),
    "received": ("已接收", "Received"),
    "accepted": ("已受理", "Accepted"),
    "rejected": ("已拒绝", "Rejected"),
    "in-progress": ("办理中", "In progress"),
    "on-hold": ("已暂停", "On hold"),
    "completed": ("已办结", "Completed"),
    "failed": ("未办成", "Failed"),
    "cancelled": ("已撤回", "Cancelled"),
}
SERVICES = {
    "minimum-living-allowance": ("最低生活保障", "Minimum living allowance"),
    "extreme-poverty-support": ("特困人员供养", "Support for extreme poverty"),
    "disaster-relief": ("受灾人员救助", "Disaster relief"),
    "medical-aid": ("医疗救助", "Medical aid"),
    "education-aid": ("教育救助", "Education aid"),
    "housing-aid": ("住房救助", "Housing aid"),
    "employment-aid": ("就业救助", "Employment aid"),
    "temporary-aid": ("临时救助", "Temporary aid"),
    "donation": ("爱心捐款", "Donation"),
    "job": ("就业岗位", "Job"),
    "counselling": ("心理疏导", "Counselling"),
    "student-loan": ("助学贷款", "Student loan"),
    "judicial-relief": ("国家司法救助", "National judicial relief"),
}
PROVISIONS = {
    "money": ("捐款", "Donation (money)"),
    "job": ("就业岗位", "Job"),
    "counselling": ("心理疏导", "Counselling"),
    "loan": ("贷款", "Loan"),
    "allowance": ("救助金、补助", "Allowance"),
    "in-kind": ("实物", "In kind"),
    "judicial-relief": ("国家司法救助", "Judicial relief"),
    "other": ("其他", "Other"),
}
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
DIRECTIONS = {
    "inbound": ("移送检察院（线索）", "Inbound (lead to the procuratorate)"),
    "outbound": ("检察院移出", "Outbound (from the procuratorate)"),
    "lateral": ("部门之间", "Between agencies"),
}

for prefix, table in (
    ("status", STATUSES),
    ("service", SERVICES),
    ("provision", PROVISIONS),
    ("kind", KINDS),
    ("action", ACTIONS),
    ("event", EVENTS),
    ("direction", DIRECTIONS),
):
    i18n.register({f"{prefix}.{code}": names for code, names in table.items()})
