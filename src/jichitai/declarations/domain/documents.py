"""Reading what is attached (添付書類の読み取り): the amounts a document carries, compared by the rules with the
amounts claimed (rules DE09 医療費, DE10 寄附金).

An attachment reaches the review with what was read from it at intake (``Attachment.document``):

- ``xml``: the 医療費通知情報 as XML (マイナポータル / e-Tax). The law lets it stand for the 明細書 when it carries
  the six items of a 医療費通知 (所得税法第120条第4項; the six items as 国税庁タックスアンサー
  No.1119 lists them: ①被保険者等の氏名 ②療養を受けた年月 ③療養を受けた者 ④療養を受けた病院・診療所・薬局等の名称
  ⑤被保険者等が支払った医療費の額 ⑥保険者等の名称). Its published XML schema was not available offline: the
  element names below are ours, one element per item (docs/declarations-attachments.md says so).
- ``lines``: the 医療費控除の明細書 as written (医療を受けた人, 病院・薬局などの名称, 支払った医療費の額), entered
  on the portal's form or keyed from the paper form. The law accepts the 明細書 on the filer's word, the receipts
  kept for five years (所得税法第120条第4項・第5項, 地方税法第317条の2第4項).
- ``receipts``: the 寄附金の受領証明書 as one row per receipt (寄附先・金額・寄附日), entered with the upload (a
  published XML format of the 寄附金控除に関する証明書 was not available offline).
- ``statement``: the amounts of a 特定口座年間取引報告書 or 配当の支払通知書 (``dividend``, ``withheld``: 配当等の額
  and 配当割額) or of a 住宅借入金等特別控除の計算明細書 / 源泉徴収票 (``available``: 住宅借入金等特別控除可能額),
  entered with the upload as the 受領証明書's rows are.
- ``ocr``: the text read from a scanned receipt or certificate (tesseract-ocr-jpn, or the PDF's own text),
  with the engine's mean confidence (0–100).

Pure: no Django; the OCR itself runs outside the domain (declarations/ocr.py).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from jichitai.common.text import search_key

# OCR readings below this mean confidence are shown to a clerk, never trusted alone.
OCR_MIN_CONFIDENCE = 70

NOTICE_ROOT = "医療費通知情報"
NOTICE_ITEMS = {  # element: the item of a 医療費通知 (国税庁タックスアンサー No.1119 ①〜⑥)
    "被保険者等の氏名": "①被保険者等の氏名",
    "療養を受けた年月": "②療養を受けた年月",
    "療養を受けた者": "③療養を受けた者",
    "病院等の名称": "④療養を受けた病院・診療所・薬局等の名称",
    "支払った医療費の額": "⑤被保険者等が支払った医療費の額",
    "保険者等の名称": "⑥保険者等の名称",
}
HEADER_ITEMS = ("被保険者等の氏名", "保険者等の名称")
ENTRY = "療養"
ENTRY_ITEMS = ("療養を受けた年月", "療養を受けた者", "病院等の名称", "支払った医療費の額")
MAX_XML_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Reading:
    """What one attachment says: its total in yen (within the income year), where it was read from, and, when it
    cannot be used, why (in words for both the resident and the clerk)."""

    source: str  # xml / lines / receipts / ocr / none
    total: int | None = None
    items: tuple[dict[str, Any], ...] = ()
    confidence: int | None = None  # OCR only
    problem: str | None = None
    names: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def usable(self) -> bool:
        if self.problem is not None or self.total is None:
            return False
        return self.source != "ocr" or (self.confidence or 0) >= OCR_MIN_CONFIDENCE

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)

    def describe(self) -> str:
        """One line for the clerk: 「医療費通知情報（XML）: 123,450円」「読み取り（信頼度 62%）: 読み取れず」."""
        conf = f"（信頼度 {self.confidence}%）" if self.confidence is not None else ""
        what = f"{self.total:,}円" if self.total is not None else "金額なし"
        return f"{self.source_label}{conf}: {self.problem or what}"


SOURCE_LABELS = {
    "xml": "医療費通知情報（XML）",
    "lines": "医療費控除の明細書の記載",
    "receipts": "受領証明書の記載（寄附先・金額・日付）",
    "ocr": "画像・PDFの読み取り",
    "none": "内容なし",
}


def _number(text: str) -> int | None:
    t = unicodedata.normalize("NFKC", text or "").replace(",", "").replace("円", "").replace("¥", "").strip()
    return int(t) if re.fullmatch(r"\d{1,10}", t) else None


def _month(text: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", unicodedata.normalize("NFKC", text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return int(m.group(1)), int(m.group(2))


def parse_medical_notice(xml_text: str, income_year: int) -> Reading:
    """The 医療費通知情報: every 療養 of the income year summed (⑤), refused when one of the six items is missing
    or when the file is not that document at all."""
    if len(xml_text.encode("utf-8", "ignore")) > MAX_XML_BYTES:
        return Reading("xml", problem="XMLファイルが大きすぎます")
    if re.search(r"<!(DOCTYPE|ENTITY)", xml_text):
        return Reading("xml", problem="XMLに文書型宣言（DOCTYPE）が含まれており、読み取りません")
    try:
        # no DTD reaches the parser (refused above): no entity can be declared, expanded or fetched
        root = ET.fromstring(xml_text)  # noqa: S314
    except ET.ParseError:
        return Reading("xml", problem="XMLとして読み取れません（ファイルが壊れているか、XMLではありません）")
    if _local(root.tag) != NOTICE_ROOT:
        return Reading("xml", problem=f"医療費通知情報ではありません（{_local(root.tag)[:30]}）")
    header = {k: _text(root, k) for k in HEADER_ITEMS}
    missing = [NOTICE_ITEMS[k] for k, v in header.items() if not v]
    items: list[dict[str, Any]] = []
    outside = 0
    total = 0
    entries = [e for e in root.iter() if _local(e.tag) == ENTRY]
    if not entries:
        missing.extend(NOTICE_ITEMS[k] for k in ENTRY_ITEMS)
    for e in entries:
        row = {k: _text(e, k) for k in ENTRY_ITEMS}
        gaps = [NOTICE_ITEMS[k] for k, v in row.items() if not v]
        amount = _number(row["支払った医療費の額"])
        month = _month(row["療養を受けた年月"])
        if row["支払った医療費の額"] and amount is None:
            gaps.append(NOTICE_ITEMS["支払った医療費の額"] + "（数字でない）")
        if row["療養を受けた年月"] and month is None:
            gaps.append(NOTICE_ITEMS["療養を受けた年月"] + "（年月の形式でない）")
        missing.extend(g for g in gaps if g not in missing)
        if gaps or amount is None or month is None:
            continue
        if month[0] != income_year:
            outside += amount
            continue
        total += amount
        items.append({"month": f"{month[0]}-{month[1]:02d}", "patient": row["療養を受けた者"],
                      "provider": row["病院等の名称"], "amount": amount})
    if missing:
        return Reading("xml", problem="医療費通知の記載事項が不足しています（" + "・".join(missing) + "）")
    notes = (f"{income_year}年以外の療養 {outside:,}円は含めていません",) if outside else ()
    names = tuple(dict.fromkeys([header["被保険者等の氏名"], *(i["patient"] for i in items)]))
    return Reading("xml", total=total, items=tuple(items), names=names, notes=notes)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(el: ET.Element, name: str) -> str:
    for child in el:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def read_lines(lines: Iterable[dict[str, Any]]) -> Reading:
    """The 医療費控除の明細書 as written: one line per 病院・薬局 (and per person), its amount paid."""
    items: list[dict[str, Any]] = []
    for n, line in enumerate(lines, start=1):
        amount = _number(str(line.get("amount", "")))
        if amount is None:
            return Reading("lines", problem=f"明細書の{n}行目の金額が数字ではありません")
        items.append({"provider": str(line.get("provider", "")), "patient": str(line.get("patient", "")),
                      "amount": amount})
    if not items:
        return Reading("lines", problem="明細書に記載がありません")
    return Reading("lines", total=sum(int(i["amount"]) for i in items), items=tuple(items))


def read_receipts(rows: Iterable[dict[str, Any]], income_year: int) -> Reading:
    """寄附金の受領証明書, one row each (寄附先・金額・寄附日): the gifts of the income year summed (寄附金税額控除 is
    for gifts made in the year, 地方税法第314条の7第1項)."""
    items: list[dict[str, Any]] = []
    outside = 0
    for n, row in enumerate(rows, start=1):
        amount = _number(str(row.get("amount", "")))
        donee = str(row.get("donee", "")).strip()
        try:
            day = dt.date.fromisoformat(str(row.get("date", "")))
        except ValueError:
            day = None
        if amount is None or not donee or day is None:
            return Reading("receipts", problem=f"受領証明書{n}件目の寄附先・金額・寄附日のいずれかがありません")
        if day.year != income_year:
            outside += amount
            continue
        items.append({"donee": donee, "amount": amount, "date": day.isoformat()})
    if not items:
        return Reading("receipts", problem=f"{income_year}年中の寄附の受領証明書がありません")
    notes = (f"{income_year}年以外の寄附 {outside:,}円は含めていません",) if outside else ()
    return Reading("receipts", total=sum(int(i["amount"]) for i in items), items=tuple(items), notes=notes)


# A receipt's total stands beside one of these words (OCR may split the characters with spaces).
_AMOUNT_WORDS = ("合計", "領収金額", "請求金額", "お支払", "支払額", "寄附金額", "寄付金額", "金額", "計")
_AMOUNT = re.compile(r"[¥\\]?\s*(\d{1,3}(?:,\d{3})+|\d{2,9})\s*(円|-)?")


def normalise_ocr(text: str) -> str:
    """Full-width digits and signs to ASCII (NFKC), the spaces OCR puts between Japanese characters and inside
    numbers gone, and a misread thousands separator mended."""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])", "", t)
    t = re.sub(r"(?<=\d) +(?=[\d,.])|(?<=[,.]) +(?=\d)", "", t)
    # yen have no decimals: "30.000" or OCR's "30,.000" is a thousands separator
    return re.sub(r"(?<=\d)[,.]{1,2}(?=\d{3}(?!\d))", ",", t.replace("，", ","))


def amounts_in_text(text: str) -> list[int]:
    """Amounts that stand beside a total's word (合計 12,340円), in the order found."""
    found: list[int] = []
    for line in normalise_ocr(text).splitlines():
        if not any(w in line for w in _AMOUNT_WORDS):
            continue
        start = min(line.find(w) for w in _AMOUNT_WORDS if w in line)
        for m in _AMOUNT.finditer(line[start:]):
            value = int(m.group(1).replace(",", ""))
            if value > 0:
                found.append(value)
    return found


