"""The upload form: one file with what the review compares it with — a 受領証明書's 寄附先・金額・寄附日 and a
statement's amounts typed as printed (IN07 配当割額, DE12 住宅借入金等特別控除, IN08 上場株式等の譲渡・付表)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django import forms

from jichitai.common.wareki import parse_wareki, to_wareki_year
from jichitai.declarations.domain.documents import STATEMENT_LABELS, yen_signed
from jichitai.declarations.domain.model import ATTACHMENT_KINDS

YEN_MAX = 10_000_000_000
_MINUS = ("△", "▲", "-", "−", "ー")


class YenField(forms.CharField):
    """An amount in yen as a document prints it: 「12,345」「１２，３４５円」「12345」 (NFKC, separators and 円 dropped);
    with ``signed`` a loss as printed, 「△50,000」「-50,000」; the error names the item."""

    def __init__(self, *args: Any, item: str, signed: bool = False, **kwargs: Any) -> None:
        self.item, self.signed = item, signed
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "text" if signed else "numeric", "autocomplete": "off",
                                  "maxlength": "20"})

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = unicodedata.normalize("NFKC", super().to_python(value) or "").strip()
        if not text:
            return None
        negative = self.signed and text.startswith(_MINUS)
        digits = text.lstrip("".join(_MINUS)) if negative else text
        digits = digits.removesuffix("円").replace(",", "").replace("¥", "").strip()
        if not digits.isascii() or not digits.isdigit() or int(digits) > YEN_MAX:
            example = "（例 12,345、損失は △12,345）" if self.signed else "（例 12,345）"
            raise forms.ValidationError(f"{self.item}は金額（円）を数字で入力してください{example}。")
        return -int(digits) if negative else int(digits)


# kind: the statement's items typed with its file — what IN07, DE12 and IN08 compare with the claim
STATEMENT_ITEMS = {"dividend_statement": ("dividend", "withheld"), "housing_loan_statement": ("available", "used"),
                   "withholding_slip": ("available", "used"),
                   "stock_loss_schedule": ("carried_3", "carried_2", "carried_1"),
                   "stock_transfer_statement": ("sale_revenue", "sale_expenses", "sale_net")}
# the 譲渡の欄 of a 特定口座年間取引報告書 (asked when the declaration declares 上場株式等の譲渡)
TRANSFER_ITEMS = ("proceeds", "cost", "net", "income_tax", "transfer_withheld")


def _statement_field(key: str, help_text: str, signed: bool = False) -> YenField:
    label = STATEMENT_LABELS[key]
    return YenField(label=f"{label}（円）", item=label, signed=signed, required=False, help_text=help_text)


class AttachmentForm(forms.Form):
    """One file, with what the review compares it with: the 受領証明書's 寄附先・金額・寄附日, the 報告書's
    配当等の額・配当割額 and, when ``stocks`` (the declaration declares 上場株式等の譲渡), its 譲渡の欄; the 付表's
    losses brought in; the 住宅借入金等特別控除可能額 and the 所得税で控除した額 (``housing``: the declaration claims
    the credit, so a 源泉徴収票 must carry them too)."""

    kind = forms.ChoiceField(label="書類の種類", choices=[
        ("medical_detail", "医療費控除の明細書（医療費通知）"), ("donation_receipt", "寄附金の受領証明書"),
        ("withholding_slip", "源泉徴収票"), ("insurance_certificate", "保険料控除証明書"),
        ("disability_certificate", "障害者手帳（障害者控除対象者認定書）の写し"),
        ("student_certificate", "在学証明書（学生証の写し）"),
        ("dividend_statement", "特定口座年間取引報告書・配当の支払通知書"),
        ("stock_loss_schedule", ATTACHMENT_KINDS["stock_loss_schedule"]),
        ("stock_transfer_statement", ATTACHMENT_KINDS["stock_transfer_statement"]),
        ("housing_loan_statement", "住宅借入金等特別控除の計算明細書・確定申告書の控え"), ("other", "その他"),
    ])
    file = forms.FileField(label="ファイル（PDF・写真、医療費通知情報はXML。5MBまで）")
    donee = forms.CharField(label="寄附先（受領証明書のみ）", max_length=100, required=False,
                            help_text="例: 北海道上士幌町")
    amount = YenField(label="寄附金額（円）", item="寄附金額", required=False)
    donated_on = forms.CharField(label="寄附日", max_length=30, required=False,
                                 help_text="例: 令和7年6月1日 または 2025-06-01")
    statement_dividend = YenField(label="配当等の額（円）", item="配当等の額", required=False,
                                  help_text="報告書・支払通知書の「配当等の額」の合計")
    statement_withheld = YenField(label="配当割額（住民税）（円）", item="配当割額", required=False,
                                  help_text="報告書の「配当割額」（住民税）。所得税の源泉徴収税額ではありません")
    statement_proceeds = _statement_field("proceeds", "報告書の譲渡の欄「譲渡の対価の額（収入金額）」")
    statement_cost = _statement_field("cost", "報告書の「取得費及び譲渡に要した費用の額等」")
    statement_net = _statement_field("net", "報告書の「差引金額（譲渡所得等の金額）」。損失は △ を付けて（例 △50,000）",
                                     signed=True)
    statement_income_tax = _statement_field("income_tax", "報告書の譲渡の欄の「源泉徴収税額」（所得税。なければ 0）")
    statement_transfer_withheld = _statement_field("transfer_withheld", "報告書の「株式等譲渡所得割額」（住民税。なければ 0）")
    statement_carried_3 = _statement_field("carried_3", "付表の「前年から繰り越された上場株式等に係る譲渡損失の金額」")
    statement_carried_2 = _statement_field("carried_2", "なければ 0")
    statement_carried_1 = _statement_field("carried_1", "なければ 0")
    statement_sale_revenue = _statement_field("sale_revenue", "計算明細書の上場株式等の「譲渡による収入金額」")
    statement_sale_expenses = _statement_field("sale_expenses", "計算明細書の上場株式等の「取得費（取得価額）」と"
                                               "「譲渡のための委託手数料」などの合計")
    statement_sale_net = _statement_field("sale_net", "計算明細書の上場株式等の「差引金額」。損失は △ を付けて", signed=True)
    statement_available = YenField(label="住宅借入金等特別控除可能額（円）", item="住宅借入金等特別控除可能額",
                                   required=False,
                                   help_text="源泉徴収票の「住宅借入金等特別控除可能額」、または計算明細書の金額")
    statement_used = YenField(label="所得税で控除した住宅借入金等特別控除の額（円）", item="所得税で控除した額",
                              required=False,
                              help_text="源泉徴収票の「住宅借入金等特別控除の額」、または確定申告書の金額（なければ 0）")

    def __init__(self, *args: Any, housing: bool = False, stocks: bool = False, income_year: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.housing, self.stocks = housing, stocks
        if income_year:  # the 付表's rows named with their year: 「（本年の3年前分・令和4年分）」
            for age in (3, 2, 1):
                field = self.fields[f"statement_carried_{age}"]
                field.label = f"前年から繰り越された損失（本年の{age}年前分・{to_wareki_year(income_year - age)}分）（円）"

    def _items(self, kind: str, data: dict[str, Any]) -> tuple[str, ...]:
        """The items to require of this upload: a 源泉徴収票 only when the credit is claimed (or typed); a 報告書's
        譲渡の欄 when 上場株式等の譲渡 is declared (or typed) — then its 配当 items may be blank (0)."""
        items = STATEMENT_ITEMS.get(kind, ())
        if kind == "withholding_slip" and not (self.housing or any(data.get(f"statement_{k}") is not None
                                                                    for k in items)):
            return ()
        if kind == "dividend_statement" and (self.stocks or any(data.get(f"statement_{k}") is not None
                                                                for k in TRANSFER_ITEMS)):
            for k in items:
                if data.get(f"statement_{k}") is None and f"statement_{k}" not in self.errors:
                    data[f"statement_{k}"] = 0
            return items + TRANSFER_ITEMS
        return items

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind") or ""
        items = self._items(kind, data)
        if items:
            document = ATTACHMENT_KINDS.get(kind, "")
            for k in items:
                if data.get(f"statement_{k}") is None and f"statement_{k}" not in self.errors:
                    self.add_error(f"statement_{k}", f"{document}の「{STATEMENT_LABELS[k]}」を入力してください"
                                                     "（書類の金額と照らし合わせます）。")
            if not any(f"statement_{k}" in self.errors for k in items):
                data["statement"] = {k: data[f"statement_{k}"] for k in items}
                self._difference(data["statement"])
        if kind != "donation_receipt":
            return data
        text = (data.get("donated_on") or "").strip()
        day = None
        if text:
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                try:
                    day = parse_wareki(text)
                except ValueError:
                    self.add_error("donated_on", "寄附日は「令和7年6月1日」または 2025-06-01 の形で入力してください。")
        for name, label in (("donee", "寄附先"), ("amount", "寄附金額"), ("donated_on", "寄附日")):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, f"受領証明書の{label}を入力してください。")
        if day is not None:
            data["receipt"] = {"donee": data["donee"], "amount": data.get("amount"), "date": day.isoformat()}
        return data

    def _difference(self, statement: dict[str, int]) -> None:
        """The 報告書 prints 差引金額 = 譲渡の対価の額 − 取得費及び譲渡に要した費用の額等, the 計算明細書 差引金額 =
        譲渡による収入金額 − 取得費及び譲渡に要した費用: a typed 差引金額 that is not is refused on its field, with the
        sum."""
        for (net, plus, minus), words, document in ((("net", "proceeds", "cost"), ("譲渡の対価の額", "取得費等"), "報告書"),
                                                    (("sale_net", "sale_revenue", "sale_expenses"),
                                                     ("譲渡による収入金額", "取得費等"), "計算明細書")):
            if net not in statement:
                continue
            expected = statement[plus] - statement[minus]
            if statement[net] != expected:
                self.add_error(f"statement_{net}", f"差引金額（{yen_signed(statement[net])}）が、{words[0]}"
                                                   f"（{statement[plus]:,}円）− {words[1]}（{statement[minus]:,}円）= "
                                                   f"{yen_signed(expected)} と合いません。{document}の記載を確認してください。")
