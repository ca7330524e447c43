"""The inputs of the annual assessment: who is assessed (the registry on 1月1日, 賦課期日 地方税法第318条) and
with what (accepted declarations first, otherwise the 給与支払報告書 / 公的年金等支払報告書 received).

Each person becomes one tax case of the public format, so the bulk assessment, a declaration and the API
compute exactly the same thing. What a report cannot say is left out and noted, never guessed: a 特定親族 needs
that relative's income, and the 住宅借入金等特別控除 for 住民税 needs the 居住開始年月日 (a file without it: noted, as the
municipalities say: 記載がない場合は控除を受けられない).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.db.models import TextField
from django.db.models.functions import Cast

from jichitai.common.wareki import to_wareki
from jichitai.dbcopy import with_keys
from jichitai.tax import reports
from jichitai.tax.assessment.returns import case_from_final_return
from jichitai.tax.donation_notices import MAX_DONEES

LIFE_KEYS = ("life_general_new", "life_general_old", "life_medical_care_new", "life_pension_new", "life_pension_old")
RELATION_OF_CLASS = {"elderly_cohabiting_parent": "parent"}


@dataclass
class Person:
    """One resident on the 賦課期日 with the case to compute."""

    atena_number: str
    ward_code: str
    source: str
    case: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def _sum(rows: Iterable[dict[str, Any]], key: str) -> int:
    return sum(int(r.get(key) or 0) for r in rows)


def case_from_reports(fiscal_year: int, birth_date: str, sex: str, salary_rows: list[dict[str, Any]],
                      pension_rows: list[dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """A tax case built from a person's reports of the income year (rows as stored: ISO dates)."""
    notes: list[str] = []
    main = next((r for r in salary_rows if r.get("year_end_adjusted")), salary_rows[0] if salary_rows else None)
    case: dict[str, Any] = {
        "fiscal_year": fiscal_year,
        "taxpayer": {"birth_date": birth_date, "sex": "female" if sex in ("2", "F", "female") else "male",
                     "disability": (main or {}).get("disability") or next(
                         (r.get("disability") for r in pension_rows if r.get("disability")), None),
                     **{mark: any(bool(r.get(mark)) for r in ([main] if main else pension_rows))
                        for mark in ("widow", "single_parent")},
                     "working_student": bool((main or {}).get("working_student"))},
        "income": {"salary": _sum(salary_rows, "salary_paid"), "public_pension": _sum(pension_rows, "pension_paid")},
        "deductions": {
            "social_insurance": _sum(salary_rows, "social_insurance") + _sum(pension_rows, "social_insurance"),
            "small_enterprise_mutual_aid": _sum(salary_rows, "small_enterprise_mutual_aid"),
            # 年末調整 figures come from the adjusted report only (other payers' reports carry none)
            "life_insurance": {k.removeprefix("life_"): int((main or {}).get(k) or 0) for k in LIFE_KEYS},
            # the report gives the 所得税 地震保険料控除 (= premium up to 5万), which yields the same 住民税 amount
            "earthquake_insurance": int((main or {}).get("earthquake_insurance_deduction") or 0),
        },
        "spouse": None,
        "dependents": [],
    }
    if main and main.get("housing_loan_credit_available"):
        case["housing_loan_credit"] = _housing_loan_credit(fiscal_year, main, notes)
    if main and main.get("spouse") and main.get("spouse_birth_date"):
        case["spouse"] = {"birth_date": main["spouse_birth_date"], "total_income": int(main.get("spouse_total_income") or 0),
                          "disability": main.get("spouse_disability")}
    for dep in reports.dependants(main or {}):
        if not dep.get("birth_date"):
            notes.append(f"扶養親族 {dep.get('name', '')}: 生年月日がないため除外")
            continue
        if dep.get("class") == "specific_relative":
            notes.append(f"特定親族 {dep.get('name', '')}: 所得が不明のため除外 (申告で確認)")
            continue
        case["dependents"].append({
            "birth_date": dep["birth_date"] if isinstance(dep["birth_date"], str) else dep["birth_date"].isoformat(),
            "total_income": 0,  # listed on the report as 控除対象扶養親族 / 16歳未満扶養親族: within the limit
            # a report's 同居特別障害者 mark says the relative lives with the taxpayer (地方税法第314条の2第4項)
            "cohabiting": bool(dep.get("cohabiting")) or dep.get("disability") == "special_cohabiting",
            # the report does not say who is a child: null (not a lineal ascendant) lets a younger relative count
            # as the taxpayer's 子 for ひとり親 (case format)
            "relation": RELATION_OF_CLASS.get(str(dep.get("class"))),
            "disability": dep.get("disability"),
        })
    return case, notes


