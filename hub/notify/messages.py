"""What a notification says (消息内容): its subject and text in Chinese or English.

A message names agencies, codes, dates and working days, and links into the console
(``/console/work/referrals/{id}``); it never carries a person's name, ID number, contact or any free
text an official wrote (reasons, notes, outcomes' descriptions), which may name the person:
the recipient reads those in the console, where the access rules apply. The params an item
keeps are the same: ids, codes, dates, agency names.
"""

from __future__ import annotations

from typing import Any

TRIGGERS = (
    "referral-arrived",
    "referral-answered",
    "deadline-amber",
    "deadline-red",
    "escalation",
    "consent-withdrawn",
    "dead-letter",
)

TRIGGER_LABELS: dict[str, tuple[str, str]] = {
    "referral-arrived": ("新转介", "New referral"),
    "referral-answered": ("转介答复", "Referral answered"),
    "deadline-amber": ("即将到期", "Due soon"),
    "deadline-red": ("已逾期", "Overdue"),
    "escalation": ("督办", "Escalation"),
    "consent-withdrawn": ("同意已撤回", "Consent withdrawn"),
    "dead-letter": ("待处理答复", "Dead letter waiting"),
}

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "accepted": ("已接收", "accepted"),
    "rejected": ("已退回（理由请在系统中查看）", "rejected (the reason is in the console)"),
    "completed": ("已办结", "completed"),
    "failed": ("未能办理（理由请在系统中查看）", "failed (the reason is in the console)"),
}

STAGE_LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("referral", "answer"): ("转介答复期限", "the referral's answer deadline"),
    ("referral", "completion"): ("转介办结期限", "the referral's completion deadline"),
    ("case", "decision"): ("司法救助决定期限", "the relief decision deadline"),
    ("case", "notice"): ("通知申请人领取期限", "the deadline to tell the applicant"),
    ("need", "referral"): ("需求移送期限", "the deadline to refer the need"),
}


def link(base_url: str, params: dict[str, Any]) -> str:
    """Where in the console the official reads what the message is about."""
    base = base_url.rstrip("/")
    if params.get("referral_id"):
        return f"{base}/console/work/referrals/{params['referral_id']}"
    if params.get("case_id"):
        return f"{base}/console/work/cases/{params['case_id']}"
    if params.get("letter_id"):
        return f"{base}/console/notifications"
    return f"{base}/console/notifications"


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _what(params: dict[str, Any], lang: str) -> str:
    key = (str(params.get("kind")), str(params.get("stage")))
    return _pick(STAGE_LABELS.get(key, ("期限", "a deadline")), lang)


def render(trigger: str, params: dict[str, Any], lang: str, base_url: str) -> tuple[str, str]:
    """The subject and the text of one notification."""
    en = lang == "en"
    url = link(base_url, params)
    subject = ("[Referral hub] " if en else "【救助衔接】") + _pick(TRIGGER_LABELS[trigger], lang)
    p = params
    if trigger == "referral-arrived":
        text = (
            f"{p['requester']} referred a case to your agency; answer by {p['due_on']}."
            if en
            else f"{p['requester']}向本单位转介一件，请于{p['due_on']}前答复。"
        )
    elif trigger == "referral-answered":
        status = _pick(STATUS_LABELS.get(p["status"], (p["status"], p["status"])), lang)
        if p["status"] == "completed" and p.get("successful") is not None:
            ok = p["successful"]
            status += (
                (" (helped)" if ok else " (not helped)")
                if en
                else ("（帮扶成功）" if ok else "（帮扶未成功）")
            )
        text = (
            f"{p['recipient']} {status} your agency's referral."
            if en
            else f"{p['recipient']}{status}本单位发出的转介。"
        )
    elif trigger == "deadline-amber":
        text = (
            f"{_what(p, lang)} falls on {p['deadline']} "
            f"({p['working_days_left']} working day(s) left)."
            if en
            else f"{_what(p, lang)}为{p['deadline']}，剩余{p['working_days_left']}个工作日。"
        )
    elif trigger == "deadline-red":
        text = (
            f"{_what(p, lang)} was {p['deadline']}: overdue by {p['days_overdue']} working day(s)."
            if en
            else f"{_what(p, lang)}为{p['deadline']}，已逾期{p['days_overdue']}个工作日。"
        )
    elif trigger == "escalation":
        text = (
            f"At {p['agency']}, {_what(p, lang)} ({p['deadline']}) is overdue by "
            f"{p['days_overdue']} working day(s); please see that it is done."
            if en
            else f"{p['agency']}的{_what(p, lang)}（{p['deadline']}）已逾期"
            f"{p['days_overdue']}个工作日，请督促办理。"
        )
    elif trigger == "consent-withdrawn":
        text = (
            "The consent an open referral relied on was withdrawn: it has no basis now."
            if en
            else "一件未办结转介所依据的当事人同意已被撤回，该转介已无依据，请及时处理。"
        )
    else:
        text = (
            f"An agency's answer could not be applied ({p['error']}) and waits for an "
            "administrator."
            if en
            else f"一条单位答复无法应用（{p['error']}），等待管理员处理。"
        )
    more = "Open in the console: " if en else "在系统中查看："
    return subject, f"{text}\n{more}{url}\n"


def digest(items: list[tuple[str, dict[str, Any]]], lang: str, base_url: str) -> tuple[str, str]:
    """One message for a day's notifications of an official (每日汇总)."""
    en = lang == "en"
    subject = (
        f"[Referral hub] Daily digest: {len(items)} notification(s)"
        if en
        else f"【救助衔接】每日汇总：{len(items)}条通知"
    )
    parts = []
    for trigger, params in items:
        _, text = render(trigger, params, lang, base_url)
        parts.append(f"- {_pick(TRIGGER_LABELS[trigger], lang)}: {text.strip()}")
    return subject, "\n".join(parts) + "\n"
