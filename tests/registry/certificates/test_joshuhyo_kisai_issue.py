"""Issuing the 住民票の除票の写し, the 住民票記載事項証明書 and the 住民票除票記載事項証明書 through the issuance
service on PostgreSQL: recorded in 交付履歴 (j300) and audited like the 住民票の写し, refused with the reason (and
audited) for a person on the other kind of record, 発行抑止 (j410) and 支援措置 (j440) enforced the same way.

Legal basis: 住民基本台帳法第15条の4 (除票の写し・除票記載事項証明書; 第2項 公用, 第3項 第三者: 除票基礎証明事項
only), 第12条第1項 (住民票記載事項証明書), 第12条の3 (第三者請求)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jichitai.audit.models import AuditEntry
from jichitai.common.wareki import to_wareki
from jichitai.registry.access import issuances_of
from jichitai.registry.certificates.layout import CERT_JOSHUHYO, CERT_JOSHUHYO_KISAI_JIKO, CERT_KISAI_JIKO
from jichitai.registry.certificates.services import issue
from jichitai.registry.certificates.snapshot import (
    DEFAULT_OMIT,
    CertificateFormat,
    CertificateKind,
    CertificateRequest,
    Item,
    Omit,
)
from jichitai.registry.domain import RecordDeath, RecordMoveOut, RecordMoveWithin, RegistryError
from jichitai.registry.domain.errors import SuppressedError
from jichitai.registry.models import CertificateIssuance, Resident, Suppression
from jichitai.registry.services import apply
from tests.registry.certificates.factories import pdf_pages

pytestmark = pytest.mark.django_db

JOSHUHYO = CertificateKind.JOSHUHYO
SETAI = CertificateFormat.SETAI_RENKI


def text_of(pdf: bytes, tmp_path: Any) -> str:
    return "".join("".join(pdf_pages(pdf, tmp_path)).split())


def move_out(household: Any, clerk: Any, people: tuple[str, ...] | None = None, days_ahead: int = 0) -> None:
    today = timezone.localdate()
    apply(RecordMoveOut(moved_on=today + dt.timedelta(days=days_ahead), notified_on=today,
                        atena_numbers=people or tuple(household.atena_numbers),
                        destination_address="東京都千代田区千代田1番1号", destination_municipality_code="13101"),
          actor=clerk, terminal="T01")


def request(members: list[str], kind: CertificateKind = JOSHUHYO, **kw: Any) -> CertificateRequest:
    return CertificateRequest(kw.pop("fmt", SETAI), tuple(members), kind=kind, **kw)


def refusals(code: str) -> list[str]:
    return sorted(e.resource for e in AuditEntry.objects.filter(action="registry.certificate.issue",
                                                                 outcome="refused", detail__code=code))


def test_joshuhyo_after_a_move_out_recorded_and_audited(household: Any, clerk: Any, tmp_path: Any) -> None:
    """j1000/j50: the 除票 of the household that moved out, with 消除事由, 消除日 and 転出先; kind joshuhyo (j300)."""
    move_out(household, clerk)
    assert set(Resident.objects.values_list("status", flat=True)) == {"removed"}
    setai = household.setai_numbers[0]
    issued = issue(actor=clerk, setai_number=setai, request=request(household.atena_numbers), requester_kind="self",
                   requester_name="青木 太郎", purpose="相続手続", terminal="本庁1")
    text = text_of(issued.pdf, tmp_path)
    assert text.startswith("住民票の除票の写し") and "青木太郎" in text and "青木花子" in text
    assert "消除事由国内転出" in text and "転出先住所（予定）東京都千代田区千代田1番1号" in text
    today = timezone.localdate()
    assert f"消除年月日{to_wareki(today)}" in text and f"消除の届出日{to_wareki(today)}" in text
    assert "住所兵庫県神戸市中央区加納町1番地" in text and "世帯主青木太郎" in text
    assert "".join(CERT_JOSHUHYO.split()) in text and "123456789018" not in text
    row = CertificateIssuance.objects.get()
    assert (row.kind, row.layout, row.setai_number, row.requester_kind) == ("joshuhyo", "setai_renki", setai, "self")
    assert row.atena_numbers == household.atena_numbers and row.issue_number.split("-")[1] in text
    entries = AuditEntry.objects.filter(action="registry.certificate.issue", outcome="ok")
    assert sorted(e.resource for e in entries) == sorted(f"resident:{a}" for a in household.atena_numbers)
    assert {e.detail["kind"] for e in entries} == {"joshuhyo"}
    assert issuances_of(household.atena_numbers[0]) == [row] and issued.filename.startswith("joshuhyo-")


def test_joshuhyo_refused_for_a_resident_and_for_a_planned_departure(household: Any, clerk: Any) -> None:
    """A 除票 exists only once the record is 消除; a 転出予定者 is still a resident (現存者, j50)."""
    setai = household.setai_numbers[0]
    with pytest.raises(RegistryError) as info:
        issue(actor=clerk, setai_number=setai, request=request(household.atena_numbers), requester_kind="self")
    assert info.value.code == "still_resident" and "現在も住民票に記載されている" in info.value.message
    assert refusals("still_resident") == sorted(f"resident:{a}" for a in household.atena_numbers)
    move_out(household, clerk, days_ahead=5)
    with pytest.raises(RegistryError, match="住民票の写し又は住民票記載事項証明書を交付してください"):
        issue(actor=clerk, setai_number=setai, request=request(household.atena_numbers[:1]), requester_kind="self")
    assert not CertificateIssuance.objects.exists()
    assert len(refusals("still_resident")) == 3


def test_joshuhyo_after_a_death(household: Any, clerk: Any, tmp_path: Any) -> None:
    """死亡: 消除事由 死亡, no 転出先; the 世帯主 the record was under; 個人番号・住民票コード never printed."""
    taro, hanako = household.atena_numbers
    apply(RecordDeath(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 21), atena_number=taro,
                      remaining_head=hanako), actor=clerk)
    setai = household.setai_numbers[0]
    issued = issue(actor=clerk, setai_number=setai, request=request([taro]), requester_kind="household")
    text = text_of(issued.pdf, tmp_path)
    assert "消除事由死亡" in text and "消除年月日令和8年11月20日" in text and "消除の届出日令和8年11月21日" in text
    assert "世帯主青木太郎" in text and "続柄世帯主" in text and "転出先" not in text and "青木花子" not in text
    with pytest.raises(RegistryError) as info:
        issue(actor=clerk, setai_number=setai, request=request([taro], omit=frozenset({Omit.HONSEKI})),
              requester_kind="household")
    assert info.value.code == "deceased_items" and "住民票コード・個人番号" in info.value.message
    # 花子 stays a resident: her 除票 does not exist, and the dead 太郎 is not on the household's 住民票
    with pytest.raises(RegistryError, match="消除されている"):
        issue(actor=clerk, setai_number=setai, request=request([taro], CertificateKind.JUMINHYO),
              requester_kind="household")
    assert CertificateIssuance.objects.count() == 1


def test_joshuhyo_of_one_who_left_names_the_head_who_stayed(household: Any, clerk: Any, tmp_path: Any) -> None:
    hanako = household.atena_numbers[1]
    move_out(household, clerk, people=(hanako,))
    issued = issue(actor=clerk, setai_number=household.setai_numbers[0], request=request([hanako]),
                   requester_kind="self")
    text = text_of(issued.pdf, tmp_path)
    assert "世帯主青木太郎" in text and "続柄妻" in text and "青木花子" in text and "氏名青木太郎" not in text


def test_several_removals_go_together_only_from_one_address(household: Any, clerk: Any, tmp_path: Any) -> None:
    """One certificate prints one 住所 and 世帯主: 除票 made at different addresses are issued one by one."""
    taro, hanako = household.atena_numbers
    apply(RecordDeath(moved_on=dt.date(2026, 11, 10), notified_on=dt.date(2026, 11, 10), atena_number=hanako),
          actor=clerk)
    apply(RecordMoveWithin(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 21), atena_numbers=(taro,),
                           town_code="281100002", banchi="2番地"), actor=clerk)
    move_out(household, clerk, people=(taro,))
    setai = household.setai_numbers[0]
    for fmt in CertificateFormat:
        with pytest.raises(RegistryError) as info:
            issue(actor=clerk, setai_number=setai, request=request([taro, hanako], fmt=fmt), requester_kind="self")
        assert info.value.code == "mixed_removals"
    died = text_of(issue(actor=clerk, setai_number=setai, request=request([hanako]), requester_kind="self").pdf,
                   tmp_path)
    left = text_of(issue(actor=clerk, setai_number=setai, request=request([taro]), requester_kind="self").pdf,
                   tmp_path)
    assert "加納町1番地" in died and "消除事由死亡" in died
    assert "三宮町2番地" in left and "消除事由国内転出" in left


def test_third_party_and_official_limits_on_a_joshuhyo(household: Any, clerk: Any, tmp_path: Any) -> None:
    """第15条の4第3項: a third party gets the 除票基礎証明事項 only (no 世帯主・続柄); 第2項: 公用 without 個人番号."""
    move_out(household, clerk)
    setai = household.setai_numbers[0]
    with pytest.raises(RegistryError, match="第15条の4第3項") as info:
        issue(actor=clerk, setai_number=setai, request=request(household.atena_numbers, third_party=True),
              requester_kind="third_party", requester_name="債権者")
    assert "世帯主・続柄" in info.value.message
    issued = issue(actor=clerk, setai_number=setai, requester_kind="third_party", requester_name="債権者",
                   request=request(household.atena_numbers, third_party=True, omit=DEFAULT_OMIT | {Omit.SETAINUSHI}))
    text = text_of(issued.pdf, tmp_path)
    assert "世帯主" not in text and "続柄" not in text and "消除事由国内転出" in text
    with pytest.raises(RegistryError, match="第15条の4第2項"):
        issue(actor=clerk, setai_number=setai, requester_kind="official",
              request=request(household.atena_numbers, official_use=True, omit=frozenset({Omit.HONSEKI})))
    official = issue(actor=clerk, setai_number=setai, requester_kind="official",
                     request=request(household.atena_numbers, official_use=True))
    assert "公用" in text_of(official.pdf, tmp_path)
    assert [r.requester_kind for r in CertificateIssuance.objects.order_by("issued_at")] == ["third_party", "official"]


def test_support_measure_and_issuance_suppression_hold_for_a_joshuhyo(household: Any, clerk: Any,
                                                                      supervisor: Any) -> None:
    """j440: a protected person's 除票 is never given to a third party (the person still gets it); j410 stops all."""
    taro, hanako = household.atena_numbers
    move_out(household, clerk)
    setai = household.setai_numbers[0]
    Suppression.objects.create(atena_number=hanako, kind="support", reason="DV", starts_on=dt.date(2026, 1, 1),
                               set_by=supervisor)
    third = request([hanako], third_party=True, omit=DEFAULT_OMIT | {Omit.SETAINUSHI})
    with pytest.raises(SuppressedError, match="支援措置"):
        issue(actor=clerk, setai_number=setai, request=third, requester_kind="third_party", requester_name="債権者")
    assert refusals("suppressed") == [f"resident:{hanako}"]
    issue(actor=clerk, setai_number=setai, request=request([hanako]), requester_kind="self")
    Suppression.objects.create(atena_number=taro, kind="issuance", reason="調査中", starts_on=dt.date(2026, 1, 1),
                               set_by=supervisor)
    with pytest.raises(SuppressedError, match="発行抑止"):
        issue(actor=clerk, setai_number=setai, request=request([taro]), requester_kind="self")
    assert CertificateIssuance.objects.count() == 1


