"""氏名の振り仮名: the official reading of a name, written in the 戸籍 and carried to the 住民票.

Law (令和5年法律第48号, in force 2025-05-26; sources in docs/standard-conformance.md §振り仮名):

- 戸籍法第13条第1項第2号: the 戸籍 records 「氏名の振り仮名（氏に用いられる文字の読み方を示す文字（氏の振り仮名）
  及び名に用いられる文字の読み方を示す文字（名の振り仮名））」; 第13条第2項: the reading must be one 「氏名として
  用いられる文字の読み方として一般に認められているもの」 — a judgement the 本籍地 makes on the 届出, not the
  住所地: the 住民票 takes what the 戸籍 holds.
- 住民基本台帳法第7条 (as amended): the 氏名の振り仮名 is an item of the 住民票; it reaches it from the 本籍地's
  notification (住基法第9条第2項), never from a 届出 at the 住所地.
- Foreign residents have no 振り仮名 on the 住民票 (no 戸籍 to prove it).

Characters: the 戸籍 writes the 振り仮名 in 片仮名 (the 研究会's 取りまとめ: the 直音・拗音・撥音・促音 of 現代仮名遣い
as 片仮名, 小書き and the 長音 「ー」). We accept what a 戸籍 can hold: ァ…ヴ and ー, no spaces, signs, ヵ/ヶ or
other scripts. Hiragana and half-width katakana typed at the counter are converted first (NFKC, かな→カナ).
"""

from __future__ import annotations

from jichitai.common.text import hiragana_to_katakana, nfkc

# Length of one part (氏 or 名). [U] neither the 戸籍法施行規則 nor the standard's data item list was found with a
# length; 100 is the column's size and above any Japanese reading.
MAX_LENGTH = 100
LONG_VOWEL = "ー"
_FIRST, _LAST = "ァ", "ヴ"  # U+30A1 … U+30F4: every katakana syllable and 小書き of the 現代仮名遣い, plus ヴ

SHI, MEI = "furigana_shi", "furigana_mei"
LABELS = {SHI: "氏の振り仮名", MEI: "名の振り仮名"}


def normalise(text: str) -> str:
    """What the counter typed, as the 戸籍 writes it: NFKC (ｶﾅ → カナ), hiragana → katakana, no outer spaces."""
    return hiragana_to_katakana(nfkc(text)).strip()


def problem(item: str, text: str) -> str | None:
    """Why ``text`` (already :func:`normalise`-d) cannot be the 氏の振り仮名 / 名の振り仮名, or ``None``."""
    label = LABELS[item]
    if len(text) > MAX_LENGTH:
        return f"{label}は{MAX_LENGTH}文字以内です（{len(text)}文字）。"
    bad = [ch for ch in text if not (_FIRST <= ch <= _LAST or ch == LONG_VOWEL)]
    if bad:
        shown = "・".join(f"「{ch}」" if not ch.isspace() else "空白" for ch in dict.fromkeys(bad))
        return f"{label}は片仮名で記載します。使えない文字：{shown}（戸籍法第13条第1項第2号）。"
    if text.startswith(LONG_VOWEL):
        return f"{label}は長音「ー」で始まりません。"
    return None


def printed(shi: str, mei: str) -> str:
    """The 振り仮名 as a 住民票の写し prints it: 「シ　メイ」, a part not yet written in the 戸籍 as 【氏空欄】 /
    【名空欄】, and 「********」 when neither is (the way cities print it since 2025-05-26; 石巻市 [C2])."""
    if not shi and not mei:
        return "********"
    return f"{shi or '【氏空欄】'}　{mei or '【名空欄】'}"
