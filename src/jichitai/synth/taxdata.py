"""The tax-side inputs of one income year: 給与支払報告書, 公的年金等支払報告書 and 市民税・県民税申告.

Who earns what (our assumptions, order of magnitude of 賃金構造基本統計調査 and 年金 statistics; see
docs/synthetic-city.md): employment by age and sex; salaries log-normal around an age/sex median; part-time
work for students and many women; 公的年金 for everyone from 65; self-employment for some without salary.
The reports go to the city where the recipient lived on 1 January of the fiscal year (賦課期日), so they are
written for the residents of the 1月1日 snapshot.

Declarations (申告) are written for residents who file a 市民税・県民税申告 rather than nothing or a 所得税の確定申告
(which reaches the city through 国税連携 instead, 地方税法第317条の3: written as 確定申告書 data for those whose
business or other income needs one or who sold land or shares, :meth:`TaxWriter.final_returns`,
:mod:`jichitai.synth.separate_returns`): small miscellaneous or
business income, pension recipients with deductions to add, people who left a job without 年末調整, a few
salaried residents with medical expenses or donations, and people with no income (for 非課税 proof). The shares
(:data:`FILING`) make about 3–3.5 % of the residents file: nationally about 3,000,000 個人住民税申告 a year
(地方税共同機構, TKC 新風 2025-10, ../shared/reference/juminzei-r8.md) for 124 million people is 2.4 %, so a
Kobe-sized city of 1.5 million receives some 37,000–45,000. Each filer's submission time falls in the filing
period (2月1日〜3月15日, Kobe's 申告期間; a few late ones to the end of March), written in the record.

A chosen share carries one realistic defect each; the defect kinds are written ONLY to the answer file. A
defect is labelled only where the review can know it from what the city holds at review time: a dependant
"over the income limit" is someone whose income the city received on a 給与支払報告書 or 公的年金等支払報告書 (a
relative whose income the city does not hold is accepted at review and checked afterwards by 扶養照会, rule FA08
and docs/decisions/0003-declarations-unknown-relatives.md).

Pure: no Django (amounts use the tax engine's own pure functions).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from jichitai.declarations.domain.kinship import kinship
from jichitai.synth import listed_stock
from jichitai.synth.attachment_docs import (
    dividend_statement,
    donation_attachment,
    donation_scan,
    housing_statement,
    medical_attachment,
    receipt_scan,
)
from jichitai.synth.declaration_defects import inject
from jichitai.synth.geography import CITY_NAME, PREFECTURE, WARD_BY_CODE, Town
from jichitai.synth.history import age_on
from jichitai.synth.population import City, Person
from jichitai.synth.separate_returns import separate_items
from jichitai.tax import parameters as TP
from jichitai.tax import reports
from jichitai.tax.calc import calculate_many
from jichitai.tax.calc import columns as V
from jichitai.tax.calc.explain import case_tables
from jichitai.tax.case import parse_case

JST = dt.timezone(dt.timedelta(hours=9), "JST")

SCAN_SHARE = 0.04  # of the 医療費 claims, attached as a scanned receipt (read by OCR at intake)
DONATION_SCAN_SHARE = 0.3  # [D] of the single 寄附金受領証明書, attached as a photo (DE10 reads it by OCR)
DIVIDEND_SHARE = 0.04  # of the filers with income, 上場株式等の配当 declared for 総合課税 with its 配当割額
DIVIDEND_WITHHELD = 0.05  # 配当割 5 % (地方税法第71条の28)
HOUSING_SHARE = 0.05  # of the salaried filers, a 住宅借入金等特別税額控除 with its 計算明細書
HOUSING_RATE = 7  # 控除率 0.7 % of the year-end balance (租税特別措置法第41条, 令和4年以降の居住分), per mille
HOUSING_RESIDENT_CAP = 97_500  # 住民税の控除限度額 (地方税法附則第5条の4の2: 課税総所得金額等の5 %、97,500円)
NATIONAL_PENSION_YEAR = 210_120  # 国民年金保険料 1年分 (令和7年度 17,510円 × 12)
BIRTH_BENEFIT = 500_000  # 出産育児一時金 (健康保険法施行令第36条)


# Who files a 市民税・県民税申告 (the rest of each group files nothing, or a 確定申告): the share per group.
FILING = {
    "claimed_spouse_with_income": 0.1,  # listed as spouse on the partner's 給与支払報告書, files anyway
    "no_income_head": 0.2,  # 世帯主 aged 20–64 without income (非課税証明, 国保の軽減)
    "left_job": 0.3,  # left a job during the year, no 年末調整 (the others file a 確定申告 for the refund)
    "salary_deductions": 0.01,  # salaried, medical expenses or donations to add by 申告 (most use 確定申告)
    "pension_only": 0.03,  # pension only, deductions to add (no 確定申告 needed: 所得税法第121条第3項)
}
SMALL_OTHER_INCOME = 200_000  # 給与・年金以外の所得 20万円以下: no 確定申告 needed (所得税法第121条), 申告 to the city
SMALL_BUSINESS_INCOME = 480_000  # business income under the 基礎控除: no income tax, a 住民税申告 instead


@dataclass
class Earner:
    pid: int
    salary: int = 0
    pension: int = 0
    business: int = 0
    misc: int = 0
    employer: int = -1
    left_job: bool = False
    social_insurance: int = 0
    life: dict[str, int] = field(default_factory=dict)


@dataclass
class TaxYear:
    income_year: int
    fiscal_year: int
    employers: list[tuple[str, str]]  # (法人番号, 名称)
    earners: dict[int, Earner]
    salary_rows: list[dict[str, Any]] = field(default_factory=list)
    pension_rows: list[dict[str, Any]] = field(default_factory=list)
    final_return_rows: list[dict[str, Any]] = field(default_factory=list)  # 確定申告書 (国税連携)
    declarations: list[dict[str, Any]] = field(default_factory=list)
    defects: list[tuple[str, str]] = field(default_factory=list)
    kokuho_tax: dict[int, int] = field(default_factory=dict)  # 国保 household head pid → 国保税 paid in the year
    techo: list[dict[str, Any]] = field(default_factory=list)  # 障害者手帳 rows (othersystems.techo)
    scans: dict[str, list[str]] = field(default_factory=dict)  # scanned receipt: path → its lines (receipt_images)


_INDUSTRIES = ("商事", "製作所", "運輸", "建設", "食品", "電機", "ケミカル", "医療サービス", "ソフト", "物産", "海運", "不動産")
_STEMS = ("六甲", "みなと", "ポートアイランド", "須磨", "北野", "元町", "摩耶", "有馬", "垂水", "西神", "長田", "灘")


def _employers(rng: random.Random, count: int) -> list[tuple[str, str]]:
    out = []
    for i in range(count):
        number = reports.make_corporate_number(100_000_000_000 + i * 7_919 + rng.randint(0, 7_000))
        out.append((number, f"株式会社{rng.choice(_STEMS)}{rng.choice(_INDUSTRIES)}"))
    return out


def _salary(rng: random.Random, age: int, sex: str) -> int:
    if age < 23 or age >= 65:
        median = 1_000_000 if age < 23 else 1_800_000
    else:
        peak = 6_000_000 if sex == "M" else 3_400_000
        median = int(peak * (0.55 + 0.45 * math.exp(-((age - 52) / 15) ** 2)))
    if sex == "F" and 23 <= age < 65 and rng.random() < 0.4:
        median = 1_100_000  # part-time
    return int(round(rng.lognormvariate(math.log(median), 0.35), -3))


def _employment_rate(age: int, sex: str) -> float:
    if age < 18:
        return 0.0
    if age < 23:
        return 0.45
    if age < 60:
        return 0.88 if sex == "M" else 0.72
    if age < 65:
        return 0.7 if sex == "M" else 0.5
    if age < 75:
        return 0.3 if sex == "M" else 0.18
    return 0.03


def _uncommon_pension(e: Earner, p: Person, age: int, income_year: int) -> None:
    """[D] The pensions the 年金特別徴収 leaves out, which a city meets every year: an old-age pension taken early
    (繰上げ受給, from 60: 国民年金法附則第9条の2) by 3 % of the 60–64, and a small one (a short contribution
    period) of 60,000–299,900円 for 2 % of the 65 and over — some of them under the 180,000円 of 施行令第48条の9の12
    第3項. Drawn from each person's own stream, so that every other figure of the city stays as it was."""
    extra = random.Random(f"pension-extra:{income_year}:{p.pid}")
    if 60 <= age < 65 and extra.random() < 0.03:
        e.pension = int(extra.lognormvariate(math.log(900_000), 0.3)) // 100 * 100
    elif age >= 65 and extra.random() < 0.02:
        e.pension = extra.randrange(60_000, 300_000) // 100 * 100


