"""The collection notices as PDF (Typst, the one engine: registry.certificates.render.typst_pdf).

納税通知書 (普通徴収, 地方税法第319条の2) with the 期別 schedule, 全期前納 and the 送付先 in words (〒, 都道府県・
市・区・町字・番地・方書 from the registry, never a code); 特別徴収税額決定通知書 (特別徴収義務者用, 第321条の4第1項)
with each employee's 12 monthly amounts. The 発行者 is the certifier in force (certifiers.yaml).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jichitai.common.errors import NotFound
from jichitai.common.money import format_yen
from jichitai.common.wareki import fiscal_year_label, to_wareki
from jichitai.tax import addressee
from jichitai.tax.collection import employer_files, payment_slip
from jichitai.tax.collection.domain.instalment import Instalment
from jichitai.tax.collection.domain.ordinary import full_prepayment
from jichitai.tax.collection.domain.receipts import settle
from jichitai.tax.collection.domain.revision import refund_lines
from jichitai.tax.collection.models import CollectionSchedule

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "tax" / "collection"


def _issuer(on: dt.date) -> str:
    from jichitai.registry.certificates import certifiers

    c = certifiers.certifier_on(on)
    return f"{c.title}　{c.name}"


def mailing_address(atena_number: str, *, actor: Any = "system:tax-notices", guard: Any = None) -> dict[str, str]:
    """送付先 (tax.addressee): the registry's address of a resident, the 住登外者's of one who moved out."""
    return addressee.mailing_address(atena_number, actor=actor, guard=guard)


def previous_annual(schedule: CollectionSchedule) -> int | None:
    """The year's tax of the schedule this one replaced (税額変更), or None for the 当初 notice."""
    before = (CollectionSchedule.objects.filter(fiscal_year=schedule.fiscal_year, atena_number=schedule.atena_number,
                                                assessment_version__lt=schedule.assessment_version)
              .order_by("-assessment_version").values_list("annual", flat=True).first())
    return None if before is None else int(before)


def _changed(title: str, amounts: list[tuple[str, int]], before: int | None) -> str:
    """The 税額変更 form of a notice (地方税法第321条の6 / 第319条の2): its title says so and the former amount is
    shown first."""
    if before is None:
        return title
    amounts.insert(0, ("変更前の年税額", before))
    return title.replace("決定通知書", "変更通知書").replace("納税通知書", "税額変更通知書兼納税通知書")


def ordinary_notice_data(schedule: CollectionSchedule, on: dt.date, guard: Any = None, *,
                         read: Prefetched | None = None) -> dict[str, Any]:
    """The 納税通知書's content; ``read`` what :func:`prefetch` read for a whole batch (else read here)."""
    a = schedule.assessment
    if read is None:
        items = [Instalment(i.method, i.label, i.month, i.due, i.amount)
                 for i in schedule.instalments.filter(method="ordinary").order_by("position")]
        before = previous_annual(schedule)
        recipient = mailing_address(schedule.atena_number, guard=guard)
        paid = payments_of([schedule]).get(schedule.atena_number)
    else:
        items = read.ordinary.get(schedule.pk, [])
        before = read.previous.get(schedule.atena_number)
        recipient = read.recipients[schedule.atena_number]
        paid = read.paid.get(schedule.atena_number)
    prepay = full_prepayment(items, on=on) if items else None
    amounts = [("市民税", a.city_income_levy + a.city_per_capita), ("県民税", a.pref_income_levy + a.pref_per_capita),
               ("森林環境税", a.forest_env_tax), ("年税額", a.total)]
    if schedule.salary_total:
        amounts.append(("うち給与からの特別徴収", schedule.salary_total))
    amounts.append(("うち普通徴収（この通知書で納める額）", schedule.ordinary_total))
    amounts += refund_lines(schedule.refund, None if paid is None else settle(items, schedule.refund, paid))
    done = [i.label for i in items if paid and i.amount > 0 and paid.get(i.label, 0) >= i.amount]
    title = _changed(f"{fiscal_year_label(schedule.fiscal_year)} 市民税・県民税・森林環境税 納税通知書", amounts, before)
    return {
        "title": title,
        "issued": to_wareki(on), "issuer": _issuer(on), "recipient": recipient,
        "atena_number": schedule.atena_number,
        "amounts": [(label, format_yen(v)) for label, v in amounts],
        "instalments": [(i.label, to_wareki(i.due), format_yen(i.amount)) for i in items],
        "prepay": None if prepay is None else (prepay.label, to_wareki(prepay.due), format_yen(prepay.amount)),
        "notes": list(schedule.notes) + ([f"納付済みの期: {'、'.join(done)}（納付書はありません）"] if done else []),
        "basis": "地方税法第319条の2・第320条。納期限が土曜日・日曜日・祝日等のときはその翌日（地方税法第20条の5第2項）。",
        "slips": payment_slip.for_notice(schedule, items, prepay, recipient["name"], paid),
    }


