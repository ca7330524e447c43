"""The public tax case (docs: ../shared/reference/tax-case-format.md): parse and check one case.

Every missing or impossible field is refused with :class:`TaxInputError` naming it in dotted form
(``income.salary``, ``dependents[2].birth_date``); nothing is guessed, except the figures a partial
``municipality`` block leaves out, which take the statutory standard and are listed in the answer. Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from jichitai.common.fields import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, MAX_YEN
from jichitai.tax.errors import TaxInputError
from jichitai.tax.parameters import Municipality, municipality_from_block
from jichitai.tax.rules import DISABILITY_CODES
from jichitai.tax.rules.separate import ATTRS as SEPARATE_ATTRS

RELATIONS = ("child", "parent", "grandparent", "other", "spouse")
LINEAL_ASCENDANTS = ("parent", "grandparent")
WIDOW_REASONS = ("bereaved", "divorced", "spouse_unknown")  # 死別, 離婚, 夫の生死不明 (地方税法第292条第1項第11号)


@dataclass(frozen=True)
class Relative:
    """A spouse or a relative sharing the taxpayer's livelihood (生計を一にする親族)."""

    birth_date: dt.date
    total_income: int
    disability: int = 0
    cohabiting: bool = False
    lineal_ascendant: bool = False
    # 子 of the taxpayer (ひとり親の「生計を一にする子」): relation "child", or no relation given and younger
    child: bool = False


@dataclass(frozen=True)
class Case:
    fiscal_year: int
    birth_date: dt.date
    municipality: Municipality | None = None
    female: bool = False
    disability: int = 0
    widow: bool = False
    widow_divorced: bool = False
    single_parent: bool = False
    working_student: bool = False
    public_assistance: bool = False
    salary: int = 0
    public_pension: int = 0
    business: int = 0
    real_estate: int = 0  # 不動産所得 (income after expenses), a 確定申告 item
    misc_other: int = 0
    dividend: int = 0
    sep_short_term: int = 0
    sep_long_term: int = 0
    sep_general_stock: int = 0
    sep_listed_stock: int = 0
    sep_listed_dividend: int = 0
    sep_long_term_qualified: int = 0     # of sep_long_term: 優良住宅地の造成等のための譲渡 (附則第34条の2)
    sep_long_term_residential: int = 0   # of sep_long_term: 所有期間10年超の居住用財産の譲渡 (附則第34条の3)
    sep_listed_stock_loss: int = 0       # the year's 上場株式等に係る譲渡損失の金額 (附則第35条の2の6, 損益通算)
    # 前年前3年内の上場株式等に係る譲渡損失 brought in (同条, 繰越控除), the year it arose not given: the single field
    # ``carryover.listed_stock_loss`` means the losses still within the 3 years
    carryover_listed_stock_loss: int = 0
    # ``carryover.listed_stock_loss_by_year``: (年 the loss arose, amount not yet deducted), oldest first; the engine
    # drops what is older than 3 years and deducts the oldest first
    carryover_listed_by_year: tuple[tuple[int, int], ...] = ()
    social_insurance: int = 0
    small_enterprise_mutual_aid: int = 0
    life_general_new: int = 0
    life_pension_new: int = 0
    life_medical_care_new: int = 0
    life_general_old: int = 0
    life_pension_old: int = 0
    earthquake_insurance: int = 0
    long_term_damage_insurance_old: int = 0
    medical_paid: int = 0
    medical_reimbursed: int = 0
    donation_furusato: int = 0
    donation_other: int = 0
    housing_loan_credit: int = 0
    withheld_dividend: int = 0
    withheld_stock_transfer: int = 0
    donation_onestop: bool = False
    spouse: Relative | None = None
    dependents: tuple[Relative, ...] = field(default_factory=tuple)


def _shown(raw: Any) -> str:
    """A refused value as the message quotes it: short text only (never a hostile value whole)."""
    return repr(raw) if isinstance(raw, str) and len(raw) <= 20 and raw.isprintable() else "この値"


def _obj(data: Any, path: str, *, optional: bool = False) -> dict[str, Any]:
    if data is None and optional:
        return {}
    if not isinstance(data, dict):
        raise TaxInputError(f"{path} はオブジェクトで指定してください。", field=path)
    return data


def _yen(data: dict[str, Any], key: str, path: str, *, required: bool = False) -> int:
    where = f"{path}.{key}" if path else key
    if key not in data or data[key] is None:
        if required:
            raise TaxInputError(f"{where} がありません。", field=where)
        return 0
    v = data[key]
    if isinstance(v, bool) or not isinstance(v, int):
        raise TaxInputError(f"{where} は整数(円)で指定してください。", field=where)
    if v < 0:
        raise TaxInputError(f"{where} に負の金額は指定できません。", field=where)
    if v > MAX_YEN:
        raise TaxInputError(f"{where} は {MAX_YEN:,} 円以下で指定してください。", field=where)
    return v