def test_kisai_jiko_prints_the_chosen_items_and_records_them(household: Any, clerk: Any, tmp_path: Any) -> None:
    """第12条第1項: the 住民票記載事項証明書 certifies the items chosen; 交付履歴 keeps them (j300 記載事項)."""
    setai = household.setai_numbers[0]
    items = frozenset({Item.BIRTH_DATE, Item.ADDRESS, Item.KATAGAKI, Item.SETAINUSHI, Item.RELATIONSHIP})
    req = CertificateRequest.of_items(CertificateKind.KISAI_JIKO, SETAI, tuple(household.atena_numbers), items)
    issued = issue(actor=clerk, setai_number=setai, request=req, requester_kind="self", purpose="勤務先提出")
    text = text_of(issued.pdf, tmp_path)
    assert text.startswith("住民票記載事項証明書") and "".join(CERT_KISAI_JIKO.split()) in text
    assert "生年月日昭和55年1月7日" in text and "住所兵庫県神戸市中央区加納町1番地" in text and "続柄妻" in text
    for absent in ("性別", "転入前住所", "住所を定めた年月日", "個人番号", "本籍", "大阪府大阪市北区"):
        assert absent not in text, absent
    row = CertificateIssuance.objects.get()
    assert row.kind == "kisai_jiko" and row.omissions["items"] == sorted(i.value for i in items)
    assert row.omissions["my_number"] is True and "setainushi" not in row.omissions
    ok = AuditEntry.objects.filter(action="registry.certificate.issue", outcome="ok")
    assert {e.detail["kind"] for e in ok} == {"kisai_jiko"} and ok.count() == 2


