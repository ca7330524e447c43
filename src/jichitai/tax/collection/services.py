"""The collection schedules of a 年度 from the current assessment versions, and each employer's notice data.

``build`` reads the current assessments in 宛名番号 order, ``chunk`` at a time, and for each person whose version
has no schedule yet stores one: 当初 (all 期 and months) when nothing was stored before, else the previous
schedule re-spread for the new amount (更正, :func:`.domain.revision.respread`). The employer of the 給与特徴 is
the payer of the person's 給与支払報告書 in force (the one with 年末調整, else the largest); a
給与所得者異動届出書 from that payer moves the rest as the form says.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import orjson
from django.db import transaction
from django.utils import timezone as dj_timezone

from jichitai.common.wareki import legal_age_on, to_wareki
from jichitai.dbcopy import with_ids, with_keys
from jichitai.tax import parameters as P
from jichitai.tax.assessment.returns import OTHER_INCOME_ORDINARY_NOTE
from jichitai.tax.collection.domain.calendar import (
    CollectionCalendar,
    add_months,
    collection_calendar,
    month_end,
    next_open_day,
)
from jichitai.tax.collection.domain.instalment import CollectionError, Instalment
from jichitai.tax.collection.domain.ordinary import ordinary_schedule
from jichitai.tax.collection.domain.pension import pension_continuing, pension_first_year, pension_withholding_subject
from jichitai.tax.collection.domain.receipts import settle
from jichitai.tax.collection.domain.revision import refund_note, respread
from jichitai.tax.collection.domain.salary import earner_change, ordinary_rest, salary_schedule
from jichitai.tax.collection.domain.split import MethodSplit, split_by_method
from jichitai.tax.collection.models import CollectionInstalment, CollectionSchedule
from jichitai.tax.collection.receipts import paid_of
from jichitai.tax.reports import CHANGE_REASONS
from jichitai.tax.services import configured_city_code

CHUNK = 5_000


@dataclass
class BuildReport:
    fiscal_year: int
    run_id: str
    considered: int = 0
    created: int = 0
    revised: int = 0
    unchanged: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (宛名番号, message)


@dataclass(frozen=True)
class Employer:
    number: str
    name: str


@dataclass(frozen=True)
class PensionPayer:
    """A 年金保険者's notice for a person (tax.PensionWithholdingTarget) and the person's 年金特徴 last year."""

    number: str
    name: str
    old_age_pension: int
    nursing_premium_withheld: bool
    previous_pension_tax: int | None = None  # last 年度's pension tax when it was withheld then (仮徴収 follows it)


def occasional_due(notice_on: dt.date) -> dt.date:
    """随時 期's 納期限: the end of the month after the notice, past closed days ([U] 神戸市市税条例's 随時 納期
    not read; the 納税通知書 must reach the taxpayer 10 days before, 地方税法第319条の2第3項 [U])."""
    nxt = add_months(notice_on, 1)
    return next_open_day(month_end(nxt.year, nxt.month))


def _salary_plan(amount: int, fiscal_year: int, employer: Employer, calendar: CollectionCalendar,
                 notice_on: dt.date, first_time: bool, change: dict[str, Any] | None,
                 notes: list[str]) -> tuple[list[Instalment], list[Instalment]]:
    """(給与特徴 instalments, 普通徴収 instalments they left) for a fresh schedule."""
    if amount == 0:
        return [], []
    first = None
    if not first_time and notice_on >= dt.date(fiscal_year, 6, 1):
        first = add_months(notice_on, 1)  # a 随時 start: from the month after the notice
        if first > dt.date(fiscal_year + 1, 5, 1):
            notes.append("特別徴収できる月が残っていないため普通徴収")
            return [], ordinary_rest(amount, calendar, notice_on, occasional_due(notice_on))
    schedule = salary_schedule(amount, fiscal_year, payer=employer.number, payer_name=employer.name, first=first)
    if change is None:
        return schedule, []
    changed_on = dt.date.fromisoformat(str(change["changed_on"]))
    rest = change.get("rest_collection") or "ordinary"  # 普通徴収 unless the form says otherwise (第321条の7第2項)
    if changed_on < dt.date(fiscal_year, 6, 1):
        last = dt.date(fiscal_year, 5, 1)  # left before the first withholding of the year
        if rest == "lump_sum":
            rest = "ordinary"
            notes.append("6月前の異動: 当年度分は一括徴収できないため普通徴収")
    else:
        last = _last_withheld(schedule, int(change.get("collected") or 0), changed_on, notes)
    effect = earner_change(schedule, last_withheld=last, changed_on=changed_on, rest=rest,
                           new_payer=str(change.get("new_payer_number") or ""),
                           new_payer_name=str(change.get("new_payer_name") or ""), calendar=calendar,
                           notice_on=notice_on, occasional_due=occasional_due(notice_on))
    reason = {v: k for k, v in CHANGE_REASONS.items()}.get(str(change.get("reason", "")), "異動")
    notes.append(f"給与所得者異動届出書（{to_wareki(changed_on)} {reason}）: "
                 f"未徴収 {effect.rest:,}円 を{ {'new_employer': '新しい勤務先で特別徴収', 'lump_sum': '一括徴収', 'ordinary': '普通徴収'}[rest] }")
    salary = list(effect.kept) + list(effect.moved) + ([effect.lump_sum] if effect.lump_sum else [])
    return salary, list(effect.ordinary)


def _last_withheld(schedule: list[Instalment], collected: int, changed_on: dt.date, notes: list[str]) -> dt.date:
    """The last month the old employer withheld: where the schedule's running sum reaches the form's 徴収済額."""
    running = 0
    if collected == 0:
        return add_months(schedule[0].month, -1)
    for i in schedule:
        running += i.amount
        if running == collected:
            return i.month
    notes.append(f"徴収済額 {collected:,}円 が月割額の累計と一致しないため異動月までを徴収済みとしました")
    return changed_on.replace(day=1)


def plan(a: dict[str, Any], *, calendar: CollectionCalendar, notice_on: dt.date, employer: Employer | None,
         change: dict[str, Any] | None, previous: list[Instalment] | None,
         pension: PensionPayer | None = None,
         paid: Mapping[str, int] | None = None) -> tuple[list[Instalment], int, list[str]]:
    """One person's instalments, 還付 due and notes for assessment ``a`` (a dict of its stored figures); ``paid``
    what was paid per 普通徴収 期 (None: nothing recorded)."""
    notes: list[str] = []
    fy = calendar.fiscal_year
    birth = dt.date.fromisoformat(str(a["case"].get("taxpayer", {}).get("birth_date")))
    aged = legal_age_on(birth, dt.date(fy, 4, 1)) >= 65
    other_ordinary = OTHER_INCOME_ORDINARY_NOTE in (a.get("notes") or [])

    def split_for(withheld: bool) -> MethodSplit:
        return split_by_method(total=a["total"], income_levy=a["city_income_levy"] + a["pref_income_levy"],
                               salary_income=int(a.get("salary_income") or 0),
                               pension_income=int(a.get("pension_income") or 0),
                               total_income=a["total_income"], aged_65=aged, has_employer=employer is not None,
                               pension_withholding=withheld, other_ordinary=other_ordinary)

    split = split_for(False)
    a["pension_tax"] = split.pension_part
    withheld = _pension_withheld(split.pension_part, birth, fy, pension, notes)
    if withheld:
        split = split_for(True)
    if other_ordinary and employer is not None:
        notes.append("給与・公的年金等以外の所得に係る税額は申告により普通徴収 (地方税法第321条の3第2項ただし書)")
    if previous is not None:
        old_pension = [i for i in previous if i.method == "pension"]
        if old_pension:  # 更正: what was notified to the 年金保険者 stays; the difference is 普通徴収 ([U] 施行令第48条の9の15)
            moved = split.pension - sum(i.amount for i in old_pension)
            if moved:
                notes.append(f"年金からの特別徴収税額の変更分 {moved:,}円 は普通徴収 (年金保険者へ通知済みの額は変更しません)")
            items, refund, more = _revised(previous, split.salary, split.ordinary + moved, calendar, notice_on,
                                           employer, notes, paid)
            return old_pension + items, refund, more
        return _revised(previous, split.salary, split.ordinary + split.pension, calendar, notice_on, employer, notes,
                        paid)
    first_time = notice_on <= calendar.terms[0].due
    salary, moved_to_ordinary = ([], []) if employer is None else _salary_plan(
        split.salary, fy, employer, calendar, notice_on, first_time, change, notes)
    from_pension: list[Instalment] = []
    refund = 0
    ordinary_amount = split.ordinary
    if withheld and pension is not None:
        if pension.previous_pension_tax is None:  # the first year (第321条の7の2第2項)
            sched = pension_first_year(split.pension, calendar, payer=pension.number)
            moved_to_ordinary = _merge_ordinary(moved_to_ordinary, list(sched.ordinary))
        else:
            sched = pension_continuing(split.pension, pension.previous_pension_tax, fy, payer=pension.number)
            refund = sched.refund
        from_pension = [i.named(pension.name) for i in (*sched.provisional, *sched.main)]
        if refund:
            notes.append(f"仮特別徴収税額が年金所得に係る税額を {refund:,}円 超えています: 還付 (地方税法第321条の7の8)")
    if first_time:
        ordinary = ordinary_schedule(ordinary_amount, calendar) if ordinary_amount else []
    else:
        ordinary = ordinary_rest(ordinary_amount, calendar, notice_on, occasional_due(notice_on))
    return salary + from_pension + _merge_ordinary(ordinary, moved_to_ordinary), refund, notes


def _pension_withheld(pension_tax: int, birth: dt.date, fiscal_year: int, pension: PensionPayer | None,
                      notes: list[str]) -> bool:
    """Whether the tax on the pension income is withheld from the pension this 年度 (地方税法第321条の7の2); the
    reason in words when a 65歳以上 person's pension tax is 普通徴収 instead."""
    if pension_tax <= 0:
        return False
    if pension is None:
        notes.append(f"公的年金等に係る税額 {pension_tax:,}円 は普通徴収 (年金保険者から年金特別徴収の対象者として"
                     "通知されていません)")
        return False
    eligible = pension_withholding_subject(birth_date=birth, fiscal_year=fiscal_year,
                                           old_age_pension=pension.old_age_pension,
                                           nursing_premium_withheld=pension.nursing_premium_withheld,
                                           pension_tax=pension_tax)
    if not eligible.subject:
        notes.append(f"公的年金等に係る税額 {pension_tax:,}円 は普通徴収 (年金からの特別徴収の対象外: "
                     f"{'、'.join(eligible.reasons)}; 地方税法第321条の7の2)")
        return False
    notes.append(f"公的年金等に係る税額 {pension_tax:,}円 は {pension.name} の年金から特別徴収 "
                 f"({'初年度: 半額を第1期・第2期に普通徴収' if pension.previous_pension_tax is None else '仮徴収・本徴収'}; "
                 "地方税法第321条の7の2)")
    return True


