"""納付書 of the 納税通知書 (普通徴収): one per 期 and one for 全期前納, with the コンビニ収納 GS1-128 barcode.

The barcode follows GS1 Japan's 「GS1-128シンボルによる標準料金代理収納ガイドライン」 (流通システム開発センター):
44 digits, fixed length, in one GS1-128 symbol (Code 128 with FNC1 after the start character):

====  ==========================  =====  ======================================================================
 no.  item                        digits our use
====  ==========================  =====  ======================================================================
 1    AI 「91」                      2    fixed
 2    請求書発行企業コード            6    the city's (GS1 Japan's 事業者コード/JAN メーカーコード 7桁 without its
                                          leading 「4」): ``JICHITAI_CVS_BILLER_CODE``
 3    自由使用欄                     21    ours: 年度 (西暦下2桁) 2 + 宛名番号 (前ゼロ) 15 + 税額決定の版 2 + 期別 2
                                          (01〜 = 第1期〜 in the schedule's order, 00 = 前納)
 4    再発行区分                      1    0 on the notice's own slips (the number of re-issues)
 5    支払期限 YYMMDD                 6    the 納期限 of the 期 (of the first open 期 for 前納)
 6    印紙フラグ                      1    0
 7    支払金額                        6    the 納付額 in yen, 前ゼロ
 8    チェックデジット                1    :func:`check_digit` ([U], see there)
====  ==========================  =====  ======================================================================

Items 1–7 and their lengths are confirmed on two stored pages (Hitachi EUR システム設計ガイド 4.4.6
「GS1-128(UCC/EAN-128)バーコード」, itpfdoc.hitachi.co.jp …/EUDS0050.HTM; rolan.co.jp 「コンビニ料金代理収納バーコード
GS1-128について」). The digits of the check digit's sum are not (see :func:`check_digit`). The symbol is at most
60 mm wide (rolan.co.jp) and the human-readable digits print under it in two lines.

A 納付額 above the city's limit (``JICHITAI_CVS_LIMIT``, 300,000円 by default: e.g. 木津川市 「納付額が30万円を超える
ものは、コンビニエンスストアでは納付できません（バーコードが印字されていません）」; never above 999,999円, the
6-digit field) gets no barcode and says so. The 地方税統一QRコード (eL-QR) is not printed: its layout was not found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jichitai.common.money import format_yen
from jichitai.common.wareki import fiscal_year_label, to_wareki

AI = "91"
GUIDELINE_MAX = 999_999  # the 6-digit 支払金額
SAMPLE_BILLER_CODE = "999999"  # demo/test only, printed with 「見本」
NOT_AT_CVS = "この納付書はコンビニエンスストアではお使いいただけません"
GENERIC_PLACES = "{city}の指定金融機関・収納代理金融機関の窓口、{city}の市税の窓口"


class SlipError(ValueError):
    """An item that does not fit its field of the 44 digits (never printed: the slip then has no barcode)."""


def check_digit(digits: str) -> str:
    """The チェックデジット (モジュラス10・ウェイト3・1) of the 43 digits before it.

    Weights 3 and 1 alternate from the rightmost digit (weight 3) leftwards; the check digit is
    (10 − sum mod 10) mod 10 — the GS1 modulus-10 rule the guideline names.

    **[U] unconfirmed**: whether the sum includes the AI 「91」 (43 digits, as here) or starts after it (41 digits)
    was not found in the stored pages. Verify against the city's 収納代行会社's test slips before any real slip is
    printed (docs/tax-year.md); changing it is this function only.
    """
    if len(digits) != 43 or not (digits.isascii() and digits.isdigit()):
        raise SlipError("チェックデジットは43桁の数字から計算します。")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def _digits(value: int | str, width: int, item: str) -> str:
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > width:
        raise SlipError(f"{item}が{width}桁の数字に収まりません: {text}")
    return text.zfill(width)


def free_field(fiscal_year: int, atena_number: str, version: int, term: int) -> str:
    """Our 21-digit 自由使用欄: 年度 (西暦下2桁) + 宛名番号 (15桁, 前ゼロ) + 税額決定の版 (2桁) + 期別 (2桁, 00 = 前納)."""
    return (
        _digits(fiscal_year % 100, 2, "年度")
        + _digits(atena_number, 15, "宛名番号")
        + _digits(version, 2, "税額決定の版")
        + _digits(term, 2, "期別")
    )


def payload(biller_code: str, free: str, *, due: dt.date, amount: int, reissue: int = 0, stamp: int = 0) -> str:
    """The 44 digits of the コンビニ収納 barcode (the module's table), check digit included."""
    if not 1 <= amount <= GUIDELINE_MAX:
        raise SlipError(f"支払金額{format_yen(amount)}は6桁に収まりません。")
    if len(biller_code) != 6:
        raise SlipError(f"請求書発行企業コードは6桁です: {biller_code}")
    body = (
        AI
        + _digits(biller_code, 6, "請求書発行企業コード")
        + _digits(free, 21, "自由使用欄")
        + _digits(reissue, 1, "再発行区分")
        + due.strftime("%y%m%d")
        + _digits(stamp, 1, "印紙フラグ")
        + _digits(amount, 6, "支払金額")
    )
    return body + check_digit(body)


@dataclass(frozen=True)
class Barcode:
    """The items of a コンビニ収納 barcode read back (:func:`decode`), the 自由使用欄 split as :func:`free_field`
    wrote it. ``fiscal_year`` is 2000 + the 西暦下2桁 (valid to 2099)."""

    biller_code: str
    fiscal_year: int
    atena_number: str
    version: int
    term: int  # 1〜 = 第n期 in the version's 普通徴収 order, 0 = 前納
    reissue: int
    due: dt.date
    stamp: int
    amount: int


# (item, start, end) of the 44 digits: the module's table, the one place that lays them out
FIELDS = (("AI", 0, 2), ("請求書発行企業コード", 2, 8), ("自由使用欄", 8, 29), ("再発行区分", 29, 30),
          ("支払期限", 30, 36), ("印紙フラグ", 36, 37), ("支払金額", 37, 43), ("チェックデジット", 43, 44))
FREE_FIELDS = (("年度", 0, 2), ("宛名番号", 2, 17), ("税額決定の版", 17, 19), ("期別", 19, 21))


def decode(code: str) -> Barcode:
    """The barcode's 44 digits as :class:`Barcode`; :class:`SlipError` says in words what does not read (length,
    AI, チェックデジット, 支払期限)."""
    code = code.strip()
    if len(code) != 44 or not (code.isascii() and code.isdigit()):
        raise SlipError(f"バーコードは44桁の数字です（{len(code)}文字）。")
    part = {name: code[a:b] for name, a, b in FIELDS}
    if part["AI"] != AI:
        raise SlipError(f"バーコードの先頭（AI）が「{AI}」ではありません: {part['AI']}")
    if check_digit(code[:43]) != part["チェックデジット"]:
        raise SlipError("バーコードのチェックデジットが合いません（読取りの誤りか、当市の納付書ではありません）。")
    try:
        due = dt.datetime.strptime(part["支払期限"], "%y%m%d").date()
    except ValueError:
        raise SlipError(f"バーコードの支払期限が日付ではありません: {part['支払期限']}") from None
    free = {name: part["自由使用欄"][a:b] for name, a, b in FREE_FIELDS}
    return Barcode(part["請求書発行企業コード"], 2000 + int(free["年度"]), free["宛名番号"], int(free["税額決定の版"]),
                   int(free["期別"]), int(part["再発行区分"]), due, int(part["印紙フラグ"]), int(part["支払金額"]))


def human_readable(code: str) -> tuple[str, str]:
    """The digits under the symbol in two lines: (91)企業コード-自由使用欄 / 再発行区分-期限-印紙-金額-CD."""
    return (f"({code[:2]}){code[2:8]}-{code[8:29]}", f"{code[29]}-{code[30:36]}-{code[36]}-{code[37:43]}-{code[43]}")


MODULE_MM = 0.19  # X, the narrowest bar
QUIET_MODULES = 10  # Code 128's quiet zone each side
BAR_MM = 10.0
STOP = 106  # the stop pattern with its terminating bar: the last entry of the template's table (code128 in the .typ)


def symbol(code: str) -> list[int]:
    """The GS1-128 symbol as its Code 128 symbol characters' values, which the 納付書 template draws from its table
    of their bar patterns (ISO/IEC 15417): python-barcode's ``Gs1_128`` encodes (Start C, FNC1, 22 digit pairs, the
    modulo-103 check character), :data:`STOP` ends it. 0.19 mm modules with 10-module quiet zones: 58.52 mm wide,
    inside the guideline's 60 mm. Values, not a picture: the bulk issuance typesets ~1.4 M slips, and each symbol
    as an SVG image cost Typst more than the rest of its slip (docs/benchmarks.md)."""
    from barcode.charsets.code128 import CODES
    from barcode.codex import Gs1_128

    modules = Gs1_128(code).build()[0]
    width = len(CODES[0])
    return [CODES.index(modules[i:i + width]) for i in range(0, len(modules) - width - 2, width)] + [STOP]


def symbol_width_mm(values: list[int]) -> float:
    """The printed width: 11 modules a symbol character, 13 for the stop, and the quiet zones."""
    return (11 * (len(values) - 1) + 13 + 2 * QUIET_MODULES) * MODULE_MM


@dataclass(frozen=True)
class Due:
    """One amount the slip asks for: a 期 (``term`` its 1-based position) or a 前納 (``term`` 0)."""

    label: str
    due: dt.date
    amount: int
    term: int
    without_barcode: str = ""  # why this slip carries no barcode (a 期 partly paid: the rest only at a window)


@dataclass(frozen=True)
class Payer:
    fiscal_year: int
    atena_number: str
    version: int
    name: str


def notice_number(payer: Payer) -> str:
    """通知書番号 printed on the slip: 年度 (西暦下2桁)-宛名番号-版, the 自由使用欄 without the 期別."""
    return f"{payer.fiscal_year % 100:02d}-{payer.atena_number}-{payer.version:02d}"


def slip(payer: Payer, item: Due, *, biller_code: str | None, limit: int, sample: bool) -> dict[str, Any]:
    """The printed items of one 納付書 (JSON for the Typst page): the barcode's symbol characters (:func:`symbol`) and
    digits, or the reason in words there is none."""
    data: dict[str, Any] = {
        "label": item.label,
        "due": to_wareki(item.due),
        "amount": format_yen(item.amount),
        "symbol": [],
        "digits": ["", ""],
        "no_barcode": "",
        "sample": sample,
    }
    if item.amount <= 0:
        data["no_barcode"] = "納付額はありません"
    elif item.without_barcode:
        data["no_barcode"] = item.without_barcode
    elif item.amount > min(limit, GUIDELINE_MAX):
        data["no_barcode"] = (
            NOT_AT_CVS + f"（コンビニエンスストアで納められるのは1枚{format_yen(min(limit, GUIDELINE_MAX))}まで）"
        )
    elif not biller_code:
        data["no_barcode"] = NOT_AT_CVS
    else:
        try:
            code = payload(
                biller_code,
                free_field(payer.fiscal_year, payer.atena_number, payer.version, item.term),
                due=item.due,
                amount=item.amount,
            )
        except SlipError:
            data["no_barcode"] = NOT_AT_CVS
        else:
            data.update(symbol=symbol(code), digits=list(human_readable(code)))
    return data


def slips(
    payer: Payer,
    terms: Sequence[Due],
    prepay: Due | None,
    *,
    city_name: str,
    places: str,
    biller_code: str | None,
    limit: int,
    sample: bool,
) -> dict[str, Any]:
    """Every 納付書 of one 納税通知書 (each 期, then the 前納 one) with what they share."""
    items = [*terms, *([prepay] if prepay is not None else [])]
    return {
        "fiscal_year": fiscal_year_label(payer.fiscal_year),
        "city": city_name,
        "name": payer.name,
        "atena_number": payer.atena_number,
        "notice_number": notice_number(payer),
        "places": places or GENERIC_PLACES.format(city=city_name),
        "sample": sample,
        "items": [slip(payer, i, biller_code=biller_code, limit=limit, sample=sample) for i in items],
    }


def configured_biller() -> tuple[str | None, int, bool]:
    """(請求書発行企業コード or None, limit, 見本?) from settings: the configured code; none configured, the sample
    code marked 「見本」 outside production, nothing in production."""
    from django.conf import settings

    config = settings.CONFIG
    if config.cvs_biller_code:
        return config.cvs_biller_code, config.cvs_limit, False
    if config.is_production:
        return None, config.cvs_limit, False
    return SAMPLE_BILLER_CODE, config.cvs_limit, True


PARTLY_PAID = ("一部を納付済みです。残りの{rest}は、金融機関または市の窓口でお納めください"
               "（コンビニエンスストアではお使いいただけません）")


def unpaid_dues(items: Sequence[Any], paid: Mapping[str, int]) -> list[Due]:
    """The 期 a notice still needs slips for, given what was ``paid`` per 期: none for a 期 paid in full; the rest of
    a 期 partly paid, without a barcode (the barcode's amount must be the 期's, which the import checks)."""
    out = []
    for n, i in enumerate(items, start=1):
        rest = i.amount - max(paid.get(i.label, 0), 0)
        if i.amount <= 0 or rest <= 0:
            continue
        out.append(Due(i.label, i.due, rest, n, PARTLY_PAID.format(rest=format_yen(rest)) if rest < i.amount else ""))
    return out


def for_notice(schedule: Any, items: Sequence[Any], prepay: Any, name: str,
               paid: Mapping[str, int] | None = None) -> dict[str, Any]:
    """The 納付書 of a stored schedule's 納税通知書: ``items`` its 普通徴収 instalments in order, ``prepay`` the
    全期前納 offered (or None), ``name`` the addressee's, ``paid`` what was paid per 期 when any payment is recorded.
    A 期 with nothing to pay (after a 更正) or paid in full gets no slip."""
    from jichitai.tax import parameters as P
    from jichitai.tax.collection.domain.calendar import collection_calendar
    from jichitai.tax.services import configured_city_code

    calendar = collection_calendar(
        P.municipality(configured_city_code(), schedule.fiscal_year).code, schedule.fiscal_year
    )
    code, limit, sample = configured_biller()
    payer = Payer(schedule.fiscal_year, schedule.atena_number, schedule.assessment_version, name)
    terms = unpaid_dues(items, paid or {})
    # a 前納 slip only when it joins two or more 期 still to pay (one 期 left is that 期's own slip), none of them
    # paid at all (its amount is the 期' sum, as printed)
    joined = [] if prepay is None else [t for t in terms if t.due >= prepay.due]
    touched = any((paid or {}).get(i.label, 0) for i in items if prepay is not None and i.due >= prepay.due)
    front = None if len(joined) < 2 or touched else Due(prepay.label, prepay.due, prepay.amount, 0)
    return slips(
        payer,
        terms,
        front,
        city_name=calendar.city_name,
        places=calendar.payment_places,
        biller_code=code,
        limit=limit,
        sample=sample,
    )