def current_schedule(fiscal_year: int, atena_number: str) -> CollectionSchedule:
    s = (CollectionSchedule.objects.select_related("assessment")
         .filter(fiscal_year=fiscal_year, atena_number=atena_number, current=True).first())
    if s is None:
        raise NotFound(f"宛名番号 {atena_number} の{fiscal_year_label(fiscal_year)}の徴収計画がありません。",
                       atena_number=atena_number)
    return s


def ordinary_notice_pdf(fiscal_year: int, atena_number: str, *, on: dt.date) -> bytes:
    from jichitai.registry.certificates.render import typst_pdf

    return typst_pdf(TEMPLATES / "ordinary_notice.typ", ordinary_notice_data(current_schedule(fiscal_year, atena_number), on))


def employer_notice_data(notice: employer_files.EmployerNotice, on: dt.date) -> dict[str, Any]:
    fy = notice.fiscal_year
    return {
        "title": f"{fiscal_year_label(fy)} 市民税・県民税・森林環境税 特別徴収税額の決定通知書（特別徴収義務者用）",
        "issued": to_wareki(on), "issuer": _issuer(on), "payer_name": notice.payer_name,
        "payer_number": notice.payer_number,
        "months": [f"{m}月" for m in employer_files.MONTHS],
        "rows": [[e.name or e.atena_number, e.atena_number, f"{e.annual:,}", *(f"{v:,}" for v in e.months)]
                 for e in notice.employees],
        "totals": [f"{notice.total:,}", *(f"{v:,}" for v in notice.month_totals())],
        "count": str(len(notice.employees)),
        "basis": "地方税法第321条の4第1項・第321条の5第1項（月割額の百円未満の端数は6月分）。金額の単位は円。",
    }


def employer_notice_pdf(fiscal_year: int, payer_number: str, *, on: dt.date) -> bytes:
    from jichitai.registry.certificates.render import typst_pdf

    notice = next(employer_files.notices(fiscal_year, payer_number), None)
    if notice is None:
        raise NotFound(f"法人番号 {payer_number} の{fiscal_year_label(fiscal_year)}の特別徴収はありません。",
                       payer_number=payer_number)
    return typst_pdf(TEMPLATES / "employer_notice.typ", employer_notice_data(notice, on))


def employee_notice_data(schedule: CollectionSchedule, notice: employer_files.EmployerNotice,
                         row: employer_files.EmployeeRow, on: dt.date, *,
                         previous: dict[str, int] | None = None) -> dict[str, Any]:
    """The 納税義務者用 notice's content; ``previous`` the 変更前 annual amounts of the batch (else read here)."""
    a = schedule.assessment
    amounts = [("市民税", a.city_income_levy + a.city_per_capita), ("県民税", a.pref_income_levy + a.pref_per_capita),
               ("森林環境税", a.forest_env_tax), ("年税額", a.total), ("うちこの勤務先での特別徴収税額", row.annual)]
    if schedule.ordinary_total:
        amounts.append(("うち普通徴収（納税通知書で納める額）", schedule.ordinary_total))
    title = _changed(f"{fiscal_year_label(notice.fiscal_year)} 市民税・県民税・森林環境税 特別徴収税額の決定通知書（納税義務者用）",
                     amounts, previous_annual(schedule) if previous is None else previous.get(schedule.atena_number))
    return {
        "title": title,
        "issued": to_wareki(on), "issuer": _issuer(on), "name": row.name or row.atena_number,
        "atena_number": row.atena_number, "payer_name": notice.payer_name, "payer_number": notice.payer_number,
        "amounts": [(label, format_yen(v)) for label, v in amounts],
        "months": [(f"{m}月分", format_yen(v)) for m, v in zip(employer_files.MONTHS, row.months, strict=True)],
        "notes": list(schedule.notes) + row.remarks,
        "basis": "地方税法第321条の4第2項・第321条の5第1項（月割額の百円未満の端数は最初の月分）。",
    }


def employee_notice_pdfs(fiscal_year: int, payer_number: str, *, on: dt.date) -> Iterator[tuple[str, bytes]]:
    """(宛名番号, PDF) of each employee of ``payer_number``: the 納税義務者用 notice the employer hands over."""
    from jichitai.registry.certificates.render import typst_pdf

    for notice in employer_files.notices(fiscal_year, payer_number):
        for row, data in employee_notices_data(notice, on):
            yield row.atena_number, typst_pdf(TEMPLATES / "employee_notice.typ", data)