def _merge_ordinary(a: list[Instalment], b: list[Instalment]) -> list[Instalment]:
    """Two 普通徴収 lists as one, amounts of the same 期 added."""
    by_label: dict[str, Instalment] = {}
    for i in a + b:
        by_label[i.label] = by_label[i.label].with_amount(by_label[i.label].amount + i.amount) \
            if i.label in by_label else i
    return sorted(by_label.values(), key=lambda i: i.due)


def _revised(previous: list[Instalment], salary_amount: int, ordinary_amount: int, calendar: CollectionCalendar,
             notice_on: dt.date, employer: Employer | None, notes: list[str],
             paid: Mapping[str, int] | None = None) -> tuple[list[Instalment], int, list[str]]:
    """更正: each method's previous instalments re-spread for its new amount (nothing already due changes); ``paid``
    (期 → 納付額, None when nothing is recorded) turns the 還付 in the notes into the 過誤納金 actually paid."""
    out: list[Instalment] = []
    refund = 0
    old_salary = [i for i in previous if i.method == "salary"]
    old_ordinary = [i for i in previous if i.method == "ordinary"]
    extra_ordinary = 0
    if old_salary:
        try:
            r = respread(old_salary, salary_amount, notice_on=notice_on, ordinary_unit=calendar.ordinary_rounding)
            out += r.instalments
            extra_ordinary = -r.refund  # withheld beyond the new salary part counts toward the 普通徴収 part
        except CollectionError:  # no month left to withhold in: the increase is 普通徴収
            kept = [i for i in old_salary if i.month <= notice_on.replace(day=1)]
            out += kept
            extra_ordinary = salary_amount - sum(i.amount for i in kept)
            notes.append(f"特別徴収の残りの月がないため増額分 {extra_ordinary:,}円 は普通徴収")
    elif salary_amount:
        extra_ordinary = salary_amount
        notes.append("更正前に特別徴収がなかったため増額分は普通徴収")
    new_ordinary = ordinary_amount + extra_ordinary
    if new_ordinary < 0:
        refund, new_ordinary = -new_ordinary, 0
    if old_ordinary:
        r2 = respread(old_ordinary, new_ordinary, notice_on=notice_on, ordinary_unit=calendar.ordinary_rounding,
                      occasional_due=occasional_due(notice_on))
        out += r2.instalments
        refund += r2.refund
    elif new_ordinary:
        out += ordinary_rest(new_ordinary, calendar, notice_on, occasional_due(notice_on))
    settlement = None if paid is None else settle([i for i in out if i.method == "ordinary"], refund, paid)
    note = refund_note(refund, settlement)
    if note:
        notes.append(note)
    return out, refund, notes