def read_ocr(ocr: dict[str, Any], expected: Iterable[int] = ()) -> Reading:
    """A scan read by OCR: the largest amount beside a total's word, with the engine's confidence. When the
    resident also entered amounts for it (``expected``), each must appear in the text."""
    if ocr.get("problem"):
        return Reading("ocr", problem=str(ocr["problem"]), confidence=ocr.get("confidence"))
    text = str(ocr.get("text") or "")
    confidence = ocr.get("confidence")
    conf = None if confidence is None else int(confidence)
    amounts = amounts_in_text(text)
    if not amounts:
        return Reading("ocr", problem="画像・PDFから金額を読み取れません", confidence=conf)
    wanted = [e for e in expected if e]
    if wanted:
        absent = [e for e in wanted if e not in amounts]
        if absent:
            return Reading("ocr", problem="入力された金額（" + "・".join(f"{a:,}円" for a in absent)
                           + "）が書類から読み取れません", confidence=conf, total=max(amounts))
        return Reading("ocr", total=sum(wanted), confidence=conf)
    return Reading("ocr", total=max(amounts), confidence=conf)


def read(kind: str, document: dict[str, Any], income_year: int) -> Reading:
    """What one attachment of ``kind`` says, from what was read of it at intake (see the module text)."""
    if kind == "medical_detail":
        if "xml" in document:
            return parse_medical_notice(str(document["xml"]), income_year)
        if "lines" in document:
            lines = read_lines(document["lines"] or [])
            if "ocr" in document and lines.usable:
                check = read_ocr(document["ocr"], [i["amount"] for i in lines.items])
                return lines if check.usable else check
            return lines
    if kind == "donation_receipt" and "receipts" in document:
        rows = read_receipts(document["receipts"] or [], income_year)
        if "ocr" in document and rows.usable:
            check = read_ocr(document["ocr"], [i["amount"] for i in rows.items])
            return rows if check.usable else check
        return rows
    if "ocr" in document:
        return read_ocr(document["ocr"])
    return Reading("none", problem="書類の内容が読み取れません（金額の記載がない、または読み取り前の書類です）")


