"""The words officials read for the domain's codes (词汇), Chinese then English: a referral's
statuses, the services, what a provider gave, a referral's direction. One table each, read by
the console's catalogue (:mod:`hub.console.labels`) and the audit report
(:mod:`hub.audit.words`), so a page and a filed report say the same thing."""

from __future__ import annotations

Words = dict[str, tuple[str, str]]

STATUSES: Words = {
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

SERVICES: Words = {
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

PROVISIONS: Words = {
    "money": ("捐款", "Donation (money)"),
    "job": ("就业岗位", "Job"),
    "counselling": ("心理疏导", "Counselling"),
    "loan": ("贷款", "Loan"),
    "allowance": ("救助金、补助", "Allowance"),
    "in-kind": ("实物", "In kind"),
    "judicial-relief": ("国家司法救助", "Judicial relief"),
    "other": ("其他", "Other"),
}

DIRECTIONS: Words = {
    "inbound": ("移送检察院（线索）", "Inbound (lead to the procuratorate)"),
    "outbound": ("检察院移出", "Outbound (from the procuratorate)"),
    "lateral": ("部门之间", "Between agencies"),
}
