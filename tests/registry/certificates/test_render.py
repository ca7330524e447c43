"""住民票の写し PDF, checked on the text poppler extracts.

Spec items: 5.1 証明書記載事項 (j1000), 5.5 発行番号 (j1040), 1.1.9 年月日の表示 (j90), 5.2 世帯員の並び順 (j1010),
5.8 文字溢れ対応 (j1070)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from jichitai.registry.certificates.layout import CERT_PART, CERT_WHOLE
from jichitai.registry.certificates.render import TEMPLATE, CertificateOverflow, render
from jichitai.registry.certificates.snapshot import CertificateFormat, Omit
from tests.registry.certificates.factories import certificate, household, person


def flat(text: str) -> str:
    return "".join(text.split())


def test_setai_renki_whole_household_two_pages_certification_on_last_only(pages_of):
    pages = [flat(p) for p in pages_of(render(certificate()))]
    assert len(pages) == 2  # five people, four a page
    assert all("住民票の写し" in p for p in pages)
    assert "20261126神戸市本庁1000000111/2" in pages[0] and "20261126神戸市本庁1000000112/2" in pages[1]
    assert flat(CERT_WHOLE) not in pages[0] and "久元喜造" not in pages[0]
    assert flat(CERT_WHOLE) in pages[1] and "兵庫県神戸市長久元喜造" in pages[1]
    assert "令和8年11月26日" in pages[1]


def test_dates_in_wareki_and_foreign_birth_date_in_seireki(pages_of):
    text = flat("".join(pages_of(render(certificate()))))
    assert "昭和55年4月1日" in text           # 世帯主 born 1980-04-01
    assert "平成24年1月8日" in text           # a child born 2012-01-08
    assert "1980年" not in text
    assert "1995年2月3日" in text             # j90: a foreign resident's birth date in 西暦
    assert "平成7年2月3日" not in text
    assert "2027年3月31日" in text            # 在留期間の満了の日 in 西暦


def test_default_omits_honseki_juminhyo_code_and_my_number(pages_of):
    text = flat("".join(pages_of(render(certificate()))))
    absent_items = ("本籍", "筆頭者", "住民票コード", "個人番号", "123456789018", "98765432109", "加納町六丁目5番地")
    for absent in absent_items:
        assert absent not in text, absent
    assert "続柄" in text and "世帯主神戸太郎" in text


def test_everything_printed_when_nothing_is_omitted(pages_of):
    text = flat("".join(pages_of(render(certificate(omit=frozenset())))))
    for present in ("本籍", "兵庫県神戸市中央区加納町六丁目5番地", "筆頭者", "個人番号123456789018",
                    "住民票コード98765432109", "AB12345678CD", "国籍・地域中国"):
        assert present in text, present


def test_omitting_head_and_relationship(pages_of):
    text = flat("".join(pages_of(render(certificate(omit=frozenset({Omit.SETAINUSHI, Omit.MY_NUMBER}))))))
    assert "続柄" not in text and "世帯主" not in text and "長男" not in text and "同居人" not in text


def test_foreign_items_can_be_omitted(pages_of):
    omit = frozenset({Omit.NATIONALITY, Omit.ZAIRYU, Omit.ZAIRYU_CARD, Omit.HONSEKI, Omit.MY_NUMBER,
                      Omit.JUMINHYO_CODE})
    text = flat("".join(pages_of(render(certificate(omit=omit)))))
    for absent in ("国籍", "在留資格", "留学", "AB12345678CD", "2027年3月31日"):
        assert absent not in text, absent


def test_selected_members_only_and_partial_certification_text(pages_of):
    hh = household()
    pages = [flat(p) for p in pages_of(render(certificate(hh, members=("000000000000027",))))]
    assert len(pages) == 1
    assert "神戸花子" in pages[0] and "WANGLI" not in pages[0] and "神戸子1" not in pages[0]
    assert flat(CERT_PART) in pages[0] and "世帯全員" not in pages[0]


def test_kojin_one_certificate_per_person_each_with_its_number_and_certification(pages_of):
    chosen = ("000000000000019", "000000000000051")
    pages = [flat(p) for p in pages_of(render(certificate(fmt=CertificateFormat.KOJIN, members=chosen)))]
    assert len(pages) == 2
    assert "個人票" in pages[0]
    assert "000000111/1" in pages[0] and "000000121/1" in pages[1]
    assert "神戸太郎" in pages[0] and "WANGLI" not in pages[0]
    assert "WANGLI" in pages[1]
    assert all(flat(CERT_PART) in p and "久元喜造" in p for p in pages)


def test_members_in_the_standard_order(pages_of):
    """j1010: 世帯主, 配偶者, 子 (birth order), then 同居人 (第4順位) — whatever order the snapshot lists."""
    hh = household()
    shuffled = replace(hh, members=tuple(reversed(hh.members)))
    text = flat("".join(pages_of(render(certificate(shuffled)))))
    positions = [text.index(n) for n in ("神戸太郎", "神戸花子", "神戸子1", "神戸子2", "WANGLI")]
    assert positions == sorted(positions)


def test_official_use_mark(pages_of):
    assert "公用" in flat(pages_of(render(certificate(official_use=True)))[0])


def test_furigana_in_brackets_when_asked(pages_of):
    assert "神戸太郎（コウベタロウ）" in flat(pages_of(render(certificate(furigana=True)))[0])


def test_long_content_moves_people_to_more_pages_and_numbers_stay_right(pages_of):
    """j1070: a page that overflows is re-planned; every page still carries k/N of the real page count."""
    long_remarks = tuple("転居前住所 兵庫県神戸市須磨区" + "長" * 60 + f" {i}" for i in range(6))
    hh = household(n_children=2)
    hh = replace(hh, members=tuple(replace(m, remarks=long_remarks) for m in hh.members))
    pages = [flat(p) for p in pages_of(render(certificate(hh)))]
    n = len(pages)
    assert n > 2
    for k, page in enumerate(pages, start=1):
        assert re.search(rf"00000011{k}/{n}", page), page[:80]
    assert flat(CERT_WHOLE) in pages[-1] and all(flat(CERT_WHOLE) not in p for p in pages[:-1])


def test_impossible_content_is_refused_not_truncated():
    huge = tuple("長" * 400 for _ in range(40))
    hh = household(n_children=0, foreigner=False)
    hh = replace(hh, members=(replace(hh.members[0], remarks=huge),))
    with pytest.raises(CertificateOverflow) as exc:
        render(certificate(hh))
    assert "文字溢れ" in exc.value.message


def test_nothing_is_fetched_from_a_network():
    """LGWAN is closed: a Typst package import is the only thing the compiler would download."""
    source = TEMPLATE.read_text(encoding="utf-8")
    assert "#import" not in source and "@preview" not in source


def test_values_are_printed_as_text_never_evaluated(pages_of):
    """A name holding Typst markup is printed as written: data cannot import, read files or restyle the page."""
    tricky = '#import "@preview/cetz:0.3.1" *] #read("/etc/passwd") *太字* $x$ \\ <l>'
    hh = household(n_children=0, foreigner=False)
    hh = replace(hh, members=(replace(hh.members[0], name=tricky),))
    text = flat("".join(pages_of(render(certificate(hh)))))
    assert flat(tricky) in text
    assert "root:" not in text


def test_person_factory_is_valid():
    assert person().atena_number.isdigit()