ASSESSMENT_FIELDS = ("id", "atena_number", "version", "total", "total_income", "city_income_levy",
                     "pref_income_levy", "rule_set_id")
JSON_FIELDS = ("notes", "figures", "result")  # read as text and parsed by orjson (C), not Django's json.loads
INCOME_FIGURES = ("salary_income", "pension_income")  # 給与所得, 公的年金等に係る雑所得 (calc OUTPUT_COLUMNS)


def _with_incomes(batch: list[dict[str, Any]], columns: dict[int, list[str]]) -> None:
    """Each row given its 給与所得 and 公的年金等に係る所得 from its figures (under its rule set's column order)."""
    from jichitai.tax.models import RuleSet

    missing = {a["rule_set_id"] for a in batch if a["rule_set_id"] is not None} - set(columns)
    for pk, content in RuleSet.objects.filter(id__in=missing).values_list("id", "content"):
        columns[pk] = list(content["columns"])
    for a in batch:
        if a["rule_set_id"] is not None and a["figures"] is not None:
            values = dict(zip(columns[a["rule_set_id"]], a["figures"], strict=True))
        else:
            values = a["result"] or {}
        for name in INCOME_FIGURES:
            a[name] = int(values.get(name) or 0)


def _current_assessments(fiscal_year: int, chunk: int) -> Iterator[list[dict[str, Any]]]:
    """The current versions in 宛名番号 order, ``chunk`` at a time, as dicts of what :func:`plan` reads: of the
    case only the taxpayer's 生年月日 (read by the database, not the whole case decoded per person)."""
    from django.db.models import TextField
    from django.db.models.fields.json import KT
    from django.db.models.functions import Cast

    from jichitai.tax.assessment.services import latest

    texts = {f"{name}_text": Cast(name, TextField()) for name in JSON_FIELDS}
    rows = (latest(fiscal_year).order_by("atena_number")
            .values(*ASSESSMENT_FIELDS, birth_date=KT("case__taxpayer__birth_date"), **texts)
            .iterator(chunk_size=chunk))
    batch: list[dict[str, Any]] = []
    for row in rows:
        for name in JSON_FIELDS:
            text = row.pop(f"{name}_text")
            row[name] = None if text is None else orjson.loads(text)
        row["case"] = {"taxpayer": {"birth_date": row.pop("birth_date")}}
        batch.append(row)
        if len(batch) >= chunk:
            yield batch
            batch = []
    if batch:
        yield batch