def test_kisai_jiko_refusals(household: Any, clerk: Any) -> None:
    """No items; a third party asking for the 個人番号 (第12条の3); a person not on the register (a 除票)."""
    taro, hanako = household.atena_numbers
    setai = household.setai_numbers[0]
    kind = CertificateKind.KISAI_JIKO
    with pytest.raises(RegistryError) as info:
        issue(actor=clerk, setai_number=setai, request=CertificateRequest.of_items(kind, SETAI, (taro,), frozenset()),
              requester_kind="self")
    assert info.value.code == "no_items"
    with pytest.raises(RegistryError, match="第12条の3"):
        issue(actor=clerk, setai_number=setai, requester_kind="third_party",
              request=CertificateRequest.of_items(kind, SETAI, (taro,), frozenset({Item.ADDRESS, Item.MY_NUMBER}),
                                                  third_party=True))
    move_out(household, clerk, people=(hanako,))
    with pytest.raises(RegistryError) as info:
        issue(actor=clerk, setai_number=setai, requester_kind="self",
              request=CertificateRequest.of_items(kind, SETAI, (hanako,), frozenset({Item.ADDRESS})))
    assert info.value.code == "not_resident" and "住民票除票記載事項証明書" in info.value.message
    assert refusals("not_resident") == [f"resident:{hanako}"]
    assert not CertificateIssuance.objects.exists()


