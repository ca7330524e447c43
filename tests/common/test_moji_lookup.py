"""文字コード照会 (住民記録システム標準仕様書 2.2.3, j370: 「文字コードの照会ができること」): each character of what
the clerk typed with its code points, whether it is a 行政事務標準文字, its JIS X 0213 面区点 and how search treats it."""

from __future__ import annotations

from jichitai.common.moji import lookup


def test_codes_of_known_characters() -> None:
    """Independent: the code points are Unicode's (亜 U+4E9C, 髙 U+9AD9, 𠮷 U+20BB7); 亜 is JIS X 0208 (hence
    JIS X 0213 plane 1) 16区01点, the first 第一水準 kanji; 﨑 is JIS X 0213 1面47区82点 and 𠀋 1面14区02点 (the
    standard's additions, widely cited); 髙 (an IBM extension) and 𠮷 are in neither standard; ASCII has no 面区点.
    Plane 2 (丂 2面1区02点) is as Python's EUC-JIS-2004 codec gives it (consistency)."""
    got = {c.character: c for c in lookup("亜 髙𠮷﨑𠀋丂A")}
    assert list(got) == ["亜", "髙", "𠮷", "﨑", "𠀋", "丂", "A"]  # the space is left out
    assert got["亜"].codepoints == "U+4E9C" and got["亜"].jis == "1面16区01点" and got["亜"].searched_as == ""
    assert got["髙"].codepoints == "U+9AD9" and got["髙"].jis == "" and got["髙"].searched_as == "高"
    assert got["𠮷"].codepoints == "U+20BB7" and got["𠮷"].jis == "" and got["𠮷"].searched_as == "吉"
    assert got["﨑"].jis == "1面47区82点" and got["𠀋"].jis == "1面14区02点" and got["丂"].jis == "2面1区02点"
    assert got["A"].jis == "" and all(c.standard for c in got.values())


def test_a_variation_sequence_is_one_character_and_checked_as_registered() -> None:
    """Independent: 葛 with U+E0102 is MJ022335 (an IVS of the Moji_Joho collection, in the set); with U+E0100 it is
    an Adobe-Japan1 sequence, no MJ character (common/moji.py's docstring, the MJ文字情報一覧表)."""
    mj, adobe = lookup("葛\U000e0102葛\U000e0100")
    assert mj.codepoints == "U+845B U+E0102" and mj.standard and mj.jis == "" and mj.searched_as == "葛"
    assert adobe.codepoints == "U+845B U+E0100" and not adobe.standard
    assert (mj.position, adobe.position) == (1, 2)
