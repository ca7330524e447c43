"""The marts: one Ibis expression each over the lounge zone, run unchanged on DuckDB and on PySpark.

Every mart returns *leaf counts and sums* (never a rate, a mean or a margin): the query layer adds margins and
applies disclosure control, then derives rates and means from protected counts. Stocks (population,
households, recipients) are measured on reference dates, the first day of a month; flows (births, moves,
assessments) by calendar or fiscal year. No mart relies on row order; every result is sorted by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from jichitai.lounge.ages import TOP_BAND, age_at, age_band, eve

UNASSIGNED = "（未設定）"


@dataclass(frozen=True)
class Periods:
    """Reference dates for stocks and years for flows, derived from the data's own span."""

    dates: tuple[dt.date, ...]
    years: tuple[int, ...]
    through: dt.date | None = None  # the data's last day: a year's flows after it are not counted yet

    @classmethod
    def span(cls, first: dt.date, last: dt.date) -> Periods:
        dates = [dt.date(y, 1, 1) for y in range(first.year + 1, last.year + 1)]
        latest = dt.date(last.year, last.month, 1)
        if latest not in dates and latest > first:
            dates.append(latest)
        years = tuple(range(first.year, last.year + 1))
        return cls(tuple(dates), years, last)

    def partial(self, year: int) -> dt.date | None:
        """The data's last day when it falls inside calendar ``year`` before its end (the year's flows so far),
        else None."""
        if self.through is not None and self.through.year == year and self.through < dt.date(year, 12, 31):
            return self.through
        return None


Tables = dict[str, ir.Table]


def _live(t: ir.Table, on: dt.date, start: str = "valid_from", end: str = "valid_to") -> ir.Table:
    return t.filter((t[start] <= on) & (t[end].isnull() | (t[end] > on)))


def _stack(parts: list[ir.Table]) -> ir.Table:
    return parts[0] if len(parts) == 1 else ibis.union(*parts)


def resident_cells(t: Tables, p: Periods) -> ir.Table:
    """Stage: residents on each reference date by ward, 町字, 小学校区, sex and single year of age (100 = 100
    and over). The four population marts below are sums of it: the spells are scanned once per date, not
    four times."""
    parts = []
    for d in p.dates:
        s = _live(t["resident_spells"], d)
        parts.append(s.group_by(
            ref_date=ibis.literal(d, type="date"), ward_code=s.ward_code, town_code=s.town_code,
            school_district=s.school_district.fill_null(UNASSIGNED), sex=s.sex,
            age=ibis.least(age_at(s.birth_ym, eve(d)), TOP_BAND).cast("int32"),
        ).aggregate(n=s.count()))
    return _stack(parts)


def population(t: Tables, p: Periods) -> ir.Table:
    """Residents on each reference date by ward, sex and five-year age band."""
    c = t["resident_cells"]
    return c.group_by(ref_date=c.ref_date, ward_code=c.ward_code, sex=c.sex, age_band=age_band(c.age)).aggregate(
        n=c.n.sum().cast("int64"))


def population_town(t: Tables, p: Periods) -> ir.Table:
    """Residents on each reference date by 町字 (within its ward)."""
    c = t["resident_cells"]
    return c.group_by([c.ref_date, c.ward_code, c.town_code]).aggregate(n=c.n.sum().cast("int64"))


def children_by_school_district(t: Tables, p: Periods) -> ir.Table:
    """Children on each reference date by 小学校区 and school stage (0–5 未就学, 6–11 小学生相当, 12–14 中学生相当)."""
    c = t["resident_cells"]
    c = c.filter(c.age < 15)
    stage = ibis.cases((c.age < 6, "0〜5歳"), (c.age < 12, "6〜11歳"), else_="12〜14歳")
    return c.group_by(ref_date=c.ref_date, school_district=c.school_district, stage=stage).aggregate(
        n=c.n.sum().cast("int64"))


