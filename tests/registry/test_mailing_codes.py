"""郵便物送付コード (住民記録システム標準仕様書 1.1.19, j190) on PostgreSQL: kept per person with every setting, used by
the one 送付先 maker (registry/mailing.py) on the registry's and the tax office's mail, in the standard CSV.

j190: 「郵便物送付コード（例：外国人住民について、郵便物の送付先の記載として通称のみを希望するか、本名のみを希望するか。）
を管理すること。」
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, transaction

from jichitai.audit.models import AuditEntry
from jichitai.registry import code_notices, mailing_codes
from jichitai.registry.domain import NewPerson
from jichitai.registry.domain.commands import RecordMoveOut
from jichitai.registry.domain.errors import RegistryError, SuppressedError
from jichitai.registry.exports import csvfile, services
from jichitai.registry.exports.layout import HEADER
from jichitai.registry.models import MailingCodeSetting
from jichitai.registry.services import SystemActor, apply
from jichitai.tax.addressee import mailing_address
from tests.registry.certificates.factories import pdf_pages
from tests.registry.conftest import move_in_command
from tests.registry.exports.test_roundtrip import empty_registry

pytestmark = pytest.mark.django_db
NAME, TSUSHO = "WANG LI", "王 麗"


@pytest.fixture
def wang(towns: Any, clerk: Any) -> str:
    """A 外国人住民 with a 通称 and a 住民票コード (the code notice prints it)."""
    return apply(move_in_command(persons=(NewPerson(
        NAME, "ワン リー", dt.date(1995, 2, 3), "F", "世帯主", resident_kind="foreign", nationality="中国",
        residence_status="留学", residence_period="2年", residence_until=dt.date(2027, 3, 31),
        residence_card_number="AB12345678CD", tsusho=TSUSHO, tsusho_kana="オウ レイ", juminhyo_code="12345678903"),),
    ), actor=clerk).atena_numbers[0]


def flat(pdf: bytes, tmp_path: Path) -> str:
    return "".join("".join(pdf_pages(pdf, tmp_path)).split())


def test_tsusho_only_is_the_name_on_the_registry_and_tax_mail(wang: str, clerk: Any, tmp_path: Path) -> None:
    """Independent (j190 「郵便物の送付先の記載として通称のみを希望する」): once 通称のみ is recorded, the 住民票コード通知票
    is addressed to 「王 麗 様」 and the tax office's 送付先 names 王 麗; before, and after 本名のみ, both carry the 本名.
    The notice's own 氏名 row still prints the 本名 (the record, not the envelope)."""
    assert mailing_address(wang)["name"] == NAME
    mailing_codes.set_code(clerk, wang, "tsusho")
    assert mailing_address(wang)["name"] == TSUSHO
    text = flat(code_notices.issue(actor=clerk, atena_number=wang, history_no=1).pdf, tmp_path)
    assert "王麗様" in text and "WANGLI様" not in text and "WANGLI" in text
    mailing_codes.set_code(clerk, wang, "legal_name")
    assert mailing_address(wang)["name"] == NAME


def test_every_setting_kept_with_who_and_when_and_audited(wang: str, clerk: Any, supervisor: Any) -> None:
    """Consistency (our keeping: a new row per setting, never an overwrite): two settings by two staff, the latest in
    force, both listed latest first; each audited with before and after; the database refuses to change a row."""
    mailing_codes.set_code(clerk, wang, "tsusho")
    mailing_codes.set_code(supervisor, wang, "legal_name")
    assert mailing_codes.code_of(wang).value == "legal_name"
    rows = mailing_codes.history_of(wang)
    assert [r.code for r in rows] == ["legal_name", "tsusho"] and rows[0].set_at >= rows[1].set_at
    assert rows[1].set_by.startswith(clerk.full_name) and rows[0].set_by.startswith(supervisor.full_name)
    audits = AuditEntry.objects.filter(action=mailing_codes.ACTION, resource=f"resident:{wang}").order_by("seq")
    assert [(a.detail["before"], a.detail["after"]) for a in audits] == [("", "tsusho"), ("tsusho", "legal_name")]
    for attempt in (lambda: MailingCodeSetting.objects.filter(pk=rows[0].pk).update(code=""),
                    lambda: MailingCodeSetting.objects.filter(pk=rows[0].pk).delete()):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()


