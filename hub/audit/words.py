"""The words of the audit report (审计报告用语): events, fields and values, in Chinese and English.

Statuses, services, provisions and directions are the console's words (:mod:`hub.words`);
the events, stages, fields and the other coded values are the report's own.

One table per kind of word, each entry ``code: (中文, English)``; :func:`say` picks the
language and shows an unknown code as it is, so a report of a newer log still prints.
"""

from __future__ import annotations

from hub.words import DIRECTIONS, PROVISIONS, SERVICES, STATUSES, Words

__all__ = ["EVENTS", "FIELDS", "REPORT", "STAGES", "STATUSES", "VALUES", "Words", "say"]

#: an aid case's events (司法救助程序), and a referral's (转介)
EVENTS: Words = {
    "LeadReceived": ("受理线索/申请", "lead or application received"),
    "InquiryRecorded": ("询问", "inquiry"),
    "Reviewed": ("审查", "review"),
    "HearingHeld": ("听证", "hearing"),
    "SubmittedForApproval": ("报批", "submitted for approval"),
    "MatterNamed": ("登记原案案号", "original matter named"),
    "AdvancePaid": ("先行救助", "relief paid in advance"),
    "FundsArrived": ("救助资金到位", "funds arrived"),
    "ApplicantNotified": ("通知申请人领取", "applicant notified"),
    "MeetingRecorded": ("检察长办公会/严格审查", "chief procurator's meeting / strict review"),
    "ApprovalDecided": ("审批", "approval decided"),
    "ReliefGranted": ("决定救助", "relief granted"),
    "ReliefRefused": ("决定不予救助", "relief refused"),
    "ReliefDisbursed": ("发放救助金", "relief disbursed"),
    "FollowUpRecorded": ("回访", "follow-up visit"),
    "Classified": ("案件分类", "case classified"),
    "CaseClosed": ("结案", "case closed"),
    "Requested": ("发起转介", "referral requested"),
    "StatusChanged": ("转介状态变更", "referral status changed"),
    "ReReferred": ("重新转介", "re-referred"),
}

#: an aid case's stages
STAGES: Words = {
    "received": ("已受理", "received"),
    "inquired": ("已询问", "inquired"),
    "reviewed": ("已审查", "reviewed"),
    "heard": ("已听证", "heard"),
    "submitted": ("已报批", "submitted"),
    "granted": ("已决定救助", "granted"),
    "refused": ("不予救助", "refused"),
    "disbursed": ("已发放", "disbursed"),
    "closed": ("已结案", "closed"),
}

#: coded values of the events' fields: sources, situations, grounds, services, kinds…
VALUES: Words = {
    **SERVICES,
    **PROVISIONS,  # after the services: a provision "money" reads as a donation given
    **DIRECTIONS,
    "applicant": ("当事人申请", "application"),
    "case-department": ("办案部门移送", "from the case department"),
    "referral": ("其他单位线索移送", "lead referred by an agency"),
    "victim": ("被害人本人", "the victim"),
    "close-relative": ("近亲属/被扶养人", "close relative or dependant"),
    "legal-representative": ("法定代理人", "legal representative"),
    "serious-injury-unpaid": ("重伤或残疾，无法获得赔偿", "serious injury, no compensation"),
    "urgent-medical-unaffordable": ("急需救治，无力承担", "urgent treatment unaffordable"),
    "death-or-incapacity": ("死亡或丧失劳动能力", "death or loss of working capacity"),
    "major-property-loss": ("重大财产损失", "major property loss"),
    "retaliation": ("举报人、证人等遭受打击报复", "retaliation"),
    "tort-damages-unobtainable": (
        "交通事故等侵权，无法通过诉讼获得赔偿",
        "tort damages unobtainable",
    ),
    "other-warranted": ("其他应予救助的情形", "other warranted case"),
    "applicant-at-fault": ("申请人有重大过错", "applicant seriously at fault"),
    "refused-to-cooperate": ("拒不配合", "refused to cooperate"),
    "false-statement": ("虚假陈述", "false statement"),
    "waived-civil-claim": ("放弃民事赔偿请求", "waived the civil claim"),
    "hardship-not-caused-by-case": ("困难非因案件造成", "hardship not caused by the case"),
    "already-helped": ("已获合理社会救助", "already reasonably helped"),
    "life-threatened": ("犯罪行为危及生命", "life threatened"),
    "urgent-treatment-unaffordable": ("重伤急需救治无力承担", "urgent treatment unaffordable"),
    "chief-procurator-meeting": ("检察长办公会", "chief procurator's meeting"),
    "strict-review": ("严格审查", "strict review"),
    "approved": ("同意", "approved"),
    "refused": ("不同意", "refused"),
    "criminal-hardship": ("刑事特困救助", "criminal hardship"),
    "civil-tort": ("民事侵权致困", "civil tort"),
}

