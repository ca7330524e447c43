"""The declaration (市民税・県民税申告書) as the resident filed it.

The patterns follow eLTAX's 個人住民税申告 (from 2026-01-05):
収入なし / 給与所得のみ / 公的年金所得のみ / その他.
``case`` is the tax case format (../shared/reference/tax-case-format.md) with spouse and dependants also
carrying ``my_number``, ``name`` and ``birth_date``; ``declared`` holds the figures the resident wrote: 給与収入
and 年金収入 as on the 収入 lines, the 年税額, and the deductions the resident computed from the premiums
(``life_insurance_deduction`` 生命保険料控除, ``earthquake_insurance_deduction`` 地震保険料控除). The tax engine
computes every deduction again from the premiums in ``case``; the review compares what the resident wrote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from jichitai.common.errors import JichitaiError


class DeclarationError(JichitaiError):
    """The error root of the declarations context."""

    code = "declaration"


class Pattern(StrEnum):
    NO_INCOME = "no_income"
    SALARY_ONLY = "salary_only"
    PENSION_ONLY = "pension_only"
    OTHER = "other"

    @property
    def label(self) -> str:
        return PATTERN_LABELS[self]


PATTERN_LABELS = {
    Pattern.NO_INCOME: "収入なし",
    Pattern.SALARY_ONLY: "給与所得のみ",
    Pattern.PENSION_ONLY: "公的年金所得のみ",
    Pattern.OTHER: "その他（事業所得・医療費控除など）",
}


class Channel(StrEnum):
    ONLINE = "online"
    PAPER = "paper"

    @property
    def label(self) -> str:
        return "電子申告" if self is Channel.ONLINE else "紙の申告書"


ATTACHMENT_KINDS = {
    "medical_detail": "医療費控除の明細書",
    "donation_receipt": "寄附金の受領証明書",
    "withholding_slip": "源泉徴収票",
    "insurance_certificate": "保険料控除証明書",
    "disability_certificate": "障害者手帳（または障害者控除対象者認定書）の写し",
    "student_certificate": "在学証明書（学生証の写し）",
    "dividend_statement": "特定口座年間取引報告書・配当の支払通知書",
    "housing_loan_statement": "住宅借入金等特別控除の計算明細書・確定申告書の控え",
    "stock_loss_schedule": "確定申告書付表（上場株式等に係る譲渡損失の損益通算及び繰越控除用）",
    "stock_transfer_statement": "株式等に係る譲渡所得等の金額の計算明細書",
    "other": "その他",
}


DOCUMENT_KEYS = ("xml", "lines", "receipts", "statement", "ocr")


@dataclass(frozen=True)
class Attachment:
    kind: str
    filename: str = ""
    # what was read of it at intake: the 医療費通知 XML, the 明細書 lines, the 受領証明書 rows, the OCR text
    # (domain/documents.py); empty: nothing but the file's presence
    document: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def label(self) -> str:
        return ATTACHMENT_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class Relative:
    """A spouse or dependant the taxpayer claims (配偶者・扶養親族の申告欄)."""

    role: str  # "spouse" or "dependent"
    my_number: str
    name: str
    birth_date: dt.date | None
    total_income: int  # 合計所得金額 as declared
    relation: str = "other"
    cohabiting: bool = True
    disability: str | None = None
    age_class: str | None = None  # optional class ticked on a paper form (young/general/specific/elderly)


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DeclarationError(
            f"日付の形式が正しくありません: {value}", code="bad_date", value=str(value)
        ) from None


def _moment(value: Any) -> dt.datetime | None:
    """An ISO 8601 date and time with its offset (``2026-02-16T10:05:00+09:00``); a time without an offset
    could be read in two ways, so it is refused."""
    if value in (None, ""):
        return None
    try:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise DeclarationError(
            f"提出日時の形式が正しくありません（時差を含む日時で記載してください）: {value}",
            code="bad_datetime", value=str(value),
        )
    return moment


def _int(value: Any, name: str) -> int:
    if value in (None, ""):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DeclarationError(
            f"{name} には整数（円）を入力してください。", code="bad_amount", item=name
        ) from None


@dataclass(frozen=True)
class Declaration:
    ref: str
    fiscal_year: int
    channel: Channel
    pattern: Pattern
    my_number: str
    name: str
    kana: str
    birth_date: dt.date | None
    town_code: str
    banchi: str
    katagaki: str
    case: dict[str, Any]
    declared_salary: int | None = None
    declared_pension: int | None = None
    declared_total_tax: int | None = None
    declared_life_insurance_deduction: int | None = None  # 生命保険料控除 as written; None: not written
    declared_earthquake_insurance_deduction: int | None = None  # 地震保険料控除 as written
    attachments: tuple[Attachment, ...] = ()
    relatives: tuple[Relative, ...] = field(default=())
    submitted_at: dt.datetime | None = None  # when it reached the city, as the channel recorded it (imports)

    @property
    def income_year(self) -> int:
        """The year whose income is declared (前年): the 年度 minus one."""
        return self.fiscal_year - 1

    # The figures below are read by many rules of one review: worked out once per declaration (a declaration is
    # frozen and its case is not changed once it is built; the rules only read them).

    @cached_property
    def income(self) -> dict[str, int]:
        inc = self.case.get("income") or {}
        return {k: _int(inc.get(k), k) for k in ("salary", "public_pension", "business", "misc_other")}

    @cached_property
    def dividends(self) -> dict[str, int]:
        """配当: 総合課税の配当所得 (``income.dividend``), 申告分離課税の上場株式等の配当等
        (``separate_income.listed_dividend``) and the 配当割額 withheld on them (``local_tax_withheld.dividend``)."""
        return {
            "aggregate": _int((self.case.get("income") or {}).get("dividend"), "配当所得"),
            "listed_separate": _int((self.case.get("separate_income") or {}).get("listed_dividend"), "上場株式等の配当等"),
            "withheld": _int((self.case.get("local_tax_withheld") or {}).get("dividend"), "配当割額"),
        }

    @cached_property
    def listed_stock(self) -> dict[str, Any]:
        """上場株式等の譲渡 (申告分離): the year's 譲渡所得等 (``separate_income.listed_stock``) or 譲渡損失
        (``listed_stock_loss``), the 株式等譲渡所得割額 (``local_tax_withheld.stock_transfer``) and the losses brought
        in, by the year they arose (``carryover.listed_stock_loss_by_year``: ((年, amount), …))."""
        sep = self.case.get("separate_income") or {}
        carried = tuple((_int(e.get("year"), "繰越損失の年"), _int(e.get("amount"), "繰越損失の金額"))
                        for e in (self.case.get("carryover") or {}).get("listed_stock_loss_by_year") or [])
        return {"gain": _int(sep.get("listed_stock"), "上場株式等の譲渡所得等"),
                "loss": _int(sep.get("listed_stock_loss"), "上場株式等の譲渡損失"),
                "withheld": _int((self.case.get("local_tax_withheld") or {}).get("stock_transfer"), "株式等譲渡所得割額"),
                "carried": tuple((y, a) for y, a in carried if a)}

    @property
    def deductions(self) -> dict[str, Any]:
        return self.case.get("deductions") or {}

    @cached_property
    def medical(self) -> tuple[int, int]:
        med = self.deductions.get("medical_expenses") or {}
        return _int(med.get("paid"), "医療費"), _int(med.get("reimbursed"), "補填額")

    @cached_property
    def donations(self) -> dict[str, int]:
        d = self.case.get("donations") or {}
        return {"furusato": _int(d.get("furusato"), "ふるさと納税"), "other": _int(d.get("other"), "寄附金")}

    @property
    def spouse(self) -> Relative | None:
        return next((r for r in self.relatives if r.role == "spouse"), None)

    @property
    def dependents(self) -> list[Relative]:
        return [r for r in self.relatives if r.role == "dependent"]

    @property
    def taxpayer(self) -> dict[str, Any]:
        """The filer's own status as claimed (寡婦, ひとり親, 障害者, 勤労学生, sex)."""
        return self.case.get("taxpayer") or {}

    @property
    def claimed_disability(self) -> str | None:
        return self.taxpayer.get("disability") or None

    def has_attachment(self, kind: str) -> bool:
        return any(a.kind == kind for a in self.attachments)

    def attached(self, kind: str) -> list[Attachment]:
        return [a for a in self.attachments if a.kind == kind]

    @classmethod
    def from_record(cls, rec: dict[str, Any], *, fiscal_year: int | None = None) -> Declaration:
        """Build from one line of the synthetic city's ``declarations.jsonl`` (or the portal's JSON)."""
        case = dict(rec.get("case") or {})
        fy = int(fiscal_year or case.get("fiscal_year") or rec.get("fiscal_year") or 0)
        if not fy:
            raise DeclarationError("申告年度がありません。", code="no_fiscal_year")
        case["fiscal_year"] = fy
        try:
            pattern = Pattern(rec.get("pattern", "other"))
            channel = Channel(rec.get("channel", "online"))
        except ValueError as exc:
            raise DeclarationError(f"申告の区分が正しくありません: {exc}", code="bad_pattern") from None
        relatives: list[Relative] = []
        sp = case.get("spouse")
        if sp:
            relatives.append(_relative("spouse", sp))
        for d in case.get("dependents") or []:
            relatives.append(_relative("dependent", d))
        addr = rec.get("address") or {}
        declared = rec.get("declared") or {}
        return cls(
            ref=str(rec.get("declaration_ref", "")),
            fiscal_year=fy,
            channel=channel,
            pattern=pattern,
            my_number=str(rec.get("my_number", "")),
            name=str(rec.get("name", "")),
            kana=str(rec.get("kana", "")),
            birth_date=_date(rec.get("birth_date")),
            town_code=str(addr.get("town_code", "")),
            banchi=str(addr.get("banchi", "")),
            katagaki=str(addr.get("katagaki", "") or ""),
            case=case,
            declared_salary=None if declared.get("salary") is None else _int(declared["salary"], "給与収入"),
            declared_pension=None
            if declared.get("pension") is None
            else _int(declared["pension"], "年金収入"),
            declared_total_tax=None
            if declared.get("total_tax") is None
            else _int(declared["total_tax"], "税額"),
            declared_life_insurance_deduction=_declared(declared, "life_insurance_deduction", "生命保険料控除"),
            declared_earthquake_insurance_deduction=_declared(
                declared, "earthquake_insurance_deduction", "地震保険料控除"
            ),
            attachments=tuple(
                Attachment(str(a.get("kind", "other")), str(a.get("filename", "")),
                           {k: a[k] for k in DOCUMENT_KEYS if k in a})
                for a in rec.get("attachments") or []
            ),
            relatives=tuple(relatives),
            submitted_at=_moment(rec.get("submitted_at")),
        )


def _declared(declared: dict[str, Any], key: str, name: str) -> int | None:
    value = declared.get(key)
    return None if value in (None, "") else _int(value, name)


def _relative(role: str, d: dict[str, Any]) -> Relative:
    return Relative(
        role=role,
        my_number=str(d.get("my_number", "") or ""),
        name=str(d.get("name", "") or ""),
        birth_date=_date(d.get("birth_date")),
        total_income=_int(d.get("total_income"), "合計所得金額"),
        relation=str(d.get("relation", "spouse" if role == "spouse" else "other") or "other"),
        cohabiting=bool(d.get("cohabiting", True)),
        disability=d.get("disability"),
        age_class=d.get("age_class"),
    )