def employee_notices_data(notice: employer_files.EmployerNotice,
                          on: dt.date) -> list[tuple[employer_files.EmployeeRow, dict[str, Any]]]:
    """Each employee's 納税義務者用 notice content, their schedules and 変更前 amounts read together."""
    from jichitai.dbcopy import with_keys

    current = CollectionSchedule.objects.filter(fiscal_year=notice.fiscal_year, current=True)
    schedules = {s.atena_number: s for s in with_keys(current, "atena_number", [e.atena_number for e in notice.employees])
                 .select_related("assessment").defer(*HEAVY)}
    previous = previous_annuals(list(schedules.values()))
    return [(row, employee_notice_data(schedules[row.atena_number], notice, row, on, previous=previous))
            for row in notice.employees]


HEAVY = ("assessment__case", "assessment__figures", "assessment__result", "assessment__notes")  # not printed


@dataclass
class Prefetched:
    """What a batch of 納税通知書 needs besides its schedules, read in a few queries for the whole batch."""

    ordinary: dict[int, list[Instalment]]  # schedule id → its 普通徴収 期
    previous: dict[str, int]  # 宛名番号 → 変更前の年税額 (税額変更 only)
    recipients: dict[str, dict[str, str]]  # 宛名番号 → 送付先
    paid: dict[str, dict[str, int]] = field(default_factory=dict)  # 宛名番号 → 期 → 納付額 (people with payments)


def payments_of(schedules: list[CollectionSchedule]) -> dict[str, dict[str, int]]:
    """宛名番号 → 期 → what was paid, for the people of ``schedules`` with a payment of the year (one query)."""
    from jichitai.tax.collection.receipts import paid_of

    return paid_of(schedules[0].fiscal_year, [s.atena_number for s in schedules]) if schedules else {}


def previous_annuals(schedules: list[CollectionSchedule]) -> dict[str, int]:
    """宛名番号 → :func:`previous_annual` of each schedule of a later version (one query for all of them)."""
    from jichitai.dbcopy import with_keys

    revised = {s.atena_number: s for s in schedules if s.assessment_version > 1}
    if not revised:
        return {}
    fiscal_year = next(iter(revised.values())).fiscal_year
    found: dict[str, tuple[int, int]] = {}
    for atena, version, annual in (with_keys(CollectionSchedule.objects.filter(fiscal_year=fiscal_year), "atena_number",
                                             revised).values_list("atena_number", "assessment_version", "annual")):
        if version < revised[atena].assessment_version and (atena not in found or version > found[atena][0]):
            found[atena] = (version, int(annual))
    return {atena: annual for atena, (_, annual) in found.items()}


def prefetch(schedules: list[CollectionSchedule], guard: Any = None) -> Prefetched:
    from jichitai.dbcopy import with_ids
    from jichitai.tax.collection.models import CollectionInstalment

    ordinary: dict[int, list[Instalment]] = {}
    rows = (with_ids(CollectionInstalment.objects.filter(method="ordinary"), "schedule_id", [s.pk for s in schedules])
            .order_by("schedule_id", "position").values_list("schedule_id", "method", "label", "month", "due", "amount"))
    for sid, method, label, month, due, amount in rows:
        ordinary.setdefault(sid, []).append(Instalment(method, label, month, due, amount))
    return Prefetched(ordinary, previous_annuals(schedules),
                      addressee.mailing_addresses([s.atena_number for s in schedules], guard=guard),
                      payments_of(schedules))


def count_ordinary(fiscal_year: int) -> int:
    return int(CollectionSchedule.objects.filter(fiscal_year=fiscal_year, current=True, ordinary_total__gt=0).count())


def employer_change_notice_pdf(fiscal_year: int, payer_number: str, *, notice_on: dt.date) -> bytes:
    """特別徴収税額の変更通知書 (特別徴収義務者用, 地方税法第321条の6第1項): only the employees whose withholding
    changed by the schedules of ``notice_on`` (a 更正 re-spread), with their new months."""
    from jichitai.registry.certificates.render import typst_pdf

    notice = next(employer_files.notices(fiscal_year, payer_number), None)
    changed = set(CollectionSchedule.objects.filter(
        fiscal_year=fiscal_year, current=True, notice_on=notice_on, assessment_version__gt=1,
        atena_number__in=[e.atena_number for e in notice.employees] if notice else [])
        .values_list("atena_number", flat=True))
    if notice is None or not changed:
        raise NotFound(f"法人番号 {payer_number} の{to_wareki(notice_on)}の特別徴収税額の変更はありません。",
                       payer_number=payer_number)
    notice.employees = [e for e in notice.employees if e.atena_number in changed]
    data = employer_notice_data(notice, notice_on)
    data["title"] = data["title"].replace("決定通知書", "変更通知書")
    return typst_pdf(TEMPLATES / "employer_notice.typ", data)