def households(t: Tables, p: Periods) -> ir.Table:
    """Households on each reference date by ward and size (5 = five or more), with single elderly households.

    A household is its members living in one ward on the date (a household whose members live in two wards
    counts once in each)."""
    parts = []
    for d in p.dates:
        s = _live(t["resident_spells"], d)
        h = s.group_by([s.household_pid, s.ward_code]).aggregate(
            size=s.count(), oldest=age_at(s.birth_ym, eve(d)).max())
        h = h.mutate(size_class=ibis.least(h.size, 5).cast("int32"),
                     single_elderly=((h.size == 1) & (h.oldest >= 65)).ifelse(1, 0))
        parts.append(h.group_by(ref_date=ibis.literal(d, type="date"), ward_code=h.ward_code,
                                size_class=h.size_class)
                     .aggregate(n=h.count(), single_elderly=h.single_elderly.sum().cast("int64")))
    return _stack(parts)


def vital_events(t: Tables, p: Periods) -> ir.Table:
    """Births and deaths by calendar year and ward (natural change = births − deaths, derived after control)."""
    m = t["movements"]
    m = m.filter(m.kind.isin(["birth", "death"]))
    return m.group_by(year=m.event_date.year().cast("int32"), ward_code=m.ward_code, kind=m.kind).aggregate(
        n=m.count())


def migration(t: Tables, p: Periods) -> ir.Table:
    """Moves into and out of the city by year, direction, origin/destination class and five-year age band
    (age on the day of the move)."""
    m = t["movements"]
    m = m.filter(m.kind.isin(["move_in", "move_out"]))
    return m.group_by(
        year=m.event_date.year().cast("int32"),
        direction=(m.kind == "move_in").ifelse("転入", "転出"),
        move_class=ibis.coalesce(m.origin_class, m.destination_class, UNASSIGNED),
        age_band=age_band(age_at(m.birth_ym, m.event_date)),
    ).aggregate(n=m.count())


def ward_migration(t: Tables, p: Periods) -> ir.Table:
    """Moves by year and ward: from/to outside the city, and between wards (区間) — the ward left is the ward
    of the spell that ended on the day of the change."""
    m = t["movements"]
    outside = m.filter(m.kind.isin(["move_in", "move_out"]))
    outside = outside.select(year=outside.event_date.year().cast("int32"), ward_code=outside.ward_code,
                             flow=(outside.kind == "move_in").ifelse("市外から転入", "市外へ転出"))
    change = m.filter(m.kind == "ward_change")
    into = change.select(year=change.event_date.year().cast("int32"), ward_code=change.ward_code,
                         flow=ibis.literal("他区から転入"))
    s = t["resident_spells"]
    left = change.join(s, [change.pid == s.pid, change.event_date == s.valid_to])
    out_of = left.select(year=left.event_date.year().cast("int32"), ward_code=left.ward_code_right,
                         flow=ibis.literal("他区へ転出"))
    allm = ibis.union(outside, into, out_of)
    return allm.group_by(["year", "ward_code", "flow"]).aggregate(n=allm.count())


def child_allowance(t: Tables, p: Periods) -> ir.Table:
    """児童手当 on each reference month by ward: children paid for, recipients, monthly amount."""
    parts = []
    c = t["child_allowance"]
    for d in p.dates:
        a = _live(c, d, "from_month", "to_month")
        parts.append(a.group_by(ref_date=ibis.literal(d, type="date"), ward_code=a.ward_code).aggregate(
            children=a.child_pid.nunique().cast("int64"), recipients=a.pid.nunique().cast("int64"),
            amount=a.monthly_amount.sum().cast("int64")))
    return _stack(parts)


def ltc_certification(t: Tables, p: Periods) -> ir.Table:
    """介護保険 要介護・要支援認定者 on each reference date by ward and level."""
    parts = []
    for d in p.dates:
        a = _live(t["ltc_certification"], d)
        parts.append(a.group_by(ref_date=ibis.literal(d, type="date"), ward_code=a.ward_code,
                                level=a.level).aggregate(n=a.pid.nunique().cast("int64")))
    return _stack(parts)