#: the events' fields, in the order a report lists them (those not named here follow)
FIELDS: Words = {
    "status": ("状态", "status"),
    "received_on": ("受理日期", "received on"),
    "source": ("来源", "source"),
    "matter_number": ("原案案号", "matter number"),
    "summary": ("案情摘要", "summary"),
    "applicant_relation": ("申请人身份", "applicant"),
    "held_on": ("日期", "held on"),
    "reviewed_on": ("审查日期", "reviewed on"),
    "on": ("日期", "on"),
    "decided_on": ("决定日期", "decided on"),
    "paid_on": ("发放日期", "paid on"),
    "arrived_on": ("到位日期", "arrived on"),
    "notified_on": ("通知日期", "notified on"),
    "visited_on": ("回访日期", "visited on"),
    "closed_on": ("结案日期", "closed on"),
    "requested_on": ("转介日期", "requested on"),
    "found_on": ("发现日期", "found on"),
    "due_on": ("答复期限", "due on"),
    "requester_id": ("转出单位", "from"),
    "recipient_id": ("接收单位", "to"),
    "direction": ("方向", "direction"),
    "services": ("所需帮扶", "services"),
    "reason": ("理由", "reason"),
    "situation": ("救助情形", "qualifying situation"),
    "refusal_ground": ("不予救助理由", "refusal ground"),
    "ground": ("依据", "ground"),
    "detail": ("说明", "detail"),
    "officers": ("听证员", "hearing officers"),
    "meeting": ("会议", "meeting"),
    "attendees": ("出席", "attending"),
    "decision": ("决定", "decision"),
    "approver": ("审批人", "approver"),
    "approved": ("同意", "approved"),
    "proposer": ("报批人", "proposed by"),
    "proposed_fen": ("拟救助金额", "proposed amount"),
    "amount_fen": ("金额", "amount"),
    "months": ("月数", "months"),
    "average_monthly_wage_fen": ("月平均工资", "average monthly wage"),
    "wage_year": ("工资年度", "wage year"),
    "wage_region_code": ("工资地区代码", "wage region"),
    "wage_source": ("工资来源", "wage source"),
    "strict_review": ("严格审查", "strict review"),
    "damages_fen": ("应获赔偿", "damages"),
    "advanced_fen": ("已先行救助", "advanced"),
    "advance_excess_fen": ("先行救助超出部分", "advance in excess"),
    "advance_to_recover_fen": ("应追回先行救助", "advance to recover"),
    "matter_exception": ("原案例外", "matter exception"),
    "ceremony": ("发放仪式", "ceremony"),
    "means": ("通知方式", "means"),
    "outcome": ("办理结果", "outcome"),
    "consent": ("当事人同意", "consent"),
    "legal_basis": ("法律依据", "legal basis"),
    "invoked_by": ("援引人", "invoked by"),
    "category": ("类别", "category"),
    "notes": ("备注", "notes"),
    "new_needs": ("新的需求", "new needs"),
    "next_visit_on": ("下次回访", "next visit"),
    "without_referral": ("未转介原因", "closed without referral"),
    "fewer_officers_reason": ("听证员不足三人原因", "fewer officers, why"),
    "re_referral_of": ("重新转介自", "re-referral of"),
    "new_referral_id": ("新转介", "new referral"),
    "answers_follow_up": ("回应回访", "answers follow-up"),
    "answers_need": ("回应需求", "answers need"),
    "referral_id": ("来源转介", "from referral"),
    "mechanism_id": ("衔接机制", "mechanism"),
    "actor": ("记录的经办人", "actor as recorded"),
    "officer": ("记录的承办人", "officer as recorded"),
    "requested_by": ("记录的转介人", "requested by, as recorded"),
    "submitted_by": ("记录的报批人", "submitted by, as recorded"),
    "approved_by": ("记录的审批人", "approved by, as recorded"),
    "backdate_reason": ("补录原因", "recorded late, why"),
}

#: the report's own words
REPORT: Words = {
    "title": ("案件回溯审计报告", "Case replay audit report"),
    "case": ("案件", "Case"),
    "matter": ("原案案号", "Matter number"),
    "procuratorate": ("办理机关", "Procuratorate"),
    "person": ("当事人", "Person"),
    "erased": ("已删除（个人信息已销毁）", "erased (personal data destroyed)"),
    "person_kept": ("个人信息不载入本报告", "personal data not in this report"),
    "stage": ("阶段", "Stage"),
    "granted": ("决定救助金额", "Granted"),
    "disbursed": ("已发放金额", "Disbursed"),
    "as_of": ("截至", "As of"),
    "now": ("生成时", "now"),
    "recorded": ("按记录时间", "on recorded time"),
    "business": ("按业务日期", "on business dates"),
    "verification": ("哈希链校验", "Hash-chain verification"),
    "passed": ("通过", "passed"),
    "failed": ("未通过", "FAILED"),
    "events_checked": ("个事件", "events checked"),
    "findings": ("发现的问题", "Findings"),
    "referrals": ("转介", "Referrals"),
    "timeline": ("事件经过", "Events"),
    "no": ("序号", "No."),
    "business_day": ("业务日期", "Business date"),
    "recorded_at": ("记录时间", "Recorded"),
    "event": ("事件", "Event"),
    "who": ("经办", "Who"),
    "details": ("内容", "Details"),
    "page": ("第 {n} 页 / 共 {of} 页", "page {n} of {of}"),
    "made": ("生成于", "Made"),
    "china_time": ("北京时间", "China time"),
    "none": ("无", "none"),
    "yes": ("是", "yes"),
    "no_": ("否", "no"),
    "successful": ("成功", "successful"),
    "unsuccessful": ("未成功", "not successful"),
    "as_recorded": ("记录", "as recorded"),
    "connector": ("接口", "connector"),
    "break-glass": ("应急管理员", "break-glass operator"),
    "unknown": ("未记录", "not recorded"),
}


def say(table: Words, code: object, lang: str) -> str:
    """``code``'s word in ``lang`` (``zh`` or ``en``), or the code itself if it has none."""
    words = table.get(str(code))
    if words is None:
        return str(code)
    return words[0] if lang == "zh" else words[1]
