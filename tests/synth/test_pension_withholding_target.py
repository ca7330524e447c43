"""The synthetic city's 年金特別徴収対象者情報 (nenkin_tokucho_taishosha.csv): the 年金保険者 notifies the people
地方税法第321条の7の2第1項 makes 特別徴収対象年金所得者 — paid 公的年金等 in the year before (the 公的年金等支払報告書),
65歳以上 on the 年度's first day (4月1日) and drawing a 老齢等年金給付 of 180,000円 a year or more (施行令第48条の9の12第3項,
the 介護保険法第134条 threshold) — and the collection run then withholds from their pension."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jichitai.hub.layouts import FILE_LAYOUTS
from jichitai.synth.city import Options, generate, pension_withholding_targets
from jichitai.synth.taxdata import TaxYear
from jichitai.tax import reports
from tests.synth.test_city import SMALL, empty_registry

pytestmark = pytest.mark.django_db

FISCAL_YEAR = 2026  # SMALL ends on 2026-04-01: residents of 2026-01-01, incomes of 2025


def _files(out: Path) -> tuple[list[dict], list[dict]]:
    """(pension report rows, target rows), each read through the layout the hub validates its feed's files with."""
    layout = FILE_LAYOUTS["pension-withholding-target"]
    targets = reports.read_file(layout, (out / "nenkin_tokucho_taishosha.csv").read_bytes())
    paid = reports.read_file(FILE_LAYOUTS["pension-report"], (out / "koteki_nenkin_shiharai_hokokusho.csv").read_bytes())
    return paid, targets


def test_the_file_lists_exactly_the_statutes_pensioners(tmp_path: Path) -> None:
    """Independent (statute): 第321条の7の2第1項 — 前年中に公的年金等の支払を受けた者 (a row of the 公的年金等支払報告書)
    and 年齢65歳以上 on 4月1日 of the 年度 (年齢計算ニ関スル法律: a year completes at the end of the day before the
    birthday, so born on or before 2 April 1961 is 65 on 1 April 2026); excluded are those whose 老齢等年金給付 is
    under 180,000円 a year (施行令第48条の9の12第3項). The expected set is computed here from the birth date and the
    amount, not with the generator's own age function. The file passes the hub's layout check (read_file raises
    otherwise) and is for the 年度 2026."""
    empty_registry()
    generate(Options(out=tmp_path, **SMALL))
    paid, targets = _files(tmp_path)
    latest_birth = dt.date(FISCAL_YEAR - 65, 4, 2)
    expected = {r["my_number"] for r in paid if r["birth_date"] <= latest_birth and r["pension_paid"] >= 180_000}
    assert expected, "the small city has pensioners of 65 and over"
    assert {t["my_number"] for t in targets} == expected
    assert len(targets) == len(expected)  # one 年金保険者 each: no one listed twice
    assert {t["fiscal_year"] for t in targets} == {FISCAL_YEAR}
    amount = {r["my_number"]: r["pension_paid"] for r in paid}
    assert all(t["old_age_pension"] == amount[t["my_number"]] for t in targets)
    # both exclusions occur in the generated city (繰上げ受給 under 65, small pensions under 180,000円), so the
    # expected set above is not simply every recipient of the report
    assert any(r["birth_date"] > latest_birth for r in paid) and any(
        r["birth_date"] <= latest_birth and r["pension_paid"] < 180_000 for r in paid)
    # [D] our assumption: 95 % have their 介護保険料 withheld, so both answers occur
    assert {t["nursing_premium_withheld"] for t in targets} == {True, False}


def test_the_boundaries_of_age_and_amount() -> None:
    """Independent (statute), on rows laid by hand at each boundary: 年齢65歳以上 on 1 April 2026 — born 2 April 1961
    is 65 (年齢計算ニ関スル法律: the year completes at the end of the day before the birthday), born 3 April 1961 is
    64 — and a 老齢等年金給付 of 180,000円 a year is enough, 179,900円 is not (施行令第48条の9の12第3項)."""
    def row(n: int, born: dt.date, paid: int) -> dict:
        return {"payer_number": "6011005003101", "payer_name": "日本年金機構", "my_number": f"x{n}",
                "name": f"年金 {n}", "kana": "ネンキン", "birth_date": born, "address": "神戸市", "pension_paid": paid}

    ty = TaxYear(2025, 2026, [], {}, pension_rows=[
        row(1, dt.date(1961, 4, 2), 180_000), row(2, dt.date(1961, 4, 3), 2_000_000),
        row(3, dt.date(1950, 1, 1), 179_900), row(4, dt.date(1950, 1, 1), 180_000)])
    assert [t["my_number"] for t in pension_withholding_targets(ty, seed=1)] == ["x1", "x4"]
