"""The console's messages in Simplified Chinese (the default) and English, in one catalogue.

A page module adds its own with :func:`register` (``{"key": ("中文", "English")}``); templates
call ``t("key")``. The language is the ``lang`` cookie, switched with ``?lang=en`` or
``?lang=zh``. Domain rules shown to officials (:data:`RULES`) are keyed by their stable code
(``domain/errors.py``).
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT: Lang = "zh"

CATALOGUE: dict[Lang, dict[str, str]] = {"zh": {}, "en": {}}


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Adds ``{"key": ("中文", "English")}``; a key already there with other text is refused."""
    for key, (zh, en) in messages.items():
        if CATALOGUE["zh"].get(key, zh) != zh or CATALOGUE["en"].get(key, en) != en:
            raise ValueError(f"console message {key!r} is already defined differently")
        CATALOGUE["zh"][key] = zh
        CATALOGUE["en"][key] = en


def t(key: str, lang: Lang, **values: object) -> str:
    """The message in ``lang`` (the key itself if missing, so a gap is seen, not hidden)."""
    text = CATALOGUE[lang].get(key) or CATALOGUE[DEFAULT].get(key) or key
    return text.format(**values) if values else text


def pick(value: str | None) -> Lang:
    return value if value in LANGS else DEFAULT


register(
    {
        "app.title": ("救助衔接工作台", "Relief referral console"),
        "app.skip": ("跳到正文", "Skip to content"),
        "nav.label": ("主导航", "Main navigation"),
        "lang.switch": ("English", "中文"),
        "lang.other": ("en", "zh"),
        "sign_in.title": ("登录", "Sign in"),
        "sign_in.agency": ("单位", "Agency"),
        "sign_in.staff_number": ("工号", "Staff number"),
        "sign_in.password": ("密码", "Password"),
        "sign_in.code": ("动态验证码（已开通时填写）", "One-time code (if enrolled)"),
        "sign_in.submit": ("登录", "Sign in"),
        "sign_in.oidc": ("通过统一身份认证登录", "Sign in through the identity provider"),
        "sign_in.refused": (
            "单位、工号、密码或验证码不正确。",
            "The agency, staff number, password or code is not right.",
        ),
        "sign_in.locked": (
            "登录失败次数过多，账户已暂时锁定，请在 {seconds} 秒后再试。",
            "Too many failed sign-ins: the account is locked; try again in {seconds} s.",
        ),
        "sign_in.oidc_failed": (
            "统一身份认证登录未完成：{detail}",
            "Sign-in through the identity provider did not complete: {detail}",
        ),
        "sign_out": ("退出登录", "Sign out"),
        "signed_in_as": ("当前用户", "Signed in as"),
        "error.not_found.title": ("未找到", "Not found"),
        "error.not_found.body": (
            "没有找到该页面或记录，或您无权查看。",
            "There is no such page or record, or it is not yours to see.",
        ),
        "error.forbidden.title": ("无权操作", "Not allowed"),
        "error.forbidden.body": ("您的角色不能执行此操作。", "Your role may not do this."),
        "error.csrf.title": ("请求已拒绝", "Request refused"),
        "error.csrf.body": (
            "表单已过期或不是本系统发出的（安全校验未通过）。请返回页面刷新后重试。",
            "The form expired or did not come from this console (security check failed). "
            "Go back, reload the page and try again.",
        ),
        "error.other.title": ("无法完成", "Could not be done"),
        "error.unexpected.title": ("系统错误", "System error"),
        "error.unexpected.body": (
            "系统出现意外错误，本次操作可能未完成。请稍后重试；如仍出错，请将下面的请求编号告知系统管理员。",
            "The hub met an unexpected error; what you did may not have been done. Try again "
            "later; if it fails again, give the request id below to the hub's administrator.",
        ),
        "error.status": ("状态码", "Status"),
        "error.request_id": ("请求编号", "Request id"),
        "error.back": ("返回工作台", "Back to the console"),
        "fresh.label": ("数据更新至日志第 {position} 条", "Views up to log entry {position}"),
        "fresh.behind": ("落后 {behind} 条，正在追赶", "{behind} behind, catching up"),
        "fresh.current": ("已是最新", "up to date"),
        "fresh.halted": ("视图已停止更新", "view halted"),
        "sla.green": ("正常", "on time"),
        "sla.amber": ("即将到期", "due soon"),
        "sla.red": ("已超期", "overdue"),
        "money.unit": ("元", "yuan"),
        "colon": ("：", ": "),
        "list_sep": ("、", ", "),
    }
)