def _housing_loan_credit(fiscal_year: int, main: dict[str, Any], notes: list[str]) -> int:
    """The 住民税 住宅借入金等特別税額控除 from the 年末調整's report (地方税法附則第5条の4の2): its 可能額, the
    amount the 所得税 took, the 居住開始年月日 and 区分; 所得税の課税総所得金額等 is that of the 年末調整
    (給与所得控除後の金額 − 所得控除の額の合計額, 1,000円未満切捨て): who had other income files a 確定申告."""
    from jichitai.tax import parameters as P
    from jichitai.tax.rules.credits import resident_housing_loan_credit

    available = int(main.get("housing_loan_credit_available") or 0)
    taxable = max(int(main.get("salary_income") or 0) - int(main.get("deductions_total") or 0), 0) // 1000 * 1000
    moved = main.get("housing_moved_in_on")
    got = resident_housing_loan_credit(available, int(main.get("housing_loan_credit_used") or 0), taxable,
                                       dt.date.fromisoformat(moved) if moved else None, main.get("housing_loan_kind"),
                                       P.load(fiscal_year)["housing_loan"])
    if got.reason:
        notes.append(f"住宅借入金等特別控除: {got.reason} (地方税法附則第5条の4の2)")
    else:
        notes.append(f"住宅借入金等特別控除: 所得税で控除しきれなかった額 {got.remaining:,}円、限度額 {got.cap:,}円 "
                     f"(所得税の課税総所得金額等 {taxable:,}円 × {float(got.rate) * 100:g}%、最高 {got.cap_amount:,}円) "
                     f"→ 住民税から {got.amount:,}円 (地方税法附則第5条の4の2)")
    return got.amount


CHUNK = 25_000  # residents gathered, computed and stored at a time: a city's cases never held at once


def gather(fiscal_year: int) -> list[Person]:
    """Everyone registered on 1月1日 of ``fiscal_year`` with the case to compute (all at once: small cities, tests)."""
    return [person for chunk in gather_chunks(fiscal_year) for person in chunk]


def gather_chunks(fiscal_year: int, size: int = CHUNK) -> Iterator[list[Person]]:
    """Everyone registered on 1月1日 of ``fiscal_year``, ``size`` people at a time in 宛名番号 order, each with the
    case to compute (:func:`resident_chunks`, :func:`people_of`)."""
    for batch in resident_chunks(fiscal_year, size):
        yield people_of(fiscal_year, batch)


