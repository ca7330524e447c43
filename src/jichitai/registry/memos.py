"""メモ (標準仕様書 1.1.15, j150): staff memos on a person, with who and when, every version kept.

Written and read only here and by the resident page: certificates, the standard CSV, the outbox and the hub
read ``Resident``/``ResidentHistory`` and never this table, so a memo is never printed nor sent to another system
(tests/registry/test_memos.py proves it on each). Writing a memo is refused, audited, for a person under 照会抑止
(3.1) as any reading of them is; every 記入・修正・削除 is audited (who, which memo, which version; not its words).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.registry import suppression
from jichitai.registry.domain import memo as rules
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.models import Resident, ResidentMemo

ACTION = "registry.memo"


@dataclass(frozen=True)
class Memo:
    """One memo as it stands (its latest version) with every version before it, newest first."""

    memo_id: str
    latest: ResidentMemo
    versions: list[ResidentMemo]

    @property
    def first(self) -> ResidentMemo:
        return self.versions[-1]


def memos_of(atena_number: str, *, with_deleted: bool = False) -> list[Memo]:
    """The person's memos, the most recently written first (the caller has checked that the actor may view them)."""
    rows = list(ResidentMemo.objects.filter(atena_number=atena_number).select_related("written_by")
                .order_by("-written_at", "-version"))
    grouped: dict[str, list[ResidentMemo]] = {}
    for row in rows:
        grouped.setdefault(str(row.memo_id), []).append(row)
    memos = [Memo(memo_id, sorted(vs, key=lambda v: -v.version)[0], sorted(vs, key=lambda v: -v.version))
             for memo_id, vs in grouped.items()]
    if not with_deleted:
        memos = [m for m in memos if m.latest.operation != ResidentMemo.DELETE]
    return sorted(memos, key=lambda m: m.latest.written_at, reverse=True)


def deleted_of(atena_number: str) -> list[Memo]:
    """The person's deleted memos, with every version (j150: 削除 kept in the history)."""
    return [m for m in memos_of(atena_number, with_deleted=True) if m.latest.operation == ResidentMemo.DELETE]


def _allowed(actor: Any, atena_number: str) -> None:
    if not Resident.objects.filter(pk=atena_number).exists():
        raise RegistryError(f"宛名番号 {atena_number} の住民は登録されていません。", code="unknown_person",
                            atena_number=atena_number)
    suppression.ensure_view_allowed(actor, atena_number, via="memo")


def _write(actor: Any, atena_number: str, memo_id: uuid.UUID, version: int, operation: str, text: str) -> ResidentMemo:
    try:
        with transaction.atomic():
            row = ResidentMemo.objects.create(memo_id=memo_id, version=version, atena_number=atena_number,
                                              operation=operation, text=text, written_by=actor,
                                              written_at=timezone.now())
            audit.record(actor, ACTION, f"resident:{atena_number}", "ok", operation=operation,
                         memo_id=str(memo_id), version=version)
    except IntegrityError:  # another clerk wrote the same version first
        raise RegistryError("このメモは、表示した後にほかの職員が修正しました。最新の内容を確認してからもう一度操作してください。",
                            code="memo_changed") from None
    return row


def add(actor: Any, atena_number: str, text: str) -> ResidentMemo:
    """記入: a new memo on the person."""
    _allowed(actor, atena_number)
    return _write(actor, atena_number, uuid.uuid4(), 1, ResidentMemo.ADD, rules.check_text(text))


def _latest(atena_number: str, memo_id: str) -> ResidentMemo | None:
    try:
        key = uuid.UUID(str(memo_id))
    except ValueError:
        return None
    return ResidentMemo.objects.filter(atena_number=atena_number, memo_id=key).order_by("-version").first()


def edit(actor: Any, atena_number: str, memo_id: str, based_on: int, text: str) -> ResidentMemo:
    """修正: a new version of the memo, made on the version the clerk saw (``based_on``)."""
    _allowed(actor, atena_number)
    text = rules.check_text(text)
    latest = _latest(atena_number, memo_id)
    version = rules.check_next(latest.version if latest else None,
                               bool(latest and latest.operation == ResidentMemo.DELETE), based_on)
    assert latest is not None
    return _write(actor, atena_number, latest.memo_id, version, ResidentMemo.EDIT, text)


def delete(actor: Any, atena_number: str, memo_id: str, based_on: int) -> ResidentMemo:
    """削除: the memo leaves the page; its versions, and the 削除 itself, stay in its history."""
    _allowed(actor, atena_number)
    latest = _latest(atena_number, memo_id)
    version = rules.check_next(latest.version if latest else None,
                               bool(latest and latest.operation == ResidentMemo.DELETE), based_on)
    assert latest is not None
    return _write(actor, atena_number, latest.memo_id, version, ResidentMemo.DELETE, "")
