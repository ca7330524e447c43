"""メモ (標準仕様書 1.1.15, j150) on PostgreSQL.

j150: 「個人を単位とし、記載事項を限定しないメモ入力が可能であること。メモを入力した者のユーザID及び日時が記録されること。
メモの修正・削除について履歴管理されること。メモ入力されたものについては、住民票の写し等の証明書に出力されないこと。」
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, transaction

from jichitai.audit.models import AuditEntry
from jichitai.registry import memos
from jichitai.registry.certificates.services import issue
from jichitai.registry.certificates.snapshot import CertificateFormat, CertificateRequest
from jichitai.registry.domain import CorrectRecord, RegistryError
from jichitai.registry.domain.errors import SuppressedError
from jichitai.registry.exports.services import export
from jichitai.registry.models import OutboxEvent, ResidentMemo
from jichitai.registry.services import apply
from tests.registry.certificates.factories import pdf_pages

pytestmark = pytest.mark.django_db
WORDS = "勤務先気付での郵送を希望との申出あり"


def test_memo_kept_with_who_and_when_and_every_version(household: Any, clerk: Any, supervisor: Any) -> None:
    """Independent (j150 「入力した者のユーザID及び日時が記録されること」「修正・削除について履歴管理されること」):
    記入 by one clerk, 修正 by another, 削除: three versions, each with its writer and time; the page's list no
    longer shows the memo but its history does; each step audited (without the words)."""
    taro = household.atena_numbers[0]
    first = memos.add(clerk, taro, WORDS)
    second = memos.edit(supervisor, taro, str(first.memo_id), 1, WORDS + "（令和8年12月まで）")
    assert memos.memos_of(taro)[0].latest.text.endswith("（令和8年12月まで）")
    memos.delete(clerk, taro, str(first.memo_id), 2)
    assert memos.memos_of(taro) == []
    (kept,) = memos.memos_of(taro, with_deleted=True)
    assert [(v.version, v.operation, v.written_by_id) for v in reversed(kept.versions)] == [
        (1, "add", clerk.pk), (2, "edit", supervisor.pk), (3, "delete", clerk.pk)]
    assert first.written_at <= second.written_at <= kept.latest.written_at
    entries = AuditEntry.objects.filter(action=memos.ACTION, resource=f"resident:{taro}")
    assert sorted(e.detail["operation"] for e in entries) == ["add", "delete", "edit"]
    assert not any(WORDS in str(e.detail) for e in entries)


def test_versions_are_never_changed_nor_removed(household: Any, clerk: Any) -> None:
    """Independent (j150 履歴管理): the database itself refuses to overwrite or delete a version."""
    row = memos.add(clerk, household.atena_numbers[0], WORDS)
    for attempt in (lambda: ResidentMemo.objects.filter(pk=row.pk).update(text="書き換え"),
                    lambda: ResidentMemo.objects.filter(pk=row.pk).delete()):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert ResidentMemo.objects.get(pk=row.pk).text == WORDS


def test_an_edit_of_a_version_already_changed_is_refused(household: Any, clerk: Any, supervisor: Any) -> None:
    """Bad input: two clerks edit the same memo; the second, on the version they saw, is told to look again."""
    taro = household.atena_numbers[0]
    row = memos.add(clerk, taro, WORDS)
    memos.edit(supervisor, taro, str(row.memo_id), 1, "修正A")
    with pytest.raises(RegistryError) as info:
        memos.edit(clerk, taro, str(row.memo_id), 1, "修正B")
    assert info.value.code == "memo_changed"
    with pytest.raises(RegistryError) as info:
        memos.delete(clerk, taro, "not-a-uuid", 1)
    assert info.value.code == "memo_gone"
    assert [v.text for v in memos.memos_of(taro)[0].versions] == ["修正A", WORDS]


def test_never_on_a_certificate_nor_sent_out(household: Any, clerk: Any, supervisor: Any, tmp_path: Any) -> None:
    """Independent (j150 「証明書に出力されないこと」; 備考 is not a memo): the 住民票の写し, the standard CSV and the
    hub's outbox of a later 異動 carry none of the memo's words."""
    taro = household.atena_numbers[0]
    memos.add(clerk, taro, WORDS)
    apply(CorrectRecord(moved_on=household.change.moved_on, atena_number=taro, kind="minor",
                        changes={"kana": "アオキ タロー"}), actor=clerk)
    issued = issue(actor=clerk, setai_number=household.setai_numbers[0], requester_kind="self",
                   request=CertificateRequest(CertificateFormat.SETAI_RENKI, tuple(household.atena_numbers)))
    assert WORDS not in "".join("".join(pdf_pages(issued.pdf, tmp_path)).split())
    assert WORDS not in export(actor=supervisor, kind="full").data.decode()
    assert OutboxEvent.objects.exists()
    assert not any(WORDS in str(e.payload) for e in OutboxEvent.objects.all())


def test_no_memo_on_someone_hidden(household: Any, clerk: Any, protect: Any) -> None:
    """Consistency (3.1 照会抑止): a memo cannot be written on a person the clerk may not see; refused, audited."""
    hanako = household.atena_numbers[1]
    protect(hanako, "view")
    with pytest.raises(SuppressedError):
        memos.add(clerk, hanako, WORDS)
    assert not ResidentMemo.objects.exists()
    assert AuditEntry.objects.filter(resource=f"resident:{hanako}", outcome="refused", detail__via="memo").exists()
