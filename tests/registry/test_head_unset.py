"""世帯主未設定 on PostgreSQL (標準仕様書 1.1.10 j100, 4.0.5 j500): held, sent on, printed, noticed.

j100: 「世帯主未設定を許容すること。世帯主未設定の場合は、世帯主未設定の状態で他システムへ連携ができること。」
j500: 「職権で世帯主を定めない場合、世帯主変更依頼通知書と対象者リストが出力できること。…残った世帯員から、5.2（世帯員の並び
順）に基づき、世帯主が消除される前の状態で住民票上記載される最上位の世帯員に送付すること。」
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.common.wareki import to_wareki
from jichitai.registry import head_notices
from jichitai.registry.certificates.services import issue
from jichitai.registry.certificates.snapshot import CertificateFormat, CertificateKind, CertificateRequest
from jichitai.registry.domain import (
    ChangeHouseholdHead,
    NewPerson,
    RecordDeath,
    RecordMoveOut,
    RegistryError,
)
from jichitai.registry.exports import csvfile
from jichitai.registry.exports.layout import HEADER
from jichitai.registry.exports.services import export, validate
from jichitai.registry.models import Household, OutboxEvent, Resident, ResidentHistory
from jichitai.registry.services import apply
from tests.registry.certificates.factories import pdf_pages
from tests.registry.conftest import move_in_command

pytestmark = pytest.mark.django_db
DIED = dt.date(2026, 11, 10)


@pytest.fixture
def family(towns: Any, clerk: Any) -> dict[str, str]:
    """世帯主 太郎, 母 梅 (born first), 妻 花子 and 子 一郎; 太郎 dies and no one is named (世帯主を定めない)."""
    applied = apply(move_in_command(persons=(
        NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"),
        NewPerson("青木 梅", "アオキ ウメ", dt.date(1950, 3, 3), "F", "母"),
        NewPerson("青木 花子", "アオキ ハナコ", dt.date(1982, 12, 30), "F", "妻"),
        NewPerson("青木 一郎", "アオキ イチロウ", dt.date(2010, 5, 5), "M", "子"),
    )), actor=clerk)
    people = {e.after.name.split()[1]: e.after.atena_number for e in applied.change.entries}
    people["setai"] = applied.setai_numbers[0]
    apply(RecordDeath(moved_on=DIED, notified_on=DIED, atena_number=people["太郎"], without_head=True), actor=clerk)
    return people


def _text(pdf: bytes, tmp_path: Any) -> str:
    return "".join("".join(pdf_pages(pdf, tmp_path)).split())


def test_held_and_sent_on_without_a_head(family: dict[str, str]) -> None:
    """Independent (j100 「世帯主未設定の状態で他システムへ連携ができること」): the household row names no 世帯主 (not
    another member), and the 死亡's event tells the systems its household is left without one."""
    hh = Household.objects.get(pk=family["setai"])
    assert hh.head_atena_number == "" and hh.member_count == 3 and hh.town_code == "281100001"
    death = ResidentHistory.objects.get(atena_number=family["太郎"], status="removed").change_id
    (event,) = OutboxEvent.objects.filter(change_id=death)
    assert event.payload["head_unset"] == [family["setai"]]
    assert not Resident.objects.filter(setai_number=family["setai"], relationship="世帯主", status="active").exists()


def test_standard_csv_says_so_and_reads_back(family: dict[str, str], supervisor: Any, clerk: Any) -> None:
    """Independent (j100): the 全件 file carries 「世帯主未設定」 = 1 on each remaining member, none on the 除票; the same
    file is a valid migration file (the household is loaded without a 世帯主, not refused as one without its head)."""
    data = export(actor=supervisor, kind="full").data
    table = csvfile.decode(data, "utf-8")
    col, atena = table[0].index("世帯主未設定"), table[0].index("宛名番号")
    flags = {row[atena]: row[col] for row in table[1:]}
    assert {flags[family[n]] for n in ("梅", "花子", "一郎")} == {"1"} and flags[family["太郎"]] == ""
    assert "世帯主未設定" in HEADER
    _, errors = validate(table)  # the migration's checks (import_csv refuses a registry that is not empty)
    assert errors == []
    table[1 + [r[atena] for r in table[1:]].index(family["花子"])][col] = ""
    _, errors = validate(table)
    assert any("世帯主未設定" in str(e) for e in errors)


