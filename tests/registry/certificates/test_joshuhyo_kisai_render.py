"""住民票の除票の写し, 住民票記載事項証明書 and 住民票除票記載事項証明書, planned and rendered from hand-built snapshots.

Spec items: 5.1 証明書記載事項 (j1000: the four certificates, members and omission switches, 認証文 on the last page,
発行番号), 1.1.5 除票 (j50: 消除事由, 事由の生じた年月日, 転出先住所（予定）), 5.4 方書 (j1030: left out of a
記載事項証明書 only when asked), 5.5 発行番号 (j1040), 1.1.9 和暦 (j90). Legal basis: 住民基本台帳法第15条の4
(除票の写し・除票記載事項証明書), 第12条第1項 (住民票記載事項証明書)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

from jichitai.registry.certificates.layout import (
    CERT_JOSHUHYO,
    CERT_JOSHUHYO_KISAI_JIKO,
    CERT_KISAI_JIKO,
    CERT_PART,
    CERT_WHOLE,
    plan,
)
from jichitai.registry.certificates.render import render
from jichitai.registry.certificates.snapshot import (
    DEFAULT_OMIT,
    Certificate,
    CertificateFormat,
    CertificateKind,
    CertificateRequest,
    HouseholdSnapshot,
    Item,
    Omit,
    Removal,
)
from tests.registry.certificates.factories import certificate, household

D = dt.date
MOVED = Removal("国内転出", D(2026, 10, 31), D(2026, 10, 20), "東京都千代田区千代田1番1号")
DIED = Removal("死亡", D(2026, 9, 3), D(2026, 9, 5), by_death=True)


def flat(text: str) -> str:
    return "".join(text.split())


def former(removal: Removal = MOVED, n_children: int = 0) -> HouseholdSnapshot:
    """A household whose members all left by the same 転出 (or one 死亡)."""
    hh = household(n_children=n_children, foreigner=False)
    return replace(hh, members=tuple(replace(m, removal=removal) for m in hh.members))


def joshuhyo(hh: HouseholdSnapshot | None = None, **kw: Any) -> Certificate:
    return certificate(hh or former(), kind=CertificateKind.JOSHUHYO, **kw)


def kisai(items: frozenset[Item], hh: HouseholdSnapshot | None = None,
          kind: CertificateKind = CertificateKind.KISAI_JIKO, **choices: bool) -> Certificate:
    cert = certificate(hh or household(n_children=1, foreigner=False))
    return replace(cert, request=CertificateRequest.of_items(kind, cert.request.format, cert.request.members, items,
                                                             **choices))


def test_joshuhyo_prints_the_removal_items_and_its_certification(pages_of: Any) -> None:
    """j50: 消除事由, the day (a 転出: the 転出予定年月日), 転出先住所（予定）; j1000: the 除票's 認証文, 発行番号, 和暦."""
    pages = [flat(p) for p in pages_of(render(joshuhyo()))]
    assert len(pages) == 1
    page = pages[0]
    assert page.startswith("住民票の除票の写し") or "住民票の除票の写し" in page
    assert "消除事由国内転出" in page and "消除年月日令和8年10月31日" in page
    assert "消除の届出日令和8年10月20日" in page and "転出先住所（予定）東京都千代田区千代田1番1号" in page
    assert flat(CERT_JOSHUHYO) in page
    assert flat(CERT_WHOLE) not in page and flat(CERT_PART) not in page   # not the 住民票's own text
    assert "20261126神戸市本庁1000000111/1" in page and "兵庫県神戸市長久元喜造" in page
    assert "昭和55年4月1日" in page and "1980年" not in page                 # j90 和暦
    assert "世帯主神戸太郎" in page and "神戸花子" in page


def test_joshuhyo_keeps_the_omission_switches_of_the_juminhyo(pages_of: Any) -> None:
    """j1000: 本籍・筆頭者, 住民票コード, 個人番号 left out unless asked; 世帯主・続柄 can be left out."""
    text = flat("".join(pages_of(render(joshuhyo()))))
    for absent in ("本籍", "個人番号", "123456789018", "住民票コード", "98765432109"):
        assert absent not in text, absent
    everything = flat("".join(pages_of(render(joshuhyo(omit=frozenset())))))
    assert "個人番号123456789018" in everything and "本籍兵庫県神戸市中央区加納町六丁目5番地" in everything
    no_head = flat("".join(pages_of(render(joshuhyo(omit=DEFAULT_OMIT | {Omit.SETAINUSHI})))))
    assert "世帯主" not in no_head and "続柄" not in no_head


def test_joshuhyo_after_a_death_names_no_destination(pages_of: Any) -> None:
    page = flat(pages_of(render(joshuhyo(former(DIED), members=("000000000000019",))))[0])
    assert "消除事由死亡" in page and "消除年月日令和8年9月3日" in page
    assert "転出先" not in page and "神戸花子" not in page


