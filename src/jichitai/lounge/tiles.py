"""A dashboard (:mod:`jichitai.lounge.boards`) made into what its page shows for one area and year: each tile's
figure with its change against the previous period, its chart (bar, line, map) or table, its definition and
the snapshots it came from. Every figure is read from the indicator's *published* table (disclosure control
already applied; a suppressed cell is ``None`` and reads 「秘匿」); nothing here reads a mart.

Filters drive every tile at once: the area (市全体, a 区 or a 町字) and the year. A tile whose indicator has no
figures at the area chosen shows the nearest coarser area and says so. Drill-down: a ward's bar or map area
links to that ward, a 町字's to that 町字 (Vega-Lite ``href``), and every table row links the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from jichitai.lounge import boundaries, display, maps
from jichitai.lounge import indicators as I
from jichitai.lounge.areas import CITY_NAME, WARD_NAMES, Towns, ward_label
from jichitai.lounge.boards import Board, Tile
from jichitai.lounge.charts import _amount, _spec, area_dim, town_label, trend_layers
from jichitai.lounge.disclosure import TOTAL
from jichitai.lounge.errors import LoungeError
from jichitai.lounge.geo import LEVEL_OF_COLUMN
from jichitai.lounge.publish import DERIVED_COLUMNS, Published, label
from jichitai.lounge.refresh import MartSet

TOP_TOWNS = 20
JST = ZoneInfo("Asia/Tokyo")
HIGHLIGHT, PLAIN = "#c0504d", "#3a6ea5"


@dataclass(frozen=True)
class Area:
    """The area chosen: the city (``TOTAL``), a ward, or a 町字 (with its ward)."""

    ward: str | None = None
    town: str | None = None

    @property
    def code(self) -> str:
        return self.town or self.ward or TOTAL

    def words(self, parents: Towns) -> str:
        if self.town:
            return town_label(self.town, parents)
        return ward_label(self.ward) if self.ward else CITY_NAME


def parse_area(text: str, parents: Towns) -> Area:
    if not text or text == TOTAL:
        return Area()
    if text in WARD_NAMES:
        return Area(ward=text)
    if text in parents:
        return Area(ward=str(parents[text]), town=text)
    raise LoungeError("地域の指定が正しくありません（市全体・区・町字から選んでください）。", field="area")


def parse_year(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not 1900 < int(text) < 2200:
        raise LoungeError("年は西暦の4桁（例：2025）で指定してください。", field="year")
    return int(text)


def period_words(ind: I.Indicator, period: str, through: dt.date | None = None) -> str:
    """A period as a tile names it; a calendar year of flows the data end inside (``through``) says so:
    「2026年（3月末まで）」."""
    if ind.period == "ref_date":
        return display.period(period)
    if ind.period == "fiscal_year":
        return f"{period}年度"
    return f"{period}年（{display.through(through)}まで）" if through else f"{period}年"


def _year(period: str) -> int:
    return int(period[:4])


def choose(ind: I.Indicator, periods: list[str], year: int | None) -> tuple[str | None, str | None]:
    """The period a tile shows for ``year`` (the latest on or before it) and the one it is compared with (the
    latest a year or more before it: the same date or the year before)."""
    shown = [p for p in periods if year is None or _year(p) <= year]
    if not shown:
        return None, None
    current = shown[-1]
    if ind.period == "ref_date":
        d = dt.date.fromisoformat(current)
        limit = d.replace(year=d.year - 1, day=min(d.day, 28)).isoformat()
        before = [p for p in shown if p <= limit]
    else:
        before = [p for p in shown if _year(p) <= _year(current) - 1]
    return current, (before[-1] if before else None)


def _unit(ind: I.Indicator, metric: str) -> str:
    return ind.unit if metric == "value" else display.unit_for(metric, ind.unit)


def _metric_label(ind: I.Indicator, pub: Published, metric: str) -> str:
    if metric == "value":
        return ind.measure_label
    names = dict(pub.derived_columns) | dict(ind.sums)
    return display.heading(names.get(metric, metric))


def _derived(ind: I.Indicator, metric: str) -> bool:
    return metric != "value" and metric in DERIVED_COLUMNS.get(ind.slug, ()) and metric not in dict(ind.sums)


def lookup(ind: I.Indicator, pub: Published, metric: str, fixed: dict[str, Any]) -> tuple[bool, Any]:
    """(found, figure) of the published cell where the dimensions in ``fixed`` take their values and the
    others their totals (the first partition, e.g. 転入, unless fixed). The figure is ``None`` when suppressed."""
    if _derived(ind, metric):
        key = pub.derived_columns[0][0] if pub.derived_columns else ""
        want = fixed.get(key, TOTAL)
        for row in pub.derived:
            if row.get(key) == want:
                return True, row.get(metric)
        return False, None
    parts = sorted({r[ind.partition] for r in pub.rows}) if ind.partition else []
    part = fixed.get(ind.partition or "", parts[0] if parts else None)
    for row in pub.rows:
        if ind.partition and row.get(ind.partition) != part:
            continue
        if all(row.get(d.column) == fixed.get(d.column, TOTAL) for d in ind.dims):
            return True, row.get(metric)
    return False, None


@dataclass
class Shown:
    """One tile as the page (and the PDF) shows it."""

    kind: str
    title: str
    definition: str
    period: str = ""
    figure: str = ""
    change: str = ""
    compared_with: str = ""
    note: str = ""
    spec: dict[str, Any] | None = None
    headers: list[str] = field(default_factory=list)
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (label, figure text, drill link)
    indicator: str = ""
    sources: list[str] = field(default_factory=list)  # table@snapshot, committed time: the 詳細 fold
    suppressed: bool = False


@dataclass
class BoardView:
    board: Board
    area: Area
    area_words: str
    year: int | None
    years: list[int]
    tiles: list[Shown]
    crumbs: list[tuple[str, str]]  # (words, link) city › ward › 町字
    wards: dict[str, str]
    refreshed_at: str

    @property
    def refreshed_words(self) -> str:
        """When the marts behind the board were computed, in Japan time (「2026年12月7日 18:49」)."""
        try:
            when = dt.datetime.fromisoformat(self.refreshed_at)
        except ValueError:
            return self.refreshed_at
        when = when.astimezone(JST) if when.tzinfo else when.replace(tzinfo=dt.UTC).astimezone(JST)
        return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}"

    @property
    def kpis(self) -> list[Shown]:
        return [t for t in self.tiles if t.kind == "kpi"]

    @property
    def panels(self) -> list[Shown]:
        return [t for t in self.tiles if t.kind != "kpi"]


class _Maker:
    """Builds the tiles of one board for one area and year (the published tables and 町字 parents read once)."""

    def __init__(self, marts: MartSet, k: int, area: Area, year: int | None, link: Callable[[str], str],
                 parents: Towns) -> None:
        self.marts, self.k, self.area, self.year, self.link, self.parents = marts, k, area, year, link, parents

    def where(self, ind: I.Indicator, t: Tile) -> tuple[dict[str, Any], str]:
        """The dimensions fixed for the area chosen, and what the tile says when it shows a coarser area."""
        adim, fixed = area_dim(ind), dict(t.where)
        a = self.area
        if a.town and adim == "town_code":
            return {**fixed, "town_code": a.town}, ""
        if a.ward and adim in ("ward_code", "town_code"):
            note = "町字別の集計がないため、区の値です。" if a.town else ""
            return {**fixed, adim: a.ward}, note
        if (a.ward and adim is None) or (a.ward and adim == "school_district"):
            return fixed, "地域別の集計がないため、市全体の値です。" if adim is None else "区別の集計がないため、市全体の値です。"
        return fixed, ""

    def published(self, slug: str, period: str) -> Published:
        return self.marts.publish(slug, period, self.k)

    def partial(self, ind: I.Indicator, period: str) -> dt.date | None:
        """The data's last day when ``period`` is a calendar year of flows not over yet in the data."""
        return self.marts.periods.partial(int(period)) if ind.period == "year" else None

    def period_words(self, ind: I.Indicator, period: str) -> str:
        return period_words(ind, period, self.partial(ind, period))

    def make(self, t: Tile) -> Shown:
        ind = t.ind
        periods = self.marts.periods_of(ind.slug)
        current, previous = choose(ind, periods, self.year)
        shown = Shown(kind=t.kind, title=t.title, definition=t.definition(), indicator=ind.slug,
                      sources=[f"lounge.{li.table}@{li.snapshot_id}（{li.committed_at}）"
                               for li in self.marts.sources(ind.slug)])
        if current is None:
            shown.note = "選んだ年より前のデータがありません。"
            return shown
        pub = self.published(ind.slug, current)
        fixed, shown.note = self.where(ind, t)
        shown.period = self.period_words(ind, current)
        unit = _unit(ind, t.metric)
        if t.kind == "kpi":
            found, value = lookup(ind, pub, t.metric, fixed)
            shown.figure = display.figure(value, unit) if found else "データなし"
            shown.suppressed = found and value is None
            if previous is not None:
                _, before = lookup(ind, self.published(ind.slug, previous), t.metric, fixed)
                if self.partial(ind, current):
                    # a year so far against a whole year would read as a fall: say so, do not compare
                    shown.note = " ".join(x for x in (shown.note, display.partial_note(
                        shown.period, period_words(ind, previous), display.figure(before, unit))) if x)
                else:
                    shown.change = display.change(value, before, unit)
                    shown.compared_with = period_words(ind, previous)
        elif t.kind == "line":
            shown.spec = self.line(ind, t, fixed, [p for p in periods if p <= current])
        elif t.kind == "map":
            shown.spec, note = self.map(ind, t, pub, fixed)
            shown.note = " ".join(x for x in (shown.note, note) if x)
        else:
            by, values = self.across(ind, t, pub, fixed)
            shown.headers = [by, _metric_label(ind, pub, t.metric)]
            shown.rows = [(name, display.figure(v, unit), href) for name, v, href, _ in values]
            if t.kind == "bar":
                shown.spec = self.bar(ind, t, pub, by, values, unit)
        return shown

    # -- bars and tables: one dimension across -------------------------------------------------------------

    def across(self, ind: I.Indicator, t: Tile, pub: Published,
               fixed: dict[str, Any]) -> tuple[str, list[tuple[str, Any, str, bool]]]:
        """(the dimension's label, [(label, figure, drill link, highlighted)]) for the tile's ``by``: wards
        across the city, a ward's 町字, or another dimension at the area chosen."""
        adim = area_dim(ind)
        by = t.by or adim or ind.dims[0].column
        out: list[tuple[str, Any, str, bool]] = []
        if by == "ward_code":
            for code in WARD_NAMES:
                found, v = lookup(ind, pub, t.metric, {**fixed, "ward_code": code})
                if found:
                    out.append((ward_label(code), v, self.link(code), code == self.area.ward))
            return "区", out
        if by == "town_code":
            ward = self.area.ward
            rows = [(town, lookup(ind, pub, t.metric, {**fixed, "town_code": town})[1])
                    for town, up in self.parents.items() if ward is None or up == ward]
            rows.sort(key=lambda r: (r[1] is None, -(r[1] or 0), str(r[0])))
            for town, v in rows[:TOP_TOWNS]:
                out.append((town_label(town, self.parents), v, self.link(str(town)), town == self.area.town))
            return "町字" + (f"（{ward_label(ward)}・上位{TOP_TOWNS}）" if ward else f"（市全体・上位{TOP_TOWNS}）"), out
        dim = next(d for d in ind.dims if d.column == by)
        values = dim.values or tuple(sorted({r[by] for r in pub.rows if r.get(by) != TOTAL}, key=str))
        for value in values:
            found, v = lookup(ind, pub, t.metric, {**fixed, by: value})
            if found:
                out.append((label(by, value), v, "", False))
        return dim.label, out

    def bar(self, ind: I.Indicator, t: Tile, pub: Published, by: str, values: list[tuple[str, Any, str, bool]],
            unit: str) -> dict[str, Any]:
        name = _metric_label(ind, pub, t.metric)
        data = [{"区分": n, "値": v, "表示": display.figure(v, unit), "順": i, "href": href or None,
                 "選択": chosen} for i, (n, v, href, chosen) in enumerate(values)]
        encoding: dict[str, Any] = {
            "y": {"field": "区分", "type": "nominal", "sort": {"field": "順", "order": "ascending"},
                  "title": by},
            "x": _amount("値", name, unit),
            "color": {"condition": {"test": "datum['選択']", "value": HIGHLIGHT}, "value": PLAIN},
            "tooltip": [{"field": "区分", "title": by}, {"field": "表示", "title": name}],
        }
        if any(href for _, _, href, _ in values):
            encoding["href"] = {"field": "href"}
        return _spec(title={"text": f"{t.title}（{self.area_words()}・{self.period_words(ind, pub.period)}）"},
                     height=max(120, 24 * len(data)), data={"values": data},
                     mark={"type": "bar", "cursor": "pointer"} if "href" in encoding else "bar", encoding=encoding)

    def area_words(self) -> str:
        return self.area.words(self.parents)

    # -- line: the tile's figure over the periods up to the year chosen ------------------------------------

    def line(self, ind: I.Indicator, t: Tile, fixed: dict[str, Any], periods: list[str]) -> dict[str, Any]:
        unit = _unit(ind, t.metric)
        data = []
        for p in periods:
            found, v = lookup(ind, self.published(ind.slug, p), t.metric, fixed)
            if found:
                data.append({"期間": self.period_words(ind, p), "順": p, "値": v, "表示": display.figure(v, unit),
                             "途中": self.partial(ind, p) is not None})
        name = display.heading(t.title)
        return _spec(title={"text": f"{t.title}の推移（{self.area_words()}）"}, height=260, data={"values": data},
                     layer=trend_layers(any(d["途中"] for d in data)),
                     encoding={"x": {"field": "期間", "type": "ordinal", "sort": {"field": "順"}, "title": "期間"},
                               "y": {**_amount("値", name, unit), "axis": {"format": ",.1f" if unit == "%" else ",~d"}},
                               "tooltip": [{"field": "期間"}, {"field": "表示", "title": name}]})

    # -- map: the indicator's areas, each linking down -----------------------------------------------------

    def map(self, ind: I.Indicator, t: Tile, pub: Published, fixed: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
        column = area_dim(ind)
        if column is None:
            return None, "地域の区分がない指標です。"
        level = LEVEL_OF_COLUMN[column]
        bounds = boundaries.load(level)
        if bounds is None:
            return None, f"{boundaries_name(level)}の境界データが登録されていないため、地図は表示していません。"
        links = ({c: self.link(c) for c in WARD_NAMES} if column == "ward_code" else
                 {str(c): self.link(str(c)) for c in self.parents} if column == "town_code" else {})
        spec = maps.choropleth(ind, pub, self.area.ward or TOTAL, self.parents, bounds, metric=t.metric,
                               where={k: v for k, v in fixed.items() if k != column}, links=links,
                               chosen=self.area.town if column == "town_code" else self.area.ward)
        spec["title"]["text"] = f"{t.title}（{self.area_words() if column == 'town_code' and self.area.ward else CITY_NAME}・{self.period_words(ind, pub.period)}）"
        return spec, maps.SYNTHETIC_NOTE if bounds.synthetic else ""


def boundaries_name(level: str) -> str:
    from jichitai.lounge.geo import LEVELS

    return LEVELS[level]


def view(marts: MartSet, board: Board, k: int, area_text: str, year_text: str,
         link: Callable[[str, int | None], str], parents: Towns) -> BoardView:
    """The board for the area and year asked (``link(area, year)``: the page's URL for another area;
    ``parents``: 町字 → 区)."""
    area = parse_area(area_text, parents)
    year = parse_year(year_text)
    years = sorted({_year(p) for slug in board.indicators for p in marts.periods_of(slug)})
    if year is not None and years and year not in years:
        raise LoungeError(f"{year}年のデータはありません（{years[0]}年〜{years[-1]}年）。", field="year")
    maker = _Maker(marts, k, area, year, lambda code: link(code, year), parents)
    shown = [maker.make(t) for t in board.tiles]
    crumbs = [(CITY_NAME, link(TOTAL, year))]
    if area.ward:
        crumbs.append((ward_label(area.ward), link(area.ward, year)))
    if area.town:
        crumbs.append((parents.label(area.town).removeprefix(f"{ward_label(area.ward)} "), link(area.town, year)))
    return BoardView(board=board, area=area, area_words=area.words(parents), year=year or (years[-1] if years else None),
                     years=years, tiles=shown, crumbs=crumbs, wards=WARD_NAMES, refreshed_at=marts.refreshed_at)

