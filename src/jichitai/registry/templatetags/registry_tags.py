"""Display helpers of the counter pages: 和暦 dates (j90), codes in words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from jichitai.common.wareki import to_wareki
from jichitai.registry.certificates.services import REQUESTER_KINDS
from jichitai.registry.domain import reception
from jichitai.registry.domain.person import ACTIVE, FOREIGN, MALE
from jichitai.registry.domain.reasons import Reason
from jichitai.registry.domain.receipt_notice import NOTIFIABLE

register = template.Library()


@register.filter
def wareki(value: object) -> str:
    """和暦 (令和8年11月1日); 西暦 for dates before 明治; blank for none. A date kept as ISO text (a declaration's
    JSON) is read as the date it is."""
    if isinstance(value, str) and len(value) == 10:
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, dt.datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()  # the city's day (JST)
    if not isinstance(value, dt.date):
        return "" if value in (None, "") else str(value)
    try:
        return to_wareki(value)
    except ValueError:
        return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def wareki_time(value: object) -> str:
    """A moment as a clerk reads it in a record of what was done: 令和8年12月7日 18:55 (the city's time)."""
    if not isinstance(value, dt.datetime):
        return wareki(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{wareki(local.date())} {local:%H:%M}"


@register.filter
def seireki(value: object) -> str:
    """西暦 for the foreign-resident dates j90 names (生年月日, 在留期間の満了の日)."""
    if not isinstance(value, dt.date):
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def born(person: object) -> str:
    """生年月日 as j90 (1.1.9) wants it: 和暦, but 西暦 for a foreign resident (a Person or a search row); a 不詳日 or
    暦上日以外 as the 戸籍 has it (j80), never its internal day."""
    get = person.get if isinstance(person, dict) else lambda key: getattr(person, key, None)
    day = get("birth_date")
    if get("birth_date_text"):
        return str(get("birth_date_text"))
    return seireki(day) if get("resident_kind") == FOREIGN else wareki(day)


@register.filter
def sex_label(code: str) -> str:
    return "男" if code == MALE else "女" if code else ""


@register.filter
def status_label(code: str) -> str:
    return "住民" if code == ACTIVE else "消除"


@register.filter
def kind_label(code: str) -> str:
    return "外国人住民" if code == FOREIGN else "日本人住民"


@register.filter
def reason_label(code: str) -> str:
    try:
        return Reason(code).label
    except ValueError:
        return code or ""


@register.filter
def requester_label(code: str) -> str:
    """請求者区分 in words (本人, 同一世帯員, 第三者, 公用)."""
    return REQUESTER_KINDS.get(code, code or "")


@register.filter
def get_item(mapping: object, key: object) -> object:
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


OUTCOMES = {"ok": "実施", "refused": "拒否", "withheld": "住所を提供せず", "alert": "通知", "failed": "失敗",
            "pending": "起案", "rejected": "却下", "disclosed": "表示（確認済み・一時解除中）"}


@register.filter
def outcome_label(code: str) -> str:
    return OUTCOMES.get(code, code)


@register.filter
def action_label(code: str) -> str:
    """An audited action in words (the permission's label, as the 403 page names it)."""
    from jichitai.audit.labels import action_label as label

    return label(code)


@register.filter
def notifier_label(kind: str, name: str = "") -> str:
    """届出人: 区分 and, for someone other than the person, the name (受付の記録)."""
    return reception.notifier_label(kind or "", name or "")


@register.filter
def documents_label(codes: object) -> str:
    """本人確認 書類の種類, in words; stored as codes joined by commas, or a list."""
    if isinstance(codes, str):
        codes = [c for c in codes.split(",") if c]
    return reception.documents_label(codes)


@register.filter
def fee_label(fee: object) -> str:
    return reception.fee_label(fee) if isinstance(fee, int) else ""


@register.filter
def town_label(code: str, towns: object) -> str:
    """A 町字コード as the town's name, from the ``towns`` mapping the view looked up (the code itself only when the
    dictionary has no such town)."""
    town = towns.get(code) if isinstance(towns, dict) else None
    return f"{town.ward_name}{town.name}" if town is not None else (code or "")


@register.filter
def receipt_notice_offered(history: Any) -> bool:
    """A 異動 of the kinds that give a 住民異動届受理通知 (4.1.0.3), on the 異動者's own row."""
    return bool(history.is_subject) and history.reason in {r.value for r in NOTIFIABLE}
