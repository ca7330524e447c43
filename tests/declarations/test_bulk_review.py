"""The set-based review of a whole year (``reviewing.review_submitted``) on PostgreSQL: it judges every
declaration exactly as the review of those declarations read one set at a time does, records everything in
bulk, keeps the submission time an import carries, and names other claimants by what the city knows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jichitai.audit.models import AuditEntry
from jichitai.common.checkdigit import make_my_number
from jichitai.declarations import filing, reviewing
from jichitai.declarations.cityindex import NOT_IN_REGISTRY
from jichitai.declarations.domain import DeclarationError
from jichitai.declarations.models import AssessmentFeed, Declaration, ReviewDecision, Status
from tests.declarations.conftest import record_for

pytestmark = pytest.mark.django_db

ELSEWHERE = make_my_number(90000000001)  # a valid 個人番号 the city's registry does not hold


def dependant(p: dict[str, Any], income: int = 0, **over: Any) -> dict[str, Any]:
    return {"my_number": p["my_number"], "name": p["name"], "birth_date": p["birth"].isoformat(),
            "total_income": income, "relation": "child", "cohabiting": True, **over}


@pytest.fixture
def year(resident: Any, salary_report: Any) -> dict[str, Any]:
    """A small year, one filer each: a clean declaration, a 二重扶養 through the father's 年末調整, a dependant
    over the limit by the city's own report, a parent living outside the city, and a dependant claimed on the
    report of a taxpayer the registry does not know."""
    clean = resident(name="灘 一郎", kana="ナダ イチロウ")
    mother = resident(name="長田 母", kana="ナガタ ハハ", setai="S1")
    father = resident(name="長田 父", kana="ナガタ チチ", setai="S1")
    child = resident(name="長田 子", kana="ナガタ コ", birth=dt.date(2010, 6, 1), setai="S1")
    earner = resident(name="須磨 親", kana="スマ オヤ", setai="S2")
    son = resident(name="須磨 子", kana="スマ コ", birth=dt.date(2000, 4, 1), setai="S2")
    west = resident(name="西 太郎", kana="ニシ タロウ")
    aunt = resident(name="垂水 叔母", kana="タルミ オバ")
    niece = resident(name="垂水 姪", kana="タルミ メイ", birth=dt.date(2012, 1, 5))
    for p, amount in ((clean, 4_000_000), (mother, 3_000_000), (earner, 5_000_000), (west, 4_000_000),
                      (aunt, 3_500_000)):
        salary_report(p["my_number"], amount)
    salary_report(father["my_number"], 5_000_000, dependants=(child["my_number"],))
    salary_report(son["my_number"], 3_000_000)  # 給与所得 2,020,000円: over every dependant's limit
    salary_report(ELSEWHERE, 4_500_000, dependants=(niece["my_number"],))
    parent_elsewhere = {"my_number": make_my_number(90000000002), "name": "神戸 父", "birth_date": "1950-01-01",
                        "total_income": 400_000, "relation": "parent", "cohabiting": False}
    records = {
        "clean": record_for(clean, ref="T-clean"),
        "double": record_for(mother, ref="T-double", salary=3_000_000, dependents=[dependant(child)]),
        "over": record_for(earner, ref="T-over", salary=5_000_000, dependents=[dependant(son)]),
        "elsewhere": record_for(west, ref="T-elsewhere", dependents=[parent_elsewhere]),
        "unknown_claimant": record_for(aunt, ref="T-unknown-claimant", salary=3_500_000,
                                       dependents=[dependant(niece)]),
    }
    return {"records": records, "father": father}


def _import(records: dict[str, dict[str, Any]]) -> dict[str, Declaration]:
    filing.import_records(list(records.values()), fiscal_year=2026, actor="system:test")
    return {k: Declaration.objects.get(source_ref=r["declaration_ref"]) for k, r in records.items()}


def _outcomes() -> dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """source_ref → (status, finding codes, clerk messages) of the automated decision."""
    out = {}
    for d in Declaration.objects.prefetch_related("decisions"):
        (decision,) = [x for x in d.decisions.all() if x.by == "system"]
        out[d.source_ref or ""] = (d.status, tuple(f["code"] for f in decision.findings),
                                   tuple(f["clerk_message"] for f in decision.findings))
    return out


def test_the_bulk_review_judges_as_the_review_of_the_same_declarations_read_together(year: dict[str, Any]) -> None:
    """One evidence for the whole year (evidence.for_year) and the per-set evidence (evidence.build) give the
    same outcome, findings and explanations for every declaration."""
    stored = _import(year["records"])
    totals = reviewing.review_submitted(2026, chunk=2)  # three chunks: the evidence is read once for all
    bulk = _outcomes()
    assert sum(totals.values()) == len(stored)

    ReviewDecision.objects.all().delete()
    AssessmentFeed.objects.all().delete()
    Declaration.objects.update(status=Status.SUBMITTED, computed=None, decided_at=None, review_codes="")
    reviewing.review_declarations(Declaration.objects.order_by("id"))
    assert _outcomes() == bulk


def test_what_the_bulk_review_decides_and_records(year: dict[str, Any]) -> None:
    """二重扶養 (所得税法第85条第4項) and a dependant over the limit by the city's own report (地方税法第292条第1項
    第9号) go to a clerk; a parent outside the city is accepted with the 扶養照会 note (地方税法第294条第3項, FA08):
    the city cannot know that income at review time."""
    stored = _import(year["records"])
    reviewing.review_submitted(2026)
    found = _outcomes()
    status = {k: found[r["declaration_ref"]][0] for k, r in year["records"].items()}
    assert status == {"clean": Status.AUTO_ACCEPTED, "double": Status.CLERK, "over": Status.CLERK,
                      "elsewhere": Status.AUTO_ACCEPTED, "unknown_claimant": Status.CLERK}
    assert "FA05" in found["T-over"][1]
    assert "FA08" in found["T-elsewhere"][1]
    for key, code in (("double", " FA06 "), ("over", " FA05 ")):
        stored[key].refresh_from_db()
        assert code in stored[key].review_codes
    stored["elsewhere"].refresh_from_db()
    assert stored["elsewhere"].review_codes == ""  # a note does not stop a declaration
    # recorded in bulk: one decision each, the accepted ones handed to the assessment, one audit entry
    assert ReviewDecision.objects.count() == len(stored)
    accepted = Declaration.objects.filter(status=Status.AUTO_ACCEPTED)
    fed = set(AssessmentFeed.objects.values_list("declaration_id", flat=True))
    assert fed == set(accepted.values_list("id", flat=True))
    assert AuditEntry.objects.filter(action="declarations.review", resource=f"batch:{len(stored)}").count() == 1


def test_another_claimant_is_named_by_what_the_city_knows(year: dict[str, Any]) -> None:
    """The clerk sees the father who claims the child through 年末調整 by his 宛名番号 (he is a resident, even
    though he filed nothing), and a claimant whose 個人番号 the registry does not hold as such — never
    「市外の納税者」, which nobody knows."""
    _import(year["records"])
    reviewing.review_submitted(2026)
    found = _outcomes()
    (double,) = [m for c, m in zip(found["T-double"][1], found["T-double"][2], strict=True) if c == "FA06"]
    assert f"宛名番号 {year['father']['atena_number']}" in double
    (unknown,) = [m for c, m in zip(found["T-unknown-claimant"][1], found["T-unknown-claimant"][2], strict=True)
                  if c == "FA06"]
    assert NOT_IN_REGISTRY in unknown
    assert all("市外の納税者" not in m for _, _, msgs in found.values() for m in msgs)


def test_an_import_keeps_the_submission_time_it_carries(resident: Any) -> None:
    """The queue's age counts from when the declaration reached the city, not from the import."""
    a, b = resident(), resident()
    when = "2026-02-16T10:05:00+09:00"
    filing.import_records([record_for(a, ref="T-dated", submitted_at=when), record_for(b, ref="T-undated")],
                          fiscal_year=2026, actor="system:test")
    assert Declaration.objects.get(source_ref="T-dated").submitted_at == dt.datetime.fromisoformat(when)
    undated = Declaration.objects.get(source_ref="T-undated").submitted_at
    assert undated is not None and timezone.now() - undated < dt.timedelta(hours=1)


