"""郵便物送付コード (標準仕様書 1.1.19, j190): set from the resident page, kept with who and when, read by the 送付先 and
sent to the systems granted it.

The rule (which codes, 通称のみ needs a 通称, which name is printed) is the domain's (domain/mailing_code.py); here:
the permission (``registry.change``, as a 異動's input), 照会抑止 (3.1: setting it shows the record), the person being
a resident, one new row per setting (never an overwrite: the table refuses UPDATE/DELETE on PostgreSQL), an audit
entry and an outbox event in the same transaction. The event is no 異動 (no history row, kind ``mailing_code``): it
carries the person's state with the new code, so the hub's 宛名 feeds (j1190 宛名連携, 差分 and 全件) reach the
systems granted the item 「郵便物送付コード」; every later 異動's event carries the code too (registry/rowwriter.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import PermissionRefused
from jichitai.common.ids import uuid7
from jichitai.dbcopy import with_keys
from jichitai.registry import suppression
from jichitai.registry.domain import mailing_code as rules
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.mailing_code import MailingCode
from jichitai.registry.domain.person import ACTIVE, Person
from jichitai.registry.editlock import holder_name
from jichitai.registry.models import MailingCodeSetting, OutboxEvent, Resident
from jichitai.registry.outbox import snapshot
from jichitai.registry.store import to_person

ACTION = "registry.mailing_code"
PERMISSION = "registry.change"


def codes_of(atena_numbers: Iterable[str]) -> dict[str, MailingCode]:
    """宛名番号 → the code in force, for those who ever set one (the others: 指定なし); one query for a whole
    bulk issuance."""
    keys = list(atena_numbers)
    out: dict[str, MailingCode] = {}
    if not keys:
        return out
    for atena, code in (with_keys(MailingCodeSetting.objects, "atena_number", keys)
                        .order_by("set_at", "pk").values_list("atena_number", "code")):
        out[atena] = MailingCode(code)  # the later setting wins
    return out


def all_codes() -> dict[str, MailingCode]:
    """Every person's code in force who ever set one (the standard CSV's column): only those rows are read, a few
    among a city's residents."""
    out: dict[str, MailingCode] = {}
    for atena, code in MailingCodeSetting.objects.order_by("set_at", "pk").values_list("atena_number", "code"):
        out[atena] = MailingCode(code)
    return out


def code_of(atena_number: str) -> MailingCode:
    return codes_of([atena_number]).get(atena_number, MailingCode.UNSET)


def history_of(atena_number: str) -> list[MailingCodeSetting]:
    """Every setting of the person, the latest first (the resident page shows them)."""
    return list(MailingCodeSetting.objects.filter(atena_number=atena_number).order_by("-set_at", "-pk"))


def set_code(actor: Any, atena_number: str, value: str) -> MailingCodeSetting:
    """Record ``value`` as the person's 郵便物送付コード; refused (in Japanese) when it is no code, the same as in
    force, 通称のみ without a 通称, or the person is not a resident; audited either way."""
    if not allowed(actor, PERMISSION):
        audit.record(actor, ACTION, f"resident:{atena_number}", "refused")
        raise PermissionRefused()
    code = rules.parse(value)
    with transaction.atomic():
        person = Resident.objects.select_for_update().filter(pk=atena_number).first()
        if person is None:
            raise RegistryError(f"宛名番号 {atena_number} の住民は登録されていません。", code="unknown_person",
                                atena_number=atena_number)
        guard = suppression.ensure_view_allowed(actor, atena_number, via="mailing_code", counter=True)
        if person.status != ACTIVE:
            raise RegistryError("消除された方の郵便物送付コードは設定できません。", code="removed",
                                field="mailing_code")
        rules.check(code, person.tsusho)
        before = code_of(atena_number)
        if code == before:
            raise RegistryError(f"郵便物送付コードは既に「{code.label}」です。", code="no_change", field="mailing_code")
        row = MailingCodeSetting.objects.create(atena_number=atena_number, code=code.value,
                                                set_by=holder_name(actor), set_at=timezone.now())
        # whether the event shows a supported person's address: the Shield without this clerk's 一時解除 (j410: a
        # lift reaches no other system); the hub checks again when the event is read
        supported = (guard.base or guard).withholds_address(person)
        OutboxEvent.objects.create(event_id=uuid7(), change_id=uuid7(), kind=EVENT_KIND, atena_number=atena_number,
                                   setai_number=person.setai_number, occurred_on=timezone.localdate(),
                                   payload=event_payload(to_person(person), code, supported))
        audit.record(actor, ACTION, f"resident:{atena_number}", "ok", before=before.value, after=code.value)
    return row


EVENT_KIND = "mailing_code"
EVENT_LABEL = "郵便物送付コードの設定"


def event_payload(person: Person, code: MailingCode, supported: bool) -> dict[str, Any]:
    """The outbox payload of a setting: the person's state with the new code, in the shape of a 異動's (reason keys
    name the setting; no 異動 group, no move, no household left without a 世帯主)."""
    return {
        **snapshot(person, code),
        "reason": EVENT_KIND, "reason_label": EVENT_LABEL, "reason_group": "", "is_subject": True,
        "previous": None, "origin_class": None, "destination_class": None, "ward_change": False,
        "support_measure": supported, "cancels": None, "head_unset": [],
    }