def test_certificate_prints_head_unset_never_another_member(family: dict[str, str], clerk: Any,
                                                           tmp_path: Any) -> None:
    """Independent (j100; 住基法第7条第4号 世帯主の氏名): the 住民票の写し of the household prints 「世帯主未設定」, not
    the first member's name; a 除票 of a member who left it afterwards too, never the former 世帯主."""
    members = (family["梅"], family["花子"], family["一郎"])
    issued = issue(actor=clerk, setai_number=family["setai"],
                   request=CertificateRequest(CertificateFormat.SETAI_RENKI, members), requester_kind="self")
    text = _text(issued.pdf, tmp_path)
    assert "世帯主（世帯主未設定）" in text and "世帯主青木梅" not in text
    apply(RecordMoveOut(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 20),
                        atena_numbers=(family["一郎"],), destination_address="京都府京都市中京区",
                        destination_municipality_code="26104"), actor=clerk)
    left = issue(actor=clerk, setai_number=family["setai"], requester_kind="self",
                 request=CertificateRequest(CertificateFormat.SETAI_RENKI, (family["一郎"],),
                                            kind=CertificateKind.JOSHUHYO))
    text = _text(left.pdf, tmp_path)
    assert "世帯主（世帯主未設定）" in text and "青木太郎" not in text


def test_request_notice_to_the_top_member_and_the_list(family: dict[str, str], clerk: Any, tmp_path: Any) -> None:
    """Independent (j500): the 世帯主変更依頼通知書 goes to the remaining member first in the 5.2 order as the
    住民票 stood before the 消除 (妻 花子 ranks before 母 梅, who is older), names the former 世帯主, the day and the
    異動; the 対象者リスト lists the household. Both audited."""
    notice = head_notices.headless(family["setai"])
    assert notice.addressee.name == "青木 花子"
    text = _text(head_notices.notice_pdf(clerk, family["setai"], "request"), tmp_path)
    assert "世帯主変更依頼通知書" in text and "青木花子様" in text
    assert "青木太郎" in text and to_wareki(DIED).replace(" ", "") in text and "死亡" in text
    assert "住民基本台帳法第25条" in text and "兵庫県神戸市中央区加納町1番地" in text
    listed = head_notices.target_list(clerk)
    assert [h.setai_number for h in listed] == [family["setai"]]
    text = _text(head_notices.list_pdf(clerk), tmp_path)
    assert "世帯主不在世帯対象者リスト" in text and family["setai"] in text and "青木花子（妻）" in text
    assert AuditEntry.objects.filter(action=head_notices.ACTION, resource=f"household:{family['setai']}",
                                     detail__kind="request", detail__addressee=family["花子"]).exists()


def test_change_notice_after_the_head_is_named(family: dict[str, str], clerk: Any, tmp_path: Any) -> None:
    """Independent (j500 「職権で世帯主を定めた場合、世帯主変更通知書を出力することができること」): after a 世帯主変更
    the household leaves the list, the 依頼通知書 is refused and the 世帯主変更通知書 names the new 世帯主."""
    apply(ChangeHouseholdHead(moved_on=dt.date(2026, 11, 24), notified_on=dt.date(2026, 11, 24),
                              setai_number=family["setai"], new_head=family["花子"],
                              relationships={family["梅"]: "夫の母", family["一郎"]: "子"}), actor=clerk)
    assert Household.objects.get(pk=family["setai"]).head_atena_number == family["花子"]
    assert head_notices.target_list(clerk) == []
    with pytest.raises(RegistryError) as info:
        head_notices.notice_pdf(clerk, family["setai"], "request")
    assert info.value.code == "has_head"
    text = _text(head_notices.notice_pdf(clerk, family["setai"], "change"), tmp_path)
    assert "世帯主変更通知書" in text and "青木花子様" in text and "新しい世帯主青木花子" in text
    assert "世帯主変更" in text


def test_change_notice_refused_for_a_head_since_entry(towns: Any, clerk: Any) -> None:
    """Consistency: a household whose 世帯主 has headed it from its 転入 gets no 世帯主変更通知書."""
    applied = apply(move_in_command(), actor=clerk)
    with pytest.raises(RegistryError) as info:
        head_notices.notice_pdf(clerk, applied.setai_numbers[0], "change")
    assert info.value.code == "head_from_entry"
