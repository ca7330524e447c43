"""The synthetic declarations: a labelled defect is a defect under the law, and a clean declaration is clean.

The review is measured against the answer file (declaration_defects.csv), so a label on a declaration the law
accepts, or an unlabelled defect, would make the review look wrong where the generator is."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from jichitai.registry.models import Resident
from jichitai.registry.store import my_number_index
from jichitai.synth.city import Options, generate
from jichitai.tax import reports
from tests.synth.test_city import empty_registry

pytestmark = pytest.mark.django_db

# Two years of history before 1 April 2026: deaths in 2024 (before the income year 2025) and in 2025 alike.
CITY = {"population": 1500, "years": 2, "seed": 7, "end": dt.date(2026, 4, 1)}


@pytest.fixture
def city(tmp_path: Path) -> tuple[list[dict[str, Any]], dict[str, str], list[dict[str, Any]]]:
    """(declarations, defect kind by declaration_ref, salary report rows) of a freshly generated city."""
    empty_registry()
    generate(Options(out=tmp_path, **CITY))
    decls = [json.loads(line) for line in (tmp_path / "declarations.jsonl").read_text("utf-8").splitlines()]
    with (tmp_path / "declaration_defects.csv").open(encoding="utf-8") as f:
        kinds = {r["declaration_ref"]: r["defect_kind"] for r in csv.DictReader(f)}
    salary = reports.read_file(reports.SALARY_REPORT, (tmp_path / "kyuyo_shiharai_hokokusho.csv").read_bytes())
    return decls, kinds, salary


def test_a_labelled_deceased_dependant_died_before_the_income_year(city: Any) -> None:
    """地方税法第314条の2 (判定時期: 前年12月31日, 死亡した者は死亡の時): a dependant who died during the income year,
    or after it, is still claimed; only one who died before 1 January of the income year is a defect."""
    decls, kinds, _ = city
    labelled = [d for d in decls if kinds.get(d["declaration_ref"]) == "dependant_deceased"]
    assert labelled, "the city has deaths before the income year, so the kind is generated"
    for d in labelled:
        income_year = d["case"]["fiscal_year"] - 1
        dead = d["case"]["dependents"][-1]  # the defect appends the dependant
        r = Resident.objects.get(my_number_index=my_number_index(dead["my_number"]))
        assert r.status == "removed" and r.removal_reason == "death", d["declaration_ref"]
        assert r.removed_on < dt.date(income_year, 1, 1), (d["declaration_ref"], r.removed_on)


def test_a_clean_declaration_fits_its_pattern_and_claims_nobody_claimed_elsewhere(city: Any) -> None:
    """A clean declaration chooses the pattern its incomes fit (給与所得のみ only with salary alone: 地方税法施行規則
    第2条の2の様式), and claims no spouse or dependant that another taxpayer's 給与支払報告書 already lists, nor a
    spouse whose report lists the filer (所得税法第85条第4項, 施行令第219条; 地方税法第314条の2第1項第10号の2)."""
    decls, kinds, salary = city
    listed_by: dict[str, set[str]] = {}
    for row in salary:
        for dep in reports.dependants(row):
            listed_by.setdefault(dep["my_number"], set()).add(row["my_number"])
        if row.get("spouse_my_number"):
            listed_by.setdefault(row["spouse_my_number"], set()).add(row["my_number"])
    allowed = {"no_income": set(), "salary_only": {"salary"}, "pension_only": {"public_pension"}}
    clean = [d for d in decls if d["declaration_ref"] not in kinds]
    assert len(clean) > 100
    for d in clean:
        ref, me, case = d["declaration_ref"], d["my_number"], d["case"]
        if d["pattern"] in allowed:
            assert {k for k, v in case["income"].items() if v} <= allowed[d["pattern"]], ref
        relatives = ([case["spouse"]] if case.get("spouse") else []) + case["dependents"]
        for rel in relatives:
            assert listed_by.get(rel["my_number"], set()) <= {me}, (ref, rel["name"])
        if case.get("spouse"):
            assert me not in {r["spouse_my_number"] for r in salary if r["my_number"] == case["spouse"]["my_number"]}


def test_a_labelled_wrong_address_is_neither_the_january_nor_the_current_one(city: Any) -> None:
    """地方税法第318条 (賦課期日 1月1日): the declaration goes to the city of the 1月1日 address; a resident who moved
    since may write the current address (the review accepts both), so only another address is a defect."""
    from jichitai.registry.history import residents_as_of

    decls, kinds, _ = city
    labelled = [d for d in decls if kinds.get(d["declaration_ref"]) == "address_not_jan1"]
    assert labelled
    jan1 = {r["atena_number"]: (r["town_code"], r["banchi"]) for r in residents_as_of(dt.date(2026, 1, 1))}
    for d in labelled:
        r = Resident.objects.get(my_number_index=my_number_index(d["my_number"]))
        written = (d["address"]["town_code"], d["address"]["banchi"])
        assert written != (r.town_code, r.banchi) and written != jan1.get(r.atena_number), d["declaration_ref"]
