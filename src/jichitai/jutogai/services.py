"""The services of 住登外者宛名番号管理 (共通機能標準仕様書 §2.3): 照会, 付番 (only when no one matches), changes
with history, merging a duplicate, and reading one 住登外者 with their history. Every call is audited; the
entry points (API for systems, pages for staff, the migration command) only parse input and call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.common.errors import NotFound
from jichitai.jutogai import numbering
from jichitai.jutogai.errors import JutogaiError
from jichitai.jutogai.facts import Facts, address_key
from jichitai.jutogai.models import ACTIVE, MERGED, Jutogaisha, JutogaishaHistory
from jichitai.jutogai.search import Mode, candidates
from jichitai.registry.store import name_keys

SNAPSHOT = ("name", "kana", "birth_date", "sex", "postcode", "address", "municipality_code", "former_atena_number",
            "status", "merged_into")


def search(actor: Any, facts: Facts, mode: Mode = "exact", *, residents: bool = True) -> list[dict[str, Any]]:
    """住登外者宛名基本情報照会: the candidates, audited with the facts' names (never their values) and the
    numbers answered."""
    found = candidates(facts, mode, actor=actor, residents=residents)
    audit.record(actor, "jutogai.search", "jutogai:search", mode=mode, count=len(found),
                 criteria=[k for k in ("name", "kana", "birth_date", "sex", "address") if getattr(facts, k)],
                 results=[c["number"] for c in found[:100]],
                 subjects=[c["number"] for c in found if c["kind"] != "jutogai"][:100])
    return found


@dataclass
class Numbering:
    """The answer of 付番: the new 住登外者 (``numbered``), or the candidates that stopped it."""

    numbered: Jutogaisha | None
    candidates: list[dict[str, Any]] = field(default_factory=list)


def duplicates(facts: Facts, actor: Any = None) -> list[dict[str, Any]]:
    """Who may be the same person (重複): 住登外者 and residents with the same 氏名 or the same フリガナ (folded,
    whole) and, when given, the same 生年月日 and 性別 — the address is left out (people move)."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for part in (Facts(name=facts.name, birth_date=facts.birth_date, sex=facts.sex),
                 Facts(kana=facts.kana, birth_date=facts.birth_date, sex=facts.sex)):
        if part.name_key or part.kana_key:
            for c in candidates(part, "exact", actor=actor):
                seen.setdefault((c["kind"], c["number"]), c)
    return list(seen.values())


def number(actor: Any, facts: Facts, *, source: str, former_atena_number: str = "",
           distinct_from: tuple[str, ...] | list[str] = (), changed_on: dt.date | None = None) -> Numbering:
    """住登外者宛名番号付番: a new number only when nobody matches. A match (a 住登外者, a resident, a former
    resident) is answered as candidates and nothing is numbered, unless the caller states each candidate is another
    person (``distinct_from``: their numbers, audited). ``former_atena_number``: the person was a resident (除票)."""
    if not facts.name_key:
        raise JutogaiError("付番には氏名が必要です。", code="invalid_input", field="name")
    if not facts.address_key:
        raise JutogaiError("付番には住所が必要です（送付先のない住登外者は管理できません）。", code="invalid_input",
                           field="address")
    if former_atena_number:
        _check_former_resident(former_atena_number)
    with transaction.atomic():
        found = duplicates(facts, actor)
        if former_atena_number:  # numbered already for this 除票?
            for r in Jutogaisha.objects.filter(former_atena_number=former_atena_number, status=ACTIVE):
                found.append({"kind": "jutogai", "number": r.number, "name": r.name, "kana": r.kana,
                              "birth_date": r.birth_date, "sex": r.sex, "address": r.address, "suppressed": False})
        own = {former_atena_number} if former_atena_number else set()
        blocking = [c for c in found if c["number"] not in set(distinct_from) | own]
        if blocking:
            audit.record(actor, "jutogai.number", "jutogai:number", "candidates", count=len(blocking),
                         results=[c["number"] for c in blocking[:100]])
            return Numbering(None, blocking)
        person = _create(facts, number=numbering.new_number(), source=source, former=former_atena_number,
                         reason="numbered", actor=actor, changed_on=changed_on)
        audit.record(actor, "jutogai.number", person.audit_label(), distinct_from=list(distinct_from)[:100],
                     former_atena_number=former_atena_number)
    return Numbering(person, [])


def _check_former_resident(atena_number: str) -> None:
    from jichitai.registry.domain.person import REMOVED
    from jichitai.registry.models import Resident

    status = Resident.objects.filter(pk=atena_number).values_list("status", flat=True).first()
    if status is None:
        raise JutogaiError(f"宛名番号 {atena_number} の住民記録（除票）はありません。", code="invalid_input",
                           field="former_atena_number")
    if status != REMOVED:
        raise JutogaiError(f"宛名番号 {atena_number} の人は住民です。住民は住民の宛名番号を使います。",
                           code="is_resident", field="former_atena_number")


def _keys(facts: Facts) -> dict[str, str]:
    return {**name_keys(facts.name, facts.kana), "address_key": address_key(facts.address)}


def _create(facts: Facts, *, number: str, source: str, former: str, reason: str, actor: Any,
            changed_on: dt.date | None, municipality_code: str = "", note: str = "") -> Jutogaisha:
    person = Jutogaisha.objects.create(
        number=number, name=facts.name, kana=facts.kana, birth_date=facts.birth_date, sex=facts.sex,
        postcode=facts.postcode, address=facts.address, municipality_code=municipality_code,
        former_atena_number=former, source=source[:60], history_no=1, **_keys(facts))
    _history(person, reason, changed_on or timezone.localdate(), actor, note)
    return person


