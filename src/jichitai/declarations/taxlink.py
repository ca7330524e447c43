"""The tax engine, as the declarations context uses it: compute a case, or a person's 合計所得金額.

The engine (jichitai.tax.calc.calculate on the tax case format) is pure computation; a failure to compute
(an impossible case) is reported as ``None`` with the engine's message, never guessed.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

from jichitai.common.errors import JichitaiError
from jichitai.declarations.domain.facts import EngineRefusal

UNAVAILABLE = EngineRefusal("", "税額計算エンジンが利用できません")


def _calculate() -> Any:
    try:
        return import_module("jichitai.tax.calc").calculate
    except (ImportError, AttributeError):  # the engine is built in parallel; without it nothing is computed
        return None


def compute(case: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """(result, "") or (None, reason)."""
    answer = compute_checked(case)
    return (None, answer.message) if isinstance(answer, EngineRefusal) else (answer, "")


def refusal_of(exc: JichitaiError) -> EngineRefusal:
    return EngineRefusal(str(exc.fields.get("field") or getattr(exc, "field", "") or ""), exc.message)


def compute_checked(case: dict[str, Any]) -> dict[str, Any] | EngineRefusal:
    """The engine's answer, or its refusal with the field it names."""
    calculate = _calculate()
    if calculate is None:
        return UNAVAILABLE
    try:
        return dict(calculate(engine_case(case)))
    except JichitaiError as exc:
        return refusal_of(exc)


def engine_case(case: dict[str, Any]) -> dict[str, Any]:
    """The case as the engine takes it: the declaration's extra keys (names, 個人番号) removed."""
    out = {k: v for k, v in case.items() if k not in ("spouse", "dependents")}
    keep = ("birth_date", "total_income", "cohabiting", "relation", "disability")
    if case.get("spouse"):
        out["spouse"] = {k: v for k, v in case["spouse"].items() if k in keep and k not in ("cohabiting", "relation")}
    out["dependents"] = [{k: v for k, v in d.items() if k in keep} for d in case.get("dependents") or []]
    return out


def _income_case(fiscal_year: int, birth_date: dt.date | None, income: dict[str, int]) -> dict[str, Any]:
    return {
        "fiscal_year": fiscal_year,
        "taxpayer": {"birth_date": (birth_date or dt.date(fiscal_year - 41, 1, 1)).isoformat()},
        "income": {"salary": 0, "public_pension": 0, "business": 0, "misc_other": 0, **income},
        "deductions": {}, "spouse": None, "dependents": [], "donations": {"furusato": 0, "other": 0},
    }


def total_income(fiscal_year: int, birth_date: dt.date | None, income: dict[str, int]) -> int | None:
    """合計所得金額 of a person with these incomes (for a claimed spouse or dependant)."""
    if not any(income.values()):
        return 0
    result, _ = compute(_income_case(fiscal_year, birth_date, income))
    return None if result is None else int(result["total_income"])


SUMMARY = ("total", "total_income", "taxable_income", "exempt_per_capita", "exempt_income_levy",
           "city_income_levy", "pref_income_levy")


def compute_many(cases: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
    """Many cases at once through the engine's vectorised path (the same arithmetic as :func:`compute`);
    each answer is the summary (:data:`SUMMARY`), without the explanation. A case the engine refuses → None."""
    return [None if isinstance(a, EngineRefusal) else a for a in compute_many_checked(cases)]


def compute_many_checked(cases: list[dict[str, Any]]) -> list[dict[str, Any] | EngineRefusal]:
    """:func:`compute_many` with each refusal kept (the field and the engine's message): one refused case
    refuses only itself; a year the engine refuses as a whole refuses its cases."""
    if not cases:
        return []
    try:
        calc = import_module("jichitai.tax.calc")
        explain = import_module("jichitai.tax.calc.explain")
        parse_case = import_module("jichitai.tax.case").parse_case
    except ImportError:
        return [UNAVAILABLE] * len(cases)
    out: list[dict[str, Any] | EngineRefusal] = [UNAVAILABLE] * len(cases)
    parsed: dict[int, Any] = {}
    for i, case in enumerate(cases):
        try:
            parsed[i] = parse_case(engine_case(case))
        except JichitaiError as exc:
            out[i] = refusal_of(exc)
    by_year: dict[int, list[int]] = {}
    for i, c in parsed.items():
        by_year.setdefault(c.fiscal_year, []).append(i)
    for year, rows in by_year.items():
        try:
            taxpayers, relatives = explain.case_tables([parsed[i] for i in rows])
            cols = calc.calculate_many(taxpayers, relatives, fiscal_year=year)
        except JichitaiError as exc:
            for i in rows:
                out[i] = refusal_of(exc)
            continue
        for j, i in enumerate(rows):
            out[i] = {k: cols[k][j].item() for k in SUMMARY}
    return out


def total_incomes(fiscal_year: int, people: list[tuple[dt.date | None, dict[str, int]]]) -> list[int | None]:
    """:func:`total_income` for many people in one engine call."""
    answers = compute_many([_income_case(fiscal_year, birth, income) for birth, income in people])
    return [None if a is None else int(a["total_income"]) for a in answers]