def nhi_enrolment(t: Tables, p: Periods) -> ir.Table:
    """国民健康保険 on each reference date by ward: insured persons (被保険者) and the households they belong to
    (国民健康保険法第5条・第6条: everyone with an address here who is not under another scheme)."""
    parts = []
    for d in p.dates:
        a = _live(t["nhi_enrolment"], d)
        parts.append(a.group_by(ref_date=ibis.literal(d, type="date"), ward_code=a.ward_code).aggregate(
            n=a.pid.nunique().cast("int64"), households=a.household_pid.nunique().cast("int64")))
    return _stack(parts)


def tax_by_ward(t: Tables, p: Periods) -> ir.Table:
    """個人住民税 by fiscal year and ward from the latest version of each assessment: taxpayers (課税者),
    taxable income (課税標準額: the 課税総所得金額 and the 課税分離所得金額 of 土地建物等・株式等の譲渡 and 上場株式等の
    配当等, whose 所得割 ``income_levy`` already counts) and 所得割 (市+県) totals."""
    a = t["tax_assessment"]
    # Only a corrected assessment (更正, version > 1) can supersede another: the latest version is looked up
    # among those few rows, and every row of a (pid, year) without one is current as it stands. This keeps
    # the join's build side small (a hash table of every pid and year cost 20 s at 12.6 M rows).
    corrected = a.filter(a.version > 1)
    latest = corrected.group_by([corrected.pid, corrected.fiscal_year]).aggregate(latest=corrected.version.max())
    marked = a.left_join(latest, [a.pid == latest.pid, a.fiscal_year == latest.fiscal_year])
    cur = marked.filter(marked.latest.isnull() | (marked.version == marked.latest))
    cur = cur.filter(cur.taxable)
    return cur.group_by(fiscal_year=cur.fiscal_year.cast("int32"), ward_code=cur.ward_code).aggregate(
        n=cur.count(), taxable_income=(cur.taxable_income + cur.taxable_separate.fill_null(0)).sum().cast("int64"),
        income_levy=cur.income_levy.sum().cast("int64"))


def declarations(t: Tables, p: Periods) -> ir.Table:
    """申告 by fiscal year, channel and outcome: volume, days from submission to decision (for decided ones)
    and, for pending ones, queue age in days on the last reference date."""
    d = t["declarations"]
    last = p.dates[-1] if p.dates else dt.date.today()
    submitted = d.submitted_at.date()
    decided_days = d.decided_at.date().delta(submitted, unit="day")
    queue_days = ibis.literal(last, type="date").delta(submitted, unit="day")
    return d.group_by(fiscal_year=d.fiscal_year.cast("int32"), channel=d.channel, outcome=d.outcome).aggregate(
        n=d.count(),
        decided=d.decided_at.notnull().ifelse(1, 0).sum().cast("int64"),
        decision_days=decided_days.sum().cast("int64"),
        pending_days=d.decided_at.isnull().ifelse(queue_days, 0).sum().cast("int64"),
    )


def population_age(t: Tables, p: Periods) -> ir.Table:
    """Residents on each reference date by ward, sex and single year of age (100 = 100 and over): the
    projection's base and the denominators of its rates."""
    c = t["resident_cells"]
    return c.group_by([c.ref_date, c.ward_code, c.sex, c.age]).aggregate(n=c.n.sum().cast("int64"))