def _history(person: Jutogaisha, reason: str, changed_on: dt.date, actor: Any, note: str = "") -> None:
    JutogaishaHistory.objects.create(number=person.number, history_no=person.history_no, reason=reason,
                                     changed_on=changed_on, entered_by=audit.actor_label(actor)[:100],
                                     note=note[:300], **{k: getattr(person, k) for k in SNAPSHOT})


CHANGE_REASONS = {"address": "住所変更", "name": "氏名変更", "correction": "訂正"}


def change(actor: Any, number: str, reason: str, facts: Facts, *, changed_on: dt.date, note: str = "") -> Jutogaisha:
    """A 異動 of one 住登外者 (住所変更, 氏名変更, 訂正): the new state and a history row, audited. Facts left
    empty keep their value (a 住所変更 gives only the address)."""
    if reason not in CHANGE_REASONS:
        raise JutogaiError("異動事由を選んでください（住所変更・氏名変更・訂正）。", code="invalid_input", field="reason")
    with transaction.atomic():
        person = Jutogaisha.objects.select_for_update().filter(pk=number).first()
        if person is None:
            raise NotFound(f"住登外者宛名番号 {number} は登録されていません。", number=number)
        if person.status != ACTIVE:
            raise JutogaiError(f"住登外者宛名番号 {number} は {person.merged_into} に統合済みです。", code="merged",
                               field="number")
        for item in ("name", "kana", "birth_date", "sex", "address", "postcode"):
            value = getattr(facts, item)
            if value:
                setattr(person, item, value)
        current = Facts(person.name, person.kana, person.birth_date, person.sex, person.address, person.postcode)
        for k, v in _keys(current).items():
            setattr(person, k, v)
        person.history_no += 1
        person.save()
        _history(person, reason, changed_on, actor, note)
        audit.record(actor, "jutogai.change", person.audit_label(), reason=reason, history_no=person.history_no)
    return person


def merge(actor: Any, duplicate: str, into: str, *, changed_on: dt.date, note: str = "") -> Jutogaisha:
    """重複の統合: ``duplicate`` is the same person as ``into``; it stays (systems may hold it) as 統合済み,
    pointing at ``into``."""
    if duplicate == into:
        raise JutogaiError("同じ番号どうしは統合できません。", code="invalid_input", field="into")
    with transaction.atomic():
        rows = {p.number: p for p in Jutogaisha.objects.select_for_update().filter(pk__in=[duplicate, into])}
        if duplicate not in rows or into not in rows:
            raise NotFound("統合する住登外者宛名番号が見つかりません。", number=duplicate if duplicate not in rows else into)
        dup, kept = rows[duplicate], rows[into]
        if kept.status != ACTIVE or dup.status != ACTIVE:
            raise JutogaiError("統合済みの番号は統合できません。", code="merged", field="number")
        dup.status, dup.merged_into = MERGED, into
        dup.history_no += 1
        dup.save()
        _history(dup, "merged", changed_on, actor, note)
        audit.record(actor, "jutogai.merge", dup.audit_label(), into=into)
    return kept


def link_former_resident(actor: Any, number: str, atena_number: str, *, changed_on: dt.date | None = None) -> Jutogaisha:
    """Record that the 住登外者 ``number`` is the former resident ``atena_number`` (their 除票): a history row
    「訂正」, audited. For a person registered by another system before the city knew they had been a resident."""
    _check_former_resident(atena_number)
    with transaction.atomic():
        person = Jutogaisha.objects.select_for_update().filter(pk=number, status=ACTIVE).first()
        if person is None:
            raise NotFound(f"住登外者宛名番号 {number} は登録されていません。", number=number)
        if person.former_atena_number not in ("", atena_number):
            raise JutogaiError(f"住登外者宛名番号 {number} は別の除票（{person.former_atena_number}）に対応しています。",
                               code="linked_elsewhere", field="former_atena_number")
        if person.former_atena_number != atena_number:
            person.former_atena_number = atena_number
            person.history_no += 1
            person.save()
            _history(person, "correction", changed_on or timezone.localdate(), actor, "住民であったときの宛名番号を記録")
            audit.record(actor, "jutogai.change", person.audit_label(), reason="link_former_resident",
                         former_atena_number=atena_number, subjects=[atena_number])
    return person


def current(number: str) -> Jutogaisha:
    """The 住登外者 a 統合済み number now stands for (itself when active)."""
    person = Jutogaisha.objects.filter(pk=number).first()
    seen = set()
    while person is not None and person.status == MERGED and person.number not in seen:
        seen.add(person.number)
        person = Jutogaisha.objects.filter(pk=person.merged_into).first()
    if person is None:
        raise NotFound(f"住登外者宛名番号 {number} は登録されていません。", number=number)
    return person


def view(actor: Any, number: str) -> tuple[Jutogaisha, list[JutogaishaHistory]]:
    """One 住登外者 and their history (oldest first), audited; refused under 照会抑止 (the Shield)."""
    person = Jutogaisha.objects.filter(pk=number).first()
    if person is None:
        audit.record(actor, "jutogai.view", f"jutogai:{number}", "refused", code="not_found")
        raise NotFound(f"住登外者宛名番号 {number} は登録されていません。", number=number)
    from jichitai.registry import suppression

    suppression.ensure_jutogai_view_allowed(actor, {"number": person.number, "address": person.address,
                                                    "former_atena_number": person.former_atena_number})
    audit.record(actor, "jutogai.view", person.audit_label())
    return person, list(JutogaishaHistory.objects.filter(number=number).order_by("history_no"))


def for_former_resident(atena_number: str) -> Jutogaisha | None:
    """The active 住登外者 recorded for a former resident (除票の宛名番号), if any."""
    return (Jutogaisha.objects.filter(former_atena_number=atena_number, status=ACTIVE)
            .order_by("-updated_at").first())