def test_joshuhyo_on_several_pages_certifies_on_the_last_only(pages_of: Any) -> None:
    """j1000: 複葉 → 認証文 only on the last page; 発行番号 k/N on each."""
    pages = [flat(p) for p in pages_of(render(joshuhyo(former(n_children=3))))]
    assert len(pages) == 2
    assert flat(CERT_JOSHUHYO) not in pages[0] and flat(CERT_JOSHUHYO) in pages[1]
    assert "000000111/2" in pages[0] and "000000112/2" in pages[1]


def test_joshuhyo_kojin_one_certificate_and_number_per_person(pages_of: Any) -> None:
    pages = [flat(p) for p in pages_of(render(joshuhyo(fmt=CertificateFormat.KOJIN)))]
    assert len(pages) == 2 and all(flat(CERT_JOSHUHYO) in p and "消除事由国内転出" in p for p in pages)
    assert "000000111/1" in pages[0] and "000000121/1" in pages[1]


def test_kisai_jiko_prints_only_the_chosen_items() -> None:
    """The plan of a 記載事項証明書 holds 氏名 and the chosen items' cells, nothing else."""
    layout = plan(kisai(frozenset({Item.BIRTH_DATE, Item.ADDRESS})), per_page=4)
    assert layout.title == "住民票記載事項証明書"
    page = layout.pages[0]
    assert [c[0] for r in page.household_rows for c in r.cells] == ["住所"]
    for block in page.people:
        assert [c[0] for r in block.rows for c in r.cells] == ["氏名", "生年月日"]
    assert page.certification is not None and page.certification["text"] == CERT_KISAI_JIKO


def test_kisai_jiko_pdf_and_the_katagaki_switch(pages_of: Any) -> None:
    """j1030: the 方書 is printed unless the 記載事項証明書's request leaves it out."""
    items = frozenset({Item.BIRTH_DATE, Item.SEX, Item.ADDRESS, Item.KATAGAKI, Item.SETAINUSHI,
                       Item.RELATIONSHIP, Item.BECAME_RESIDENT})
    page = flat(pages_of(render(kisai(items)))[0])
    assert page.startswith("住民票記載事項証明書") or "住民票記載事項証明書" in page
    assert "住所兵庫県神戸市中央区加納町六丁目5番1号神戸ハイツ201号" in page and "世帯主神戸太郎" in page
    assert "生年月日昭和55年4月1日" in page and "性別男" in page and "続柄妻" in page
    assert "住民となった年月" in page and "平成22年5月6日" in page   # the label wraps in its cell
    for absent in ("転入前住所", "住所を定めた年月日", "届出日", "旧氏", "本籍", "個人番号"):
        assert absent not in page, absent
    assert flat(CERT_KISAI_JIKO) in page and flat(CERT_PART) not in page
    without = flat(pages_of(render(kisai(frozenset({Item.ADDRESS}))))[0])
    assert "加納町六丁目5番1号" in without and "神戸ハイツ" not in without
    assert "生年月日" not in without and "性別" not in without and "世帯主" not in without


def test_kisai_jiko_of_a_joshuhyo_prints_the_removal_only_when_chosen(pages_of: Any) -> None:
    kind = CertificateKind.JOSHUHYO_KISAI_JIKO
    with_removal = flat(pages_of(render(kisai(frozenset({Item.ADDRESS, Item.REMOVAL, Item.DESTINATION}), former(),
                                              kind)))[0])
    assert "住民票除票記載事項証明書" in with_removal and flat(CERT_JOSHUHYO_KISAI_JIKO) in with_removal
    assert "消除事由国内転出" in with_removal and "転出先住所（予定）東京都千代田区千代田1番1号" in with_removal
    plain = flat(pages_of(render(kisai(frozenset({Item.ADDRESS}), former(), kind)))[0])
    assert "消除" not in plain.replace(flat(CERT_JOSHUHYO_KISAI_JIKO), "") and "転出先" not in plain


def test_official_use_mark_on_every_kind(pages_of: Any) -> None:
    """j1060: 「公用」 on the 除票の写し and the 記載事項証明書 (and 除票記載事項証明書) too."""
    for cert in (joshuhyo(official_use=True), kisai(frozenset({Item.ADDRESS}), official_use=True),
                 kisai(frozenset({Item.ADDRESS}), former(), CertificateKind.JOSHUHYO_KISAI_JIKO, official_use=True)):
        assert "公用" in flat(pages_of(render(cert))[0]), cert.request.kind
    assert "公用" not in flat(pages_of(render(kisai(frozenset({Item.ADDRESS}))))[0])


def test_a4_portrait_with_the_project_font(tmp_path: Path) -> None:
    """DESIGN: PDF, A4縦, the Japanese font the project installs (IPAex), embedded."""
    for cert in (joshuhyo(), kisai(frozenset({Item.ADDRESS}))):
        pdf = tmp_path / "c.pdf"
        pdf.write_bytes(render(cert))
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout
        assert re.search(r"Page size:\s+595\.2\d* x 841\.89 pts \(A4\)", info), info
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True).stdout
        assert "IPAex" in fonts and " yes " in fonts, fonts
