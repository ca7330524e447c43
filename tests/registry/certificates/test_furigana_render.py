"""氏名の振り仮名 on the 住民票の写し, checked on the text pdftotext extracts.

**Independent**: 住民基本台帳法第7条 as amended by 令和5年法律第48号 (in force 2025-05-26) makes the 氏名の振り仮名 an
item of the 住民票 and so of its 写し (the cities' pages: 「住民票の写しに氏名の振り仮名…が記載されます」, 池田市・標茶町);
the printed forms for a reading not yet in the 戸籍 are those 石巻市 publishes (「********」, 「【名空欄】」); a
foreign resident has none (越谷市). No page names a 記載省略 of it, so no switch leaves it out."""

from __future__ import annotations

from dataclasses import replace

from jichitai.registry.certificates.render import render
from jichitai.registry.certificates.snapshot import CertificateFormat, CertificateKind, CertificateRequest, Item, Omit
from tests.registry.certificates.factories import certificate, household


def flat(text: str) -> str:
    return "".join(text.split())


def _household():
    hh = household(n_children=1)
    taro, hanako, child, wang = hh.members
    return replace(
        hh,
        members=(
            replace(taro, furigana_shi="コウベ", furigana_mei="タロウ"),
            replace(hanako, furigana_shi="", furigana_mei="ハナコ"),
            child,
            wang,
        ),
    )


def test_printed_for_each_japanese_resident_apart_from_the_search_kana(pages_of):
    text = flat("".join(pages_of(render(certificate(_household())))))
    assert "氏名の振り仮名コウベタロウ" in text
    assert "氏名の振り仮名【氏空欄】ハナコ" in text
    assert "氏名の振り仮名********" in text  # the child: nothing notified yet
    assert text.count("氏名の振り仮名") == 3  # not for WANG LI (外国人住民)
    assert "コウベタロウ）" not in text  # the search フリガナ stays off unless asked (j1020)


def test_printed_whatever_is_omitted(pages_of):
    """The 省略 switches of 住基法第12条第5項 concern other items; the 振り仮名 is printed under all of them."""
    cert = certificate(_household(), omit=frozenset(Omit))
    assert "コウベタロウ" in flat("".join(pages_of(render(cert))))


def test_kisai_jiko_prints_it_when_chosen(pages_of):
    hh = _household()
    base = certificate(hh)

    def printed(*items: Item) -> str:
        request = CertificateRequest.of_items(
            CertificateKind.KISAI_JIKO, CertificateFormat.KOJIN, (hh.members[0].atena_number,), frozenset(items)
        )
        return flat("".join(pages_of(render(replace(base, request=request)))))

    assert "氏名の振り仮名コウベタロウ" in printed(Item.BIRTH_DATE, Item.FURIGANA)
    assert "振り仮名" not in printed(Item.BIRTH_DATE)
