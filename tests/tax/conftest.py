"""Helpers for the tax tests: the YAML cases a clerk can read; a small city with its reports (``city``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from jichitai.common.checkdigit import make_my_number
from jichitai.registry.domain import NewPerson
from jichitai.registry.services import apply, load_towns
from jichitai.tax import report_intake, reports
from tests.registry.conftest import TOWNS, move_in_command, protect  # noqa: F401  (protect: fixture)
from tests.tax.test_reports import salary_row

CASES = Path(__file__).parent / "cases"


def load_cases(name: str) -> list[dict[str, Any]]:
    with open(CASES / name, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, list)
    return data


def pick(answer: dict[str, Any], dotted: str) -> Any:
    value: Any = answer
    for part in dotted.split("."):
        value = value[part]
    return value


TARO = make_my_number(30000000001)
HANAKO = make_my_number(30000000002)
LATE = make_my_number(30000000003)


@pytest.fixture
def city(make_staff: Any) -> dict[str, str]:
    """Taro (salary 5,000,000 reported) and Hanako (no report) since 2025; Jiro arrived after 1月1日 2026."""
    load_towns(TOWNS)
    clerk = make_staff(roles=["counter"])
    first = apply(move_in_command(moved_on=dt.date(2025, 6, 1), notified_on=dt.date(2025, 6, 2), persons=(
        NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 5, 1), "M", "世帯主", my_number=TARO),
        NewPerson("青木 花子", "アオキ ハナコ", dt.date(1982, 12, 30), "F", "妻", my_number=HANAKO),
    )), actor=clerk)
    late = apply(move_in_command(moved_on=dt.date(2026, 2, 1), notified_on=dt.date(2026, 2, 2), town_code="281010001",
                                 persons=(NewPerson("東 次郎", "ヒガシ ジロウ", dt.date(1990, 1, 1), "M", "世帯主",
                                                    my_number=LATE),)), actor=clerk)
    store_report("eltax-1.csv", salary_row(my_number=TARO, name="青木 太郎", kana="アオキ タロウ"))
    store_report("eltax-2.csv", salary_row(my_number=LATE, name="東 次郎", kana="ヒガシ ジロウ"))
    return {"taro": first.atena_numbers[0], "hanako": first.atena_numbers[1], "jiro": late.atena_numbers[0]}


def store_report(name: str, *rows: dict[str, object]) -> None:
    report_intake.store_file("salary_report", reports.write_rows(reports.SALARY_REPORT, list(rows)).encode("cp932"),
                             name)
