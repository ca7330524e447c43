"""Law as data: the dated parameters of 個人住民税 and the municipalities' 条例 figures.

Each YAML file here holds parameters with a ``source`` (the article or ordinance) and a ``history`` of values,
each applying from the fiscal year ``from`` (年度: 2026 = 令和8年度) until the next entry. :func:`load` picks
the values for one fiscal year; :func:`municipality` the city's figures (Kobe by default, or the case
format's ``municipality`` block through :func:`municipality_from_block`). Pure: no Django.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from jichitai.common.money import rate
from jichitai.tax.errors import TaxInputError, UnsupportedFiscalYear

HERE = Path(__file__).parent
LAW_FILES = ("income.yaml", "deductions.yaml", "credits.yaml", "separate.yaml")
# The fiscal years whose rules were checked against published sources (令和7年度, 令和8年度). A later year
# is refused rather than computed with rules that may since have changed (nothing guessed).
SUPPORTED_YEARS = (2025, 2026)


def _read(name: str) -> dict[str, Any]:
    with open(HERE / name, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict)
    return data


def _pick(history: list[dict[str, Any]], fiscal_year: int, name: str) -> Any:
    chosen = None
    for entry in sorted(history, key=lambda e: int(e["from"])):
        if int(entry["from"]) <= fiscal_year:
            chosen = entry
    if chosen is None:
        raise UnsupportedFiscalYear(f"{fiscal_year}年度の「{name}」の定めがありません。", parameter=name)
    return chosen["value"]


@dataclass(frozen=True)
class Parameters:
    """The law's values for one fiscal year: ``p["basic"]``, and ``p.source("basic")`` for its legal basis."""

    fiscal_year: int
    values: dict[str, Any]
    sources: dict[str, str]
    labels: dict[str, str]
    version: str

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def source(self, key: str) -> str:
        return self.sources[key]


def _check_year(fiscal_year: int) -> None:
    if fiscal_year not in SUPPORTED_YEARS:
        years = "・".join(str(y) for y in SUPPORTED_YEARS)
        raise UnsupportedFiscalYear(
            f"{fiscal_year}年度の税額は計算できません (対応している年度: {years})。", fiscal_year=fiscal_year
        )


@lru_cache(maxsize=8)
def load(fiscal_year: int) -> Parameters:
    """The parameters applying to ``fiscal_year``; ``version`` fingerprints the law files used."""
    _check_year(fiscal_year)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    labels: dict[str, str] = {}
    digest = hashlib.sha256()
    for name in LAW_FILES:
        digest.update((HERE / name).read_bytes())
        for key, spec in _read(name).items():
            try:
                values[key] = _pick(spec["history"], fiscal_year, key)
            except UnsupportedFiscalYear:
                continue  # a rule that does not exist yet in this year (特定親族特別控除 before 2026)
            sources[key] = " ".join(str(spec["source"]).split())
            labels[key] = str(spec.get("label", key))
    return Parameters(fiscal_year, values, sources, labels, f"{fiscal_year}-{digest.hexdigest()[:12]}")


@dataclass(frozen=True)
class Municipality:
    """A city's 条例 figures for one fiscal year. Rates are exact fractions."""

    code: str
    name: str
    designated_city: bool
    city_income_rate: Fraction
    pref_income_rate: Fraction
    city_per_capita: int
    pref_per_capita: int
    forest_env_tax: int
    exempt_base: int
    exempt_add: int
    exempt_dependent_add_per_capita: int
    exempt_dependent_add_income: int
    income_exempt_base: int
    assumed: tuple[str, ...] = ()  # the fields a partial ``municipality`` block left to the statutory standard


AMOUNT_FIELDS = (
    "city_per_capita", "pref_per_capita", "forest_env_tax", "exempt_base", "exempt_add",
    "exempt_dependent_add_per_capita", "exempt_dependent_add_income", "income_exempt_base",
)
RATE_FIELDS = ("city_income_rate", "pref_income_rate")


# A rate's exact fraction may have at most this denominator: money × numerator stays well inside int64.
MAX_RATE_DENOMINATOR = 10**6
# No figure of a 条例 is this large; above it an amount is refused as absurd (and could overflow int64).
MAX_MUNICIPAL_AMOUNT = 10**9