def _employers_and_changes(fiscal_year: int, atenas: list[str]) -> tuple[dict[str, Employer], dict[str, dict[str, Any]]]:
    """宛名番号 → the 特別徴収義務者 of their 給与支払報告書 in force, and → that payer's latest 異動届 (if any)."""
    from django.db.models.fields.json import KeyTransform

    from jichitai.registry.models import Resident
    from jichitai.tax.models import ReceivedReport, SalaryEarnerChange

    index_of = dict(with_keys(Resident.objects.exclude(my_number_index=""), "atena_number", atenas)
                    .values_list("atena_number", "my_number_index"))
    atena_of = {v: k for k, v in index_of.items()}
    best: dict[str, tuple[tuple[bool, int], Employer]] = {}
    salary = ReceivedReport.in_force().filter(kind="salary_report", income_year=fiscal_year - 1)
    for index, number, name, adjusted, paid in (with_keys(salary, "recipient_index", atena_of).values_list(
            "recipient_index", "payer_number", "payer_name", KeyTransform("year_end_adjusted", "data"),
            KeyTransform("salary_paid", "data"))):  # two items of the report, not its whole data decoded
        key = (bool(adjusted), int(paid or 0))
        if index not in best or key > best[index][0]:
            best[index] = (key, Employer(number, name))
    employers = {atena_of[i]: e for i, (_, e) in best.items()}
    changes: dict[str, dict[str, Any]] = {}
    in_year = SalaryEarnerChange.objects.filter(changed_on__gte=dt.date(fiscal_year, 1, 1),
                                                changed_on__lte=dt.date(fiscal_year + 1, 5, 31))
    for index, number, changed_on, data in (with_keys(in_year, "recipient_index", best).order_by("changed_on", "id")
            .values_list("recipient_index", "payer_number", "changed_on", "data")):
        if best[index][1].number == number:
            changes[atena_of[index]] = {**data, "changed_on": changed_on.isoformat()}
    return employers, changes


