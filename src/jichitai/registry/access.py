"""Reading a record: every read audited (10.2, j1370), 照会抑止 of the person or their household honoured (3.1,
through :mod:`jichitai.registry.suppression`), 個人番号 shown only to roles
with ``registry.view_mynumber`` and only with a recorded purpose; 戸籍の表示・住民票コード・在留資格等 only to
actors holding their own action (10.4, j1390: :data:`ITEM_ACTIONS`, asked through the one ``allowed``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.db import connection

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import NotFound, PermissionRefused
from jichitai.registry import purposes, suppression
from jichitai.registry.domain import Person, RegistryError
from jichitai.registry.domain.person import DATE_FIELDS
from jichitai.registry.history import person_history
from jichitai.registry.models import CertificateIssuance, Resident, ResidentHistory
from jichitai.registry.store import to_person


@dataclass(frozen=True)
class ResidentView:
    """What the resident page shows: the person (個人番号 masked), household, history, issuances, flags."""

    person: Person
    household: list[Person]
    history: list[ResidentHistory]
    issuances: list[CertificateIssuance]
    suppressions: set[str]
    has_my_number: bool
    hidden: frozenset[str] = frozenset({"my_number"})  # the items blanked for this actor (10.4)


# 10.4 (j1390): the items each 操作権限 shows. 「戸籍の表示」= 本籍・筆頭者; 「在留資格等」= the 法第30条の45 items
# (区分, 在留資格, 在留期間, 満了の日, 在留カード等番号). The 個人番号 is never on a read: reveal_my_number shows it.
ITEM_ACTIONS: dict[str, tuple[str, ...]] = {
    "registry.view_honseki": ("honseki", "hittosha"),
    "registry.view_juminhyo_code": ("juminhyo_code",),
    "registry.view_residence_status": ("article_30_45", "residence_status", "residence_period", "residence_until",
                                       "residence_card_number"),
}


def hidden_items(actor: Any) -> frozenset[str]:
    """The items of a record ``actor`` may not see: the 個人番号 always (shown only by :func:`reveal_my_number`),
    and each item of :data:`ITEM_ACTIONS` whose action the actor is not allowed."""
    out = {"my_number"}
    for action, items in ITEM_ACTIONS.items():
        if not allowed(actor, action):
            out.update(items)
    return frozenset(out)


def mask(person: Person, hidden: frozenset[str]) -> Person:
    """``person`` with the ``hidden`` items blanked (empty text, no date)."""
    blank: dict[str, Any] = {k: (None if k in DATE_FIELDS else "") for k in hidden}
    return replace(person, **blank)


def mask_row(row: dict[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    """A record read as a dict (an API answer, a history row) without the ``hidden`` items."""
    return {k: v for k, v in row.items() if k not in hidden}


def _ensure(actor: Any, action: str, resource: str) -> None:
    if not allowed(actor, action):
        audit.record(actor, action, resource, "refused")
        raise PermissionRefused()


def view_resident(actor: Any, atena_number: str) -> ResidentView:
    """照会 of one record, audited; refused (and audited) under 照会抑止."""
    resource = f"resident:{atena_number}"
    _ensure(actor, "registry.view", resource)
    row = Resident.objects.filter(pk=atena_number).first()
    if row is None:
        audit.record(actor, "registry.view", resource, "failed", code="not_found")
        raise NotFound("指定された宛名番号の住民は登録されていません。")
    members = list(Resident.objects.filter(setai_number=row.setai_number, status="active")
                   .order_by("household_order", "pk"))
    history = person_history(atena_number)  # the places they lived: one may be a protected person's now
    guard = suppression.ensure_view_allowed(actor, atena_number, records=[*members, *history], via="resident",
                                             counter=True)
    person = to_person(row)
    hidden = hidden_items(actor)
    household = [mask(to_person(r), hidden) for r in members]
    issuances = issuances_of(atena_number)
    audit.record(actor, "registry.view", resource, "ok")
    return ResidentView(mask(person, hidden), household, history, issuances,
                        set(guard.kinds(row)), bool(person.my_number), hidden)


def issuances_of(atena_number: str) -> list[CertificateIssuance]:
    """交付履歴照会 (j360) for one person."""
    if connection.vendor == "postgresql":
        return list(CertificateIssuance.objects.filter(atena_numbers__contains=[atena_number]))
    setais = set(ResidentHistory.objects.filter(atena_number=atena_number).values_list("setai_number", flat=True))
    return [i for i in CertificateIssuance.objects.filter(setai_number__in=setais)
            if atena_number in (i.atena_numbers or [])]


def reveal_my_number(actor: Any, atena_number: str, purpose: str) -> str:
    """The 個人番号 in clear, for an actor allowed to see it, with the purpose (a code of
    :data:`jichitai.registry.purposes.MY_NUMBER_PURPOSES`) recorded in the audit trail."""
    resource = f"resident:{atena_number}"
    _ensure(actor, "registry.view_mynumber", resource)
    try:
        code, label = purposes.purpose_of(purpose)
    except RegistryError:
        audit.record(actor, "registry.view_mynumber", resource, "refused", code="purpose_required")
        raise
    row = Resident.objects.filter(pk=atena_number).first()
    if row is None:
        raise NotFound("指定された宛名番号の住民は登録されていません。")
    suppression.ensure_view_allowed(actor, atena_number, counter=True)
    number = to_person(row).my_number
    audit.record(actor, "registry.view_mynumber", resource, "ok", purpose=code, purpose_label=label)
    return number