def statement_amount(document: dict[str, Any], key: str) -> int | None:
    """One amount of a ``statement`` (配当割額, 住宅借入金等特別控除可能額) as entered; None when absent or not a
    whole number of yen."""
    value = (document.get("statement") or {}).get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return value  # as stored by the portal: a 差引金額 may be a loss (negative)
    return _number(str(value)) if value is not None else None


STATEMENT_LABELS = {  # the items of a statement as the document names them (shown to the resident and the clerk)
    "dividend": "配当等の額", "withheld": "配当割額（住民税）",
    "available": "住宅借入金等特別控除可能額", "used": "所得税で控除した住宅借入金等特別控除の額",
    # 特定口座年間取引報告書の譲渡の欄 (IN08)
    "proceeds": "譲渡の対価の額", "cost": "取得費及び譲渡に要した費用の額等", "net": "差引金額（譲渡所得等の金額）",
    "income_tax": "源泉徴収税額（所得税）", "transfer_withheld": "株式等譲渡所得割額",
    # 確定申告書付表（上場株式等に係る譲渡損失の損益通算及び繰越控除用）: the losses brought in, by age (IN08)
    "carried_3": "前年から繰り越された損失（本年の3年前分）", "carried_2": "前年から繰り越された損失（本年の2年前分）",
    "carried_1": "前年から繰り越された損失（本年の1年前分）",
    # 株式等に係る譲渡所得等の金額の計算明細書, its 上場株式等 column (a 一般口座 sale; IN08)
    "sale_revenue": "譲渡による収入金額（上場株式等）", "sale_expenses": "取得費及び譲渡に要した費用（上場株式等）",
    "sale_net": "差引金額（上場株式等）",
}
_ANY_AMOUNT = re.compile(r"(?<![\d,])(\d{1,3}(?:,\d{3})+|\d+)(?![\d,])")


