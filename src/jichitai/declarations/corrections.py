"""What a 申告訂正 changes, as its 決裁者 sees it — and no 決裁 of what the 決裁者 could not see.

A reviewer's correction may change any part of the declared record: amounts, the relatives claimed, the
declared address. The 決裁者 (市民税課) is shown each change, before and after, in words. An address goes
through the Shield (:mod:`jichitai.registry.suppression`, audience staff): under 照会抑止 of the filer, their
household or a place the correction names (before or after), the address lines are withheld (audited
``withheld`` on the person) and such a correction is approved only by whoever may open it — the 市民税課's
支援措置責任者 (``declarations.approve_protected``, each opening audited ``disclosed``) — as the registry's
``approval.approve`` refuses a blind 決裁 (``protected_draft``). Rejecting stays open to every 決裁者: it
records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.money import format_yen
from jichitai.declarations.domain.model import DeclarationError
from jichitai.declarations.models import ClerkAction, Declaration
from jichitai.declarations.portal.forms import AMOUNTS, _get
from jichitai.declarations.sealing import unseal

PROTECTED = "declarations.approve_protected"
ADDRESS_KEYS = ("town_code", "banchi", "katagaki")
LABELS = {"name": "氏名", "kana": "フリガナ", "birth_date": "生年月日", "phone": "電話番号"}
HANDLED = {"address", "case", "declared", "attachments", "my_number_index", "my_number"}
WITHHELD = "（照会抑止の対象のため表示しません）"


@dataclass(frozen=True)
class Line:
    label: str
    before: str
    after: str
    address: bool = False


@dataclass(frozen=True)
class Correction:
    lines: list[Line]  # every change, in words; an address line withheld (WITHHELD) when ``hidden``
    hidden: bool  # an address this 決裁者 may not see is part of the change: they cannot approve it

    @property
    def address_changed(self) -> bool:
        return any(line.address for line in self.lines)


def _place_words(addr: dict[str, Any]) -> str:
    from jichitai.declarations.clerk import place

    return place(addr.get("town_code", ""), addr.get("banchi", ""), addr.get("katagaki", "")) or "（なし）"


def _people(case: dict[str, Any]) -> tuple[str, str]:
    spouse = (case.get("spouse") or {}).get("name") or "なし"
    dependents = "、".join(d.get("name", "") for d in case.get("dependents") or []) or "なし"
    return spouse, dependents


def lines(before: dict[str, Any], after: dict[str, Any]) -> list[Line]:
    """Every difference between the declared record and its correction, in words (amounts in yen, the address
    by 町字名, relatives by name); a part without its own words is named as changed rather than left out."""
    out: list[Line] = []
    old_addr, new_addr = before.get("address") or {}, after.get("address") or {}
    if any((old_addr.get(k) or "") != (new_addr.get(k) or "") for k in ADDRESS_KEYS):
        out.append(Line("住所（申告）", _place_words(old_addr), _place_words(new_addr), address=True))
    for key, label in LABELS.items():
        if before.get(key) != after.get(key):
            out.append(Line(label, str(before.get(key) or ""), str(after.get(key) or "")))
    seen_paths = set()
    for _name, label, path, _help in AMOUNTS:
        seen_paths.add(path)
        old, new = _get(before, path), _get(after, path)
        if (old or 0) != (new or 0):
            out.append(Line(label, format_yen(int(old or 0)), format_yen(int(new or 0))))
    old_case, new_case = before.get("case") or {}, after.get("case") or {}
    (old_sp, old_deps), (new_sp, new_deps) = _people(old_case), _people(new_case)
    if old_sp != new_sp or old_case.get("spouse") != new_case.get("spouse"):
        out.append(Line("配偶者（控除対象）", old_sp, new_sp))
    if old_deps != new_deps or old_case.get("dependents") != new_case.get("dependents"):
        out.append(Line("扶養親族", old_deps, new_deps))
    rest = {k for k in {*old_case, *new_case} if k not in ("spouse", "dependents")}
    if any(_without(old_case.get(k), k, seen_paths) != _without(new_case.get(k), k, seen_paths) for k in rest):
        out.append(Line("その他の申告内容（所得・控除）", "訂正前のとおり", "変更あり"))
    others = {k for k in {*before, *after} if k not in HANDLED and k not in LABELS}
    if any(before.get(k) != after.get(k) for k in others):
        out.append(Line("その他の申告内容", "訂正前のとおり", "変更あり"))
    return out


def _without(value: Any, key: str, paths: set[str], prefix: str = "case") -> Any:
    """``value`` (the record's ``case.<key>``) without the amounts already shown line by line."""
    here = f"{prefix}.{key}"
    if here in paths:
        return None
    if isinstance(value, dict):
        return {k: _without(v, k, paths, here) for k, v in value.items()}
    return value


def _filer(d: Declaration) -> dict[str, Any] | None:
    from jichitai.registry.models import Resident

    if not d.owner_index:
        return None
    row = Resident.objects.filter(my_number_index=d.owner_index).values(
        "atena_number", "setai_number", "town_code", "banchi", "katagaki").first()
    return dict(row) if row else None


def for_approver(staff: Any, d: Declaration, pending: ClerkAction, *, via: str) -> Correction:
    """The correction as ``staff`` may see it. An address change under 照会抑止 (the filer's own record,
    household or place, or a place the correction names) is withheld from anyone without
    ``declarations.approve_protected`` (audited ``withheld``) and opened to whoever holds it (``disclosed``)."""
    from jichitai.registry import suppression

    before, after = unseal(d.data), unseal(pending.corrected_data or d.data)
    found = lines(before, after)
    if not any(line.address for line in found):
        return Correction(found, False)
    guard = suppression.shield()
    filer = _filer(d)
    who = {"atena_number": filer["atena_number"], "setai_number": filer["setai_number"]} if filer else {}
    shown = [r for r in (filer, {**who, **(before.get("address") or {})}, {**who, **(after.get("address") or {})})
             if r]
    if allowed(staff, PROTECTED):  # the 支援措置責任者 opens it: each protected person shown is audited
        covered = [r for r in shown if guard.hides_from_staff(r)]
        if covered:
            audit.record_many([audit.Event(staff, "declarations.approve", suppression.subject_of(covered[0], d.audit_resource),
                                           "disclosed", {"code": suppression.CODE, "via": via,
                                                         "protected_by": sorted({p for r in covered
                                                                                 for p in guard.protected_by(r)}),
                                                         "declaration": d.receipt_number})])
        return Correction(found, False)
    hidden = suppression.screen_addresses(staff, shown, audience=suppression.STAFF, action="declarations.approve",
                                          via=via, guard=guard, otherwise=d.audit_resource)
    if not hidden:
        return Correction(found, False)
    return Correction([Line(x.label, WITHHELD, WITHHELD, True) if x.address else x for x in found], True)


def ensure_seen(staff: Any, d: Declaration, pending: ClerkAction) -> None:
    """No blind 決裁: refused (in Japanese, audited so that the entry outlives the rollback) when the correction
    changes an address this 決裁者 may not see."""
    if for_approver(staff, d, pending, via="declarations.approve").hidden:
        raise audit.refused(DeclarationError(
            "この訂正は照会抑止の対象者の住所にかかるため、内容を確認できる支援措置責任者が決裁してください"
            "（標準仕様書 3.1）。", code="protected_correction"),
            staff, "declarations.approve", d.audit_resource)
