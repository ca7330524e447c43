"""What every counter view shares: the terminal name and the one way a refusal is shown."""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from django.http import HttpRequest

from jichitai.accounts.lockout import source_address
from jichitai.common.errors import JichitaiError
from jichitai.registry.domain.person import FOREIGN
from jichitai.registry.models import Terminal
from jichitai.registry.templatetags import registry_tags as tags

UNREGISTERED = "未登録端末"


def terminal_of(request: HttpRequest) -> str:
    """入力端末 (j230): the name the city registered (:class:`~jichitai.registry.models.Terminal`) for the address
    the request comes from (through a trusted proxy, its client's); 「未登録端末」 for any other — never an address,
    and never a name the client declares. It goes into the 異動履歴 and the 発行番号 (j1040)."""
    try:
        address = str(ipaddress.ip_address(source_address(request)))
    except ValueError:
        return UNREGISTERED
    name = Terminal.objects.filter(address=address, active=True).values_list("name", flat=True).first()
    return name or UNREGISTERED


def refusal(request: HttpRequest, exc: JichitaiError) -> dict[str, Any]:
    """The Japanese reason for the page the caller re-renders unchanged (nothing was written)."""
    return {"refusal": exc.message, "refusal_code": exc.code}


def error_summary(form: Any, slots: list[Any], persons: int = 0, *others: Any) -> list[dict[str, str]]:
    """One list of what is wrong, for the summary at the top of a form: each item's Japanese label and message,
    and the id of the field to jump to (a bound form only; an empty optional slot has no errors)."""
    out: list[dict[str, str]] = []
    for n, f in enumerate([form, *slots, *others]):
        if not f.is_bound or not f.errors:
            continue
        where = "" if n == 0 or n > len(slots) else ("異動者の" if persons == 1 else f"異動者{n}の")
        for message in f.non_field_errors():
            out.append({"label": where.rstrip("の"), "message": message, "anchor": ""})
        for field in f:
            for message in field.errors:
                out.append({"label": f"{where}{field.label}", "message": message, "anchor": field.id_for_label or ""})
    return out


LABELS = {
    "setai_number": "世帯番号", "status": "住民状態", "relationship": "続柄", "town_code": "町字",
    "banchi": "番地", "katagaki": "方書", "name": "氏名", "kana": "フリガナ",
    "furigana_shi": "氏の振り仮名", "furigana_mei": "名の振り仮名", "birth_date": "生年月日",
    "sex": "性別", "removal_reason": "消除事由", "removed_on": "消除の異動日", "kyuuji": "旧氏", "tsusho": "通称",
    "juminhyo_code": "住民票コード", "my_number": "個人番号", "address_set_on": "住所を定めた年月日",
    "destination_address": "転出先住所", "household_order": "世帯員の並び順",
}


def differences(before: Any, after: Any, towns: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The items a change alters, in words (和暦, 男/女, 住民/消除), for the confirmation and 決裁 pages; for a new
    person only the items that are filled. 個人番号 shows only whether it is recorded."""
    out = []
    for key, label in LABELS.items():
        new = _item(after, key)
        old = _item(before, key) if before is not None else None
        if before is None and new in (None, ""):
            continue
        if before is None or old != new:
            if key == "my_number":
                old, new = ("（記載あり）" if old else ""), ("（記載あり）" if new else "")
            out.append({"label": label, "before": _shown(key, old, after, towns), "after": _shown(key, new, after, towns)})
    return out


def _item(person: Any, key: str) -> Any:
    """An item's value; a 不詳日 生年月日 or 死亡日 is its words (j80), the internal day being no fact to show."""
    words = getattr(person, f"{key}_text", None) if key in ("birth_date", "removed_on") else None
    if words:
        return words
    return getattr(person, key)


def _shown(key: str, value: Any, person: Any, towns: dict[str, Any] | None = None) -> str:
    if value is None or value == "":
        return ""
    if key == "town_code":  # the town by name (the code only if the dictionary lost it)
        return tags.town_label(value, towns or {})
    if key == "sex":
        return tags.sex_label(value)
    if key == "status":
        return tags.status_label(value)
    if key == "removal_reason":
        return tags.reason_label(value)
    if key == "birth_date" and person.resident_kind == FOREIGN:
        return tags.seireki(value)  # j90: 外国人住民の生年月日は西暦
    if isinstance(value, dt.date):
        return tags.wareki(value)
    return str(value)