def test_refusals_keep_nothing(wang: str, household: Any, clerk: Any, protect: Any) -> None:
    """Bad input, each refused in Japanese with nothing recorded: 通称のみ for a 日本人住民 without a 通称 (j190's
    wish is about a 通称 held), a code that is none of the three, the code already in force, a 消除された方, and a
    person under 照会抑止 (3.1: setting it shows the record)."""
    taro, hanako = household.atena_numbers
    cases = [(taro, "tsusho", "no_tsusho"), (taro, "both", "invalid_mailing_code"), (taro, "", "no_change")]
    for atena, value, code in cases:
        with pytest.raises(RegistryError) as info:
            mailing_codes.set_code(clerk, atena, value)
        assert info.value.code == code
    apply(RecordMoveOut(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 20), atena_numbers=(hanako,),
                        destination_address="東京都千代田区千代田1番", destination_municipality_code="13101"),
          actor=clerk)
    with pytest.raises(RegistryError) as info:
        mailing_codes.set_code(clerk, hanako, "legal_name")
    assert info.value.code == "removed"
    protect(wang, kind="view")
    with pytest.raises(SuppressedError):
        mailing_codes.set_code(clerk, wang, "tsusho")
    assert not MailingCodeSetting.objects.exists()


def test_standard_csv_carries_the_code_and_reads_it_back(wang: str, household: Any, clerk: Any) -> None:
    """Consistency (the column is ours, 「郵便物送付コード」 marked extension: the 基本データリスト at hand names no
    such item): the 全件 file says 2 (通称のみ) for the person who chose it and nothing for the others; a migration
    loads it back as that person's setting; a 2 for someone without a 通称 is refused with its line."""
    mailing_codes.set_code(clerk, wang, "tsusho")
    operator = SystemActor("test-migration")
    data = services.export(actor=operator, include_my_number=True, include_protected=True).data
    rows = csvfile.decode(data, "utf-8")
    col = HEADER.index("郵便物送付コード")
    by_atena = {r[HEADER.index("宛名番号")]: r[col] for r in rows[1:]}
    assert by_atena == {wang: "2", **dict.fromkeys(household.atena_numbers, "")}
    empty_registry()
    services.import_csv(data, actor=operator)
    assert mailing_codes.code_of(wang).value == "tsusho"
    assert services.export(actor=operator, include_my_number=True, include_protected=True).data == data
    bad = [list(r) for r in rows]
    taro_line = next(i for i, r in enumerate(bad) if r[HEADER.index("宛名番号")] == household.atena_numbers[0])
    bad[taro_line][col] = "2"
    _, errors = services.validate(bad)
    assert [e.line for e in errors if e.item == "郵便物送付コード"] == [taro_line + 1]  # (his household's rows fail too)


def test_the_receipt_notice_to_the_mover_follows_the_code(towns: Any, clerk: Any) -> None:
    """Independent (j190 通称のみ; j580 「宛先は異動前住所・届出人本人」, 「異動後住所・異動者本人」): the 住民異動届受理通知 to
    the 異動者 — at the new address, or at the former one when they filed it themself (本人届出) — is addressed to the
    通称 once 通称のみ is recorded; the 届出人氏名 and 異動者氏名 it certifies stay the 氏名."""
    from jichitai.registry import receipt_notices

    moved = apply(move_in_command(persons=(NewPerson(
        NAME, "ワン リー", dt.date(1995, 2, 3), "F", "世帯主", resident_kind="foreign", nationality="中国",
        residence_status="留学", residence_period="2年", residence_until=dt.date(2027, 3, 31),
        residence_card_number="AB12345678CD", tsusho=TSUSHO, tsusho_kana="オウ レイ"),)), actor=clerk)
    wang = moved.atena_numbers[0]
    assert receipt_notices.prepare(clerk, moved.change_id, to_person=True)[0].to.name == NAME
    mailing_codes.set_code(clerk, wang, "tsusho")
    assert receipt_notices.prepare(clerk, moved.change_id, to_person=True)[0].to.name == TSUSHO
    to_former = receipt_notices.prepare(clerk, moved.change_id)[0]
    assert to_former.to.name == TSUSHO and to_former.notifier_name == NAME and to_former.mover_names == (NAME,)
