"""The prefill reads the household from the registry and works out each member's relation to the FILER (not to
the 世帯主): a son filing for his mother, registered as the head's 妻, claims a parent — and the engine computes
the case (issue 20). 所得税法第2条第1項第34号・第34号の4, 地方税法第314条の2第1項第11号 (扶養親族, 同居老親等)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.declarations import prefill, taxlink
from jichitai.declarations.portal.forms import DeclarationForm
from jichitai.registry.models import Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(resident: Any) -> dict[str, Any]:
    father = resident(name="兵庫 父", kana="ヒョウゴ チチ", birth=dt.date(1950, 3, 1), setai="S9")
    mother = resident(name="兵庫 母", kana="ヒョウゴ ハハ", birth=dt.date(1952, 7, 1), setai="S9")
    son = resident(name="兵庫 太郎", kana="ヒョウゴ タロウ", birth=dt.date(1980, 1, 1), setai="S9")
    for p, rel, sex in ((father, "世帯主", "M"), (mother, "妻", "F"), (son, "子", "M")):
        Resident.objects.filter(atena_number=p["atena_number"]).update(relationship=rel, sex=sex)
    return {"father": father, "mother": mother, "son": son}


def test_the_sons_mother_is_his_parent_not_his_spouse(family: dict[str, Any]) -> None:
    p = prefill.load(family["son"]["actor"], 2026)
    assert p is not None
    members = {m.name: m for m in p.members}
    mother, father = members["兵庫 母"], members["兵庫 父"]
    assert (mother.relation, mother.relationship, mother.registry_relationship) == ("parent", "母", "妻")
    assert (father.relation, father.relationship) == ("parent", "父")
    assert mother.shown_relationship == "母（住民記録では世帯主の妻）"


def test_the_son_claims_his_mother_and_the_engine_computes_the_case(family: dict[str, Any]) -> None:
    p = prefill.load(family["son"]["actor"], 2026)
    assert p is not None
    record = prefill.initial_record(p, 2026, "salary_only")
    i = next(n for n, m in enumerate(p.members) if m.name == "兵庫 母")
    form = DeclarationForm({f"member_{i}": "dependent", f"member_{i}_income": "0", "salary": "4000000"},
                           record=record, prefill=p)
    assert form.is_valid(), form.errors
    out = form.to_record(record)
    (dep,) = out["case"]["dependents"]
    assert dep["relation"] == "parent" and out["case"]["spouse"] is None
    result, problem = taxlink.compute(out["case"])
    assert problem == "" and result is not None


def test_the_mother_cannot_be_claimed_as_the_sons_spouse(family: dict[str, Any]) -> None:
    p = prefill.load(family["son"]["actor"], 2026)
    assert p is not None
    i = next(n for n, m in enumerate(p.members) if m.name == "兵庫 母")
    form = DeclarationForm({f"member_{i}": "spouse"}, record=prefill.initial_record(p, 2026, "salary_only"),
                           prefill=p)
    assert not form.is_valid()
    assert "配偶者ではありません" in str(form.errors[f"member_{i}"])


def test_the_head_sees_his_wife_as_spouse(family: dict[str, Any]) -> None:
    p = prefill.load(family["father"]["actor"], 2026)
    assert p is not None
    members = {m.name: m for m in p.members}
    assert members["兵庫 母"].relation == "spouse" and members["兵庫 太郎"].relation == "child"


@pytest.mark.parametrize(("written", "day"), [("昭和25年4月1日", dt.date(1950, 4, 1)), ("S25.4.1", dt.date(1950, 4, 1)),
                                              ("平成元年1月8日", dt.date(1989, 1, 8)), ("1950-04-01", dt.date(1950, 4, 1))])
def test_a_relative_living_elsewhere_born_in_wareki(family: dict[str, Any], written: str, day: dt.date) -> None:
    """A Japanese form writes 和暦: the portal reads it (and 西暦)."""
    p = prefill.load(family["son"]["actor"], 2026)
    assert p is not None
    record = prefill.initial_record(p, 2026, "salary_only")
    form = DeclarationForm({"other_0_name": "兵庫 祖母", "other_0_my_number": "123456789012",
                            "other_0_birth_date": written, "other_0_relation": "grandparent"}, record=record, prefill=p)
    assert form.is_valid(), form.errors
    (dep,) = form.to_record(record)["case"]["dependents"]
    assert dep["birth_date"] == day.isoformat()


def test_an_impossible_wareki_date_is_refused_in_words(family: dict[str, Any]) -> None:
    p = prefill.load(family["son"]["actor"], 2026)
    assert p is not None
    form = DeclarationForm({"other_0_name": "兵庫 祖母", "other_0_my_number": "123456789012",
                            "other_0_birth_date": "平成32年1月1日"}, record=prefill.initial_record(p, 2026, "salary_only"),
                           prefill=p)
    assert not form.is_valid() and "生年月日は「昭和25年4月1日」" in str(form.errors)
