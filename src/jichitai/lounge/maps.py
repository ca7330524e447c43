"""Choropleth maps of a published indicator (区, 町字, 小学校区) as Vega-Lite specs: the level's boundaries
(:mod:`jichitai.lounge.boundaries`) with each area's *published* figure joined in. A suppressed cell is drawn
grey and named 「秘匿」 in the legend and the tooltip; an area with no published row is 「データなし」."""

from __future__ import annotations

from typing import Any

from jichitai.lounge import boundaries, display
from jichitai.lounge.areas import Towns, ward_label
from jichitai.lounge.charts import FONT, _match, _spec, area_dim
from jichitai.lounge.disclosure import TOTAL
from jichitai.lounge.geo import LEVEL_OF_COLUMN, LEVELS
from jichitai.lounge.indicators import Indicator
from jichitai.lounge.publish import Published

PUBLISHED, SUPPRESSED, MISSING = "公表", display.SUPPRESSED_TEXT, "データなし"
STATE_COLOURS = {SUPPRESSED: "#8c8c8c", MISSING: "#f2f2f2"}
SYNTHETIC_NOTE = "境界は合成（架空）のものです：デモの町字に合わせて機械的に作った区割りで、実際の地形ではありません。"
SYNTHETIC_SUBTITLE = "境界は合成（架空）：実際の地形ではありません"


def metric_for(ind: Indicator) -> str:
    """What a ward map colours: the aging rate for the population, the net migration for ward migration."""
    return "aging_rate" if ind.slug == "population" else "net" if ind.slug == "ward_migration" else "value"


def area_values(ind: Indicator, pub: Published, column: str, metric: str = "value",
                where: dict[str, Any] | None = None) -> dict[object, Any]:
    """Area code → its published figure (``None`` when suppressed) for the totals of the other dimensions, or
    the values ``where`` fixes (the first partition, e.g. 転入, when the indicator has one and it is not fixed)."""
    where = where or {}
    source = pub.derived if metric not in ("value", *dict(ind.sums)) and pub.derived else pub.rows
    first = sorted({r[ind.partition] for r in pub.rows}) if ind.partition else []
    part = where.get(ind.partition or "", first[0] if first else None)
    out: dict[object, Any] = {}
    for row in source:
        code = row.get(column)
        if code is None or code == TOTAL:
            continue
        if source is pub.rows:
            if not _match(row, ind, {**where, column: code}):
                continue
            if ind.partition and row.get(ind.partition) != part:
                continue
        out[code] = row.get(metric)
    return out


def choropleth(ind: Indicator, pub: Published, area: str, parents: Towns,
               bounds: boundaries.BoundarySet, metric: str | None = None, where: dict[str, Any] | None = None,
               links: dict[str, str] | None = None, chosen: str | None = None) -> dict[str, Any]:
    """The map of ``bounds.level``: for 町字, only the towns of the ward chosen (all of the city otherwise).
    A dashboard's map names its ``metric`` and fixed dimensions (``where``), links each area to its drill-down
    (``links``: code → URL, Vega-Lite ``href``) and outlines the area ``chosen``."""
    column = next(c for c, lv in LEVEL_OF_COLUMN.items() if lv == bounds.level)
    if metric is None:
        metric = metric_for(ind) if column == "ward_code" else "value"
    values = area_values(ind, pub, column, metric, where)
    metric_label = (dict(pub.derived_columns) | dict(ind.sums)).get(metric, ind.measure_label) if metric != "value" else ind.measure_label
    unit = display.unit_for(metric, ind.unit) if metric != "value" else ind.unit
    features, states = [], set()
    for f in bounds.features:
        code = f["properties"]["code"]
        if column == "town_code" and area != TOTAL and parents.get(code) != area:
            continue
        name = f["properties"]["name"]
        if column == "town_code" and code in parents.names:
            name = parents.label(code)  # the 住所辞書 names a 町字; the boundary file's name only when it does not
        elif column == "town_code" and code in parents and not name.startswith(ward_label(parents[code])):
            name = f"{ward_label(parents[code])} {name}"
        value = values.get(code)
        state = PUBLISHED if value is not None else SUPPRESSED if code in values else MISSING
        states.add(state)
        properties = {"name": name, "value": value, "state": state,
                      "text": display.figure(value, unit) if state == PUBLISHED else state}
        if links and str(code) in links:
            properties["href"] = links[str(code)]
        if chosen is not None and str(code) == chosen:
            properties["chosen"] = True
        features.append({"type": "Feature", "geometry": f["geometry"], "properties": properties})
    other = [s for s in (SUPPRESSED, MISSING) if s in states]
    tooltip = [{"field": "properties.name", "title": LEVELS[bounds.level]},
               {"field": "properties.text", "title": display.heading(metric_label)}]
    legend_format = ",.1f" if unit == "%" else ",~d"
    layers: list[dict[str, Any]] = [{
        "transform": [{"filter": {"field": "properties.state", "equal": PUBLISHED}}],
        "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.6},
        "encoding": {"color": {"field": "properties.value", "type": "quantitative",
                               "title": f"{display.heading(metric_label)}（{unit}）" if unit else metric_label,
                               "scale": {"scheme": "blues"}, "legend": {"format": legend_format}},
                     "tooltip": tooltip}}]
    if other:
        layers.append({
            "transform": [{"filter": {"not": {"field": "properties.state", "equal": PUBLISHED}}}],
            "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.6},
            "encoding": {"color": {"field": "properties.state", "type": "nominal", "title": "公表できない地域",
                                   "scale": {"domain": other, "range": [STATE_COLOURS[s] for s in other]}},
                         "tooltip": tooltip}})
    if links:
        for layer in layers:
            layer["encoding"]["href"] = {"field": "properties.href"}
            layer["mark"]["cursor"] = "pointer"
    if chosen is not None:
        layers.append({"transform": [{"filter": "datum.properties.chosen"}],
                       "mark": {"type": "geoshape", "fill": None, "stroke": "#c0504d", "strokeWidth": 2.5}})
    place = ward_label(area) if column == "town_code" and area != TOTAL else "市全体"
    title: dict[str, Any] = {"text": f"{ind.title}：{LEVELS[bounds.level]}別の地図（{place}・{display.period(pub.period)}）",
                             "font": FONT}
    if bounds.synthetic:
        title["subtitle"] = SYNTHETIC_SUBTITLE
        title["subtitleFont"] = FONT
    return _spec(title=title, height=440, projection={"type": "mercator"}, data={"values": features},
                 layer=layers, resolve={"scale": {"color": "independent"}})


def map_for(ind: Indicator, pub: Published, area: str, parents: Towns) -> dict[str, Any] | None:
    """The map of the indicator's area level, or ``None`` when it has none or the city has no boundaries."""
    column = area_dim(ind)
    if column is None:
        return None
    bounds = boundaries.load(LEVEL_OF_COLUMN[column])
    return choropleth(ind, pub, area, parents, bounds) if bounds else None
