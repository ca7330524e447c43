"""Issue 19 item 8: the 申告特例 (ワンストップ特例) — 申告特例通知書 taken in, the 申告特例控除 (地方税法附則第7条の2
道府県民税・第7条の3 市町村民税: 特例控除額 × 所得税率×1.021 / (90% − 所得税率×1.021)) applied in the 賦課, void
when the person declares. The engine checks are independent: by the law's design a donor who uses the 申告特例
is relieved of (ふるさと納税 − 2,000円) in full by the 住民税 alone (基本控除 10% + 特例控除 (90% − 所得税率×1.021)
+ 申告特例控除 (所得税率×1.021)), when the 20% cap does not bind."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.common.checkdigit import make_my_number
from jichitai.tax import report_intake, reports
from jichitai.tax.assessment import services as assessment
from jichitai.tax.calc import calculate
from jichitai.tax.donation_notices import DONATION_NOTICE, local_government_code_check_digit
from jichitai.tax.models import Assessment, DonationNotice
from tests.tax.conftest import TARO

FURUSATO = 30_000


def _case(salary: int, onestop: bool) -> dict[str, Any]:
    return {"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-05-01"}, "income": {"salary": salary},
            "deductions": {"social_insurance": salary * 15 // 100},
            "donations": {"furusato": FURUSATO, "onestop": onestop}}


def _credits(answer: dict[str, Any], name: str) -> int:
    c = answer["tax_credits"][name]
    return int(c["city"] + c["pref"])


@pytest.mark.parametrize("salary", [3_500_000, 5_000_000, 9_000_000, 14_000_000])  # 所得税率 5%, 10%, 20%, 33%
def test_the_onestop_credit_relieves_the_whole_donation_less_2000(salary: int) -> None:
    with_onestop = calculate(_case(salary, True))
    without = calculate(_case(salary, False))
    assert _credits(without, "onestop") == 0
    assert _credits(with_onestop, "donation") == _credits(without, "donation")
    relieved = _credits(with_onestop, "donation") + _credits(with_onestop, "onestop")
    assert abs(relieved - (FURUSATO - 2_000)) <= 3  # each of 4 parts rounded up to the yen
    assert _credits(with_onestop, "onestop") > 0
    assert any(s["rule"].startswith("申告特例控除") and "附則第7条の3" in s["basis"] for s in with_onestop["steps"])


def test_the_onestop_credit_at_the_10_percent_band_is_the_published_ratio() -> None:
    """所得税率 10%: 申告特例控除 = 特例控除 × 10.21 / 79.79 (each side, rounded up)."""
    answer = calculate(_case(5_000_000, True))
    special_city = -(-(FURUSATO - 2_000) * 7979 * 4 // (10000 * 5))  # (F − 2,000) × 79.79% × 4/5, rounded up
    assert answer["tax_credits"]["onestop"]["city"] == -(-special_city * 1021 // 7979)


def test_local_government_code_check_digit() -> None:
    # 神戸市 281000, 千代田区 131016 (総務省 全国地方公共団体コード)
    assert local_government_code_check_digit("28100") == 0
    assert local_government_code_check_digit("13101") == 6


def notice(**over: Any) -> dict[str, Any]:
    row = {"donee_code": "011002", "donee_name": "札幌市", "income_year": 2025, "my_number": TARO,
           "name": "青木 太郎", "kana": "アオキ タロウ", "birth_date": dt.date(1980, 5, 1),
           "address": "神戸市中央区加納町6丁目5番1号", "amount": 30_000}
    row.update(over)
    return row


def send(name: str, *rows: dict[str, Any]) -> tuple[int, int]:
    data = reports.write_rows(DONATION_NOTICE, list(rows)).encode("cp932")
    return report_intake.store_file(DONATION_NOTICE.name, data, name)


@pytest.mark.django_db
def test_notices_are_stored_once_and_a_corrected_one_counts() -> None:
    assert send("a.csv", notice()) == (1, 0)
    assert send("b.csv", notice()) == (0, 1)
    assert send("c.csv", notice(amount=40_000)) == (1, 0)
    assert list(DonationNotice.objects.order_by("id").values_list("amount", flat=True)) == [30_000, 40_000]
    with pytest.raises(reports.ReportFileError) as exc:
        send("bad.csv", notice(donee_code="011003"))
    assert exc.value.fields["problems"][0]["item"] == "寄附を受けた団体コード"


@pytest.mark.django_db
def test_the_assessment_applies_the_onestop_credit(city: dict[str, str]) -> None:
    send("sapporo.csv", notice(), notice(my_number=make_my_number(99000000001), name="他 市民"))
    send("kyoto.csv", notice(donee_code="261009", donee_name="京都市", amount=20_000))
    assessment.run(2026)
    taro = Assessment.objects.get(atena_number=city["taro"])
    assert taro.case["donations"] == {"furusato": 50_000, "onestop": True}
    answer = taro.explanation()
    assert _credits(answer, "onestop") > 0
    assert any("申告特例通知書 (札幌市、京都市) 計 50,000円" in n for n in answer["notes"])


@pytest.mark.django_db
def test_more_than_five_donees_is_not_a_onestop(city: dict[str, str]) -> None:
    codes = ["011002", "261009", "271004", "131016", "141003", "231002"]
    assert all(local_government_code_check_digit(c[:5]) == int(c[5]) for c in codes)
    send("six.csv", *[notice(donee_code=c, donee_name=f"団体{c}") for c in codes])
    assessment.run(2026)
    taro = Assessment.objects.get(atena_number=city["taro"])
    assert "donations" not in taro.case
    assert any("5団体を超える" in n for n in taro.notes)


@pytest.mark.django_db
def test_a_declaration_voids_the_onestop(city: dict[str, str]) -> None:
    from jichitai.tax.assessment.inputs import people_of

    send("sapporo.csv", notice())
    declared = {"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-05-01"}, "income": {"salary": 5_000_000}}
    import jichitai.tax.assessment.inputs as inputs

    original = inputs.declared_cases
    inputs.declared_cases = lambda fy, atenas=None: {city["taro"]: ("declaration:R1:v1", declared)}  # type: ignore[assignment]
    try:
        person = next(p for p in people_of(2026, [(city["taro"], "1980-05-01", "1", "28110")]))
    finally:
        inputs.declared_cases = original  # type: ignore[assignment]
    assert person.case == declared and "申告特例は無効" in person.notes[0]
