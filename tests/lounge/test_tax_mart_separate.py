"""The lounge's tax mart counts the 分離課税 in the 課税標準額 (issue 19): the 課税標準 of the 所得割 is the 課税総所得
金額 and each 課税分離所得金額 (地方税法附則第33条の2・第34条・第35条・第35条の2・第35条の2の2), whose 所得割 the mart's
``income_levy`` already counted."""

from __future__ import annotations

import importlib
from pathlib import Path

import pyarrow.compute as pc
import pytest
from django.apps import apps

from jichitai.hub.outcomes import assessment_rows
from jichitai.lake.pseudonym import Pseudonymiser
from jichitai.lounge import marts
from jichitai.lounge.engines import duckdb_engine
from jichitai.tax import report_intake
from jichitai.tax.assessment import services as assessment
from jichitai.tax.calc import calculate
from jichitai.tax.final_returns import FINAL_RETURN
from jichitai.tax.models import Assessment
from jichitai.tax.rules.separate import KINDS
from tests.synth.test_taxdata import generated

pytestmark = pytest.mark.django_db


def test_a_synthetic_city_with_separate_returns_has_them_in_the_marts_taxable_amount(tmp_path: Path) -> None:
    """Consistency: a generated city of 3,000 (seed 7) whose residents who sold land or shares file a 確定申告書
    (synth.separate_returns), assessed in bulk: each assessment stores the sum of its 課税分離所得金額 as the engine
    computes them; the lounge's table carries it and the DuckDB mart's 課税標準額 per ward is the 課税総所得金額 plus
    it, over the taxpayers (more than the 課税総所得金額 alone where someone sold). The migration's backfill gives a
    version stored before the field the same sum from its figures."""
    generated(tmp_path)
    report_intake.store_file(FINAL_RETURN.name, (tmp_path / "kakutei_shinkokusho.csv").read_bytes(), "kakutei.csv")
    assessment.run(2026)
    sold = list(Assessment.objects.filter(taxable_separate__gt=0))
    assert sold, "a city of 3,000 has some residents who sold land or shares at a gain"
    for a in sold:
        answer = calculate(a.case)
        assert a.taxable_separate == sum(answer["taxable_separate"][k] for k in KINDS), a.atena_number

    table = assessment_rows(Pseudonymiser.for_purpose("lounge"))
    engine = duckdb_engine({"tax_assessment": table})
    got = engine.run(marts.tax_by_ward(engine.tables, marts.Periods((), ()))).to_pylist()
    taxed = table.filter(pc.field("taxable"))
    by_ward: dict[str, int] = {}
    for r in taxed.to_pylist():
        by_ward[r["ward_code"]] = by_ward.get(r["ward_code"], 0) + r["taxable_income"] + r["taxable_separate"]
    assert {r["ward_code"]: r["taxable_income"] for r in got if r["fiscal_year"] == 2026} == by_ward
    general = pc.sum(taxed["taxable_income"]).as_py()
    assert sum(r["taxable_income"] for r in got) == general + pc.sum(taxed["taxable_separate"]).as_py() > general

    migration = importlib.import_module("jichitai.tax.migrations.0010_assessment_taxable_separate")
    Assessment.objects.update(taxable_separate=0)
    migration.backfill(apps, None)
    assert {a.pk: a.taxable_separate for a in Assessment.objects.filter(taxable_separate__gt=0)} == {
        a.pk: a.taxable_separate for a in sold}
