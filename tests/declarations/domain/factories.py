"""Plain-data factories for the review tests: a declaration and the facts, with keyword overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jichitai.common.checkdigit import make_my_number
from jichitai.declarations.domain import Declaration, Facts, KnownPerson, RelativeFacts
from jichitai.declarations.domain.facts import Address, Claim

TAXPAYER = make_my_number(10000000001)
SPOUSE = make_my_number(10000000002)
CHILD = make_my_number(10000000003)
PARENT = make_my_number(10000000004)
OTHER = make_my_number(10000000005)
HOME = Address("281100010", "1-2-3")


def record(**over: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "declaration_ref": "D-1",
        "channel": "online",
        "pattern": "salary_only",
        "my_number": TAXPAYER,
        "name": "神戸 花子",
        "kana": "コウベ ハナコ",
        "birth_date": "1980-05-01",
        "address": {"town_code": HOME.town_code, "banchi": HOME.banchi, "katagaki": ""},
        "case": {
            "fiscal_year": 2026,
            "taxpayer": {"birth_date": "1980-05-01", "sex": "female"},
            "income": {"salary": 4_000_000, "public_pension": 0, "business": 0, "misc_other": 0},
            "deductions": {"social_insurance": 600_000, "medical_expenses": {"paid": 0, "reimbursed": 0}},
            "spouse": None,
            "dependents": [],
            "donations": {"furusato": 0, "other": 0},
        },
        "declared": {"salary": 4_000_000, "pension": 0, "total_tax": None},
        "attachments": [],
    }
    for key, value in over.items():
        if key in ("income", "deductions", "donations"):
            rec["case"][key] = {**rec["case"][key], **value}
        elif key in ("spouse", "dependents", "housing_loan_credit"):
            rec["case"][key] = value
        elif key == "declared":
            rec["declared"] = {**rec["declared"], **value}
        else:
            rec[key] = value
    return rec


def declaration(**over: Any) -> Declaration:
    return Declaration.from_record(record(**over))


def person(my_number: str = TAXPAYER, **over: Any) -> KnownPerson:
    values: dict[str, Any] = {
        "atena_number": "0000000001",
        "my_number": my_number,
        "name": "神戸 花子",
        "kana": "コウベ ハナコ",
        "birth_date": dt.date(1980, 5, 1),
        "address_jan1": HOME,
        "address_now": HOME,
    }
    values.update(over)
    return KnownPerson(**values)


def facts(**over: Any) -> Facts:
    values: dict[str, Any] = {"person": person(), "salary_reported": 4_000_000, "salary_reports": 1,
                              "reported_social_insurance": 600_000}
    values.update(over)
    return Facts(**values)


def relative(
    my_number: str,
    *,
    name: str,
    birth: dt.date,
    income: int | None = None,
    claims: tuple[Claim, ...] = (),
    **over: Any,
) -> RelativeFacts:
    return RelativeFacts(
        my_number=my_number,
        person=person(my_number, name=name, kana="", birth_date=birth, **over),
        known_income=income,
        income_source="給与支払報告書" if income is not None else "",
        other_claims=claims,
    )


def notice_xml(name: str, paid: int, year: int = 2025, insurer: str = "神戸市国民健康保険") -> str:
    """A 医療費通知情報 (the six items of 国税庁タックスアンサー No.1119) with one 療養 of ``paid`` yen in ``year``."""
    return (f'<?xml version="1.0" encoding="UTF-8"?><医療費通知情報><被保険者等の氏名>{name}</被保険者等の氏名>'
            f"<保険者等の名称>{insurer}</保険者等の名称><療養><療養を受けた年月>{year}-06</療養を受けた年月>"
            f"<療養を受けた者>{name}</療養を受けた者><病院等の名称>神戸中央病院</病院等の名称>"
            f"<支払った医療費の額>{paid}</支払った医療費の額></療養></医療費通知情報>")
