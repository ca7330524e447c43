"""事実上の世帯主 (標準仕様書 4.1.4.3, j740): recorded from the household page, kept with who and when, printed in the
備考 of the household's 住民票の写し (certificates/services.household_snapshot).

The rule (name required, 行政事務標準文字, the 備考's words) is the domain's (domain/de_facto_head.py); here: the
permission (``registry.change``), 照会抑止 of any member refusing it (3.1: the household page is a read of all of them),
one new row per 記載・削除 (never an overwrite: the table refuses UPDATE/DELETE on PostgreSQL), audited in the same
transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import PermissionRefused
from jichitai.registry import suppression
from jichitai.registry.domain import de_facto_head as rules
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.person import ACTIVE
from jichitai.registry.editlock import holder_name
from jichitai.registry.models import DeFactoHead, Household, Resident

ACTION = "registry.de_facto_head"
PERMISSION = "registry.change"


def name_of(setai_number: str) -> str:
    """The name in force ("" when none was recorded or the last was deleted)."""
    row = DeFactoHead.objects.filter(setai_number=setai_number).order_by("-set_at", "-pk").first()
    return row.name if row is not None else ""


def history_of(setai_number: str) -> list[DeFactoHead]:
    return list(DeFactoHead.objects.filter(setai_number=setai_number).order_by("-set_at", "-pk"))


def record(actor: Any, setai_number: str, name: str, *, delete: bool = False) -> DeFactoHead:
    """記載 (or, ``delete``, 削除) of the household's 事実上の世帯主; refused in Japanese when the name is not one, is
    the one in force, there is none to delete, or the household has no resident; audited either way."""
    if not allowed(actor, PERMISSION):
        audit.record(actor, ACTION, f"household:{setai_number}", "refused")
        raise PermissionRefused()
    held = "" if delete else rules.checked(name)
    with transaction.atomic():
        if Household.objects.select_for_update().filter(pk=setai_number).first() is None:
            raise RegistryError(f"世帯番号 {setai_number} の世帯は登録されていません。", code="no_household",
                                field="setai_number")
        members = list(Resident.objects.filter(setai_number=setai_number, status=ACTIVE))
        if not members:
            raise RegistryError(f"世帯番号 {setai_number} の世帯に住民がいません。", code="no_household",
                                field="setai_number")
        suppression.ensure_view_allowed(actor, members[0].atena_number, records=members, via="de_facto_head",
                                        counter=True)
        before = name_of(setai_number)
        if held == before:
            raise RegistryError("事実上の世帯主は記載されていません。" if delete else
                                f"事実上の世帯主は既に「{held}」です。", code="no_change", field="name")
        row = DeFactoHead.objects.create(setai_number=setai_number, name=held, set_by=holder_name(actor),
                                         set_at=timezone.now())
        audit.record(actor, ACTION, f"household:{setai_number}", "ok", operation="delete" if delete else "record",
                     subjects=[m.atena_number for m in members])
    return row
