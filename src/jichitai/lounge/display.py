"""How a lounge figure reads on a page: 12,468人, 4,825,000円, 31.2%, and a suppressed cell as 「秘匿」 (never
blank, never a bare asterisk). One place, used by the template filter and the tables built in the views; what
the figures are is decided by :mod:`jichitai.lounge.publish`, only their text here."""

from __future__ import annotations

import datetime as dt

SUPPRESSED_TEXT = "秘匿"
SUPPRESSED_NOTE = ("「秘匿」は、人数が少なく個人が特定されるおそれがあるため、または合計などから逆算されないよう"
                   "あわせて伏せた値です。率・平均は、元になる人数が秘匿のときや少ないときに秘匿します。")

# the unit of a published column, by its key (the measure ``value`` takes the indicator's unit)
UNITS: dict[str, str] = {
    "amount": "円", "taxable_income": "円", "income_levy": "円", "income_per": "円", "levy_per": "円",
    "per_child": "円", "aging_rate": "%", "auto_share": "%", "dependency": "",
    "decision_days": "日", "queue_days": "日", "pending_days": "日", "decided": "件", "total": "人",
    "households": "世帯",
}


def unit_for(column: str, measure_unit: str) -> str:
    return UNITS.get(column, measure_unit)


def figure(value: object, unit: str = "") -> str:
    """``value`` with thousands separators and its unit; ``None`` (a suppressed cell) as 「秘匿」. Rates are
    published already multiplied by 100 and shown with one decimal and ``%``; yen are whole."""
    if value is None:
        return SUPPRESSED_TEXT
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if unit == "%":
        return f"{value:,.1f}%"
    if isinstance(value, float) and (unit == "円" or value.is_integer()):
        value = round(value)
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
    return f"{text}{unit}"


def period(text: str) -> str:
    """A period as a page names it: the reference date 「2024-01-01」 as 「2024年1月1日」 (statistical tables use
    西暦); a year or 年度 stays as published."""
    parts = text.split("-") if isinstance(text, str) else []
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日"
    return str(text)


def through(day: dt.date) -> str:
    """How far a year's figures go: 「3月末」 on a month's last day, else 「3月30日」."""
    if (day + dt.timedelta(days=1)).day == 1:
        return f"{day.month}月末"
    return f"{day.month}月{day.day}日"


def partial_note(period: str, whole: str, whole_figure: str) -> str:
    """Why a year so far is not compared with a whole year (docs/lounge.md, "A partial year")."""
    return (f"{period}：年の途中までの集計のため、通年の{whole}（{whole_figure}）とは比べていません"
            "（前年の同じ期間の集計は、通年の表との差し引きを防ぐため公表していません）。")


def heading(label: str) -> str:
    """A column heading without the unit its cells now carry: 「月額合計（円）」 → 「月額合計」."""
    for suffix in ("（円）", "（%）"):
        if label.endswith(suffix):
            return label[: -len(suffix)]
    return label


def change(current: object, previous: object, unit: str = "") -> str:
    """The change of a figure against the previous period as people read it: a count or an amount as a
    percentage of the previous figure (「+1.2%」), a rate (unit ``%``) in percentage points (「+0.3ポイント」:
    a percentage of a percentage would mislead). 「比較できません」 when either figure is suppressed or the
    previous one is zero or missing."""
    if not isinstance(current, int | float) or not isinstance(previous, int | float):
        return "比較できません（秘匿または前期なし）"
    if unit == "%":
        return f"{current - previous:+,.1f}ポイント"
    if previous == 0:
        return "比較できません（前期が0）"
    return f"{(current - previous) / abs(previous) * 100:+,.1f}%"
