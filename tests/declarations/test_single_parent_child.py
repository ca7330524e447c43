"""The ひとり親's child as the city's data show it (issue 20: ST02's remaining condition, a child's own 申告).

所得税法第2条第1項第31号・同法施行令第11条の2 (地方税法第292条第1項第12号 takes the same definition for 住民税): the
child must have 総所得金額等 58万円以下 (令和8年度) and be 「他の者の同一生計配偶者又は扶養親族とされている者以外」.
What the city holds for that: the child's own 住民税申告 and 確定申告書 (国税連携, 地方税法第317条の3第1項), and the
reports and declarations that claim the child. Read by the bulk review and by the one-declaration review alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.declarations import evidence, filing, reviewing
from jichitai.declarations.models import Declaration, Status
from jichitai.declarations.sealing import blind_index
from jichitai.tax.models import FinalReturn
from tests.declarations.conftest import record_for

pytestmark = pytest.mark.django_db


def _family(resident: Any, n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    mother = resident(name=f"灘 母{n}", kana="ナダ ハハ", setai=f"SC{n}")
    child = resident(
        name=f"灘 子{n}", kana="ナダ コ", birth=dt.date(2005, 5, 1), setai=f"SC{n}", relationship="子", sex="M"
    )
    return mother, child


def _single_parent(mother: dict[str, Any], ref: str) -> dict[str, Any]:
    rec = record_for(mother, ref=ref, salary=3_000_000)
    rec["case"]["taxpayer"]["single_parent"] = True
    return rec


def _review(salary_report: Any, records: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    for rec in records:
        if rec["declaration_ref"].startswith("T-sp") and rec["declaration_ref"] != "T-sp-own":
            salary_report(rec["my_number"], rec["case"]["income"]["salary"])
    filing.import_records(records, fiscal_year=2026, actor="system:test")
    reviewing.review_submitted(2026)
    out = {}
    for d in Declaration.objects.prefetch_related("decisions"):
        (decision,) = [x for x in d.decisions.all() if x.by == "system"]
        out[d.source_ref or ""] = (
            d.status,
            " ".join(f["clerk_message"] for f in decision.findings if f["code"] == "ST02"),
        )
    return out


def test_a_child_claimed_on_another_taxpayers_report_makes_no_single_parent(resident: Any, salary_report: Any) -> None:
    """Independent (施行令第11条の2). The child at home is claimed as 扶養親族 on the 給与支払報告書 of a father who
    lives elsewhere in the city → a clerk, with both names and the relation in words and no 個人番号; a child
    claimed on the mother's own report is hers to claim → accepted."""
    mother, child = _family(resident, 1)
    father = resident(name="灘 父", kana="ナダ チチ", sex="M")
    salary_report(father["my_number"], 5_000_000, dependants=(child["my_number"],), payer="1000000000002")
    mother2, child2 = _family(resident, 2)
    salary_report(mother2["my_number"], 3_000_000, dependants=(child2["my_number"],), payer="1000000000003")
    found = _review(salary_report, [_single_parent(mother, "T-sp-claimed"), _single_parent(mother2, "T-sp-own")])
    assert found["T-sp-claimed"][0] == Status.CLERK
    assert found["T-sp-own"][0] == Status.AUTO_ACCEPTED
    text = found["T-sp-claimed"][1]
    assert f"子 灘 子1 → 灘 父（宛名番号 {father['atena_number']}）の扶養親族（給与支払報告書）" in text
    assert child["my_number"] not in text and father["my_number"] not in text
    one = evidence.build(2026, list(Declaration.objects.filter(source_ref="T-sp-claimed")))
    assert one.member_claims(one.household_of(blind_index(mother["my_number"])), blind_index(mother["my_number"]))


