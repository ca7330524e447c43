"""Vega-Lite specifications built from *published* (disclosure-controlled) results only. A suppressed cell
is drawn as missing and listed as 秘匿 in the table beside the chart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jichitai.lounge import display
from jichitai.lounge.areas import WARD_TILES, Towns
from jichitai.lounge.disclosure import TOTAL
from jichitai.lounge.indicators import Indicator
from jichitai.lounge.publish import Published, label

FONT = "IPAexGothic"
BASE: dict[str, Any] = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
    "config": {"font": FONT, "axis": {"labelFont": FONT, "titleFont": FONT},
               "legend": {"labelFont": FONT, "titleFont": FONT}, "title": {"font": FONT}},
    "width": "container",
    "background": "white",
}


def _spec(**parts: Any) -> dict[str, Any]:
    return {**BASE, **parts}


def _amount(field: str, title: str, unit: str) -> dict[str, Any]:
    """A quantitative axis read as people read it: thousands separators, the unit in the title."""
    return {"field": field, "type": "quantitative", "title": f"{title}（{unit}）" if unit else title,
            "axis": {"format": ",~d"}}


def _tip(field: str, unit: str) -> dict[str, Any]:
    return {"field": field, "type": "quantitative", "format": ",", "title": f"{field}（{unit}）" if unit else field}


def area_dim(ind: Indicator) -> str | None:
    for d in ind.dims:
        if d.column in ("ward_code", "school_district", "town_code"):
            return d.column
    return None


def _match(row: dict[str, Any], ind: Indicator, fixed: dict[str, Any]) -> bool:
    for d in ind.dims:
        want = fixed.get(d.column, TOTAL)
        if want is not None and row.get(d.column) != want:
            return False
    return True


def pyramid(ind: Indicator, pub: Published, area: str = TOTAL) -> dict[str, Any]:
    values = []
    for row in pub.rows:
        if row.get("ward_code") != area or row.get("sex") not in ("M", "F") or not isinstance(row["age_band"], int):
            continue
        v = row["value"]
        values.append({"年齢": row["age_band_label"], "order": row["age_band"], "性別": row["sex_label"],
                       "人数": None if v is None else (-v if row["sex"] == "M" else v), "実数": v})
    return _spec(
        title=f"人口ピラミッド（{label('ward_code', area)}・{display.period(pub.period)}）", height=380,
        data={"values": values}, mark="bar",
        encoding={
            "y": {"field": "年齢", "type": "ordinal", "sort": {"field": "order", "order": "descending"}},
            "x": {"field": "人数", "type": "quantitative", "title": "人数（人、左：男　右：女）",
                  "axis": {"format": ",~d", "labelExpr": "replace(datum.label, '−', '')"}},
            "color": {"field": "性別", "type": "nominal", "scale": {"domain": ["男", "女"],
                                                                   "range": ["#3a6ea5", "#c0504d"]}},
            "tooltip": [{"field": "年齢"}, {"field": "性別"}, {"field": "実数", "type": "quantitative",
                                                           "format": ",", "title": "人数（人）"}],
        })


def bars(ind: Indicator, pub: Published, area: str = TOTAL) -> dict[str, Any]:
    """The indicator's first non-area dimension for one area (or areas when it has no other dimension)."""
    adim = area_dim(ind)
    others = [d for d in ind.dims if d.column != adim]
    by = others[0] if others else ind.dims[0]
    fixed: dict[str, Any] = {adim: area} if adim and by.column != adim else {}
    values = []
    for row in pub.rows:
        if not _match(row, ind, {**fixed, by.column: None}):
            continue
        if row[by.column] == TOTAL:
            continue
        item = {"区分": row[f"{by.column}_label"], "値": row["value"]}
        if ind.partition:
            item["系列"] = row[ind.partition]
        values.append(item)
    enc: dict[str, Any] = {
        "x": {"field": "区分", "type": "nominal", "sort": None, "title": by.label},
        "y": _amount("値", ind.measure_label, ind.unit),
        "tooltip": [{"field": "区分"}, _tip("値", ind.unit)],
    }
    if ind.partition:
        enc["color"] = {"field": "系列", "type": "nominal", "title": "区分"}
        enc["xOffset"] = {"field": "系列"}
    where = label(adim, area) if adim and by.column != adim else "市全体"
    return _spec(title=f"{ind.title}（{where}・{display.period(pub.period)}）", height=300, data={"values": values},
                 mark="bar", encoding=enc)