def _flag(data: dict[str, Any], key: str, path: str) -> bool:
    v = data.get(key, False)
    if v is None:
        return False
    if not isinstance(v, bool):
        raise TaxInputError(f"{path}.{key} は true/false で指定してください。", field=f"{path}.{key}")
    return v


def _date(data: dict[str, Any], key: str, path: str, latest: dt.date, why: str) -> dt.date:
    """A birth date no later than ``latest``; ``why`` says which day that is and by what law."""
    where = f"{path}.{key}"
    raw = data.get(key)
    if not isinstance(raw, str):
        raise TaxInputError(f"{where} (生年月日, YYYY-MM-DD) がありません。", field=where)
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise TaxInputError(f"{where} の日付 {_shown(raw)} を読めません (YYYY-MM-DD)。", field=where) from None
    if day > latest:
        raise TaxInputError(f"{where} が{latest.year}年{latest.month}月{latest.day}日より後です ({why})。", field=where)
    if day.year < 1880:
        raise TaxInputError(f"{where} が古すぎます。", field=where)
    return day


def _taxpayer_birth(data: dict[str, Any], fiscal_year: int) -> dt.date:
    """Born on or before the 賦課期日 (1月1日 of the 年度, 地方税法第39条・第318条): who is born on that day is a
    resident on it and is assessed."""
    return _date(data, "birth_date", "taxpayer", dt.date(fiscal_year, 1, 1),
                 "賦課期日より後に生まれた人は課税されません: 地方税法第39条・第318条")


def _relative_birth(data: dict[str, Any], path: str, income_year: int) -> dt.date:
    """Born within the income year at the latest: 配偶者・扶養親族 are judged on its 12月31日 (地方税法第314条の2,
    所得税法第85条の例)."""
    return _date(data, "birth_date", path, dt.date(income_year, 12, 31),
                 "配偶者・扶養親族は所得の年の12月31日の現況で判定します: 地方税法第314条の2")


def _disability(data: dict[str, Any], path: str) -> int:
    raw = data.get("disability")
    if not (raw is None or isinstance(raw, str)) or raw not in DISABILITY_CODES:
        kinds = ", ".join(k for k in DISABILITY_CODES if k)
        raise TaxInputError(f"{path}.disability の区分 {_shown(raw)} は使えません (null, {kinds})。", field=f"{path}.disability")
    return DISABILITY_CODES[raw]


def _relative(data: Any, path: str, income_year: int, taxpayer_birth: dt.date, *, spouse: bool) -> Relative:
    """A spouse or dependant. ``relation`` null (or absent) means a relative who is not a lineal ascendant
    (no 同居老親等); such a relative younger than the taxpayer may be the taxpayer's 子 for ひとり親."""
    d = _obj(data, path)
    relation = "spouse" if spouse else d.get("relation")
    if relation is not None and (not isinstance(relation, str) or relation not in RELATIONS
                                 or (relation == "spouse") != spouse):
        raise TaxInputError(f"{path}.relation の値 {_shown(relation)} は使えません (child, parent, grandparent, other, null)。",
                            field=f"{path}.relation")
    birth = _relative_birth(d, path, income_year)
    disability = _disability(d, path)
    cohabiting = True if spouse else _flag(d, "cohabiting", path)
    if not spouse and disability == DISABILITY_CODES["special_cohabiting"] and not cohabiting:
        raise TaxInputError(f"{path}.disability: 同居特別障害者は同居している特別障害者です (地方税法第314条の2第4項); "
                            f"cohabiting が false です。", field=f"{path}.disability")
    return Relative(
        birth_date=birth,
        total_income=_yen(d, "total_income", path, required=True),
        disability=disability,
        cohabiting=cohabiting,
        lineal_ascendant=relation in LINEAL_ASCENDANTS,
        child=relation == "child" or (relation is None and not spouse and birth > taxpayer_birth),
    )


