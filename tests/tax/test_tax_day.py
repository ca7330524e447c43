"""Who is born on the 賦課期日 (1月1日 of the 年度, 地方税法第39条・第318条) is a resident on that day and so is
assessed (第24条第1項第1号・第294条第1項第1号: 住所を有する個人); having had no income in the income year, such a
person is 非課税 for both levies (均等割: 第295条第1項第2号 未成年者 and 第3項; 所得割: 附則第3条の3). The case
parser, the column engine and the scalar rules agree on that; a birth date after the 賦課期日 stays impossible,
and so does any income, deduction or relative of the income year for someone born on the 賦課期日. A spouse or
dependant is judged on 12月31日 of the income year (第314条の2, as 所得税法第85条): a relative born later is
refused as before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from jichitai.tax import parameters as P
from jichitai.tax.calc import calculate, calculate_many
from jichitai.tax.case import parse_case
from jichitai.tax.errors import TaxInputError
from jichitai.tax.rules.assessment import assess

NEWBORN = {"fiscal_year": 2026, "taxpayer": {"birth_date": "2026-01-01"}}


def test_born_on_the_tax_day_is_assessed_and_exempt_from_both_levies() -> None:
    answer = calculate(NEWBORN)
    assert answer["exempt_per_capita"] and answer["exempt_income_levy"]
    assert (answer["total_income"], answer["city_per_capita"], answer["forest_env_tax"], answer["total"]) == (0, 0, 0, 0)
    case = parse_case(NEWBORN)
    ref = assess(case, P.load(2026), P.municipality(None, 2026))
    assert ref["exempt_per_capita"] and ref["exempt_income_levy"] and ref["total"] == 0


@pytest.mark.parametrize("fiscal_year", [2025, 2026])
def test_the_day_after_the_tax_day_is_refused_naming_the_field(fiscal_year: int) -> None:
    with pytest.raises(TaxInputError) as err:
        calculate({"fiscal_year": fiscal_year, "taxpayer": {"birth_date": f"{fiscal_year}-01-02"}})
    assert err.value.fields["field"] == "taxpayer.birth_date"
    assert f"{fiscal_year}年1月1日" in err.value.message


@pytest.mark.parametrize(("extra", "field"), [
    ({"income": {"salary": 1}}, "income.salary"),
    ({"income": {"public_pension": 600_000}}, "income.public_pension"),
    ({"deductions": {"social_insurance": 10_000}}, "deductions.social_insurance"),
    ({"deductions": {"life_insurance": {"general_new": 5_000}}}, "deductions.life_insurance.general_new"),
    ({"donations": {"furusato": 10_000}}, "donations.furusato"),
    ({"housing_loan_credit": 1_000}, "housing_loan_credit"),
    ({"spouse": {"birth_date": "1990-01-01", "total_income": 0}}, "spouse"),
    ({"dependents": [{"birth_date": "2020-01-01", "total_income": 0}]}, "dependents"),
])
def test_nothing_of_the_income_year_for_someone_born_on_the_tax_day(extra: dict[str, Any], field: str) -> None:
    """No income, deduction, credit or relative of a year before one was born: refused, not guessed."""
    with pytest.raises(TaxInputError) as err:
        calculate({**NEWBORN, **extra})
    assert err.value.fields["field"] == field


def test_a_relative_born_on_the_tax_day_is_not_a_relative_of_the_income_year() -> None:
    """配偶者・扶養親族 are judged on 12月31日 of the income year (地方税法第314条の2): a child born on 1月1日 is
    not yet a 扶養親族 for this 年度."""
    with pytest.raises(TaxInputError) as err:
        calculate({"fiscal_year": 2026, "taxpayer": {"birth_date": "1990-05-01"}, "income": {"salary": 3_000_000},
                   "dependents": [{"birth_date": "2026-01-01", "total_income": 0, "relation": "child"}]})
    assert err.value.fields["field"] == "dependents[0].birth_date"
    assert "12月31日" in err.value.message


def _columns(births: list[str], salary: list[int]) -> dict[str, np.ndarray]:
    return {"birth_date": np.array(births, dtype="datetime64[D]"), "salary": np.array(salary, np.int64)}


def test_the_column_engine_agrees_with_the_case_parser() -> None:
    """The bulk path (a city's columns) computes the newborn as the one-case path does, and refuses what it
    refuses, naming the column and the row."""
    out = calculate_many(_columns(["1980-05-01", "2026-01-01"], [5_000_000, 0]), fiscal_year=2026)
    assert out["total"][0] > 0
    assert bool(out["exempt_per_capita"][1]) and bool(out["exempt_income_levy"][1]) and out["total"][1] == 0
    assert out["total"][1] == calculate(NEWBORN)["total"]
    with pytest.raises(TaxInputError) as late:
        calculate_many(_columns(["1980-05-01", "2026-01-02"], [0, 0]), fiscal_year=2026)
    assert (late.value.fields["field"], late.value.fields["row"]) == ("birth_date", 1)
    with pytest.raises(TaxInputError) as paid:
        calculate_many(_columns(["2026-01-01"], [100]), fiscal_year=2026)
    assert (paid.value.fields["field"], paid.value.fields["row"]) == ("salary", 0)
    relatives = {"owner": np.array([0]), "is_spouse": np.array([False]),
                 "birth_date": np.array(["2020-01-01"], dtype="datetime64[D]"), "total_income": np.array([0])}
    with pytest.raises(TaxInputError) as related:
        calculate_many(_columns(["2026-01-01"], [0]), relatives, fiscal_year=2026)
    assert related.value.fields["field"] == "owner"
    relatives["birth_date"] = np.array(["2026-01-01"], dtype="datetime64[D]")
    with pytest.raises(TaxInputError) as young:
        calculate_many(_columns(["1980-05-01"], [0]), relatives, fiscal_year=2026)
    assert young.value.fields["field"] == "relatives.birth_date"


def test_legal_age_of_the_newborn_is_zero_on_both_days() -> None:
    """年齢計算ニ関スル法律: born on 1月1日 2026 is 0 on 12月31日 2025 (the day before the first day) and on
    1月1日 2026, so a 未成年者 for 第295条第1項第2号."""
    from jichitai.common.wareki import legal_age_on

    assert legal_age_on(dt.date(2026, 1, 1), dt.date(2025, 12, 31)) == 0
    assert legal_age_on(dt.date(2026, 1, 1), dt.date(2026, 1, 1)) == 0


@pytest.mark.django_db
def test_the_annual_assessment_takes_a_child_born_on_the_tax_day(city: dict[str, str], make_staff: Any) -> None:
    """賦課 from the registry: a child whose 出生 is on 1月1日 2026 is among the 1月1日 residents, assessed as
    非課税 with the others, not refused (計算不能) as before."""
    from jichitai.registry.domain import NewPerson
    from jichitai.registry.domain.commands import RecordBirth
    from jichitai.registry.models import Resident
    from jichitai.registry.services import apply
    from jichitai.tax.assessment import services as assessment
    from jichitai.tax.models import Assessment

    setai = Resident.objects.get(atena_number=city["taro"]).setai_number
    born = apply(RecordBirth(moved_on=dt.date(2026, 1, 1), notified_on=dt.date(2026, 1, 6), setai_number=setai,
                             child=NewPerson("青木 一郎", "アオキ イチロウ", dt.date(2026, 1, 1), "M", "子")),
                 actor=make_staff(roles=["counter"]))
    report = assessment.run(2026)
    assert report.refused == [] and (report.considered, report.created) == (3, 3)
    child = Assessment.objects.get(atena_number=born.atena_numbers[0])
    assert child.source == "none" and not child.taxable and child.total == 0
    assert child.explanation()["exempt_income_levy"] is True