def test_a_childs_own_declaration_and_final_return_count_as_its_income(resident: Any, salary_report: Any) -> None:
    """Independent. The child's 総所得金額等 from the child's own filings when no report came: 給与収入 1,240,000円
    → 590,000円 > 580,000円 (所得税法第28条第3項, 施行令第11条の2) on a 住民税申告 or on a 確定申告書 through 国税連携
    → a clerk; 1,230,000円 → 580,000円 → accepted."""
    cases = {"T-sp-decl-123": 1_230_000, "T-sp-decl-124": 1_240_000}
    records = []
    for n, (ref, pay) in enumerate(cases.items(), start=3):
        mother, child = _family(resident, n)
        records.append(_single_parent(mother, ref))
        own = record_for(child, ref=f"C-{ref}", salary=pay)
        own["case"]["deductions"]["social_insurance"] = 0
        records.append(own)
    mother, child = _family(resident, 9)
    records.append(_single_parent(mother, "T-sp-final"))
    FinalReturn.objects.create(
        income_year=2025,
        recipient_index=blind_index(child["my_number"]),
        recipient_my_number="x",
        return_kind="final",
        filed_on=dt.date(2026, 3, 10),
        source="kokuzei-1.csv",
        line=2,
        data={"salary_revenue": 1_240_000, "filed_on": "2026-03-10"},
    )
    found = _review(salary_report, records)
    assert found["T-sp-decl-123"][0] == Status.AUTO_ACCEPTED
    assert found["T-sp-decl-124"][0] == Status.CLERK
    assert "590,000円" in found["T-sp-decl-124"][1] and "本人の申告" in found["T-sp-decl-124"][1]
    assert found["T-sp-final"][0] == Status.CLERK
    assert "確定申告書（国税連携）" in found["T-sp-final"][1]
    one = evidence.build(2026, list(Declaration.objects.filter(source_ref="T-sp-final")))
    assert one.member_income[child["atena_number"]] == 590_000


def test_a_dependant_claimed_on_a_final_return_is_claimed_twice(resident: Any, salary_report: Any) -> None:
    """Independent. 所得税法第85条第4項・同法施行令第219条, 地方税法第314条の2第1項第11号: a relative is the 扶養親族
    of one taxpayer only. The grandmother claims the child on her 住民税申告 while the father's 確定申告書 (国税連携)
    claims the same child → FA06 to a clerk, the father named by name and 宛名番号 (no 個人番号)."""
    grandmother = resident(name="灘 祖母", kana="ナダ ソボ", birth=dt.date(1955, 1, 1))
    child = resident(name="灘 孫", kana="ナダ マゴ", birth=dt.date(2012, 1, 1), relationship="子", sex="M")
    father = resident(name="灘 父二", kana="ナダ チチ", sex="M")
    FinalReturn.objects.create(income_year=2025, recipient_index=blind_index(father["my_number"]),
                               recipient_my_number="x", return_kind="final", filed_on=dt.date(2026, 3, 1),
                               source="kokuzei-2.csv", line=2,
                               data={"salary_revenue": 5_000_000, "rel1_name": "灘 孫", "rel1_birth_date": "2012-01-01",
                                     "rel1_my_number": f"bi:{blind_index(child['my_number'])}", "rel1_relation": "child"})
    salary_report(grandmother["my_number"], 3_000_000)
    rec = record_for(grandmother, ref="T-gm", salary=3_000_000, dependents=[{
        "my_number": child["my_number"], "name": "灘 孫", "birth_date": "2012-01-01", "total_income": 0,
        "relation": "other", "cohabiting": False}])
    filing.import_records([rec], fiscal_year=2026, actor="system:test")
    reviewing.review_submitted(2026)
    (decision,) = Declaration.objects.get(source_ref="T-gm").decisions.all()
    (fa06,) = [f for f in decision.findings if f["code"] == "FA06"]
    assert f"灘 父二（宛名番号 {father['atena_number']}）" in fa06["clerk_message"]
    assert "確定申告書（国税連携）" in fa06["clerk_message"] and child["my_number"] not in fa06["clerk_message"]
