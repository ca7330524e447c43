"""The public tax case (docs: /work/shared/reference/tax-case-format.md): parse and check one case.

Every missing or impossible field is refused with :class:`TaxInputError` naming it in dotted form
(``income.salary``, ``dependents[2].birth_date``); nothing is guessed. Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from jichitai.tax.errors import TaxInputError
from jichitai.tax.parameters import Municipality, municipality_from_block
from jichitai.tax.rules import DISABILITY_CODES

RELATIONS = ("child", "parent", "grandparent", "other", "spouse")
LINEAL_ASCENDANTS = ("parent", "grandparent")


@dataclass(frozen=True)
class Relative:
    """A spouse or a relative sharing the taxpayer's livelihood (生計を一にする親族)."""

    birth_date: dt.date
    total_income: int
    disability: int = 0
    cohabiting: bool = False
    lineal_ascendant: bool = False


@dataclass(frozen=True)
class Case:
    fiscal_year: int
    birth_date: dt.date
    municipality: Municipality | None = None
    female: bool = False
    disability: int = 0
    widow: bool = False
    single_parent: bool = False
    working_student: bool = False
    public_assistance: bool = False
    salary: int = 0
    public_pension: int = 0
    business: int = 0
    misc_other: int = 0
    dividend: int = 0
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
    spouse: Relative | None = None
    dependents: tuple[Relative, ...] = field(default_factory=tuple)


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
    return v


def _flag(data: dict[str, Any], key: str, path: str) -> bool:
    v = data.get(key, False)
    if v is None:
        return False
    if not isinstance(v, bool):
        raise TaxInputError(f"{path}.{key} は true/false で指定してください。", field=f"{path}.{key}")
    return v


def _date(data: dict[str, Any], key: str, path: str, income_year: int) -> dt.date:
    where = f"{path}.{key}"
    raw = data.get(key)
    if not isinstance(raw, str):
        raise TaxInputError(f"{where} (生年月日, YYYY-MM-DD) がありません。", field=where)
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise TaxInputError(f"{where} の日付 {raw!r} を読めません (YYYY-MM-DD)。", field=where) from None
    if day > dt.date(income_year, 12, 31):
        raise TaxInputError(f"{where} が所得の年 ({income_year}年) の12月31日より後です。", field=where)
    if day.year < 1880:
        raise TaxInputError(f"{where} が古すぎます。", field=where)
    return day


def _disability(data: dict[str, Any], path: str) -> int:
    raw = data.get("disability")
    if raw not in DISABILITY_CODES:
        kinds = ", ".join(k for k in DISABILITY_CODES if k)
        raise TaxInputError(f"{path}.disability の区分 {raw!r} は使えません (null, {kinds})。", field=f"{path}.disability")
    return DISABILITY_CODES[raw]


def _relative(data: Any, path: str, income_year: int, *, spouse: bool) -> Relative:
    d = _obj(data, path)
    relation = "spouse" if spouse else d.get("relation", "other")
    if relation not in RELATIONS or (relation == "spouse") != spouse:
        raise TaxInputError(f"{path}.relation の値 {relation!r} は使えません (child, parent, grandparent, other)。",
                            field=f"{path}.relation")
    return Relative(
        birth_date=_date(d, "birth_date", path, income_year),
        total_income=_yen(d, "total_income", path, required=True),
        disability=_disability(d, path),
        cohabiting=True if spouse else _flag(d, "cohabiting", path),
        lineal_ascendant=relation in LINEAL_ASCENDANTS,
    )


def parse_case(data: Any) -> Case:
    """One case of the public format, checked. Raises :class:`TaxInputError` naming the field at fault."""
    d = _obj(data, "case")
    fy = d.get("fiscal_year")
    if isinstance(fy, bool) or not isinstance(fy, int):
        raise TaxInputError("fiscal_year (年度, 例 2026) がありません。", field="fiscal_year")
    income_year = fy - 1
    muni = municipality_from_block(d["municipality"]) if d.get("municipality") is not None else None
    tp = _obj(d.get("taxpayer"), "taxpayer")
    if tp.get("sex") not in (None, "female", "male"):
        raise TaxInputError("taxpayer.sex は female または male です。", field="taxpayer.sex")
    widow, single_parent = _flag(tp, "widow", "taxpayer"), _flag(tp, "single_parent", "taxpayer")
    if widow and single_parent:
        raise TaxInputError("寡婦とひとり親は同時に該当しません。", field="taxpayer.widow")
    inc = _obj(d.get("income"), "income", optional=True)
    ded = _obj(d.get("deductions"), "deductions", optional=True)
    life = _obj(ded.get("life_insurance"), "deductions.life_insurance", optional=True)
    med = _obj(ded.get("medical_expenses"), "deductions.medical_expenses", optional=True)
    don = _obj(d.get("donations"), "donations", optional=True)
    deps = d.get("dependents") or []
    if not isinstance(deps, list):
        raise TaxInputError("dependents は配列で指定してください。", field="dependents")
    return Case(
        fiscal_year=fy,
        birth_date=_date(tp, "birth_date", "taxpayer", income_year),
        municipality=muni,
        female=tp.get("sex") == "female",
        disability=_disability(tp, "taxpayer"),
        widow=widow, single_parent=single_parent,
        working_student=_flag(tp, "working_student", "taxpayer"),
        public_assistance=_flag(tp, "public_assistance", "taxpayer"),
        salary=_yen(inc, "salary", "income"), public_pension=_yen(inc, "public_pension", "income"),
        business=_yen(inc, "business", "income"), misc_other=_yen(inc, "misc_other", "income"),
        dividend=_yen(inc, "dividend", "income"),
        social_insurance=_yen(ded, "social_insurance", "deductions"),
        small_enterprise_mutual_aid=_yen(ded, "small_enterprise_mutual_aid", "deductions"),
        life_general_new=_yen(life, "general_new", "deductions.life_insurance"),
        life_pension_new=_yen(life, "pension_new", "deductions.life_insurance"),
        life_medical_care_new=_yen(life, "medical_care_new", "deductions.life_insurance"),
        life_general_old=_yen(life, "general_old", "deductions.life_insurance"),
        life_pension_old=_yen(life, "pension_old", "deductions.life_insurance"),
        earthquake_insurance=_yen(ded, "earthquake_insurance", "deductions"),
        long_term_damage_insurance_old=_yen(ded, "long_term_damage_insurance_old", "deductions"),
        medical_paid=_yen(med, "paid", "deductions.medical_expenses"),
        medical_reimbursed=_yen(med, "reimbursed", "deductions.medical_expenses"),
        donation_furusato=_yen(don, "furusato", "donations"), donation_other=_yen(don, "other", "donations"),
        housing_loan_credit=_yen(d, "housing_loan_credit", ""),
        spouse=None if d.get("spouse") is None else _relative(d["spouse"], "spouse", income_year, spouse=True),
        dependents=tuple(_relative(x, f"dependents[{i}]", income_year, spouse=False) for i, x in enumerate(deps)),
    )
