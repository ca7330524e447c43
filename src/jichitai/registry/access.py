"""Reading a record: every read audited (10.2, j1370), 照会抑止 of the person or their household honoured (3.1,
through :mod:`jichitai.registry.suppression`), 個人番号 shown only to roles
with ``registry.view_mynumber`` and only with a recorded purpose."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.db import connection

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import NotFound, PermissionRefused
from jichitai.registry import purposes, suppression
from jichitai.registry.domain import Person, RegistryError
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


def _masked(person: Person) -> Person:
    return replace(person, my_number="")


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
    guard = suppression.ensure_view_allowed(actor, atena_number, records=[*members, *history], via="resident")
    person = to_person(row)
    household = [_masked(to_person(r)) for r in members]
    issuances = issuances_of(atena_number)
    audit.record(actor, "registry.view", resource, "ok")
    return ResidentView(_masked(person), household, history, issuances,
                        set(guard.kinds(row)), bool(person.my_number))


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
    suppression.ensure_view_allowed(actor, atena_number)
    number = to_person(row).my_number
    audit.record(actor, "registry.view_mynumber", resource, "ok", purpose=code, purpose_label=label)
    return number
