"""The import of declarations.jsonl (``filing.import_records``), set-based: each record a submitted declaration
with its receipt number, its 個人番号 sealed, the relatives it claims linked to it; an import run again stores
nothing twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.declarations import filing, numbering
from jichitai.declarations.models import ClaimedRelative, Declaration, Status
from jichitai.declarations.sealing import blind_index
from tests.declarations.conftest import record_for

pytestmark = pytest.mark.django_db


def _relative(p: dict[str, Any], relation: str = "child") -> dict[str, Any]:
    return {"my_number": p["my_number"], "name": p["name"], "birth_date": p["birth"].isoformat(),
            "total_income": 0, "relation": relation, "cohabiting": True}


def test_an_import_of_several_batches_links_each_claim_to_its_declaration(resident: Any) -> None:
    filers = [resident(name=f"申告 {i}", kana="シンコク") for i in range(7)]
    children = [resident(name=f"子 {i}", kana="コ", birth=dt.date(2010, 1, 1)) for i in range(7)]
    spouse = resident(name="配偶 者", kana="ハイグウ シャ")
    records = [record_for(f, ref=f"T-imp-{i}", dependents=[_relative(c)]) for i, (f, c) in
               enumerate(zip(filers, children, strict=True))]
    records[3]["case"]["spouse"] = {"my_number": spouse["my_number"], "name": spouse["name"],
                                    "birth_date": spouse["birth"].isoformat(), "total_income": 0}
    assert filing.import_records(records, fiscal_year=2026, actor="system:test", batch=3) == (7, 0)
    for i, (f, c) in enumerate(zip(filers, children, strict=True)):
        d = Declaration.objects.get(source_ref=f"T-imp-{i}")
        assert d.status == Status.SUBMITTED and d.fiscal_year == 2026 and numbering.is_well_formed(d.receipt_number or "")
        assert d.owner_index == blind_index(f["my_number"]) and f["my_number"] not in str(d.data)
        assert d.created_at is not None and d.updated_at is not None and d.submitted_at is not None
        assert filing.record_of(d)["my_number"] == f["my_number"]
        claims = {(x.role, x.claimed_index, x.owner_index, x.fiscal_year) for x in d.claimed.all()}
        expected = {("dependent", blind_index(c["my_number"]), d.owner_index, 2026)}
        if i == 3:
            expected.add(("spouse", blind_index(spouse["my_number"]), d.owner_index, 2026))
        assert claims == expected
    assert len(set(Declaration.objects.values_list("receipt_number", flat=True))) == 7
    # run again (a resent file): nothing stored twice
    assert filing.import_records(records, fiscal_year=2026, actor="system:test", batch=3) == (0, 7)
    assert Declaration.objects.count() == 7 and ClaimedRelative.objects.count() == 8