TOP = 20  # bars a reader can compare; the rest go into one 「その他」 bar


def town_label(code: object, parents: Towns) -> str:
    """A 町字 as the pages name it: its ward, then its name from the 住所辞書 (「中央区 三宮町一丁目」)."""
    return parents.label(code)


def town_ranking(pub: Published, area: str, parents: Towns) -> list[dict[str, Any]]:
    """The 町字 of the city (or of one ward) by their published figure, largest first; suppressed last."""
    rows = [r for r in pub.rows if r["town_code"] in parents and (area == TOTAL or parents[r["town_code"]] == area)]
    rows.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0), str(r["town_code"])))
    order = {c: i for i, c in enumerate(parents.in_order(r["town_code"] for r in rows), 1)}
    return [{"rank": i, "town": town_label(r["town_code"], parents), "kana": parents.kana(r["town_code"]),
             "ward": label("ward_code", parents[r["town_code"]]), "value": r["value"], "order": order[r["town_code"]]}
            for i, r in enumerate(rows, 1)]


def _rest(n: int, suppressed: int, noun: str) -> str:
    return f"その他（{n}{noun}の計" + (f"、秘匿{suppressed}を除く" if suppressed else "") + "）"


def towns(ind: Indicator, pub: Published, area: str, parents: Towns) -> dict[str, Any]:
    """The largest :data:`TOP` 町字 of the city or of the ward chosen, and one bar for the others (the sum of
    their published figures; suppressed ones are not in it and are counted in its label)."""
    ranked = town_ranking(pub, area, parents)
    values: list[dict[str, Any]] = [{"町字": r["town"], "値": r["value"], "順": r["rank"]} for r in ranked[:TOP]]
    rest = ranked[TOP:]
    if rest:
        values.append({"町字": _rest(len(rest), sum(r["value"] is None for r in rest), "町字"),
                       "値": sum(r["value"] or 0 for r in rest), "順": TOP + 1})
    where = label("ward_code", area)
    return _spec(
        title=f"{ind.title}（{where}・上位{min(TOP, len(ranked))}・{display.period(pub.period)}）", height=max(120, 22 * len(values)),
        data={"values": values}, mark="bar",
        encoding={"color": {"condition": {"test": f"datum['順'] > {TOP}", "value": "#9e9e9e"}, "value": "#3a6ea5"},
                  "y": {"field": "町字", "type": "nominal", "sort": {"field": "順", "order": "ascending"},
                        "title": "町字"},
                  "x": _amount("値", ind.measure_label, ind.unit),
                  "tooltip": [{"field": "町字"}, _tip("値", ind.unit)]})