def flows_age(t: Tables, p: Periods) -> ir.Table:
    """Deaths, births and moves by year, ward, sex and single year of age on the day (the projection's
    rates). Moves between wards count as out of the old ward and into the new one."""
    m = t["movements"]
    age = ibis.least(ibis.greatest(age_at(m.birth_ym, m.event_date), 0), 100).cast("int32")
    kind = ibis.cases((m.kind == "death", "death"), (m.kind == "birth", "birth"),
                      (m.kind.isin(["move_in", "ward_change"]), "in"), (m.kind == "move_out", "out"),
                      else_="other")
    base = m.select(year=m.event_date.year().cast("int32"), ward_code=m.ward_code, sex=m.sex, age=age,
                    flow=kind, pid=m.pid, event_date=m.event_date)
    base = base.filter(base.flow != "other")
    s = t["resident_spells"]
    change = m.filter(m.kind == "ward_change")
    left = change.join(s, [change.pid == s.pid, change.event_date == s.valid_to])
    out_of = left.select(year=left.event_date.year().cast("int32"), ward_code=left.ward_code_right,
                         sex=left.sex, age=ibis.least(age_at(left.birth_ym, left.event_date), 100).cast("int32"),
                         flow=ibis.literal("out"), pid=left.pid, event_date=left.event_date)
    allf = ibis.union(base, out_of)
    return allf.group_by(["year", "ward_code", "sex", "age", "flow"]).aggregate(n=allf.count())


def births_mother_age(t: Tables, p: Periods) -> ir.Table:
    """Births by year, ward and the mother's five-year age band (不明 when the registry's household and 続柄
    did not name one mother): the projection's age-specific fertility."""
    b = t["births"]
    return b.group_by(year=b.event_date.year().cast("int32"), ward_code=b.ward_code,
                      mother_band=b.mother_band).aggregate(n=b.count())


def town_names(t: Tables, p: Periods) -> ir.Table:
    """The 町字 master (住所辞書): each 町字's ward, name and kana, by which every page names a 町字 (a reference
    table, not counts: no person in it, nothing to protect)."""
    w = t["towns"]
    return w.select(w.town_code, w.ward_code, w.ward_name, w.town_name,
                    town_kana=w.town_kana.fill_null(""))


# The columns the marts read, per lounge table: a refresh reads only these from Iceberg (a table not named is
# not read at all). A mart that uses another column fails on the zone read with
# these (tests/lounge/test_refresh.py runs every mart that way), so the list cannot silently fall behind.
COLUMNS: dict[str, tuple[str, ...]] = {
    "resident_spells": ("pid", "household_pid", "sex", "birth_ym", "ward_code", "town_code", "school_district",
                        "valid_from", "valid_to"),
    "movements": ("pid", "kind", "event_date", "sex", "birth_ym", "ward_code", "origin_class",
                  "destination_class"),
    "births": ("event_date", "ward_code", "mother_band"),
    "child_allowance": ("pid", "child_pid", "ward_code", "from_month", "to_month", "monthly_amount"),
    "ltc_certification": ("pid", "level", "ward_code", "valid_from", "valid_to"),
    "nhi_enrolment": ("pid", "household_pid", "ward_code", "valid_from", "valid_to"),
    "tax_assessment": ("pid", "fiscal_year", "version", "ward_code", "taxable", "taxable_income", "taxable_separate",
                         "income_levy"),
    "declarations": ("fiscal_year", "channel", "outcome", "submitted_at", "decided_at"),
    "towns": ("town_code", "ward_code", "ward_name", "town_name", "town_kana"),
}

# Intermediate results, computed first and exposed to the marts under their names (not published).
STAGES: dict[str, Callable[[Tables, Periods], ir.Table]] = {
    "resident_cells": resident_cells,
}

MARTS: dict[str, Callable[[Tables, Periods], ir.Table]] = {
    "population": population,
    "population_town": population_town,
    "children_by_school_district": children_by_school_district,
    "households": households,
    "vital_events": vital_events,
    "migration": migration,
    "ward_migration": ward_migration,
    "child_allowance": child_allowance,
    "ltc_certification": ltc_certification,
    "nhi_enrolment": nhi_enrolment,
    "tax_by_ward": tax_by_ward,
    "declarations": declarations,
    "population_age": population_age,
    "flows_age": flows_age,
    "births_mother_age": births_mother_age,
    "town_names": town_names,
}