#: the domain's rules (``domain/errors.py``) as officials read them
RULES: dict[str, tuple[str, str]] = {
    "not-found": ("记录不存在或您无权查看。", "No such record, or not yours to see."),
    "invalid-value": ("填写的内容不符合要求。", "A value is not valid."),
    "referral-transition-not-allowed": (
        "转介当前状态下不能执行此操作。",
        "The referral's status does not allow this step.",
    ),
    "referral-wrong-side": (
        "此操作应由转介的另一方执行：接收、受理、拒绝、开始、暂停和办结由接收单位操作，撤回由发起单位操作。",
        "This step is the other side's: the recipient receives, accepts, rejects, starts, "
        "holds and completes; the requester cancels.",
    ),
    "reason-required": (
        "拒绝、暂停、未办成或撤回时必须填写原因。",
        "A reason is required to reject, hold, fail or cancel.",
    ),
    "consent-required": (
        "没有覆盖该接收单位和服务的有效同意书，不能转介。",
        "No live consent covers this recipient and service.",
    ),
    "service-not-offered": (
        "接收单位不提供所选服务。",
        "The recipient does not offer that service.",
    ),
    "re-referral-not-allowed": (
        "只有被拒绝或未办成的转介才能再转介。",
        "Only a rejected or failed referral may be re-referred.",
    ),
    "not-party": ("您的单位不是该转介的当事方。", "Your agency is not a party to this."),
    "role-not-allowed": ("您的角色不能执行此操作。", "Your role may not do this."),
    "business-date-in-future": (
        "业务日期不能晚于今天。",
        "A business date cannot be in the future.",
    ),
    "backdate-reason-required": (
        "补录以前的日期时必须说明原因。",
        "Recording an earlier date needs a reason.",
    ),
    "idempotency-key-reused": (
        "该表单已用于另一项操作，请刷新页面后重试。",
        "This form was already used for another request; reload and try again.",
    ),
    "no-hub-role": (
        "您在统一身份认证中没有本系统的角色，请联系管理员。",
        "Your identity provider account has no role in the hub; ask an administrator.",
    ),
    "no-hub-official": (
        "本系统中没有与您的统一身份认证账号对应的工作人员，请联系管理员。",
        "No official of the hub has your identity provider account; ask an administrator.",
    ),
    "sign-in-state": (
        "登录已过期或不是在本浏览器中发起的，请重新登录。",
        "The sign-in expired or was not begun in this browser; sign in again.",
    ),
    "sign-in-refused": ("统一身份认证拒绝了登录。", "The identity provider refused the sign-in."),
    "invalid-token": ("统一身份认证的凭据无效。", "The identity provider's token is not valid."),
    "provider-unavailable": (
        "统一身份认证暂时无法访问，请稍后再试。",
        "The identity provider does not answer; try again later.",
    ),
    "identity-provider-unavailable": (
        "统一身份认证暂时无法访问，请稍后再试。",
        "The identity provider does not answer; try again later.",
    ),
    "view-not-built": (
        "数据视图正在生成，请稍后刷新页面。",
        "The view is still being built; reload the page in a moment.",
    ),
    "validation": ("填写的内容不完整或格式不对。", "Some fields are missing or malformed."),
    "version-conflict": (
        "该记录刚被他人修改，请刷新页面后重试。",
        "The record changed meanwhile; reload the page and try again.",
    ),
    "log-unavailable": (
        "系统暂时无法保存，请稍后重试。",
        "The hub cannot record anything just now; try again in a moment.",
    ),
}


def rule_text(rule: str, lang: Lang) -> str:
    """A domain rule in the official's language; an unlisted rule shows its code."""
    zh, en = RULES.get(rule, (f"操作未完成（规则：{rule}）。", f"Not done (rule: {rule})."))
    return zh if lang == "zh" else en