# Case attribute → (the object it is read from, its key), in the order of the case format.
AMOUNTS: tuple[tuple[str, str, str], ...] = (
    ("salary", "income", "salary"), ("public_pension", "income", "public_pension"),
    ("business", "income", "business"), ("real_estate", "income", "real_estate"),
    ("misc_other", "income", "misc_other"), ("dividend", "income", "dividend"),
    ("social_insurance", "deductions", "social_insurance"),
    ("small_enterprise_mutual_aid", "deductions", "small_enterprise_mutual_aid"),
    ("life_general_new", "deductions.life_insurance", "general_new"),
    ("life_pension_new", "deductions.life_insurance", "pension_new"),
    ("life_medical_care_new", "deductions.life_insurance", "medical_care_new"),
    ("life_general_old", "deductions.life_insurance", "general_old"),
    ("life_pension_old", "deductions.life_insurance", "pension_old"),
    ("earthquake_insurance", "deductions", "earthquake_insurance"),
    ("long_term_damage_insurance_old", "deductions", "long_term_damage_insurance_old"),
    ("medical_paid", "deductions.medical_expenses", "paid"),
    ("medical_reimbursed", "deductions.medical_expenses", "reimbursed"),
    ("donation_furusato", "donations", "furusato"), ("donation_other", "donations", "other"),
    ("housing_loan_credit", "", "housing_loan_credit"),
    *((attr, "separate_income", kind) for kind, attr in SEPARATE_ATTRS.items()),
    ("sep_long_term_qualified", "separate_income", "land_long_term_qualified"),
    ("sep_long_term_residential", "separate_income", "land_long_term_residential"),
    ("sep_listed_stock_loss", "separate_income", "listed_stock_loss"),
    ("carryover_listed_stock_loss", "carryover", "listed_stock_loss"),
    ("withheld_dividend", "local_tax_withheld", "dividend"),
    ("withheld_stock_transfer", "local_tax_withheld", "stock_transfer"),
)


def _separate_parts(case: Case) -> None:
    """The parts of the 長期譲渡所得 at reduced rates are within it; a year has either a 上場株式等の譲渡所得等 or a
    譲渡損失 (gains and losses of the year are netted first, 租税特別措置法第37条の11)."""
    if case.sep_long_term_qualified + case.sep_long_term_residential > case.sep_long_term:
        raise TaxInputError("separate_income.land_long_term_qualified と land_long_term_residential の合計が "
                            "land_long_term (長期譲渡所得の金額) を超えています: 軽減税率の部分は長期譲渡所得の内訳です "
                            "(地方税法附則第34条の2, 第34条の3)。", field="separate_income.land_long_term_qualified")
    if case.sep_listed_stock and case.sep_listed_stock_loss:
        raise TaxInputError("separate_income.listed_stock_loss: 上場株式等の譲渡所得等と譲渡損失は同じ年に両方はありません "
                            "(通算した後の金額を指定してください)。", field="separate_income.listed_stock_loss")


CARRIED = "carryover.listed_stock_loss_by_year"
MAX_CARRIED_YEARS = 10


def _carried_losses(sec: dict[str, Any], income_year: int) -> tuple[tuple[int, int], ...]:
    """``carryover.listed_stock_loss_by_year``: a list of ``{year, amount}``, the 年 (西暦) each 上場株式等に係る譲渡損失
    arose and what of it is not yet deducted. A loss of the income year or later is not brought in (the year's own
    loss is ``separate_income.listed_stock_loss``); a year given twice is refused; one older than 3 years is kept
    here and dropped by the engine with a note (附則第35条の2の6, 租税特別措置法第37条の12の2第5項)."""
    raw = sec.get("listed_stock_loss_by_year")
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_CARRIED_YEARS:
        raise TaxInputError(f"{CARRIED} は {{year, amount}} の配列 ({MAX_CARRIED_YEARS}件まで) で指定してください。",
                            field=CARRIED)
    out: dict[int, int] = {}
    for i, item in enumerate(raw):
        path = f"{CARRIED}[{i}]"
        entry = _obj(item, path)
        year = entry.get("year")
        if isinstance(year, bool) or not isinstance(year, int) or year < 1900:
            raise TaxInputError(f"{path}.year は損失の生じた年 (西暦の整数, 例 {income_year - 1}) で指定してください。",
                                field=f"{path}.year")
        if year >= income_year:
            raise TaxInputError(f"{path}.year: 繰り越す損失は所得の年 ({income_year}年) より前の年のものです "
                                f"(その年の損失は separate_income.listed_stock_loss)。", field=f"{path}.year")
        if year in out:
            raise TaxInputError(f"{path}.year: {year}年 が2回あります (1年に1件で指定してください)。", field=f"{path}.year")
        out[year] = _yen(entry, "amount", path, required=True)
    if out and sec.get("listed_stock_loss"):
        raise TaxInputError(f"carryover.listed_stock_loss と {CARRIED} は一方だけ指定してください "
                            "(年ごとに分けたときは listed_stock_loss_by_year だけ)。", field=CARRIED)
    return tuple(sorted((y, a) for y, a in out.items() if a))