def districts(ind: Indicator, pub: Published) -> dict[str, Any]:
    """小学校区 by their children, stacked by the age groups in age order; the largest :data:`TOP` districts
    and one bar for the others."""
    area, split = ind.dims[0], ind.dims[1]
    order = [label(split.column, v) for v in split.values]
    totals = {r[area.column]: r["value"] for r in pub.rows if r[split.column] == TOTAL and r[area.column] != TOTAL}
    ranked = sorted(totals, key=lambda d: (totals[d] is None, -(totals[d] or 0), str(d)))
    top, rest = ranked[:TOP], set(ranked[TOP:])
    values: list[dict[str, Any]] = []
    other: dict[str, int] = dict.fromkeys(order, 0)
    for r in pub.rows:
        d, stage = r[area.column], r[split.column]
        if d == TOTAL or stage == TOTAL:
            continue
        if d in rest:
            other[r[f"{split.column}_label"]] += r["value"] or 0
        else:
            values.append({"小学校区": r[f"{area.column}_label"], "年齢区分": r[f"{split.column}_label"],
                           "値": r["value"], "順": top.index(d), "段": order.index(r[f"{split.column}_label"])})
    if rest:
        name = _rest(len(rest), sum(totals[d] is None for d in rest), "校区")
        values += [{"小学校区": name, "年齢区分": s, "値": v, "順": TOP, "段": order.index(s)} for s, v in other.items()]
    return _spec(
        title=f"{ind.title}（上位{len(top)}校区・{display.period(pub.period)}）", height=max(120, 22 * (len(top) + bool(rest))),
        data={"values": values}, mark="bar",
        encoding={"y": {"field": "小学校区", "type": "nominal", "sort": {"field": "順", "order": "ascending"},
                        "title": "小学校区"},
                  "x": {**_amount("値", ind.measure_label, ind.unit), "stack": "zero"},
                  "color": {"field": "年齢区分", "type": "nominal", "title": "年齢区分",
                            "scale": {"domain": order, "scheme": "tableau10"}, "sort": order},
                  "order": {"field": "段", "type": "quantitative"},
                  "tooltip": [{"field": "小学校区"}, {"field": "年齢区分"}, _tip("値", ind.unit)]})


def tiles(ind: Indicator, pub: Published, metric: str = "value") -> dict[str, Any]:
    """The nine wards as a tile map coloured by the value (or a derived rate)."""
    values = []
    source = pub.derived if metric != "value" and pub.derived else pub.rows
    for row in source:
        w = row.get("ward_code")
        if w not in WARD_TILES:
            continue
        if source is pub.rows and not _match(row, ind, {"ward_code": w}):
            continue
        if ind.partition and source is pub.rows and row.get(ind.partition) != _first_partition(pub, ind):
            continue
        col, r = WARD_TILES[w]
        values.append({"区": row["ward_code_label"], "col": col, "row": r, "値": row.get(metric)})
    metric_label = dict(pub.derived_columns).get(metric, ind.measure_label)
    return _spec(
        title=f"{ind.title}：区別（{metric_label}・{display.period(pub.period)}）", height=260,
        data={"values": values},
        layer=[
            {"mark": {"type": "rect", "stroke": "white", "strokeWidth": 3},
             "encoding": {"color": {"field": "値", "type": "quantitative", "title": metric_label,
                                    "scale": {"scheme": "blues"}}}},
            {"mark": {"type": "text", "fontSize": 13, "font": FONT},
             "encoding": {"text": {"field": "区"}, "color": {"value": "#111"}}},
            {"mark": {"type": "text", "dy": 16, "fontSize": 12, "font": FONT},
             "encoding": {"text": {"field": "値", "type": "quantitative", "format": ",.1~f"},
                          "color": {"value": "#111"}}},
        ],
        encoding={"x": {"field": "col", "type": "ordinal", "axis": None},
                  "y": {"field": "row", "type": "ordinal", "axis": None}},
    )


def _first_partition(pub: Published, ind: Indicator) -> Any:
    parts = sorted({row[ind.partition] for row in pub.rows}) if ind.partition else []
    return parts[0] if parts else None


def trend_layers(partial: bool) -> list[dict[str, Any]]:
    """A trend's marks over data whose rows carry 「途中」: whole periods joined by a line, a year so far a hollow
    point apart — a line into it would draw a fall that is only the months missing."""
    whole = {"mark": {"type": "line", "point": True}, "transform": [{"filter": "!datum['途中']"}]}
    hollow = {"mark": {"type": "point", "filled": False, "size": 70, "strokeWidth": 2},
              "transform": [{"filter": "datum['途中']"}]}
    return [whole, hollow] if partial else [whole]


