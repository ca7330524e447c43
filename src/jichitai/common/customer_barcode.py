"""カスタマバーコード: the 4-state bar code of 郵便番号 and 住所表示番号 that Japan Post's sorting machines read on
mailed notices (日本郵便「郵便番号・バーコードマニュアル」).

Two parts. What goes in is ours: the 住所表示番号 taken from the part of the address after the 町域 (住所B) by the
manual's 抜き出し法 (p17–p24) — digits, hyphens and single letters kept; 「丁目・丁・番地・番・号・地割・線・の・ノ」
after a number and every other character become one hyphen; the 漢数字 before those words read as numbers;
「&」「/」「・」「.」 dropped; two or more letters together dropped; the 「F」 of a floor after a digit a hyphen; no
hyphen at either end nor next to a letter. The symbol itself — letters as 制御コード+数字, the 13 places filled with
CC4 or cut (a letter's 制御コード kept when it falls on the 13th), the modulo-19 check character, the start and stop
codes, the bars (p11–p12) — is built here: libzint's JAPANPOST refuses the cut where a letter's 制御コード falls
on the 13th place. Tests check it against the manual's worked examples (p25) and, for every character, against
libzint's bars. The picture is SVG at the manual's reference size (p12, 10 ポイント: bar pitch 1.2 mm, width 0.6 mm, long bar
3.6 mm, timing bar 1.2 mm).

Pure: no Django.
"""

from __future__ import annotations

import re
import unicodedata

_NUMERALS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = f"[{''.join(_NUMERALS)}{''.join(_UNITS)}]+"
# the words after a number that stand for a hyphen (p18), longest first so that 番地 is not read as 番 + 地
_MARKS = ("丁目", "番地", "地割", "丁", "番", "号", "線", "の", "ノ")
_MARK = "|".join(_MARKS)
_DROPPED = "&/・."
_TOWN_CHOME = re.compile(rf"(?:{_KANJI_NUMBER}|[0-9]+)(?:丁目|丁)$")
ADDRESS_PLACES = 13          # 住所表示番号のけた数 (p12)

PITCH_MM, BAR_MM, LONG_MM, TIMING_MM = 1.2, 0.6, 3.6, 1.2


def kanji_to_int(text: str) -> int:
    """「二十一」→21, 「百一」→101, 「一〇一」→101 (the place-value way of writing, digit by digit)."""
    if not any(c in _UNITS for c in text):
        return int("".join(str(_NUMERALS[c]) for c in text))
    total, digit = 0, None
    for c in text:
        if c in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[c]
            digit = None
        else:
            digit = _NUMERALS[c]
    return total + (digit or 0)


def town_and_chome(town_name: str) -> tuple[str, str]:
    """A 町字's name split where the 町域 of the 郵便番号 ends: 「三宮町一丁目」→ (「三宮町」, 「一丁目」). The 丁目 is
    part of 住所B in the manual's examples (霞が関1丁目3番2号 → 1-3-2)."""
    m = _TOWN_CHOME.search(town_name)
    return (town_name[:m.start()], m.group()) if m and m.start() > 0 else (town_name, "")


def address_number(after_town: str) -> str:
    """The 住所表示番号 of 住所B (everything after the 町域), by the manual's 抜き出し法; not yet cut to 13 places."""
    text = unicodedata.normalize("NFKC", after_town).upper()
    text = text.translate({ord(c): None for c in _DROPPED})
    # 漢数字 followed by one of the words: the number (第二十一地割 → 第21地割, 十一丁目六番地一号 → 11丁目6番地1号)
    text = re.sub(rf"({_KANJI_NUMBER})(?=(?:{_MARK}))", lambda m: str(kanji_to_int(m.group(1))), text)
    text = re.sub(rf"(?<=[0-9])(?:{_MARK})", "-", text)       # 3丁目 → 3-
    text = re.sub(r"(?<=[0-9])F", "-", text)                     # 10F (階) → 10-
    text = re.sub(r"[A-Z]{2,}", "-", text)                       # ABCビル → -
    text = re.sub(r"[^0-9A-Z]", "-", text)                       # 漢字・かな・空白・記号 → -
    text = re.sub(r"-+", "-", text)
    text = re.sub(r"-?([A-Z])-?", r"\1", text)                   # no hyphen next to a letter
    return text.strip("-")


