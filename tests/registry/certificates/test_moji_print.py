"""文字要件 on paper (issue 22 item 3): a certificate prints every registered glyph of a name or an address —
the MJ variation sequence as its own glyph, a rare MJ kanji — from IPAmj明朝 (the MJ font), never as .notdef
(tofu). Checked on the PDF itself: poppler's pdftohtml names the font of each text run, pdftotext gives the text
back, and the fonts' ToUnicode maps give the glyph (CID) each character was drawn with."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from jichitai.registry.certificates.render import render
from tests.registry.certificates.factories import certificate, household

KATSU_MJ = "葛\U000E0102"  # MJ022335: U+845B U+E0102
RARE = "\U00025609"         # 𥘉 MJ007482 (戸籍統一文字 022430, 住基統一文字 J+B697): in neither IPAex明朝 nor Noto CJK
NEW = "\u9fee"              # MJ057449, MJ Ver.006 (Unicode 11): not in IPAmj明朝 005.01

pytestmark = pytest.mark.skipif(shutil.which("pdftohtml") is None, reason="poppler-utils: scripts/install-system-deps.sh")


def _glyphs(pdf: bytes) -> dict[str, dict[str, int]]:
    """For each embedded font (without its subset tag), the text each glyph stands for → its CID (ToUnicode)."""
    objects = {m.group(1): m for m in re.finditer(rb"(\d+) 0 obj\s*<<(.*?)>>\s*(stream\r?\n|endobj)", pdf, re.S)}
    out: dict[str, dict[str, int]] = {}
    for m in objects.values():
        font = re.search(rb"/Subtype/Type0/BaseFont/[A-Z]{6}\+([^/]+)/.*?/ToUnicode (\d+) 0 R", m.group(2), re.S)
        if not font:
            continue
        stream = objects[font.group(2)]
        cmap = zlib.decompress(pdf[stream.end():pdf.index(b"endstream", stream.end())]).decode("ascii")
        entries = "".join(re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S))
        out[font.group(1).decode()] = {
            bytes.fromhex(text).decode("utf-16-be"): int(cid, 16)
            for cid, text in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", entries)}
    return out


def _runs(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(font family, text) of every text run, as poppler reads them."""
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    xml = subprocess.run(["pdftohtml", "-xml", "-stdout", "-i", str(path)], capture_output=True, text=True,
                         check=True).stdout
    fonts = {i: family.split("+")[-1] for i, family in re.findall(r'<fontspec id="(\d+)"[^>]*family="([^"]+)"', xml)}
    return [(fonts[f], text) for f, text in re.findall(r'<text [^>]*font="(\d+)">([^<]*)</text>', xml)]


def test_mj_variation_sequence_and_rare_mj_kanji_print_from_ipamj_not_as_tofu(tmp_path: Path, pages_of) -> None:
    """Independent: 葛 U+E0102 and 𥘉 are MJ characters (MJ文字情報一覧表 Ver.006.02); IPAmj明朝 draws the sequence
    with its own glyph (a CID other than plain 葛's) and 𥘉 at all, neither with CID 0 (.notdef); U+9FEE, which
    IPAmj明朝 005.01 lacks, comes from the fallback BabelStone Han rather than as tofu."""
    hh = household(n_children=0, foreigner=False)
    members = list(hh.members)
    members[0] = replace(members[0], name=f"{KATSU_MJ}西　{RARE}子")
    members[1] = replace(members[1], name=f"葛西　{NEW}子")
    hh = replace(hh, members=tuple(members), address=replace(hh.address, katagaki=f"{KATSU_MJ}ハイツ201号"))
    pdf = render(certificate(hh))

    text = "".join("".join(pages_of(pdf)).split())
    assert f"{KATSU_MJ}西{RARE}子" in text and f"葛西{NEW}子" in text and f"{KATSU_MJ}ハイツ201号" in text

    runs = _runs(pdf, tmp_path)
    assert ("IPAmjMincho", f"{KATSU_MJ}西　{RARE}子") in runs
    assert any(font == "IPAmjMincho" and f"{KATSU_MJ}ハイツ" in run for font, run in runs)
    assert ("BabelStoneHan", NEW) in runs

    glyphs = _glyphs(pdf)
    mj = glyphs["IPAmjMincho"]
    assert mj[KATSU_MJ] not in (0, mj["葛"])  # the registered glyph, not the plain one, not .notdef
    assert mj[RARE] != 0
    assert glyphs["BabelStoneHan"][NEW] != 0
    assert all(cid != 0 for font in glyphs.values() for cid in font.values())


def test_the_certificate_fonts_cover_every_character_of_the_set() -> None:
    """Consistency of our set-up with our set: every code point and variation sequence of moji_set.txt has a glyph
    in IPAmj明朝 (cmap, and the format 14 subtable for the sequences), except the two MJ Ver.006 characters
    IPAmj明朝 005.01 predates, which come from the fallback fonts. A new gap fails here."""
    from fontTools.ttLib import TTFont

    from jichitai.common.moji import standard_characters
    from jichitai.registry.certificates.render import font_files

    def coverage(path: Path) -> tuple[set[int], set[tuple[int, int]]]:
        cmap = TTFont(str(path), lazy=True, fontNumber=0)["cmap"]
        sequences = {(base, selector) for table in cmap.tables if table.format == 14
                     for selector, pairs in table.uvsDict.items() for base, _ in pairs}
        return set(cmap.getBestCmap()), sequences

    charset = standard_characters()
    mj_points, mj_sequences = coverage(font_files()["mj"])
    assert charset.sequences - mj_sequences == set()
    missing = charset.bare - mj_points
    assert missing == {0x9FEE, 0x9FEF}
    fallback = set().union(*(coverage(font_files()[kind])[0] for kind in ("mincho", "han")))
    noto = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
    if noto.exists():  # Typst's last fallback (fonts-noto-cjk)
        fallback |= coverage(noto)[0]
    assert missing - fallback == set()


def test_the_tax_notice_prints_the_name_and_address_from_ipamj(tmp_path: Path) -> None:
    """Consistency: the other Typst documents with a name and an address (here the 税額決定通知書's 送付先) set them
    in the same font list, so the MJ sequence keeps its own glyph there too."""
    from jichitai.registry.certificates.render import typst_pdf
    from jichitai.tax.notices import TEMPLATE

    data = {"title": "令和8年度 税額決定通知書", "issued": "令和8年6月1日", "issuer": "神戸市長", "rows": [],
            "municipality": "神戸市", "atena_number": "000000000000019", "amounts": [], "notes": [], "appeal": "",
            "recipient": {"postcode": "650-0001", "address": f"神戸市中央区加納町{KATSU_MJ}ハイツ",
                          "name": f"{KATSU_MJ}西　{RARE}子"}}
    pdf = typst_pdf(TEMPLATE, data)
    runs = _runs(pdf, tmp_path)
    assert ("IPAmjMincho", f"{KATSU_MJ}西　{RARE}子　様") in runs
    assert any(font == "IPAmjMincho" and f"{KATSU_MJ}ハイツ" in run for font, run in runs)
    assert _glyphs(pdf)["IPAmjMincho"][KATSU_MJ] != 0