def _pension_payers(fiscal_year: int, atenas: list[str]) -> dict[str, PensionPayer]:
    """宛名番号 → the 年金保険者's notice of the 年度 (the largest 老齢等年金給付 when several payers sent one), with
    last 年度's pension tax when it was withheld from the pension then (仮特別徴収 is half of it)."""
    from jichitai.registry.models import Resident
    from jichitai.tax.models import PensionWithholdingTarget

    index_of = dict(with_keys(Resident.objects.exclude(my_number_index=""), "atena_number", atenas)
                    .values_list("atena_number", "my_number_index"))
    atena_of = {v: k for k, v in index_of.items()}
    found: dict[str, PensionPayer] = {}
    targets = PensionWithholdingTarget.objects.filter(fiscal_year=fiscal_year)
    for index, number, name, amount, nursing in (with_keys(targets, "recipient_index", atena_of).order_by("id")
            .values_list("recipient_index", "payer_number", "payer_name", "old_age_pension",
                         "nursing_premium_withheld")):
        atena = atena_of[index]
        if atena not in found or amount > found[atena].old_age_pension:
            found[atena] = PensionPayer(number, name, int(amount), bool(nursing))
    last_year = CollectionSchedule.objects.filter(fiscal_year=fiscal_year - 1, current=True, pension_total__gt=0)
    for atena, tax in with_keys(last_year, "atena_number", found).values_list("atena_number", "pension_tax"):
        found[atena] = replace(found[atena], previous_pension_tax=int(tax))
    return found


def _current_versions(fiscal_year: int, atenas: list[str]) -> dict[str, tuple[int, int]]:
    """宛名番号 → (schedule id, assessment version) of the current schedule."""
    current = CollectionSchedule.objects.filter(fiscal_year=fiscal_year, current=True)
    return {atena: (sid, version) for atena, sid, version in with_keys(current, "atena_number", atenas)
        .values_list("atena_number", "id", "assessment_version")}


