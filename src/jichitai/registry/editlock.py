"""排他制御 (住民記録システム標準仕様書 10.3, j1380): 「他の職員が住民情報の入力・異動作業をしている間は、同一住民の
情報について、閲覧以外の作業ができないよう、排他制御ができること」.

The counter takes the lock of every resident a 異動 form is about when the clerk opens it for a household and
when the confirmation is shown; the recording of a 異動 (:func:`jichitai.registry.services.apply_many`, every
entry point: counter, 決裁, API, batch) refuses a resident another holds and releases the recorder's own locks.
Viewing is never locked. A clerk who walks away loses the lock after :data:`TTL`; the version check at the
record step (rowwriter) still refuses a change made on stale data, so the lock keeps people out, it is not what
keeps the records right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from jichitai.audit.services import actor_label
from jichitai.registry.domain import RegistryError
from jichitai.registry.models import EditLock

TTL = dt.timedelta(minutes=15)


class BeingEdited(RegistryError):
    """Another member of staff is entering a 異動 for this resident: only viewing is possible until they finish."""

    code = "being_edited"
    status = 409


def holder_name(actor: Any) -> str:
    """氏名（所属課） as colleagues know the holder; a program by its name."""
    name = getattr(actor, "full_name", "") or actor_label(actor)
    department = getattr(getattr(actor, "department", None), "name", "")
    return f"{name}（{department}）" if department else str(name)


def _refusal(lock: EditLock) -> BeingEdited:
    since = timezone.localtime(lock.acquired_at)
    until = timezone.localtime(lock.expires_at)
    return BeingEdited(
        f"宛名番号 {lock.atena_number} の方は、{lock.holder_name}が{since:%H:%M}から{lock.purpose}を入力中です。"
        f"入力が終わるまで（遅くとも{until:%H:%M}まで）は閲覧のみできます（標準仕様書 10.3 排他制御）。",
        atena_number=lock.atena_number, holder=lock.holder_name)


def acquire(actor: Any, atena_numbers: Iterable[str], purpose: str, *, now: dt.datetime | None = None) -> None:
    """Hold the residents for ``actor`` (renewing their own locks); refuse, taking none, if another holds one."""
    atenas = sorted({a for a in atena_numbers if a})
    if not atenas:
        return
    now = now or timezone.now()
    label, name = actor_label(actor), holder_name(actor)
    for attempt in range(2):  # a second clerk inserting the same resident at the same moment: read again
        try:
            with transaction.atomic():
                held = {lock.atena_number: lock for lock in EditLock.objects.select_for_update().filter(pk__in=atenas)}
                for lock in held.values():
                    if lock.holder != label and lock.expires_at > now:
                        raise _refusal(lock)
                EditLock.objects.filter(pk__in=list(held)).update(
                    holder=label, holder_name=name, purpose=purpose[:50], expires_at=now + TTL)
                EditLock.objects.bulk_create([
                    EditLock(atena_number=a, holder=label, holder_name=name, purpose=purpose[:50],
                             acquired_at=now, expires_at=now + TTL) for a in atenas if a not in held])
                return
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def others_locks(actor: Any, *, now: dt.datetime | None = None) -> tuple[dict[str, EditLock], bool]:
    """The live locks held by anyone but ``actor`` (a handful at a busy counter, usually none), and whether
    ``actor`` holds any: one read for a whole batch of 異動."""
    now = now or timezone.now()
    label = actor_label(actor)
    others: dict[str, EditLock] = {}
    mine = False
    for lock in EditLock.objects.filter(Q(expires_at__gt=now) | Q(holder=label)):
        if lock.holder == label:
            mine = True
        elif lock.expires_at > now:
            others[lock.atena_number] = lock
    return others, mine


def ensure_free(others: Mapping[str, EditLock], atena_numbers: Iterable[str]) -> None:
    for atena in atena_numbers:
        lock = others.get(atena)
        if lock is not None:
            raise _refusal(lock)


def release(actor: Any, atena_numbers: Iterable[str] | None = None) -> None:
    """Give up ``actor``'s locks (all of them, or those of the residents named)."""
    rows = EditLock.objects.filter(holder=actor_label(actor))
    if atena_numbers is not None:
        rows = rows.filter(pk__in=list(atena_numbers))
    rows.delete()


def holding(atena_numbers: Iterable[str], *, now: dt.datetime | None = None) -> dict[str, EditLock]:
    """Who is entering a 異動 for these residents now (for the resident and household pages)."""
    now = now or timezone.now()
    return {lock.atena_number: lock for lock in EditLock.objects.filter(pk__in=list(atena_numbers),
                                                                        expires_at__gt=now)}
