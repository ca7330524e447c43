"""The query layer: an indicator's table for one period, after disclosure control. Every chart, table,
download and API answer of the lounge is built from :func:`publish` (or :func:`published_cells` in SQL
results), never from a mart directly.

The whole table of a period (every area of the level, every margin, the coarser areas) is protected at once;
filters then select rows from the protected table, so a filter that would single out a person shows a
suppressed cell, and two filters cannot be differenced.

Every published count and sum is then perturbed (:mod:`jichitai.lounge.cellkey`, value-keyed: the marts hold
cells, not people): the same cell with the same true value always shows the same figure — a saved page, a
dashboard and the API agree, asking again gains nothing — while a cell whose value changed by one person (an
as-of snapshot against another, a saved page against the live one, a tax 更正) gets fresh noise, so the
difference of the two is not that person. Margins are perturbed like any cell (they do not add up exactly);
rates and means are computed from the perturbed figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from jichitai.lounge import cellkey
from jichitai.lounge.areas import CITY_NAME, ward_label
from jichitai.lounge.disclosure import TOTAL, Dimension, cube, protect, protect_mean, protect_ratio
from jichitai.lounge.errors import UnknownPeriod
from jichitai.lounge.indicators import LABELS, Indicator

SUPPRESSED = "*"
# the columns :func:`_derive` adds per indicator (rates and means from the protected counts), with their words
DERIVED: dict[str, tuple[tuple[str, str], ...]] = {
    "population": (("total", "人口"), ("aging_rate", "高齢化率（%）"),
                   ("dependency", "老年人口指数（65歳以上÷15〜64歳×100）")),
    "vital_events": (("births", "出生"), ("deaths", "死亡"), ("natural_change", "自然増減")),
    "migration": (("in", "転入"), ("out", "転出"), ("net", "社会増減")),
    "ward_migration": (("in", "転入計"), ("out", "転出計"), ("net", "純移動")),
    "tax_by_ward": (("value", "納税義務者数"), ("income_per", "1人あたり課税標準額（円）"),
                    ("levy_per", "1人あたり所得割（円）")),
    "declarations": (("value", "件数"), ("auto_share", "自動審査率（%）"), ("decision_days", "平均処理日数"),
                     ("queue_days", "平均滞留日数")),
    "child_allowance": (("value", "児童数"), ("amount", "月額合計（円）"), ("per_child", "児童1人あたり月額（円）")),
}
DERIVED_COLUMNS: dict[str, tuple[str, ...]] = {slug: tuple(c for c, _ in cols) for slug, cols in DERIVED.items()}


@dataclass
class Published:
    indicator: str
    period: str
    columns: list[tuple[str, str]]  # (key, Japanese label)
    rows: list[dict[str, Any]]
    derived: list[dict[str, Any]] = field(default_factory=list)
    derived_columns: list[tuple[str, str]] = field(default_factory=list)
    k: int = 10

    def as_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "period": self.period, "k": self.k,
                "columns": [{"key": c, "label": lab} for c, lab in self.columns], "rows": self.rows,
                "derived_columns": [{"key": c, "label": lab} for c, lab in self.derived_columns],
                "derived": self.derived}


def period_text(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def periods(ind: Indicator, mart: pa.Table) -> list[str]:
    if mart.num_rows == 0:
        return []
    return [period_text(v) for v in sorted(set(mart[ind.period].to_pylist()))]


def _parse(ind: Indicator, text: str) -> object:
    try:
        return dt.date.fromisoformat(text) if ind.period == "ref_date" else int(text)
    except ValueError:
        raise UnknownPeriod(text) from None


def label(column: str, value: object) -> str:
    if value == TOTAL:
        return CITY_NAME if column in ("ward_code", "town_code") else "計"
    if column == "ward_code" or (column == "town_code" and str(value).isdigit() and len(str(value)) == 5):
        return ward_label(value)
    return LABELS.get(column, {}).get(value, str(value))


def _dimensions(ind: Indicator, mart: pa.Table) -> list[Dimension]:
    out = []
    for d in ind.dims:
        values = d.values or tuple(sorted(set(mart[d.column].to_pylist()), key=str))
        parent: dict[Hashable, Hashable] = dict(d.parent)
        if d.parent_column:
            for leaf, up in zip(mart[d.column].to_pylist(), mart[d.parent_column].to_pylist(), strict=True):
                parent[leaf] = up
        out.append(Dimension(d.column, tuple(values), parent))
    return out


def perturbed(secret: str, n: int | None, sums: dict[str, int], *cell: object) -> tuple[int | None, dict[str, int]]:
    """A published count and its sums with cell-key noise keyed by the cell's coordinates and true values."""
    if not secret:
        raise ValueError("publishing needs the cell-key secret (services.cell_key_secret)")
    if n is None or n <= 0:
        return n, sums
    key = cellkey.value_key(secret, *cell)
    mean = [abs(v) / n for v in sums.values()]
    out = {c: cellkey.perturb_magnitude(v, key, f"sum:{c}={v}", [m, m]) for (c, v), m in zip(sums.items(), mean,
                                                                                              strict=True)}
    return cellkey.perturb_count(n, key, f"count={n}"), out