def _rate_of(value: Any, field: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TaxInputError(f"{field} は数値または小数の文字列で指定してください。", field=field)
    if len(str(value)) > 24:
        raise TaxInputError(f"{field} の値が長すぎます (小数点以下6桁まで)。", field=field)
    try:
        # a float is read through its shortest decimal text (0.08 → "0.08"), never as a binary fraction
        r = rate(repr(value) if isinstance(value, float) else str(value))
    except (ValueError, ZeroDivisionError, ArithmeticError):
        raise TaxInputError(f"{field} の値 {value!r} を税率として読めません。", field=field) from None
    if not 0 <= r < 1:
        raise TaxInputError(f"{field} は0以上1未満の税率でなければなりません。", field=field)
    if r.denominator > MAX_RATE_DENOMINATOR:
        raise TaxInputError(f"{field} の値 {value!r} は細かすぎます (小数点以下6桁まで)。", field=field)
    return r


@lru_cache(maxsize=1)
def standard_figures() -> dict[str, Any]:
    """The statutory standard figures (``municipalities.yaml`` ``standard``) a partial block falls back to."""
    return dict(_read("municipalities.yaml")["standard"])


STANDARD_BASIS = {
    "designated_city": "指定都市でない市町村として計算",
    "city_income_rate": "標準税率 (地方税法第314条の3)", "pref_income_rate": "標準税率 (地方税法第35条)",
    "city_per_capita": "標準税率 3,000円 (地方税法第310条)", "pref_per_capita": "標準税率 1,000円 (地方税法第38条)",
    "forest_env_tax": "1,000円 (森林環境税及び森林環境譲与税に関する法律第4条)",
    "exempt_base": "1級地 35万円 (地方税法第295条第3項, 施行令第47条の3)", "exempt_add": "10万円 (1級地)",
    "exempt_dependent_add_per_capita": "21万円 (1級地)",
    "exempt_dependent_add_income": "32万円 (地方税法附則第3条の3)", "income_exempt_base": "35万円 (地方税法附則第3条の3)",
}


def municipality_from_block(block: dict[str, Any], *, code: str = "", name: str = "") -> Municipality:
    """The case format's ``municipality`` block, each given field checked; a field left out takes the statutory
    standard (標準税率, 1級地 thresholds, the standard 均等割) and is listed in ``assumed``."""
    if not isinstance(block, dict):
        raise TaxInputError("municipality はオブジェクトで指定してください。", field="municipality")
    std = standard_figures()
    assumed: list[str] = []
    designated = block.get("designated_city")
    if designated is None:
        designated = bool(std["designated_city"])
        assumed.append("designated_city")
    elif not isinstance(designated, bool):
        raise TaxInputError("municipality.designated_city は true/false で指定してください。",
                            field="municipality.designated_city")
    rates: dict[str, Any] = {}
    for f in RATE_FIELDS:
        if block.get(f) is None:
            rates[f] = rate(str(std["designated" if designated else "ordinary"][f]))
            assumed.append(f)
        else:
            rates[f] = _rate_of(block[f], f"municipality.{f}")
    amounts: dict[str, Any] = {}
    for f in AMOUNT_FIELDS:
        v = block.get(f)
        if v is None:
            amounts[f] = int(std[f])
            assumed.append(f)
            continue
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_MUNICIPAL_AMOUNT:
            raise TaxInputError(f"municipality.{f} は0以上{MAX_MUNICIPAL_AMOUNT:,}以下の整数(円)で指定してください。",
                                field=f"municipality.{f}")
        amounts[f] = v
    for key in ("code", "name"):
        if block.get(key) is not None and not isinstance(block[key], str | int):
            raise TaxInputError(f"municipality.{key} は文字列で指定してください。", field=f"municipality.{key}")
    return Municipality(code=code or str(block.get("code") or ""), name=name or str(block.get("name") or ""),
                        designated_city=designated, **rates, **amounts, assumed=tuple(assumed))


@lru_cache(maxsize=32)
def municipality(code: str | None = None, fiscal_year: int = 2026) -> Municipality:
    """The configured city's figures (``code`` = 全国地方公共団体コード; None = the file's default, Kobe)."""
    _check_year(fiscal_year)
    data = _read("municipalities.yaml")
    code = code or str(data["default"])
    spec = data["municipalities"].get(code)
    if spec is None:
        raise TaxInputError(f"団体コード {code} の税率等が登録されていません。", field="municipality")
    value = _pick(spec["history"], fiscal_year, f"municipality {code}")
    block = {"designated_city": bool(spec["designated_city"]), **value}
    return municipality_from_block(block, code=code, name=str(spec["name"]))
