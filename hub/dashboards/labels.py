"""The dashboards' words: figure, table, agency kind and case stage labels in Simplified Chinese
(the default) and English; a referral's statuses and what a provider gave are the console's and
the audit report's own (:mod:`hub.words`). A code without a label is shown as it is."""

from __future__ import annotations

from hub.words import PROVISIONS, STATUSES

LANGS = ("zh", "en")

_LABELS: dict[str, tuple[str, str]] = {
    # figures
    "people_helped": ("救助人数", "People helped"),
    "cases": ("受理案件", "Cases received"),
    "referrals": ("转介", "Referrals"),
    "overdue": ("当前超期", "Overdue now"),
    "granted_fen": ("决定司法救助金额（元）", "Judicial relief granted (yuan)"),
    "disbursed_fen": ("发放司法救助金额（元）", "Judicial relief disbursed (yuan)"),
    "social_aid_fen": ("社会救助金额（元）", "Social aid (yuan)"),
    "aid_fen": ("救助总额（元）", "Aid in all (yuan)"),
    "donated_fen": ("捐款（元）", "Donations (yuan)"),
    "grants_fen": ("救助金、补助（元）", "Grants (yuan)"),
    "loans_fen": ("贷款（元，需偿还，不计入救助）", "Loans (yuan, repaid, not aid)"),
    "in_kind_fen": ("实物折价（元，不计入救助金额）", "In kind (yuan, not aid money)"),
    "re_referred": ("重新转介", "Re-referred"),
    "success_share": ("成功办结比例", "Share completed successfully"),
    "closed": ("已办结", "Closed"),
    "successful": ("成功办结", "Completed successfully"),
    "answer_median": ("首次答复用时中位数（小时）", "Hours to first answer, median"),
    "answer_p90": ("首次答复用时90分位（小时）", "Hours to first answer, p90"),
    "completion_median": ("办结用时中位数（天）", "Days to completion, median"),
    "completion_p90": ("办结用时90分位（天）", "Days to completion, p90"),
    "referrals_unanswered": ("超期未答复转介", "Referrals unanswered past due"),
    "referrals_unfinished": ("超期未办结转介", "Referrals unfinished past due"),
    "cases_undecided": ("超期未决定案件", "Cases undecided past due"),
    "region_code": ("区划代码", "Region code"),
    "region": ("地区", "Region"),
    "metric": ("指标", "Figure"),
    "value": ("数值", "Value"),
    "source": ("来源", "Source"),
    "kind": ("类别", "Kind"),
    "amount": ("金额（元）", "Amount (yuan)"),
    "status": ("状态", "Status"),
    "agency_kind": ("接收单位类别", "Recipient agency kind"),
    "count": ("数量", "Count"),
    "period": ("统计期间", "Period"),
    "as_of": ("截至", "As of"),
    # tables
    "summary": ("概况", "Summary"),
    "by_subregion": ("分地区", "By sub-region"),
    "amounts": ("金额", "Amounts"),
    "by_status": ("转介状态", "Referrals by status"),
    "by_agency_kind": ("按接收单位类别", "Referrals by recipient agency kind"),
    "judicial": ("国家司法救助", "Judicial relief"),
    "social": ("社会救助", "Social aid"),
    # agency kinds
    "procuratorate": ("检察院", "Procuratorate"),
    "political-legal-committee": ("政法委", "Political-legal committee"),
    "civil-affairs": ("民政", "Civil affairs"),
    "education": ("教育", "Education"),
    "medical-insurance": ("医保", "Medical insurance"),
    "disabled-persons-federation": ("残联", "Disabled persons' federation"),
    "commerce-bureau": ("商务和工业信息化局", "Commerce bureau"),
    "justice-bureau": ("司法局", "Justice bureau"),
    "rural-revitalisation": ("乡村振兴局", "Rural revitalisation bureau"),
    "youth-league": ("团委", "Youth League"),
    "volunteer-association": ("义工协会", "Volunteer association"),
    "industry-association": ("行业协会", "Industry association"),
    "enterprise": ("爱心企业", "Enterprise"),
    # case stages
    "inquired": ("已询问", "Inquired"),
    "reviewed": ("已审查", "Reviewed"),
    "heard": ("已听证", "Heard"),
    "submitted": ("已报批", "Submitted"),
    "granted": ("已决定救助", "Granted"),
    "refused": ("不予救助", "Refused"),
    "disbursed": ("已发放", "Disbursed"),
}


_LABELS.update(STATUSES)
_LABELS.update(PROVISIONS)


def label(key: str, lang: str = "zh") -> str:
    """The label of ``key`` in ``lang`` (``zh`` or ``en``), or ``key`` itself."""
    found = _LABELS.get(key)
    if found is None:
        return key
    return found[1] if lang == "en" else found[0]