def amounts_anywhere(text: str) -> set[int]:
    """Every amount in a text read by OCR (a statement's columns carry no 合計 word: 配当割額, 控除可能額)."""
    return {int(m.group(1).replace(",", "")) for m in _ANY_AMOUNT.finditer(normalise_ocr(text))}


def statement_unconfirmed(document: dict[str, Any], keys: Iterable[str]) -> str | None:
    """Why the file of a statement does not bear out the amounts entered with it (``keys`` of ``statement``), in
    words; None when it does, or when the file was not read (an imported record without its file: the amounts
    stand as entered). A file read by OCR must show each amount entered, above :data:`OCR_MIN_CONFIDENCE`."""
    ocr = document.get("ocr")
    entered = {k: v for k in keys if (v := statement_amount(document, k))}
    if not ocr or not entered:
        return None
    if ocr.get("problem"):
        return str(ocr["problem"])
    confidence = int(ocr.get("confidence") or 0)
    if confidence < OCR_MIN_CONFIDENCE:
        return f"読み取りの信頼度 {confidence}%（{OCR_MIN_CONFIDENCE}%未満）"
    shown = amounts_anywhere(str(ocr.get("text") or ""))
    absent = [f"{STATEMENT_LABELS.get(k, k)} {yen_signed(v)}" for k, v in entered.items() if abs(v) not in shown]
    return "入力された" + "・".join(absent) + "が書類から読み取れません" if absent else None


def statement_entered(document: dict[str, Any]) -> str:
    """The amounts entered with a statement, in words: 「配当等の額 100,000円・配当割額（住民税） 5,000円」."""
    return "・".join(f"{STATEMENT_LABELS.get(k, k)} {yen_signed(v)}" for k, v in (document.get("statement") or {}).items()
                    if isinstance(v, int) and not isinstance(v, bool))


def yen_signed(value: int) -> str:
    """An amount as a statement prints it, a loss with △: 「12,345円」「△50,000円」."""
    return f"△{-value:,}円" if value < 0 else f"{value:,}円"


def statement_summary(document: dict[str, Any]) -> str:
    """For the clerk: the amounts entered and whether the file's reading shows them."""
    keys = tuple((document.get("statement") or {}).keys())
    ocr = document.get("ocr")
    why = statement_unconfirmed(document, keys)
    seen = ("読み取りなし（書類の記載として入力された金額）" if not ocr else f"読み取り: {why}" if why
            else f"読み取り（信頼度 {ocr.get('confidence', 0)}%）: 入力された金額を確認")
    return f"入力 {statement_entered(document) or 'なし'} / {seen}"


def name_key(name: str) -> str:
    """A name folded as the registry's search keys are (common.text.search_key: NFKC, katakana, 異体字 such as
    髙→高, variation selectors and spaces dropped), so that 「髙橋　一郎」 on a receipt is 「高橋 一郎」."""
    return search_key(name)


def names_shown(text: str, names: Iterable[str]) -> list[str]:
    """Which of ``names`` appear in an OCR text, both folded by :func:`name_key` (OCR splits a name with spaces
    and line breaks; a receipt prints 「神戸 花子 様」 or the reading in katakana)."""
    plain = name_key(normalise_ocr(text))
    return [n for n in names if (key := name_key(n)) and key in plain]


_GRADE = re.compile(r"([1-7])級")


def certificate_summary(document: dict[str, Any], name: str) -> str:
    """What OCR read of a 障害者手帳 (or 認定書) copy, for the clerk: whether ``name`` appears on it and the grades
    (N級) it shows, with the engine's confidence; the clerk still looks at the copy (a 手帳 is never accepted by
    OCR alone)."""
    ocr = document.get("ocr") or {}
    if not ocr:
        return "写しの読み取りなし"
    if ocr.get("problem"):
        return f"写しの読み取り不可（{ocr['problem']}）"
    text = normalise_ocr(str(ocr.get("text") or ""))
    plain = "".join(text.split())
    named = "一致" if name and names_shown(text, [name]) else "見当たらない"
    grades = "・".join(dict.fromkeys(f"{g}級" for g in _GRADE.findall(plain))) or "読み取れない"
    return f"写しの読み取り（信頼度 {ocr.get('confidence', 0)}%）: 氏名 {named}、等級 {grades}"