def customer_data(postcode: str, after_town: str) -> str:
    """What the bar code holds before its 制御コード: the 7-digit 郵便番号 and the 住所表示番号 (p17)."""
    digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", postcode))
    if len(digits) != 7:
        raise ValueError(f"郵便番号は7けたです: {postcode!r}")
    return digits + address_number(after_town)


def characters(data: str) -> list[str]:
    """The 20 characters of 郵便番号 and 住所表示番号 and the check character (p12): a letter is 制御コード +
    数字 (A–J CC1, K–T CC2, U–Z CC3); the 住所表示番号 cut at 13 places — a letter whose 制御コード falls on the 13th
    keeps only that code — or filled with CC4; the check character makes the sum of the values (0–9, '-' 10,
    CC1–CC8 11–18) a multiple of 19."""
    codes = list(data[:7])
    for c in data[7:]:
        codes += [f"CC{1 + (ord(c) - 65) // 10}", str((ord(c) - 65) % 10)] if c.isalpha() else [c]
    codes = (codes + ["CC4"] * ADDRESS_PLACES)[:7 + ADDRESS_PLACES]
    check = -sum(_VALUE[c] for c in codes) % 19
    return codes + [_BY_VALUE[check]]


def bars(data: str) -> str:
    """The symbol's bars left to right as 'F' (long), 'A' (upper half), 'D' (lower half), 'T' (timing): start,
    the 21 characters of :func:`characters`, stop."""
    return "FD" + "".join(_BARS[c] for c in characters(data)) + "DF"


def svg(data: str) -> str:
    """The bar code as SVG at the manual's 10-point reference size (p12), for the 送付先 block of a notice: one
    ``<path>`` whose subpaths are the bars' rectangles (``M x y h width v height h -width z``) — one shape is parsed
    and filled faster than 67 ``<rect>``s in a batch of notices (docs/benchmarks.md)."""
    middle_top, middle_bottom = (LONG_MM - TIMING_MM) / 2, (LONG_MM + TIMING_MM) / 2
    spans = {"F": (0.0, LONG_MM), "A": (0.0, middle_bottom), "D": (middle_top, LONG_MM),
             "T": (middle_top, middle_bottom)}
    rects = []
    for i, kind in enumerate(bars(data)):
        top, bottom = spans[kind]
        rects.append(f"M{i * PITCH_MM:.2f} {top:.2f}h{BAR_MM}v{bottom - top:.2f}h-{BAR_MM}z")
    width = (len(rects) - 1) * PITCH_MM + BAR_MM
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.2f}mm" height="{LONG_MM}mm" '
            f'viewBox="0 0 {width:.2f} {LONG_MM}"><path fill="black" d="{"".join(rects)}"/></svg>')


# the bars of each character (p11's table: 数字, ハイフン, 制御コード CC1–CC8)
_BARS = {"0": "FTT", "1": "FFT", "2": "FDA", "3": "DFA", "4": "FAD", "5": "FTF", "6": "DAF", "7": "AFD", "8": "ADF",
         "9": "TFF", "-": "TFT", "CC1": "DAT", "CC2": "DTA", "CC3": "ADT", "CC4": "TDA", "CC5": "ATD", "CC6": "TAD",
         "CC7": "TTF", "CC8": "FFF"}
_VALUE = {**{str(d): d for d in range(10)}, "-": 10, **{f"CC{n}": 10 + n for n in range(1, 9)}}
_BY_VALUE = {v: c for c, v in _VALUE.items()}
