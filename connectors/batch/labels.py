"""The words of the batch files: column headers, action words, services, kinds of aid.

Officials read and write these in Chinese; each has its English beside it here and in the
files' instructions sheet. Codes are the hub's (``docs/architecture.md``).
"""

from __future__ import annotations

# (header, English, key) of the exported columns, in order
REFERRAL_COLUMNS = (
    ("转介编号", "Referral ID", "referral_id"),
    ("转介时间", "Referred at", "at"),
    ("转出单位", "Referring agency", "requester"),
    ("转介原因", "Reason for referral", "reason"),
    ("需求服务", "Services needed", "services"),
    ("办理期限", "Due by", "due_on"),
    ("当事人", "Person", "person"),
    ("联系方式", "Contact", "contact"),
    ("案件编号", "Case ID", "case_id"),
)
ANSWER_COLUMNS = (
    (
        "处理结果(接收/受理/拒绝/办结/未能办结)",
        "Answer (receive/accept/reject/complete/fail)",
        "answer",
    ),
    ("原因", "Reason (required to reject or fail)", "reason"),
    ("救助形式", "Kind of aid", "kind"),
    ("金额(元)", "Amount (yuan)", "amount"),
    ("提供方", "Provided by", "provider"),
    ("说明", "Notes", "description"),
    ("经办人", "On behalf of", "on_behalf_of"),
)
COLUMNS = REFERRAL_COLUMNS + ANSWER_COLUMNS
HEADERS = tuple(zh for zh, _, _ in COLUMNS)
KEY_BY_HEADER = {zh: key for zh, _, key in COLUMNS} | {en: key for _, en, key in COLUMNS}
# the answer column is also recognised by its short name
KEY_BY_HEADER["处理结果"] = "answer"
# files made before the column became a note head it in English so
KEY_BY_HEADER["Handled by"] = "on_behalf_of"

ACTION_WORDS = {
    "接收": "receive",
    "受理": "accept",
    "拒绝": "reject",
    "办结": "complete",
    "未能办结": "fail",
}
ACTION_WORDS_EN = {"receive", "accept", "reject", "complete", "fail"}

AID_KINDS = {
    "资金": "money",
    "就业岗位": "job",
    "心理疏导": "counselling",
    "贷款": "loan",
    "补贴": "allowance",
    "实物": "in-kind",
    "国家司法救助": "judicial-relief",
    "其他": "other",
}

SERVICES = {
    "minimum-living-allowance": "最低生活保障",
    "extreme-poverty-support": "特困人员供养",
    "disaster-relief": "受灾人员救助",
    "medical-aid": "医疗救助",
    "education-aid": "教育救助",
    "housing-aid": "住房救助",
    "employment-aid": "就业救助",
    "temporary-aid": "临时救助",
    "donation": "捐款",
    "job": "就业岗位",
    "counselling": "心理疏导",
    "student-loan": "助学贷款",
    "judicial-relief": "国家司法救助",
}

STATUSES = {
    "requested": "待接收",
    "received": "已接收",
    "accepted": "已受理",
    "in-progress": "办理中",
    "on-hold": "暂停",
    "completed": "已办结",
    "failed": "未能办结",
    "rejected": "已拒绝",
    "cancelled": "已撤回",
}
CLOSED = frozenset({"completed", "failed", "rejected", "cancelled"})


def service_labels(codes: list[str]) -> str:
    return "、".join(SERVICES.get(c, c) for c in codes)