def incomes(city: City, residents: list[Person], income_year: int, rng: random.Random) -> TaxYear:
    """Who earned what in ``income_year`` among ``residents`` (the 1月1日 residents of the next year)."""
    end = dt.date(income_year, 12, 31)
    employers = _employers(rng, max(5, len(residents) // 60))
    earners: dict[int, Earner] = {}
    for p in residents:
        age = age_on(p.birth, end)
        e = Earner(p.pid)
        if rng.random() < _employment_rate(age, p.sex):
            # a 支払金額 to the yen (no draw: the sequence of the draws is kept), as a 源泉徴収票 shows it
            e.salary = max(300_000, _salary(rng, age, p.sex)) + p.pid * 7_919 % 1_000
            e.employer = rng.randrange(len(employers))
            e.left_job = rng.random() < 0.06
            e.social_insurance = int(e.salary * (0.145 if e.salary > 1_060_000 else 0.0)) // 1000 * 1000
            if rng.random() < 0.55:
                e.life = {"general_new": rng.choice((24_000, 36_000, 60_000, 96_000)),
                          "medical_care_new": rng.choice((0, 30_000, 48_000))}
        elif 18 <= age < 70 and rng.random() < 0.22:
            e.business = int(rng.lognormvariate(math.log(2_200_000), 0.6)) // 1000 * 1000
        if age >= 65:
            median = 2_200_000 if p.sex == "M" else 1_200_000
            e.pension = int(rng.lognormvariate(math.log(median), 0.3)) // 100 * 100
        _uncommon_pension(e, p, age, income_year)
        if age >= 18 and rng.random() < 0.03:
            e.misc = rng.randint(50, 800) * 1000
        if e.salary or e.pension or e.business or e.misc:
            earners[p.pid] = e
    return TaxYear(income_year, income_year + 1, employers, earners)


def files_final_return(e: Earner) -> bool:
    """Business or other income above what needs no 所得税 return: a 確定申告 (所得税法第120条・第121条)."""
    return e.business > SMALL_BUSINESS_INCOME or e.misc > SMALL_OTHER_INCOME


def _pattern(e: Earner) -> str:
    """The eLTAX pattern for these incomes: 給与所得のみ / 公的年金所得のみ only when that is the only income."""
    kinds = {k for k, v in (("salary", e.salary), ("pension", e.pension), ("business", e.business), ("misc", e.misc))
             if v}
    if not kinds:
        return "no_income"
    return {frozenset({"salary"}): "salary_only", frozenset({"pension"}): "pension_only"}.get(frozenset(kinds), "other")


def _address_text(town: Town, banchi: str, katagaki: str) -> str:
    ward = WARD_BY_CODE[town.ward_code].name
    return f"{PREFECTURE}{CITY_NAME}{ward}{town.name}{banchi}{(' ' + katagaki) if katagaki else ''}"


def _salary_income_of(amounts: list[int], fiscal_year: int) -> list[int]:
    bands = TP.load(fiscal_year)["salary_income"]
    return [int(x) for x in V.salary_income(np.asarray(amounts, dtype=np.int64), bands)]


@dataclass
class Household_:
    members: list[Person]


class TaxWriter:
    """Builds the report rows and the declarations from the incomes and the 1月1日 households."""

    def __init__(self, city: City, ty: TaxYear, jan1: dict[int, tuple[int, str, str, str]],
                 towns: dict[str, Town], rng: random.Random, defect_share: float) -> None:
        self.city, self.ty, self.jan1, self.towns, self.rng = city, ty, jan1, towns, rng
        self.defect_share = defect_share
        self.end = dt.date(ty.income_year, 12, 31)
        self.households: dict[int, list[Person]] = {}
        self.report_claims: dict[int, int] = {}  # spouse or dependant pid → pid of the taxpayer whose 給与支払報告書 lists them
        for pid, (hid, *_rest) in jan1.items():
            self.households.setdefault(hid, []).append(city.people[pid])
        # draws added for the status claims, 国保税 and births: their own generator, so that the draws above keep
        # their sequence
        self.more = random.Random(f"claims:{city.seed}:{ty.income_year}")

    def disability_of(self, pid: int) -> str | None:
        """"special" / "general" by the 手帳 valid on 12月31日 (所得税法施行令第10条), None without one."""
        if not hasattr(self, "_techo"):
            self._techo = {r["pid"]: r for r in self.ty.techo
                           if r["from"] <= self.end and (r["to"] is None or self.end <= r["to"])}
        r = self._techo.get(pid)
        if r is None:
            return None
        special = (r["kind"] == "身体" and r["grade"] in ("1級", "2級")) or (r["kind"] == "精神" and r["grade"] == "1級") \
            or (r["kind"] == "療育" and r["grade"] == "A")
        return "special" if special else "general"

    def births(self, p: Person) -> list[Person]:
        """Children born in the income year in the filer's household (1月1日 of the 年度)."""
        return [m for m in self.households.get(self.jan1[p.pid][0], [])
                if m.birth.year == self.ty.income_year and m.pid != p.pid]
    def total_income(self, pid: int) -> int:
        e = self.ty.earners.get(pid)
        return 0 if e is None else self.reported_income(pid) + e.business + e.misc

    def reported_income(self, pid: int) -> int:
        """合計所得金額 from the reports alone (給与所得 and 公的年金等に係る雑所得): what the city holds."""
        e = self.ty.earners.get(pid)
        if e is None:
            return 0
        si = self._salary_income(e.salary) if e.salary else 0
        return si + max(0, e.pension - (1_100_000 if age_on(self.city.people[pid].birth, self.end) >= 65
                                        else 600_000))

    def _salary_income(self, salary: int) -> int:
        """給与所得 of a 給与収入: every earner's worked out in one vectorised call the first time, by amount."""
        if not hasattr(self, "_salary_incomes"):
            amounts = sorted({e.salary for e in self.ty.earners.values() if e.salary})
            self._salary_incomes = dict(zip(amounts, _salary_income_of(amounts, self.ty.fiscal_year), strict=True))
        if salary not in self._salary_incomes:
            self._salary_incomes[salary] = _salary_income_of([salary], self.ty.fiscal_year)[0]
        return self._salary_incomes[salary]

    def family(self, p: Person) -> tuple[Person | None, list[Person]]:
        """(spouse, dependants) a taxpayer would claim: same household, low income."""
        hid = self.jan1[p.pid][0]
        members = self.households.get(hid, [])
        spouse, deps = None, []
        head = members[0] if members else None
        for m in members:
            if m.pid == p.pid:
                continue
            if head is not None and ((p is head and m.relation in ("妻", "夫"))
                                     or (m is head and p.relation in ("妻", "夫"))):
                spouse = m
            elif (p.relation in ("世帯主", "妻", "夫") and m.relation in ("子", "父", "母", "夫の父", "夫の母",
                                                                         "妻の父", "妻の母")
                  and self.total_income(m.pid) <= 580_000):
                deps.append(m)
        return spouse, deps

    def dependant(self, d: Person) -> dict[str, Any]:
        """The 扶養親族 line of a declaration for ``d``, as a careful resident writes it."""
        return {
            "birth_date": d.birth.isoformat(), "total_income": self.total_income(d.pid), "cohabiting": True,
            "relation": "child" if d.relation == "子" else "parent" if d.relation in ("父", "母") else "other",
            "disability": {"special": "special_cohabiting", "general": "general"}.get(self.disability_of(d.pid) or ""),
            "my_number": d.my_number, "name": d.name.full,
        }

    def address(self, pid: int) -> tuple[str, str, str, str]:
        _hid, town, banchi, katagaki = self.jan1[pid]
        return town, banchi, katagaki, _address_text(self.towns[town], banchi, katagaki)

    # -- reports -----------------------------------------------------------------------------------------
    def reports(self) -> None:
        ty = self.ty
        salaried = [e for e in ty.earners.values() if e.salary]
        incomes_after = _salary_income_of([e.salary for e in salaried], ty.fiscal_year)
        claimed: set[int] = set()
        for e, si in zip(salaried, incomes_after, strict=True):
            p = self.city.people[e.pid]
            spouse, deps = self.family(p)
            if spouse is not None and (spouse.pid in claimed or self.total_income(spouse.pid) > 580_000
                                       or p.sex == "F"):
                spouse = None
            if spouse is not None:
                claimed.add(spouse.pid)
            deps = [d for d in deps if d.pid not in claimed and self.total_income(p.pid) >= self.total_income(d.pid)]
            claimed.update(d.pid for d in deps)
            number, name = ty.employers[e.employer]
            *_, addr = self.address(p.pid)
            row: dict[str, Any] = {
                "income_year": ty.income_year, "payer_number": number, "payer_name": name,
                "my_number": p.my_number, "name": p.name.full, "kana": p.name.full_kana, "birth_date": p.birth,
                "address": addr, "salary_paid": e.salary, "salary_income": si,
                "deductions_total": e.social_insurance + 430_000, "withholding_tax": max(0, (si - 1_000_000) // 20),
                "year_end_adjusted": not e.left_job, "social_insurance": e.social_insurance,
                "small_enterprise_mutual_aid": 0, "life_general_new": e.life.get("general_new", 0),
                "life_general_old": 0, "life_medical_care_new": e.life.get("medical_care_new", 0),
                "life_pension_new": 0, "life_pension_old": 0, "earthquake_insurance_deduction": 0,
                "housing_loan_credit_available": 0, "spouse": spouse is not None,
                "spouse_name": spouse.name.full if spouse else None,
                "spouse_my_number": spouse.my_number if spouse else None,
                "spouse_birth_date": spouse.birth if spouse else None,
                "spouse_total_income": self.total_income(spouse.pid) if spouse else None,
                "disability": None, "widow": False, "single_parent": False, "working_student": False,
                "started_on": None, "left_on": dt.date(ty.income_year, self.rng.randint(1, 11), 28) if e.left_job
                else None,
            }
            old = [d for d in deps if age_on(d.birth, self.end) >= 16][:reports.MAX_DEPENDANTS]
            young = [d for d in deps if age_on(d.birth, self.end) < 16][:reports.MAX_DEPENDANTS]
            for listed in ([spouse] if spouse is not None else []) + old + young:
                self.report_claims[listed.pid] = p.pid
            for key, group in (("dep", old), ("young", young)):
                for n, d in enumerate(group, start=1):
                    a = age_on(d.birth, self.end)
                    klass = ("under16" if key == "young" else "specific" if 19 <= a < 23 else
                             "elderly" if a >= 70 else "general")
                    row.update({f"{key}{n}_name": d.name.full, f"{key}{n}_kana": d.name.full_kana,
                                f"{key}{n}_my_number": d.my_number, f"{key}{n}_birth_date": d.birth,
                                f"{key}{n}_class": klass, f"{key}{n}_cohabiting": True})
            ty.salary_rows.extend(self._job_change(e, row))
        pension_payer = (reports.make_corporate_number(601_100_500_310), "日本年金機構")
        for e in ty.earners.values():
            if not e.pension:
                continue
            p = self.city.people[e.pid]
            *_, addr = self.address(p.pid)
            ty.pension_rows.append({
                "income_year": ty.income_year, "payer_number": pension_payer[0], "payer_name": pension_payer[1],
                "my_number": p.my_number, "name": p.name.full, "kana": p.name.full_kana, "birth_date": p.birth,
                "address": addr, "pension_paid": e.pension, "withholding_tax": max(0, (e.pension - 2_000_000) // 20),
                "social_insurance": e.pension // 10, "spouse": False, "spouse_name": None,
                "spouse_my_number": None, "dependants_count": 0, "disability": None,
            })

    def final_returns(self) -> None:
        """The 確定申告書 (国税連携 data, tax.final_returns.FINAL_RETURN) of the residents of 1月1日 whose business or
        other income needs one (:func:`files_final_return`): their incomes by kind, the amounts paid, the spouse and
        dependants a careful filer writes, filed 2月16日〜3月15日. Business revenue is taken as three times the
        business income ([D] an expense ratio of two thirds); the day of filing is drawn from each person's own
        generator, so the city's other draws do not move."""
        for pid in sorted(self.jan1):
            e = self.ty.earners.get(pid)
            separate = self.separate_of(pid)
            if e is None or not (files_final_return(e) or separate):
                continue
            p = self.city.people[pid]
            *_, addr = self.address(pid)
            rng = random.Random(f"final_return:{self.city.seed}:{pid}")
            fy = self.ty.fiscal_year
            row: dict[str, Any] = {
                "income_year": self.ty.income_year, "return_kind": "final",
                "filed_on": dt.date(fy, 2, 16) + dt.timedelta(days=rng.randrange(28)),
                "my_number": p.my_number, "name": p.name.full, "kana": p.name.full_kana, "birth_date": p.birth,
                "address": addr, "salary_revenue": e.salary, "pension_revenue": e.pension,
                "business_revenue": e.business * 3, "business_income": e.business,
                "misc_other_revenue": e.misc, "misc_other_income": e.misc,
                "social_insurance": e.social_insurance or (e.pension // 10) or (e.business // 8),
                "life_general_new": e.life.get("general_new", 0), "life_medical_care_new": e.life.get("medical_care_new", 0),
                "other_income_collection": "ordinary" if rng.random() < 0.5 else "special",
            }
            row.update(separate)
            spouse, deps = self.family(p)
            if spouse is not None and p.relation == "世帯主" and self.total_income(spouse.pid) <= 1_330_000:
                row.update(spouse_name=spouse.name.full, spouse_my_number=spouse.my_number,
                           spouse_birth_date=spouse.birth, spouse_total_income=self.total_income(spouse.pid))
            for n, d in enumerate(deps[:4] if p.relation == "世帯主" else [], start=1):
                line = self.dependant(d)
                row.update({f"rel{n}_name": d.name.full, f"rel{n}_my_number": d.my_number,
                            f"rel{n}_relation": line["relation"], f"rel{n}_birth_date": d.birth,
                            f"rel{n}_total_income": line["total_income"], f"rel{n}_cohabiting": True})
            self.ty.final_return_rows.append(row)

    def separate_of(self, pid: int) -> dict[str, int]:
        """The 分離課税 this resident declares on a 確定申告書 (:func:`separate_items`; {} for most)."""
        return separate_items(self.city.seed, pid, age_on(self.city.people[pid].birth, self.end))

    def _job_change(self, e: Earner, row: dict[str, Any]) -> list[dict[str, Any]]:
        """The report, or, for a third of those who left their job, two reports: the pay of the year split
        between two employers (neither adjusted: 年末調整 is done by the employer at the year's end), the
        spouse and dependants on the first. The sums are the year's pay and 社会保険料."""
        if not e.left_job or self.more.random() >= 1 / 3:
            return [row]
        share = self.more.uniform(0.3, 0.7)
        first_pay, first_si = int(e.salary * share), int(e.social_insurance * share)
        other = self.ty.employers[(e.employer + 1 + self.more.randrange(len(self.ty.employers) - 1))
                                  % len(self.ty.employers)]
        second = {k: v for k, v in row.items() if not k.startswith(("dep", "young", "spouse"))}
        second.update(payer_number=other[0], payer_name=other[1], salary_paid=e.salary - first_pay,
                      social_insurance=e.social_insurance - first_si, spouse=False,
                      salary_income=_salary_income_of([e.salary - first_pay], self.ty.fiscal_year)[0],
                      left_on=None)
        first = dict(row, salary_paid=first_pay, social_insurance=first_si,
                     salary_income=_salary_income_of([first_pay], self.ty.fiscal_year)[0])
        return [first, second]

    # -- declarations ------------------------------------------------------------------------------------
    def must_file(self, p: Person) -> str | None:
        """The pattern of a declaration this person files, or None."""
        e = self.ty.earners.get(p.pid)
        age = age_on(p.birth, self.end)
        r = self.rng.random()
        if e is not None and p.my_number in self._claimed_by() and r < FILING["claimed_spouse_with_income"]:
            # claimed as a spouse on the partner's 給与支払報告書, and files anyway (some claim the partner back)
            return _pattern(e)
        if e is None:
            if 20 <= age < 65 and p.relation in ("世帯主",) and r < FILING["no_income_head"]:
                return "no_income"
            return None
        if files_final_return(e) or self.separate_of(p.pid):
            return None  # 所得税の確定申告 (国税連携): final_returns()
        if e.business or e.misc:
            return "other"
        if e.salary and e.left_job:
            return _pattern(e) if r < FILING["left_job"] else None
        if e.salary and r < FILING["salary_deductions"]:
            return _pattern(e)
        if e.pension and not e.salary and r < FILING["pension_only"]:
            return "pension_only"
        return None

    def claimed_elsewhere(self, p: Person, relative: Person) -> bool:
        """Whether ``relative`` is already claimed on another taxpayer's 給与支払報告書 (through 年末調整), or
        claims ``p`` as their spouse there: a declaration that claims them too is a 二重扶養 or a mutual spouse
        claim, a defect, so a clean declaration leaves them out."""
        return self.report_claims.get(relative.pid, p.pid) != p.pid or self.report_claims.get(p.pid) == relative.pid

    def case(self, p: Person, pattern: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        e = self.ty.earners.get(p.pid) or Earner(p.pid)
        spouse, deps = self.family(p)
        if spouse is not None and self.claimed_elsewhere(p, spouse):
            spouse = None
        deps = [d for d in deps if not self.claimed_elsewhere(p, d)]
        rng = self.rng
        medical = 0
        attachments: list[dict[str, Any]] = []
        if pattern in ("pension_only", "salary_only", "other") and rng.random() < 0.4:
            medical = rng.randint(12, 60) * 10_000
        furusato = 0
        if pattern in ("salary_only", "other") and rng.random() < 0.25:
            furusato = rng.choice((10_000, 30_000, 50_000, 100_000))
            attachments.append(self.donation(p, donation_attachment(p.pid, furusato, self.ty.income_year, self.more)))
        if e.salary:
            attachments.append({"kind": "other", "filename": f"gensen_{p.pid}.pdf"})
        more = self.more
        born = self.births(p) if pattern != "no_income" else []
        reimbursed = 0
        if born and more.random() < 0.8:  # the delivery costs declared, the 一時金 subtracted as the law says
            medical = max(medical, len(born) * more.randint(50, 62) * 10_000)
            reimbursed = min(medical, BIRTH_BENEFIT * len(born))
        scan = random.Random(f"scan:{self.city.seed}:{p.pid}")
        if medical and not reimbursed and scan.random() < SCAN_SHARE:
            attachment, lines = receipt_scan(p.pid, p.name.full, medical, self.ty.income_year, scan)
            self.ty.scans[attachment["image"]] = lines
            attachments.append(attachment)
        elif medical:
            attachments.append(medical_attachment(p.pid, p.name.full, medical, self.ty.income_year, more,
                                                  delivery=bool(reimbursed)))
        dividend, withheld, housing = self.investments(p, e, pattern, attachments)
        stock = random.Random(f"stock:{self.city.seed}:{p.pid}")
        stocks: dict[str, Any] = {}
        if pattern != "no_income" and stock.random() < listed_stock.DECLARED_SHARE:
            listed_stock.claim(stocks, attachments, p.pid, self.ty.income_year, stock)
        # 社会保険料: what the reports carry, the 国保税 the filer paid as head, and 国民年金 with its 控除証明書
        social = e.social_insurance + (e.pension // 10 if e.pension else 0) + self.ty.kokuho_tax.get(p.pid, 0)
        age = age_on(p.birth, self.end)
        if not e.salary and 20 <= age < 60 and more.random() < 0.6:
            social += NATIONAL_PENSION_YEAR
            attachments.append({"kind": "insurance_certificate", "filename": f"nenkin_{p.pid}.pdf"})
        spouse_block = None
        if spouse is not None and p.relation == "世帯主" and self.total_income(spouse.pid) <= 1_330_000:
            spouse_block = {"birth_date": spouse.birth.isoformat(), "total_income": self.total_income(spouse.pid),
                            "disability": None, "my_number": spouse.my_number, "name": spouse.name.full}
        dependents = [self.dependant(d) for d in deps if p.relation == "世帯主"]
        case = {
            "fiscal_year": self.ty.fiscal_year,
            "taxpayer": {"birth_date": p.birth.isoformat(), "sex": "female" if p.sex == "F" else "male",
                         "disability": self.disability_of(p.pid), "widow": False,
                         "single_parent": spouse is None and p.relation == "世帯主"
                         and not any(kinship(p.relation, m.relation).path in (("s",), ("u",))
                                     for m in self.households.get(self.jan1[p.pid][0], []) if m.pid != p.pid)
                         and any(d["relation"] == "child" for d in dependents),
                         "working_student": False, "public_assistance": False},
            "income": {"salary": e.salary, "public_pension": e.pension, "business": e.business,
                       "misc_other": e.misc, "dividend": dividend},
            "local_tax_withheld": {"dividend": withheld + stocks.get("local_tax_withheld", {}).get("dividend", 0),
                                   "stock_transfer": stocks.get("local_tax_withheld", {}).get("stock_transfer", 0)},
            "deductions": {
                "social_insurance": social,
                "small_enterprise_mutual_aid": 0,
                "life_insurance": {"general_new": e.life.get("general_new", 0), "pension_new": 0,
                                   "medical_care_new": e.life.get("medical_care_new", 0), "general_old": 0,
                                   "pension_old": 0},
                "earthquake_insurance": 0, "long_term_damage_insurance_old": 0,
                "medical_expenses": {"paid": medical, "reimbursed": reimbursed},
            },
            "spouse": spouse_block,
            "dependents": dependents,
            "donations": {"furusato": furusato, "other": 0},
            "housing_loan_credit": housing,
            **{k: v for k, v in stocks.items() if k != "local_tax_withheld"},
        }
        return case, attachments

    def donation(self, p: Person, attachment: dict[str, Any]) -> dict[str, Any]:
        """A share of the single 受領証明書 attached as a photo naming the filer (read by OCR at intake)."""
        rows = attachment["receipts"]
        if len(rows) != 1 or random.Random(f"kifu-scan:{self.city.seed}:{p.pid}").random() >= DONATION_SCAN_SHARE:
            return attachment
        scan, self.ty.scans[f"scans/kifu_{p.pid}.png"] = donation_scan(p.pid, p.name.full, rows[0])
        return scan

    def investments(self, p: Person, e: Earner, pattern: str, attachments: list[dict[str, Any]]) -> tuple[int, int, int]:
        """(配当 declared for 総合課税, its 配当割額, 住宅借入金等特別税額控除) with their statements attached, for a
        share of the filers; drawn from the filer's own generators so that the other draws do not move."""
        if pattern == "no_income":
            return 0, 0, 0
        rng = random.Random(f"invest:{self.city.seed}:{p.pid}")
        dividend = withheld = housing = 0
        if rng.random() < DIVIDEND_SHARE:
            dividend = rng.randint(8_000, 400_000)
            withheld = int(dividend * DIVIDEND_WITHHELD)
            attachments.append(dividend_statement(p.pid, dividend, withheld))
        if e.salary >= 3_000_000 and rng.random() < HOUSING_SHARE:
            available = rng.randint(8_000_000, 40_000_000) * HOUSING_RATE // 1000  # 年末残高 × 0.7 %
            left = available * rng.randint(15, 60) // 100  # what 所得税 left
            housing = min(left, HOUSING_RESIDENT_CAP)
            attachments.append(housing_statement(p.pid, available, available - left))
        return dividend, withheld, housing

    def declarations(self) -> None:
        rng = self.rng
        filers: list[tuple[Person, str]] = []
        for pid in sorted(self.jan1):
            p = self.city.people[pid]
            pattern = self.must_file(p)
            if pattern:
                filers.append((p, pattern))
        built: list[dict[str, Any]] = []
        for n, (p, pattern) in enumerate(filers, start=1):
            case, attachments = self.case(p, pattern)
            if case["income"]["dividend"] or "separate_income" in case:
                pattern = "other"  # 給与所得のみ / 公的年金所得のみ no longer: a 配当 or 上場株式等 declared beside
            town, banchi, katagaki, _ = self.address(p.pid)
            ref = f"SYN-{self.ty.fiscal_year}-{n:07d}"
            channel = "online" if rng.random() < 0.45 else "paper"
            built.append({
                "declaration_ref": ref, "channel": channel,
                "submitted_at": self.submitted_at(ref, channel).isoformat(),
                "pattern": pattern, "my_number": p.my_number, "name": p.name.full, "kana": p.name.full_kana,
                "birth_date": p.birth.isoformat(),
                "address": {"town_code": town, "banchi": banchi, "katagaki": katagaki},
                "case": case,
                # on paper the 収入 lines are written in thousands of yen (3,456千円), online to the yen
                "declared": {"salary": case["income"]["salary"] // 1000 * 1000 if channel == "paper"
                             else case["income"]["salary"], "pension": case["income"]["public_pension"],
                             "total_tax": 0},
                "attachments": attachments,
            })
        self._write_totals(built)
        inject(self, built, filers)
        # One defect each: the resident who made it computes the tax on the figures as filed (the engine's own
        # answer), so only the arithmetic error makes the written tax wrong, and the 生命保険料控除 over its cap
        # stays as written.
        kind_of = dict(self.ty.defects)
        self._write_totals([d for d in built if kind_of.get(d["declaration_ref"]) not in (None, "arithmetic_error")],
                           keep_life=kind_of)
        self.ty.declarations = built

    def submitted_at(self, ref: str, channel: str) -> dt.datetime:
        """When the declaration reached the city: in the filing period 2月1日〜3月15日 of the 年度 (one in twenty
        late, to 31 March), online at any hour, on paper on a weekday during office hours (JST). Drawn from its
        own generator per declaration, so that the other draws of the city do not move."""
        rng = random.Random(f"submitted:{self.city.seed}:{ref}")
        fy = self.ty.fiscal_year
        first, last = dt.date(fy, 2, 1), dt.date(fy, 3, 31 if rng.random() < 0.05 else 15)
        day = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
        if channel == "online":
            minute = rng.randrange(24 * 60)
        else:
            while day.weekday() >= 5:
                day -= dt.timedelta(days=1 if day > first else -1)
            minute = rng.randrange(8 * 60 + 45, 17 * 60 + 30)
        return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=JST)

    def _write_totals(self, built: list[dict[str, Any]], keep_life: dict[str, str] | None = None) -> None:
        totals = self._totals([d["case"] for d in built])
        for d, (total, life, quake) in zip(built, totals, strict=True):
            d["declared"]["total_tax"] = total
            if (keep_life or {}).get(d["declaration_ref"]) != "deduction_over_cap":
                d["declared"]["life_insurance_deduction"] = life
            d["declared"]["earthquake_insurance_deduction"] = quake

    def _totals(self, cases: list[dict[str, Any]]) -> list[tuple[int, int, int]]:
        """What a careful resident writes: the tax engine's total, 生命保険料控除 and 地震保険料控除 for each case."""
        if not cases:
            return []
        end = self.end.isoformat()
        # a newborn of the new year (a defect): the resident computed the tax as if the child counted, which the
        # engine refuses; what they write is the tax without the child (the child's deduction is ignored)
        parsed = [parse_case({**c, "dependents": [x for x in c["dependents"] if x["birth_date"] <= end]})
                  for c in cases]
        taxpayers, relatives = case_tables(parsed)
        out = calculate_many(taxpayers, relatives, fiscal_year=self.ty.fiscal_year)
        return [(int(t), int(life), int(quake)) for t, life, quake
                in zip(out["total"], out["ded_life_insurance"], out["ded_earthquake"], strict=True)]

    def _claimed_by(self) -> dict[str, dict[str, Any]]:
        """spouse 個人番号 → the salary report row that claims that spouse."""
        if not hasattr(self, "_claims"):
            self._claims = {r["spouse_my_number"]: r for r in self.ty.salary_rows if r.get("spouse_my_number")}
        return self._claims

    def _pid_of(self, my_number: str) -> int:
        if not hasattr(self, "_by_number"):
            self._by_number = {p.my_number: p.pid for p in self.city.people.values()}
        return self._by_number.get(my_number, -1)