def resident_chunks(fiscal_year: int, size: int = CHUNK) -> Iterator[list[tuple[str, str, str, str]]]:
    """Everyone registered on 1月1日 of ``fiscal_year`` (賦課期日, 地方税法第318条) as (宛名番号, 生年月日, 性別,
    区コード), ``size`` at a time in 宛名番号 order: the registry read as one stream."""
    from jichitai.registry.history import residents_as_of

    batch: list[tuple[str, str, str, str]] = []
    for r in residents_as_of(dt.date(fiscal_year, 1, 1)):
        batch.append((r["atena_number"], r["birth_date"].isoformat(), r["sex"], r["ward_code"]))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def people_of(fiscal_year: int, residents: list[tuple[str, str, str, str]]) -> list[Person]:
    """The case of each resident given as (宛名番号, 生年月日, 性別, 区コード): their accepted declaration, else the
    reports in force of the income year, else none (所得なし)."""
    from jichitai.registry.models import Resident
    from jichitai.tax.models import ReceivedReport

    atenas = [atena for atena, *_ in residents]
    index_of = dict(with_keys(Resident.objects, "atena_number", atenas).values_list("atena_number", "my_number_index"))
    by_index: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: {"salary_report": [], "pension_report": []})
    indexes = [i for i in index_of.values() if i]
    reports_in_force = ReceivedReport.in_force().filter(income_year=fiscal_year - 1)
    # the reports' data as text parsed by orjson (C): Django's json.loads of each was a third of the reading
    for kind, index, data in (with_keys(reports_in_force, "recipient_index", indexes)
                              .order_by("id").values_list("kind", "recipient_index", Cast("data", TextField()))):
        by_index[index][kind].append(orjson.loads(data))
    held = set(with_keys(ReceivedReport.objects.filter(status="held", income_year=fiscal_year - 1), "recipient_index",
                         indexes).values_list("recipient_index", flat=True))
    declared = declared_cases(fiscal_year, atenas)
    donations = donation_notices(fiscal_year, indexes)
    returns = final_returns(fiscal_year, indexes)
    elsewhere = moved_away(atenas)
    people = []
    for atena, birth, sex, ward in residents:
        index = index_of.get(atena) or ""
        notices = donations.get(index, {})
        if index in returns:  # 確定申告 (国税連携) first: it is the 住民税 申告 (地方税法第317条の3第1項)
            ref, row = returns[index]
            case, notes = case_from_final_return(fiscal_year, birth, sex, row)
            if atena in declared:
                notes.append(f"住民税申告 ({declared[atena][0]}) もありますが確定申告書によります")
            if notices:
                notes.append(f"申告特例通知書 {len(notices)} 団体分: 確定申告があったため申告特例は無効 "
                             "(寄附金は申告によります、地方税法附則第7条)")
            people.append(Person(atena, ward, ref, case, notes))
            continue
        if atena in declared:
            source, case = declared[atena]
            people.append(Person(atena, ward, source, case, [
                f"申告特例通知書 {len(notices)} 団体分: 申告があったため申告特例は無効 (寄附金は申告によります、地方税法附則第7条)"]
                if notices else []))
            continue
        found = by_index.get(index)
        if found and (found["salary_report"] or found["pension_report"]):
            case, notes = case_from_reports(fiscal_year, birth, sex, found["salary_report"], found["pension_report"])
            person = Person(atena, ward, "reports", case, notes)
        else:
            case = {"fiscal_year": fiscal_year, "taxpayer": {"birth_date": birth}}
            person = Person(atena, ward, "none", case, ["課税資料なし (所得なしとして計算)"])
        if notices:
            _apply_donation_notices(person, notices)
        if index in held:
            person.notes.append("確認待ちの支払報告書があります (同じ支払者から訂正・取消の指定なく届いたもの、未反映)")
        people.append(person)
    for person in people:
        if person.atena_number in elsewhere:
            person.notes.append(elsewhere[person.atena_number])
    return people


def moved_away(atena_numbers: list[str]) -> dict[str, str]:
    """宛名番号 → a note for each of these 1月1日 residents who has moved out of the city since: still taxed here
    for the 年度 (賦課期日, 地方税法第318条), now a 住登外者 (共通機能標準仕様書 §2.3) whose number and address the
    notices use (tax.addressee; numbered from the 除票 the first time)."""
    from jichitai.registry.models import Resident
    from jichitai.tax.addressee import MOVED_OUT, jutogai_for

    moved_out = Resident.objects.filter(status="removed", removal_reason__in=MOVED_OUT)
    rows = list(with_keys(moved_out, "atena_number", atena_numbers).values("atena_number", "name", "kana", "birth_date", "sex", "status", "removal_reason",
                        "destination_address", "removed_on", "moved_out_on"))
    from jichitai.registry import suppression

    found = jutogai_for(rows)
    # the day they left: the 転出年月日 (the 転入通知's 転入日 when earlier than the 転出予定日, j50), in 和暦
    left_on = {r["atena_number"]: to_wareki(r["moved_out_on"] or r["removed_on"]) for r in rows}
    # the note is kept with the assessment and read by whoever opens it later: the 住登外者's address goes through
    # the Shield for anyone (a 支援措置 follows the person after the 転出; an address may name a protected place)
    withheld = suppression.screen_addresses(
        "system:tax-assessment", [{"atena_number": a, "former_atena_number": a, "address": p.address}
                                  for a, p in found.items()],
        audience=suppression.OTHERS, action="tax.assess", via="tax.assessment.moved_away")
    return {atena: f"賦課期日後に転出（{left_on[atena]}）: 住登外者宛名番号 {p.number}、送付先 "
                   f"{'（支援措置等のため記載しません）' if atena in withheld else p.address} "
                   "(地方税法第318条: 1月1日の住所地で課税)" for atena, p in found.items()}