def publish(ind: Indicator, mart: pa.Table, period: str, k: int, secret: str,
            town_label: Callable[[object], str] | None = None) -> Published:
    """The indicator's protected table for ``period`` (ISO date or year); ``town_label`` names a 町字 (from the
    city's 住所辞書: 「中央区 三宮町一丁目」) in the ``town_code_label`` every page, download and the API show."""
    value = _parse(ind, period)
    rows_now = mart.filter(pc.equal(mart[ind.period], pa.scalar(value, mart.schema.field(ind.period).type)))
    if rows_now.num_rows == 0 and mart.num_rows and period not in periods(ind, mart):
        raise UnknownPeriod(period)
    dims = _dimensions(ind, mart)
    parts = sorted(set(rows_now[ind.partition].to_pylist())) if ind.partition else [None]
    if ind.partition and not parts:
        parts = sorted(set(mart[ind.partition].to_pylist()))
    columns = [(d.column, d.label) for d in ind.dims]
    if ind.partition:
        columns = [(ind.partition, "区分"), *columns]
    columns += [("value", ind.measure_label)] + [(c, lab) for c, lab in ind.sums]
    out_rows: list[dict[str, Any]] = []
    for part in parts:
        sub = rows_now if part is None else rows_now.filter(pc.equal(rows_now[ind.partition], part))
        keys = list(zip(*(sub[d.name].to_pylist() for d in dims), strict=True))
        counts: dict[tuple[Hashable, ...], int] = {}
        sums: dict[str, dict[tuple[Hashable, ...], int]] = {c: {} for c, _ in ind.sums}
        for i, key in enumerate(keys):
            counts[key] = counts.get(key, 0) + int(sub[ind.measure][i].as_py() or 0)
            for c, _ in ind.sums:
                sums[c][key] = sums[c].get(key, 0) + int(sub[c][i].as_py() or 0)
        cells, constraints = cube(counts, dims)
        protected = protect(cells, constraints, k)
        sum_cells = {c: cube(sums[c], dims)[0] for c, _ in ind.sums}
        for key, n in protected.values.items():
            row: dict[str, Any] = {}
            if ind.partition:
                row[ind.partition] = part
            for d, v in zip(ind.dims, key, strict=True):
                row[d.column] = v
                row[f"{d.column}_label"] = (town_label(v) if town_label and d.column == "town_code" and v != TOTAL
                                            else label(d.column, v))
            shown = n is not None and n >= k
            row["value"], noisy = perturbed(secret, n, {c: sum_cells[c][key] for c, _ in ind.sums if shown},
                                            ind.slug, part, key)
            for c, _ in ind.sums:
                row[c] = noisy[c] if shown else None
            out_rows.append(row)
    result = Published(ind.slug, period, columns, out_rows, k=k)
    _derive(ind, result)
    return result


def cell(result: Published, **where: Any) -> dict[str, Any] | None:
    for row in result.rows:
        if all(row.get(c) == v for c, v in where.items()):
            return row
    return None


def _v(row: dict[str, Any] | None, key: str = "value") -> Any:
    return None if row is None else row.get(key)