def series(ind: Indicator, points: list[tuple[str, Published]], area: str = TOTAL,
           words: Mapping[str, str] | None = None, partial: str | None = None) -> dict[str, Any]:
    """A time series of the area's total (lines by the second dimension when it is small). ``words``: each period
    as the page names it (「2024年1月1日」, 「2026年（3月30日まで）」); ``partial``: a year the data end inside, whose
    point is drawn hollow and said so under the title — its figure is not a whole year's."""
    adim = area_dim(ind)
    others = [d for d in ind.dims if d.column != adim]
    split = others[0] if others and 1 < len(others[0].values) <= 7 and ind.slug != "population" else None
    values = []
    for period, pub in points:
        for row in pub.rows:
            fixed: dict[str, Any] = {adim: area} if adim else {}
            if split is not None:
                fixed[split.column] = None
            if not _match(row, ind, fixed):
                continue
            if split is not None and row[split.column] == TOTAL:
                continue
            line = row[f"{split.column}_label"] if split is not None else ((row.get(ind.partition) if ind.partition else None) or "計")
            values.append({"期間": (words or {}).get(period, display.period(period)), "順": period, "系列": line,
                           "値": row["value"], "途中": period == partial})
    where = label(adim, area) if adim else "市全体"
    title: dict[str, Any] = {"text": f"{ind.title}の推移（{where}）"}
    if partial is not None:
        title["subtitle"] = [f"{(words or {}).get(partial, partial)}は年の途中までの集計です（白抜きの点）。",
                             "通年の値とは比べられないため、線で結んでいません。"]
    return _spec(title=title, height=280, data={"values": values}, layer=trend_layers(partial is not None),
                 encoding={"x": {"field": "期間", "type": "ordinal", "sort": {"field": "順"}, "title": "期間"},
                           "y": _amount("値", ind.measure_label, ind.unit),
                           "color": {"field": "系列", "type": "nominal", "title": "系列"},
                           "tooltip": [{"field": "期間"}, {"field": "系列"}, _tip("値", ind.unit)]})


def projection_chart(p: dict[str, Any], area: str) -> dict[str, Any]:
    values = [{"年": int(d[:4]), "系列": "実績（1月1日）", "人口": v}
              for d, v in sorted(p["recorded"].get(area, {}).items()) if d.endswith("-01-01")]
    for name, totals in (p.get("variants") or {"中位": p["totals"]}).items():
        values += [{"年": y, "系列": f"推計・出生{name}", "人口": v}
                   for y, v in zip(p["years"], totals.get(area, []), strict=False)]
    return _spec(title=f"将来推計人口（{label('ward_code', area)}）", height=300, data={"values": values},
                 mark={"type": "line", "point": True},
                 encoding={"x": {"field": "年", "type": "quantitative", "axis": {"format": "d"}},
                           "y": _amount("人口", "人口", "人"),
                           "tooltip": [{"field": "年", "format": "d"}, {"field": "系列"}, _tip("人口", "人")],
                           "color": {"field": "系列", "type": "nominal"},
                           "strokeDash": {"field": "系列", "type": "nominal"}})


def charts_for(
    ind: Indicator, pub: Published, points: list[tuple[str, Published]], area: str,
    parents: Towns | None = None, words: Mapping[str, str] | None = None, partial: str | None = None,
) -> list[dict[str, Any]]:
    """The charts of an indicator page, main one first (``parents``: 町字 → 区, for a 町字 indicator; ``words`` and
    ``partial`` for the trend, see :func:`series`)."""
    out = []
    if ind.chart == "pyramid":
        out.append(pyramid(ind, pub, area))
    elif area_dim(ind) == "town_code":
        out.append(towns(ind, pub, area, parents or Towns()))
    elif area_dim(ind) == "school_district":
        out.append(districts(ind, pub))
    else:
        out.append(bars(ind, pub, area))
    if len(points) > 1:
        out.append(series(ind, points, area, words, partial))
    if area_dim(ind) == "ward_code":
        metric = "aging_rate" if ind.slug == "population" else "net" if ind.slug == "ward_migration" else "value"
        out.append(tiles(ind, pub, metric))
    return out
