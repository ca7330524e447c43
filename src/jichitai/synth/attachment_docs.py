"""What the synthetic residents attach, as the review reads it (declarations/domain/documents.py): the
マイナポータル 医療費通知情報 as XML or the 医療費控除の明細書's lines for 医療費, one row per 寄附金の受領証明書
(寄附先・金額・寄附日) for donations, and the wrong documents a defective declaration carries instead.

Pure: no Django. The XML uses the element names documents.py reads (one per item of a 医療費通知, 国税庁
タックスアンサー No.1119)."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any
from xml.sax.saxutils import escape

# donees of ふるさと納税 (real municipalities; the synthetic gifts are ours)
DONEES = ("北海道上士幌町", "佐賀県上峰町", "宮崎県都城市", "北海道紋別市", "大阪府泉佐野市", "山形県寒河江市")
PROVIDERS = ("神戸中央市民病院", "三宮駅前クリニック", "元町薬局", "須磨歯科医院", "西神調剤薬局", "垂水眼科")
INSURERS = ("神戸市国民健康保険", "全国健康保険協会兵庫支部", "兵庫県後期高齢者医療広域連合")


def split(total: int, parts: int, rng: random.Random, unit: int = 10) -> list[int]:
    """``total`` in ``parts`` amounts of ``unit`` yen (the last takes the rest), each > 0 when possible."""
    parts = max(1, min(parts, total // unit or 1))
    cuts = sorted(rng.sample(range(1, total // unit), parts - 1)) if parts > 1 else []
    edges = [0, *(c * unit for c in cuts), total]
    return [b - a for a, b in itertools.pairwise(edges)]


def medical_notice_xml(name: str, paid: int, year: int, rng: random.Random) -> str:
    """A 医療費通知情報 whose 療養 of ``year`` sum to ``paid`` (自己負担額, non-round)."""
    rows = []
    for amount in split(paid, rng.randint(1, 4), rng):
        month = rng.randint(1, 12)
        rows.append(f"<療養><療養を受けた年月>{year}-{month:02d}</療養を受けた年月><療養を受けた者>{escape(name)}"
                    f"</療養を受けた者><病院等の名称>{rng.choice(PROVIDERS)}</病院等の名称>"
                    f"<支払った医療費の額>{amount}</支払った医療費の額></療養>")
    return ('<?xml version="1.0" encoding="UTF-8"?><医療費通知情報>'
            f"<被保険者等の氏名>{escape(name)}</被保険者等の氏名><保険者等の名称>{rng.choice(INSURERS)}</保険者等の名称>"
            + "".join(rows) + "</医療費通知情報>")


def medical_attachment(pid: int, name: str, paid: int, year: int, rng: random.Random,
                       delivery: bool = False) -> dict[str, Any]:
    """The 医療費 attachment: the 医療費通知 XML for insured care (about 60 %), else the 明細書's lines (always
    for a delivery, which no 医療費通知 covers)."""
    if not delivery and rng.random() < 0.6:
        return {"kind": "medical_detail", "filename": f"iryohi_{pid}.xml",
                "xml": medical_notice_xml(name, paid, year, rng)}
    lines = [{"provider": rng.choice(PROVIDERS), "patient": name, "amount": a}
             for a in split(paid, rng.randint(1, 3), rng)]
    return {"kind": "medical_detail", "filename": f"iryohi_{pid}.pdf", "lines": lines}


def donation_attachment(pid: int, amount: int, year: int, rng: random.Random) -> dict[str, Any]:
    """The 受領証明書 rows (寄附先・金額・寄附日) of gifts of ``year`` summing to ``amount``."""
    rows = [{"donee": rng.choice(DONEES), "amount": a,
             "date": (dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))).isoformat()}
            for a in split(amount, 2 if amount >= 20_000 and rng.random() < 0.4 else 1, rng, unit=1000)]
    return {"kind": "donation_receipt", "filename": f"kifu_{pid}.pdf", "receipts": rows}


def juminhyo_xml(name: str) -> str:
    """A 住民票の写し in XML, attached in place of the 医療費通知 (the issue's example of a wrong document)."""
    return ('<?xml version="1.0" encoding="UTF-8"?><住民票の写し>'
            f"<氏名>{escape(name)}</氏名><住所>兵庫県神戸市</住所></住民票の写し>")


def receipt_scan(pid: int, name: str, amount: int, year: int, rng: random.Random) -> tuple[dict[str, Any], list[str]]:
    """A 医療費 receipt attached as a scan: the attachment (its image by path, beside declarations.jsonl) and
    the receipt's lines, drawn by synth/receipt_images.py and read at intake by OCR like any upload."""
    path = f"scans/ryoshusho_{pid}.png"
    day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    lines = ["領収書", f"{name} 様", rng.choice(PROVIDERS), f"{day.year}年{day.month}月{day.day}日",
             f"合計 {amount:,}円"]
    return {"kind": "medical_detail", "filename": f"ryoshusho_{pid}.png", "image": path}, lines


def dividend_statement(pid: int, dividend: int, withheld: int) -> dict[str, Any]:
    """The 特定口座年間取引報告書 with its 配当等の額 and 配当割額 entered (documents.statement_amount)."""
    return {"kind": "dividend_statement", "filename": f"tokutei_{pid}.pdf",
            "statement": {"dividend": dividend, "withheld": withheld}}


def housing_statement(pid: int, available: int, used: int) -> dict[str, Any]:
    """The 住宅借入金等特別控除の計算明細書 with its 控除可能額 and the part the 所得税 used entered (DE12)."""
    return {"kind": "housing_loan_statement", "filename": f"jutaku_{pid}.pdf",
            "statement": {"available": available, "used": used}}


def donation_scan(pid: int, donor: str, row: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A 寄附金受領証明書 attached as a photo, its row (寄附先・金額・寄附日) entered with it as the portal asks: the
    attachment (its image by path) and the certificate's lines, the 寄附者 named as 「寄附者 氏名 様」 (DE10 reads
    the amount and the donor's name by OCR at intake)."""
    day = dt.date.fromisoformat(row["date"])
    lines = ["寄附金受領証明書", f"寄附者 {donor} 様", f"寄附日 {day.year}年{day.month}月{day.day}日",
             f"寄附金額 {row['amount']:,}円", f"{row['donee']}長"]
    return {"kind": "donation_receipt", "filename": f"kifu_{pid}.png", "image": f"scans/kifu_{pid}.png",
            "receipts": [row]}, lines