def test_joshuhyo_kisai_jiko(household: Any, clerk: Any, tmp_path: Any) -> None:
    """第15条の4第1項 除票記載事項証明書: the chosen items of the 除票, with its 消除事由 when chosen."""
    move_out(household, clerk)
    req = CertificateRequest.of_items(CertificateKind.JOSHUHYO_KISAI_JIKO, CertificateFormat.KOJIN,
                                      tuple(household.atena_numbers), frozenset({Item.ADDRESS, Item.REMOVAL}))
    issued = issue(actor=clerk, setai_number=household.setai_numbers[0], request=req, requester_kind="self")
    pages = ["".join(p.split()) for p in pdf_pages(issued.pdf, tmp_path)]
    assert len(pages) == 2 and all("住民票除票記載事項証明書" in p and "消除事由国内転出" in p for p in pages)
    assert all("".join(CERT_JOSHUHYO_KISAI_JIKO.split()) in p and "生年月日" not in p for p in pages)
    assert [r.kind for r in issued.issuances] == ["joshuhyo_kisai_jiko"] * 2


def test_joshuhyo_prints_the_move_in_notice_received(household: Any, clerk: Any, tmp_path: Any) -> None:
    """independent: j50 (除票の記載事項 「転入通知年月日」) and j680 — once the 転入通知 is received, the 除票の写し prints
    転入通知年月日, 転出年月日（確定）and 転出先住所（確定）beside the 転出先住所（予定）, which stays."""
    from jichitai.registry import move_in_receipts

    move_out(household, clerk)
    today = timezone.localdate()
    taro = household.atena_numbers[0]
    move_in_receipts.receive(clerk, taro, notified_on=today, moved_out_on=today,
                             destination_address="東京都千代田区千代田1番1号　皇居東御苑", today=today)
    issued = issue(actor=clerk, setai_number=household.setai_numbers[0], request=request((taro,)),
                   requester_kind="self", requester_name="青木 太郎", purpose="相続手続", terminal="本庁1")
    text = text_of(issued.pdf, tmp_path)
    assert "転出先住所（予定）東京都千代田区千代田1番1号" in text
    assert f"転入通知年月日{to_wareki(today)}" in text and f"転出年月日（確定）{to_wareki(today)}" in text
    assert "転出先住所（確定）東京都千代田区千代田1番1号皇居東御苑" in text


