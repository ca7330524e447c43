"""The 区別集計 page's content: the ward summary of a fiscal year's current assessment versions, the city's
totals and a Vega-Lite chart of the 所得割 (市民税/県民税) and 均等割 (+ 森林環境税) levied in each 区."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from jichitai.common.wareki import fiscal_year_label, fiscal_year_of
from jichitai.tax.assessment.services import SUMMARY_FIELDS, ward_summary
from jichitai.tax.models import Assessment

FONT = "IPAexGothic"
SERIES = (("city_income_levy", "市民税所得割"), ("pref_income_levy", "県民税所得割"), ("per_capita", "均等割"),
          ("forest_env_tax", "森林環境税"))


@dataclass
class WardSummaryPage:
    fiscal_year: int
    fiscal_year_label: str
    years: list[int]
    wards: list[dict[str, Any]]
    totals: dict[str, int] = field(default_factory=dict)
    spec: dict[str, Any] = field(default_factory=dict)


def assessed_years() -> list[int]:
    """The fiscal years that have assessments, newest first."""
    return sorted(set(Assessment.objects.values_list("fiscal_year", flat=True).distinct()), reverse=True)


def chart(wards: list[dict[str, Any]], label: str) -> dict[str, Any]:
    """A stacked bar per 区: 市民税所得割, 県民税所得割, 均等割 and 森林環境税 in 千円 (integer yen ÷ 1,000 for the
    axis only; the table beside it gives the yen)."""
    values = [{"区": w["ward_name"], "order": i, "区分": name, "stack": k, "税額（千円）": w[key] // 1000,
               "税額（円）": w[key]} for i, w in enumerate(wards) for k, (key, name) in enumerate(SERIES)]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": f"区別の税額（{label}・現在の賦課）",
        "config": {"font": FONT, "axis": {"labelFont": FONT, "titleFont": FONT},
                   "legend": {"labelFont": FONT, "titleFont": FONT}, "title": {"font": FONT}},
        "width": "container", "height": 320, "background": "white",
        "data": {"values": values}, "mark": "bar",
        "encoding": {
            "x": {"field": "区", "type": "nominal", "sort": {"field": "order"}, "axis": {"labelAngle": 0}},
            "y": {"field": "税額（千円）", "type": "quantitative", "stack": "zero"},
            "color": {"field": "区分", "type": "nominal", "sort": [name for _, name in SERIES],
                      "scale": {"domain": [name for _, name in SERIES],
                                "range": ["#3a6ea5", "#7fa7d1", "#c0504d", "#6b8e23"]}},
            "order": {"field": "stack", "sort": "ascending"},
            "tooltip": [{"field": "区"}, {"field": "区分"}, {"field": "税額（円）", "format": ","}],
        },
    }


def page(fiscal_year: int | None) -> WardSummaryPage:
    """The page for ``fiscal_year`` (None: the newest year assessed, or the current 年度 when none is)."""
    years = assessed_years()
    year = fiscal_year if fiscal_year is not None else (years[0] if years else fiscal_year_of(dt.date.today()))
    wards = ward_summary(year)
    label = fiscal_year_label(year)
    totals = {k: sum(w[k] for w in wards) for k in SUMMARY_FIELDS}
    return WardSummaryPage(year, label, years, wards, totals, chart(wards, label) if wards else {})