@pytest.mark.parametrize("when, message", [("2026-02-16 10:05", "時差"), ("2999-01-01T00:00:00+09:00", "未来")])
def test_an_import_refuses_a_submission_time_it_cannot_trust(resident: Any, when: str, message: str) -> None:
    with pytest.raises(DeclarationError, match=message):
        filing.import_records([record_for(resident(), submitted_at=when)], fiscal_year=2026, actor="system:test")
    assert not Declaration.objects.exists()


def test_a_filers_later_declarations_join_the_chunk_of_the_first() -> None:
    """So that side-by-side chunks still hand a person's declarations to the assessment in the order filed (the
    later one becomes the newer version of that person's assessment)."""
    pairs = [(1, "a"), (2, "b"), (3, "a"), (4, "c"), (5, ""), (6, "b"), (7, "d"), (8, "")]
    assert reviewing.owner_chunks(pairs, 2) == [[1, 2, 3, 6], [4, 5], [7, 8]]
    assert reviewing.owner_chunks([], 2) == []


@pytest.mark.django_db(transaction=True)  # the workers' own connections see only what is committed
def test_two_processes_decide_and_record_as_one(year: dict[str, Any]) -> None:
    """Chunks decided and recorded side by side by two processes, each on the one evidence read for the year,
    give every declaration the outcome, findings and explanations one process gives, and one hand-over each."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the embedded SQLite takes one writer at a time (dbcopy.bulk_workers gives 1)")
    stored = _import(year["records"])
    reviewing.review_submitted(2026, chunk=1, workers=1)
    one = _outcomes()

    ReviewDecision.objects.all().delete()
    AssessmentFeed.objects.all().delete()
    Declaration.objects.update(status=Status.SUBMITTED, computed=None, decided_at=None, review_codes="")
    totals = reviewing.review_submitted(2026, chunk=1, workers=2)
    assert _outcomes() == one
    assert sum(totals.values()) == len(stored) == ReviewDecision.objects.count()
    accepted = set(Declaration.objects.filter(status=Status.AUTO_ACCEPTED).values_list("id", flat=True))
    assert sorted(AssessmentFeed.objects.values_list("declaration_id", flat=True)) == sorted(accepted)