def final_returns(fiscal_year: int, indexes: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    """個人番号索引 → (reference, data) of the latest 確定申告書 (国税連携) of the income year: the last filed, then
    the last received."""
    from jichitai.tax.models import FinalReturn

    out: dict[str, tuple[str, dict[str, Any]]] = {}
    returns = with_keys(FinalReturn.objects.filter(income_year=fiscal_year - 1), "recipient_index", indexes)
    for pk, index, data in returns.order_by("filed_on", "id").values_list("pk", "recipient_index", "data"):
        out[index] = (f"final_return:{pk}", data)
    return out


def donation_notices(fiscal_year: int, indexes: list[str]) -> dict[str, dict[str, tuple[str, int]]]:
    """個人番号索引 → donee code → (donee, amount) of the latest 申告特例通知書 of each donee for the income year."""
    from jichitai.tax.models import DonationNotice

    out: dict[str, dict[str, tuple[str, int]]] = {}
    notices = with_keys(DonationNotice.objects.filter(income_year=fiscal_year - 1), "recipient_index", indexes)
    for index, code, name, amount in (notices.order_by("id")
                                      .values_list("recipient_index", "donee_code", "donee_name", "amount")):
        out.setdefault(index, {})[code] = (name, amount)
    return out


def _apply_donation_notices(person: Person, notices: dict[str, tuple[str, int]]) -> None:
    """申告特例 (ワンストップ特例, 地方税法附則第7条): the ふるさと納税 of the notices, with the 申告特例控除
    (附則第7条の2・第7条の3), for a person who declared nothing and gave to at most five municipalities."""
    total = sum(amount for _, amount in notices.values())
    names = "、".join(name for name, _ in notices.values())
    if len(notices) > MAX_DONEES:
        person.notes.append(f"申告特例通知書 {len(notices)} 団体分 ({total:,}円): 寄附先が5団体を超えるため申告特例の"
                            "対象外です (申告が必要、地方税法附則第7条)")
        return
    person.case["donations"] = {"furusato": total, "onestop": True}
    person.notes.append(f"申告特例通知書 ({names}) 計 {total:,}円: 寄附金税額控除と申告特例控除を適用 "
                        "(地方税法第314条の7, 附則第7条の2・第7条の3)")


def declared_cases(fiscal_year: int, atena_numbers: list[str] | None = None) -> dict[str, tuple[str, dict[str, Any]]]:
    """The latest accepted declaration's case per 宛名番号 (declarations.AssessmentFeed), when that app is present;
    only of ``atena_numbers`` when given."""
    try:
        from jichitai.declarations.models import AssessmentFeed
    except ImportError:
        return {}
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    feeds = AssessmentFeed.objects.filter(declaration__fiscal_year=fiscal_year)
    if atena_numbers is not None:
        feeds = with_keys(feeds, "declaration__atena_number", atena_numbers)
    feeds = (feeds
             .select_related("declaration").order_by("declaration__atena_number", "created_at", "version"))
    for feed in feeds.iterator(chunk_size=2000):
        d = feed.declaration
        out[d.atena_number] = (f"declaration:{d.receipt_number}:v{feed.version}", feed.case)
    return out