def _instalments(schedule_ids: list[int]) -> dict[int, list[Instalment]]:
    items: dict[int, list[Instalment]] = defaultdict(list)
    for sid, method, label, month, due, amount, payer, name in (
            with_ids(CollectionInstalment.objects.all(), "schedule_id", schedule_ids).order_by("schedule_id", "position")
            .values_list("schedule_id", "method", "label", "month", "due", "amount", "payer_number", "payer_name")):
        items[sid].append(Instalment(method, label, month, due, amount, payer, name))
    return items


def build(fiscal_year: int, *, notice_on: dt.date, chunk: int = CHUNK,
          progress: Callable[[int], None] | None = None) -> BuildReport:
    """Store the schedule of every current assessment version of ``fiscal_year`` that has none (idempotent:
    a re-run adds nothing; a 更正 adds a re-spread schedule). ``progress`` is told how many were read."""
    from jichitai.dbcopy import copy_rows, copy_rows_with_ids

    calendar = collection_calendar(P.municipality(configured_city_code(), fiscal_year).code, fiscal_year)
    report = BuildReport(fiscal_year, uuid.uuid4().hex[:16])
    columns: dict[int, list[str]] = {}
    for batch in _current_assessments(fiscal_year, chunk):
        previous = _current_versions(fiscal_year, [a["atena_number"] for a in batch])
        todo = [a for a in batch if a["atena_number"] not in previous
                or previous[a["atena_number"]][1] != a["version"]]
        report.unchanged += len(batch) - len(todo)
        _with_incomes(todo, columns)
        earlier = _instalments([previous[a["atena_number"]][0] for a in todo if a["atena_number"] in previous])
        employers, changes = _employers_and_changes(fiscal_year, [a["atena_number"] for a in todo])
        pensions = _pension_payers(fiscal_year, [a["atena_number"] for a in todo])
        payments = paid_of(fiscal_year, [a["atena_number"] for a in todo if a["atena_number"] in previous])
        now = dj_timezone.now()
        new: list[tuple[dict[str, Any], list[Instalment]]] = []
        superseded: list[int] = []
        for a in todo:
            before = previous.get(a["atena_number"])
            try:
                items, refund, notes = plan(a, calendar=calendar, notice_on=notice_on,
                                            employer=employers.get(a["atena_number"]),
                                            change=changes.get(a["atena_number"]),
                                            previous=None if before is None else earlier[before[0]],
                                            pension=pensions.get(a["atena_number"]),
                                            paid=payments.get(a["atena_number"]))
            except CollectionError as exc:
                report.refused.append((a["atena_number"], exc.message))
                continue
            totals = {m: sum(i.amount for i in items if i.method == m) for m in ("salary", "pension", "ordinary")}
            new.append(({
                "fiscal_year": fiscal_year, "atena_number": a["atena_number"], "assessment_id": a["id"],
                "assessment_version": a["version"], "annual": a["total"], "salary_total": totals["salary"],
                "pension_total": totals["pension"], "ordinary_total": totals["ordinary"], "refund": refund,
                "notes": notes, "pension_tax": a.get("pension_tax") or 0, "current": True, "notice_on": notice_on,
                "run_id": report.run_id, "created_at": now}, items))
            if before is None:
                report.created += 1
            else:
                report.revised += 1
                superseded.append(before[0])
        with transaction.atomic():
            with_ids(CollectionSchedule.objects.all(), "id", superseded).update(current=False)
            stored = copy_rows_with_ids(CollectionSchedule, [row for row, _ in new], batch_size=2000)
            copy_rows(CollectionInstalment, [
                {"schedule_id": sid, "fiscal_year": fiscal_year, "method": i.method, "label": i.label,
                 "month": i.month, "due": i.due, "amount": i.amount, "payer_number": i.payer,
                 "payer_name": i.payer_name, "position": n}
                for sid, (_, items) in zip(stored, new, strict=True) for n, i in enumerate(items)], batch_size=5000)
        report.considered += len(batch)
        if progress is not None:
            progress(len(batch))
    return report


def count_current(fiscal_year: int) -> int:
    from jichitai.tax.assessment.services import latest

    return int(latest(fiscal_year).count())