def _round(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(x, digits)


def _derive(ind: Indicator, r: Published) -> None:
    k = r.k
    wards = sorted({row["ward_code"] for row in r.rows if "ward_code" in row}, key=lambda w: (w == TOTAL, w))
    if ind.slug == "population":
        r.derived_columns = [("ward_code", "区"), *DERIVED[ind.slug]]
        for w in wards:
            total = _v(cell(r, ward_code=w, sex=TOTAL, age_band=TOTAL))
            old = _v(cell(r, ward_code=w, sex=TOTAL, age_band="65歳以上"))
            work = _v(cell(r, ward_code=w, sex=TOTAL, age_band="15〜64歳"))
            r.derived.append({"ward_code": w, "ward_code_label": label("ward_code", w), "total": total,
                              "aging_rate": _round(protect_ratio(old, total, k, 100)),
                              "dependency": _round(protect_ratio(old, work, k, 100))})
    elif ind.slug == "vital_events":
        r.derived_columns = [("ward_code", "区"), *DERIVED[ind.slug]]
        for w in wards:
            b = _v(cell(r, ward_code=w, kind="birth"))
            d = _v(cell(r, ward_code=w, kind="death"))
            r.derived.append({"ward_code": w, "ward_code_label": label("ward_code", w), "births": b, "deaths": d,
                              "natural_change": None if b is None or d is None else b - d})
    elif ind.slug == "migration":
        r.derived_columns = [("move_class", "移動元・移動先"), *DERIVED[ind.slug]]
        for c in ("県内", "県外", "国外", TOTAL):
            i = _v(cell(r, direction="転入", move_class=c, age_band=TOTAL))
            o = _v(cell(r, direction="転出", move_class=c, age_band=TOTAL))
            r.derived.append({"move_class": c, "move_class_label": label("move_class", c), "in": i, "out": o,
                              "net": None if i is None or o is None else i - o})
    elif ind.slug == "ward_migration":
        r.derived_columns = [("ward_code", "区"), *DERIVED[ind.slug]]
        for w in wards:
            ins = [_v(cell(r, flow=f, ward_code=w)) for f in ("市外から転入", "他区から転入")]
            outs = [_v(cell(r, flow=f, ward_code=w)) for f in ("市外へ転出", "他区へ転出")]
            i = None if None in ins else sum(x or 0 for x in ins)
            o = None if None in outs else sum(x or 0 for x in outs)
            r.derived.append({"ward_code": w, "ward_code_label": label("ward_code", w), "in": i, "out": o,
                              "net": None if i is None or o is None else i - o})
    elif ind.slug == "tax_by_ward":
        r.derived_columns = [("ward_code", "区"), *DERIVED[ind.slug]]
        for w in wards:
            row = cell(r, ward_code=w)
            n = _v(row)
            r.derived.append({"ward_code": w, "ward_code_label": label("ward_code", w), "value": n,
                              "income_per": _round(protect_mean(_v(row, "taxable_income"), n, k), 0),
                              "levy_per": _round(protect_mean(_v(row, "income_levy"), n, k), 0)})
    elif ind.slug == "declarations":
        r.derived_columns = [("channel", "受付方法"), *DERIVED[ind.slug]]
        for ch in ("online", "paper", TOTAL):
            total = cell(r, channel=ch, outcome=TOTAL)
            auto = _v(cell(r, channel=ch, outcome="auto_accepted"))
            pending = cell(r, channel=ch, outcome="pending")
            decided = _v(total, "decided")
            r.derived.append({
                "channel": ch, "channel_label": label("channel", ch), "value": _v(total),
                "auto_share": _round(protect_ratio(auto, decided, k, 100)),
                "decision_days": _round(protect_mean(_v(total, "decision_days"), decided, k)),
                "queue_days": _round(protect_mean(_v(pending, "pending_days"), _v(pending), k)),
            })
    elif ind.slug == "child_allowance":
        r.derived_columns = [("ward_code", "区"), *DERIVED[ind.slug]]
        for w in wards:
            row = cell(r, ward_code=w)
            r.derived.append({"ward_code": w, "ward_code_label": label("ward_code", w), "value": _v(row),
                              "amount": _v(row, "amount"),
                              "per_child": _round(protect_mean(_v(row, "amount"), _v(row), k), 0)})
