"""The 障害者福祉 system's 手帳 file and the 国保 system's 国保税 file reach the review through the hub (issue 20
item 1): a 障害者控除 on a 手帳 the city holds is accepted, one without a record or copy goes back; 国保税 paid
counts as known 社会保険料 (地方税法第314条の2第1項第3号・第6号, 所得税法施行令第10条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.declarations import cityrecords, evidence, filing, reviewing
from jichitai.declarations.models import CityRecord, Declaration, Status
from jichitai.hub import files
from jichitai.hub.catalogue import grant, install_defaults
from jichitai.hub.models import System
from jichitai.synth import othersystems
from tests.declarations.conftest import record_for

pytestmark = pytest.mark.django_db


def _send(code: str, feed: str, text: str) -> Any:
    install_defaults()
    system = System.objects.get(code=code)
    grant(system, feed, None, purpose="テスト")
    return files.receive(system, feed, f"{feed}.csv", text.encode("utf-8"))


@pytest.mark.parametrize(("kind", "grade", "special"), [
    ("身体", "1級", True), ("身体", "2級", True), ("身体", "3級", False), ("精神", "1級", True),
    ("精神", "2級", False), ("療育", "A", True), ("療育", "B", False),
])
def test_special_disability_by_the_book(kind: str, grade: str, special: bool) -> None:
    """所得税法施行令第10条第2項: 特別障害者 = 身体 1・2級, 精神 1級, 療育 A (重度)."""
    assert cityrecords.is_special(kind, grade) is special


def test_the_hub_stores_the_files_and_the_review_reads_them(resident: Any, salary_report: Any) -> None:
    with_book, without = resident(name="六甲 一"), resident(name="六甲 二")
    head = resident(name="六甲 三")
    got = _send("shogaisha", "shogai-techo", "宛名番号,手帳種別,等級,交付日,有効期限\n"
                f"{with_book['atena_number']},身体,4級,2015-04-01,\n")
    assert got.file.status == "accepted"
    _send("kokuho", "kokuho-zei", f"宛名番号,年分,納付額\n{head['atena_number']},2025,180000\n")
    assert CityRecord.objects.count() == 2
    for p in (with_book, without):
        salary_report(p["my_number"], 4_000_000)
    records = []
    for p, ref in ((with_book, "T-book"), (without, "T-nobook")):
        rec = record_for(p, ref=ref)
        rec["case"]["taxpayer"]["disability"] = "general"
        records.append(rec)
    kokuho = record_for(head, ref="T-kokuho", pattern="other", salary=0)
    kokuho["case"]["income"]["business"] = 2_000_000
    kokuho["case"]["deductions"]["social_insurance"] = 180_000
    records.append(kokuho)
    filing.import_records(records, fiscal_year=2026, actor="system:test")
    reviewing.review_submitted(2026)
    status = dict(Declaration.objects.values_list("source_ref", "status"))
    assert status["T-book"] == Status.AUTO_ACCEPTED
    assert status["T-nobook"] == Status.RETURNED
    assert status["T-kokuho"] == Status.AUTO_ACCEPTED  # 国保税 180,000円 as the 国保 system says


def test_kokuho_tax_schedule() -> None:
    """Our stated schedule (othersystems): 10.5 % over 43万 a member, 45,000 a member, 30,000 a household,
    7割軽減 at 43万 or less, 上限 106万 (consistency with the generator's own parameters)."""
    rows = [{"pid": 1, "hid": 9}, {"pid": 2, "hid": 9}, {"pid": 3, "hid": 8}]
    income = {1: 2_430_000, 2: 0, 3: 0}
    out = othersystems.kokuho_tax(rows, income.get)
    assert out[1] == 210_000 + 90_000 + 30_000  # (2,430,000 − 430,000) × 10.5 % + 2 × 45,000 + 30,000
    assert out[3] == (45_000 + 30_000) * 3 // 10 // 100 * 100


def _single_parents_reviewed(salary_report: Any, filers: list[tuple[dict[str, Any], str]]) -> dict[str | None, str]:
    """Each filer (with a 3,000,000円 給与支払報告書) claims ひとり親; the year is reviewed: ref → status."""
    records = []
    for p, ref in filers:
        salary_report(p["my_number"], 3_000_000)
        rec = record_for(p, ref=ref, salary=3_000_000)
        rec["case"]["taxpayer"]["single_parent"] = True
        records.append(rec)
    filing.import_records(records, fiscal_year=2026, actor="system:test")
    reviewing.review_submitted(2026)
    return dict(Declaration.objects.values_list("source_ref", "status"))


def test_the_household_on_1_january_decides_a_single_parent_claim(resident: Any, salary_report: Any) -> None:
    """所得税法第2条第1項第31号 and 施行規則第1条の4: ひとり親 with her child in the household is accepted; with a
    「夫（未届）」 in the household on 1月1日 it goes to a clerk (the registry's 続柄, read as of that day)."""
    mother = resident(name="須磨 母", kana="スマ ハハ", setai="S7")
    resident(name="須磨 子", kana="スマ コ", birth=dt.date(2015, 5, 1), setai="S7", relationship="子", sex="M")
    alone = resident(name="垂水 母", kana="タルミ ハハ", setai="S8")
    resident(name="垂水 夫", kana="タルミ オット", setai="S8", relationship="夫（未届）", sex="M")
    status = _single_parents_reviewed(salary_report, [(mother, "T-sp-ok"), (alone, "T-sp-partner")])
    assert status == {"T-sp-ok": Status.AUTO_ACCEPTED, "T-sp-partner": Status.CLERK}


def test_a_child_earning_above_the_limit_does_not_make_a_single_parent(resident: Any, salary_report: Any) -> None:
    """Independent. 所得税法第2条第1項第31号・同法施行令第11条の2: the child's 総所得金額等 must be 58万円以下
    (令和8年度). The child's own 給与支払報告書, found by the registry's 個人番号索引: 給与収入 1,230,000円 → 給与所得
    580,000円 (給与所得控除 650,000円, 所得税法第28条第3項) qualifies; 1,240,000円 → 590,000円 goes to a clerk; a child
    with no report counts (the city cannot know). Both the bulk review and the one-declaration review read it."""
    cases = {"T-sp-123": 1_230_000, "T-sp-124": 1_240_000, "T-sp-none": None}
    filers, children = [], {}
    for n, (ref, pay) in enumerate(cases.items()):
        mother = resident(name=f"北 母{n}", kana="キタ ハハ", setai=f"S9{n}")
        child = resident(name=f"北 子{n}", kana="キタ コ", birth=dt.date(2005, 5, 1), setai=f"S9{n}",
                         relationship="子", sex="M")
        children[ref] = child["atena_number"]
        if pay is not None:
            salary_report(child["my_number"], pay, social_insurance=0)
        filers.append((mother, ref))
    status = _single_parents_reviewed(salary_report, filers)
    assert status == {"T-sp-123": Status.AUTO_ACCEPTED, "T-sp-124": Status.CLERK, "T-sp-none": Status.AUTO_ACCEPTED}
    index = evidence.build(2026, list(Declaration.objects.filter(source_ref="T-sp-124")))
    assert index.member_income[children["T-sp-124"]] == 590_000
