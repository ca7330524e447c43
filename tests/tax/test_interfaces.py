"""The public contract: ``jichitai tax calc CASE.json`` and ``POST /api/tax/calculate`` (tax-case-format.md)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.tax.conftest import load_cases

NIIGATA = load_cases("worked_examples.yaml")[0]
URL = "/api/tax/calculate"


def test_cli_answers_the_case_json(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(NIIGATA["case"]), encoding="utf-8")
    out = io.StringIO()
    call_command("tax", "calc", str(path), stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["total"] == 194500
    assert answer["steps"][-1] == {"rule": "年税額", "basis": "地方税法第310条・第314条の3 ほか", "value": 194500}


def test_cli_without_municipality_uses_kobe(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-05-01"},
                                "income": {"salary": 5000000}, "deductions": {"social_insurance": 700000}}))
    out = io.StringIO()
    call_command("tax", "calc", str(path), "--compact", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["municipality"]["name"] == "神戸市"
    assert (answer["city_per_capita"], answer["pref_per_capita"], answer["forest_env_tax"]) == (3400, 1800, 1000)


def test_cli_refuses_bad_input_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-01-01"},
                                "income": {"salary": -5}}))
    with pytest.raises(CommandError, match=r"income\.salary"):
        call_command("tax", "calc", str(path))


@pytest.mark.django_db
def test_api_answers_for_a_tax_reviewer(login_as: Any) -> None:
    client = login_as("tax_reviewer")
    response = client.post(URL, data=json.dumps(NIIGATA["case"]), content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == 194500 and body["city_income_levy"] == 151600
    assert body["income_deductions"]["total"] == 1590000


@pytest.mark.django_db
def test_api_counter_clerk_may_calculate(login_as: Any) -> None:
    client = login_as("counter")
    response = client.post(URL, data=json.dumps(NIIGATA["case"]), content_type="application/json")
    assert response.status_code == 200


@pytest.mark.django_db
def test_api_refuses_other_roles_and_audits(login_as: Any) -> None:
    from jichitai.audit.models import AuditEntry

    client = login_as("analyst")
    response = client.post(URL, data=json.dumps(NIIGATA["case"]), content_type="application/json")
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="tax.calculate", outcome="refused").exists()


@pytest.mark.django_db
def test_api_requires_login(client: Any) -> None:
    response = client.post(URL, data=json.dumps(NIIGATA["case"]), content_type="application/json")
    assert response.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "field"), [
    (json.dumps({"fiscal_year": 2026, "taxpayer": {"birth_date": "2026-03-01"}}), "taxpayer.birth_date"),
    (json.dumps({"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-01-01", "disability": "x"}}),
     "taxpayer.disability"),
    ("{not json", "body"),
    (json.dumps({"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-01-01"}, "municipality": {"city_per_capita": "x"}}),
     "municipality.city_per_capita"),
    (json.dumps({"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-01-01", "widow": True}}), "taxpayer.sex"),
    (json.dumps({"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-01-01"},
                 "separate_income": {"land_short_term": 10**20}}), "separate_income.land_short_term"),
    (json.dumps({"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-01-01"}, "separate_income": [1]}),
     "separate_income"),
])
def test_api_answers_errors_precisely(login_as: Any, body: str, field: str) -> None:
    client = login_as("tax_reviewer")
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "tax_input" and error["fields"]["field"] == field and error["message"]


@pytest.mark.django_db
def test_api_partial_municipality_answers_with_what_it_assumed(login_as: Any) -> None:
    """Issue 19 item 4: a block with some figures is computed, the others at the statutory standard, listed."""
    client = login_as("tax_reviewer")
    case = {"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-05-01"}, "income": {"salary": 5_000_000},
            "municipality": {"designated_city": True, "city_per_capita": 3400}}
    response = client.post(URL, data=json.dumps(case), content_type="application/json")
    assert response.status_code == 200, response.content
    assumed = {a["field"]: a for a in response.json()["municipality"]["assumed"]}
    assert assumed["municipality.city_income_rate"]["value"] == "0.08"
    assert assumed["municipality.pref_per_capita"]["value"] == 1000 and "第38条" in assumed["municipality.pref_per_capita"]["basis"]
    assert "municipality.city_per_capita" not in assumed
