"""The stored explanation of each assessment (issue 5: "an explanation for each taxpayer: every figure in the order
the law computes it, with the rule's name and legal basis"). The rules and legal bases are stored once per rule
set (law version, city, steps); each version keeps its figures. What staff and the resident see — the answer with
its ``steps`` and the 税額決定通知書 (地方税法第319条の2) — is exactly what the engine answers for the same case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import ProtectedError

from jichitai.tax import parameters as P
from jichitai.tax.assessment import services as assessment
from jichitai.tax.calc import OUTPUT_COLUMNS, calculate
from jichitai.tax.calc.explain import rule_set
from jichitai.tax.models import Assessment, RuleSet
from jichitai.tax.notices import notice_context
from jichitai.tax.services import calculate_case
from tests.tax.test_assessment import _population

pytestmark = pytest.mark.django_db


def test_every_stored_explanation_is_the_engines_answer_for_the_same_case(make_staff: Any) -> None:
    residents = _population(make_staff)
    report = assessment.run(2026)
    assert report.created == residents and report.refused == []
    stored = list(Assessment.objects.select_related("rule_set").order_by("atena_number"))
    assert len({a.rule_set_id for a in stored}) == 1 and RuleSet.objects.count() == 1
    shown = 0
    for a in stored:
        expected = {**calculate_case(a.case), "notes": a.notes}  # what POST /api/tax/calculate answers
        got = a.explanation()
        assert got == expected, a.atena_number
        assert [s["rule"] for s in got["steps"]] == [s["rule"] for s in expected["steps"]]  # the law's order
        assert len(a.figures) == len(OUTPUT_COLUMNS) and "steps" not in str(a.figures)
        shown += len(got["steps"])
    assert shown > 15 * len(stored)  # a real explanation, not an empty one
    assert any(s["rule"] == "配偶者控除" for a in stored for s in a.explanation()["steps"])
    assert assessment.run(2026).unchanged == residents and RuleSet.objects.count() == 1  # once per rule set


def test_the_notice_shows_the_explanation_the_engine_gives(city: dict[str, str]) -> None:
    assessment.run(2026)
    taro = Assessment.objects.get(atena_number=city["taro"])
    context = notice_context(taro, {"name": "青木 太郎"})
    answer = calculate_case(taro.case)
    assert [(rule, basis) for rule, _, basis in context["rows"]] == [(s["rule"], s["basis"]) for s in answer["steps"]]
    assert context["rows"][-1] == ("年税額", f"{answer['total']:,}円", "地方税法第310条・第314条の3 ほか")
    assert ("配偶者控除", "非該当") not in [(r, v) for r, v, _ in context["rows"]]
    assert context["amounts"][-1] == ("年税額", f"{answer['total']:,}円")
    hanako = Assessment.objects.get(atena_number=city["hanako"])
    assert notice_context(hanako, {"name": "青木 花子"})["notes"] == ["課税資料なし (所得なしとして計算)"]


def test_a_new_law_or_city_is_a_new_rule_set_and_the_old_versions_keep_theirs(city: dict[str, str]) -> None:
    assessment.run(2026)
    first = RuleSet.objects.get()
    kept = Assessment.objects.get(atena_number=city["taro"]).explanation()
    assert first.content == rule_set(P.load(2026), P.municipality("281000", 2026))
    # another year (a 令和7年度 declaration): other parameters, another rule set; 2026's versions untouched
    case = {"fiscal_year": 2025, "taxpayer": {"birth_date": "1980-05-01"}, "income": {"salary": 4_000_000}}
    assessment.apply_declaration(atena_number=city["taro"], fiscal_year=2025, case=case, source="declaration:R07-1:v1")
    assert RuleSet.objects.count() == 2
    assert Assessment.objects.get(fiscal_year=2026, atena_number=city["taro"]).explanation() == kept
    r7 = Assessment.objects.get(fiscal_year=2025, atena_number=city["taro"])
    assert r7.explanation() == {**calculate_case(case), "notes": []} and r7.explanation()["fiscal_year_label"] == "令和7年度"
    with pytest.raises(ProtectedError):  # a rule set in use is never removed
        first.delete()


def test_a_version_stored_before_rule_sets_is_explained_by_its_own_answer(city: dict[str, str]) -> None:
    """Versions written before migration 0003 kept their whole answer in ``result``; they are shown as stored."""
    case = {"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-05-01"}, "income": {"salary": 5_000_000}}
    old = {**calculate(case), "notes": ["旧形式"]}
    a = Assessment.objects.create(
        fiscal_year=2026, atena_number=city["taro"], version=1, ward_code="28110", source="reports",
        parameters_version=old["parameters_version"], municipality_code="281000", inputs_hash="x", case=case,
        result=old, taxable=True, total_income=old["total_income"], taxable_income=old["taxable_income"],
        city_income_levy=old["city_income_levy"], pref_income_levy=old["pref_income_levy"],
        city_per_capita=old["city_per_capita"], pref_per_capita=old["pref_per_capita"],
        forest_env_tax=old["forest_env_tax"], total=old["total"], run_id="legacy", created_at=dt.datetime.now(dt.UTC))
    a.refresh_from_db()
    assert a.rule_set is None and a.explanation() == old
    assert [r for r, _, _ in notice_context(a, {"name": "x"})["rows"]] == [s["rule"] for s in old["steps"]]