def test_joshuhyo_kisai_jiko_prints_the_planned_day_when_chosen(household: Any, clerk: Any, tmp_path: Any) -> None:
    """Independent (j50: 除票固有の記載事項 「事由の生じた年月日（転出の場合にあっては、転出予定年月日）」 and 除票のその他の
    項目 「転出年月日（転出の場合）」; j680: the 転出予定年月日 kept beside the 転入通知's): a 転出届 for ten days ahead, a
    転入通知 saying the 転入 was today, so the 消除 took today (j50 「いずれか早い日」). The 除票記載事項証明書 prints the
    転出予定年月日 when the clerk chooses it — beside the 消除年月日 — and not when they leave it out; each 除票 item
    is chosen on its own (転出先住所（予定） without the 転入通知's items)."""
    from jichitai.registry import move_in_receipts

    today = timezone.localdate()
    planned = today + dt.timedelta(days=10)
    taro = household.atena_numbers[0]
    move_out(household, clerk, days_ahead=10)
    move_in_receipts.receive(clerk, taro, notified_on=today, moved_out_on=today,
                             destination_address="東京都千代田区千代田1番1号　皇居東御苑", today=today)
    kind = CertificateKind.JOSHUHYO_KISAI_JIKO

    def printed(items: set[Item]) -> str:
        issued = issue(actor=clerk, setai_number=household.setai_numbers[0], requester_kind="self",
                       request=CertificateRequest.of_items(kind, SETAI, (taro,), frozenset(items)))
        return text_of(issued.pdf, tmp_path)

    chosen = printed({Item.ADDRESS, Item.REMOVAL, Item.PLANNED_MOVE_OUT})
    assert f"消除年月日{to_wareki(today)}" in chosen and f"転出予定年月日{to_wareki(planned)}" in chosen
    assert "転出先" not in chosen and "転入通知" not in chosen and "消除の届出日" not in chosen
    left_out = printed({Item.ADDRESS, Item.REMOVAL, Item.DESTINATION})
    assert "転出予定年月日" not in left_out and f"消除年月日{to_wareki(today)}" in left_out
    assert "転出先住所（予定）東京都千代田区千代田1番1号" in left_out and "転出先住所（確定）" not in left_out
    alone = printed({Item.PLANNED_MOVE_OUT, Item.MOVE_IN_NOTICE})
    assert f"転出予定年月日{to_wareki(planned)}" in alone and "消除事由" not in alone
    assert f"転出年月日（確定）{to_wareki(today)}" in alone and "転出先住所（確定）東京都千代田区千代田1番1号皇居東御苑" in alone


def test_the_planned_day_on_a_removal_that_took_it(household: Any, clerk: Any, tmp_path: Any) -> None:
    """Independent (j50 事由の生じた年月日（転出の場合にあっては、転出予定年月日）): a 転出 that took effect on its
    転出予定年月日 — the 除票記載事項証明書 certifies that day as the 転出予定年月日 when it is chosen; the 除票の写し
    prints the day once, as 消除年月日 (consistency with the 写し as it was)."""
    today = timezone.localdate()
    move_out(household, clerk)
    taro = household.atena_numbers[0]
    kisai_jiko = issue(actor=clerk, setai_number=household.setai_numbers[0], requester_kind="self",
                       request=CertificateRequest.of_items(CertificateKind.JOSHUHYO_KISAI_JIKO, SETAI, (taro,),
                                                           frozenset({Item.PLANNED_MOVE_OUT})))
    assert f"転出予定年月日{to_wareki(today)}" in text_of(kisai_jiko.pdf, tmp_path)
    copy = issue(actor=clerk, setai_number=household.setai_numbers[0], request=request([taro]), requester_kind="self")
    text = text_of(copy.pdf, tmp_path)
    assert f"消除年月日{to_wareki(today)}" in text and "転出予定年月日" not in text