def _born_on_tax_day(case: Case) -> None:
    """Who is born on the 賦課期日 had no income, paid nothing and had no spouse or 扶養親族 in the income year:
    any such figure is impossible and refused naming it (nothing is guessed)."""
    if case.birth_date != dt.date(case.fiscal_year, 1, 1):
        return
    why = f"賦課期日 ({case.fiscal_year}年1月1日) に生まれた人には所得の年 ({case.fiscal_year - 1}年) の"
    for attr, section, key in AMOUNTS:
        if getattr(case, attr):
            where = f"{section}.{key}" if section else key
            raise TaxInputError(f"{where}: {why}金額はありません。", field=where)
    if case.carryover_listed_by_year:
        raise TaxInputError(f"{CARRIED}: {why}金額はありません。", field=CARRIED)
    if case.spouse is not None:
        raise TaxInputError(f"spouse: {why}配偶者はありません。", field="spouse")
    if case.dependents:
        raise TaxInputError(f"dependents: {why}扶養親族はありません。", field="dependents")


def parse_case(data: Any) -> Case:
    """One case of the public format, checked. Raises :class:`TaxInputError` naming the field at fault."""
    d = _obj(data, "case")
    fy = d.get("fiscal_year")
    if isinstance(fy, bool) or not isinstance(fy, int):
        raise TaxInputError("fiscal_year (年度, 例 2026) がありません。", field="fiscal_year")
    if not FIRST_FISCAL_YEAR <= fy <= LAST_FISCAL_YEAR:
        raise TaxInputError(f"fiscal_year は {FIRST_FISCAL_YEAR} から {LAST_FISCAL_YEAR} までの年度で指定してください。",
                            field="fiscal_year")
    income_year = fy - 1
    muni = municipality_from_block(d["municipality"]) if d.get("municipality") is not None else None
    tp = _obj(d.get("taxpayer"), "taxpayer")
    sex = tp.get("sex")
    if sex is not None and (not isinstance(sex, str) or sex not in ("female", "male")):
        raise TaxInputError("taxpayer.sex は female または male です。", field="taxpayer.sex")
    widow, single_parent = _flag(tp, "widow", "taxpayer"), _flag(tp, "single_parent", "taxpayer")
    if widow and single_parent:
        raise TaxInputError("寡婦とひとり親は同時に該当しません。", field="taxpayer.widow")
    if widow and sex is None:
        raise TaxInputError("寡婦は女性に限られます (所得税法第2条第1項第30号, 地方税法第292条第1項第11号): "
                            "taxpayer.sex を指定してください。", field="taxpayer.sex")
    reason = tp.get("widow_reason")
    if reason is not None and (not isinstance(reason, str) or reason not in WIDOW_REASONS):
        raise TaxInputError(f"taxpayer.widow_reason は {', '.join(WIDOW_REASONS)} のいずれかです。",
                            field="taxpayer.widow_reason")
    if _disability(tp, "taxpayer") == DISABILITY_CODES["special_cohabiting"]:
        raise TaxInputError("taxpayer.disability: 同居特別障害者は配偶者・扶養親族の区分です (本人は special)。",
                            field="taxpayer.disability")
    sections = {"": d, "income": _obj(d.get("income"), "income", optional=True)}
    sections["deductions"] = ded = _obj(d.get("deductions"), "deductions", optional=True)
    sections["deductions.life_insurance"] = _obj(ded.get("life_insurance"), "deductions.life_insurance", optional=True)
    sections["deductions.medical_expenses"] = _obj(ded.get("medical_expenses"), "deductions.medical_expenses",
                                                   optional=True)
    sections["donations"] = _obj(d.get("donations"), "donations", optional=True)
    sections["separate_income"] = _obj(d.get("separate_income"), "separate_income", optional=True)
    sections["local_tax_withheld"] = _obj(d.get("local_tax_withheld"), "local_tax_withheld", optional=True)
    sections["carryover"] = _obj(d.get("carryover"), "carryover", optional=True)
    deps = [] if d.get("dependents") is None else d["dependents"]  # 0, "" or {} are refused, not read as none
    if not isinstance(deps, list):
        raise TaxInputError("dependents は配列で指定してください。", field="dependents")
    birth = _taxpayer_birth(tp, fy)
    case = Case(
        fiscal_year=fy,
        birth_date=birth,
        municipality=muni,
        female=sex == "female",
        disability=_disability(tp, "taxpayer"),
        widow=widow, widow_divorced=widow and reason == "divorced", single_parent=single_parent,
        working_student=_flag(tp, "working_student", "taxpayer"),
        public_assistance=_flag(tp, "public_assistance", "taxpayer"),
        donation_onestop=_flag(sections["donations"], "onestop", "donations"),
        **{attr: _yen(sections[section], key, section) for attr, section, key in AMOUNTS},
        carryover_listed_by_year=_carried_losses(sections["carryover"], income_year),
        spouse=None if d.get("spouse") is None else _relative(d["spouse"], "spouse", income_year, birth, spouse=True),
        dependents=tuple(_relative(x, f"dependents[{i}]", income_year, birth, spouse=False)
                         for i, x in enumerate(deps)),
    )
    _separate_parts(case)
    _born_on_tax_day(case)
    return case
