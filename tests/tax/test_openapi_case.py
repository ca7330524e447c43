"""The tax calculation's case format is declared in the OpenAPI document (issue 18, item 5: every API input
described by its schema), from the parser's own tables so that the two cannot drift."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.tax.case import AMOUNTS, parse_case
from jichitai.tax.errors import TaxInputError


def _operation() -> dict[str, Any]:
    from jichitai.api import api

    return api.get_openapi_schema()["paths"]["/api/tax/calculate"]["post"]


def _at(schema: dict[str, Any], dotted: str) -> dict[str, Any]:
    node = schema
    for part in [p for p in dotted.split(".") if p]:
        node = node["properties"][part]
    return node


def test_the_tax_case_is_declared_in_the_openapi_document() -> None:
    """Consistency: every amount the parser reads is in the document where the parser reads it, with its
    bounds; the required items are marked; the 400 refusal is declared with the item it names."""
    op = _operation()
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert op["requestBody"]["required"] is True
    assert set(schema["required"]) == {"fiscal_year", "taxpayer"}
    assert _at(schema, "taxpayer")["required"] == ["birth_date"]
    for _, section, key in AMOUNTS:
        item = _at(schema, f"{section}.{key}")
        assert item["minimum"] == 0 and item["maximum"] >= 10**12 - 1, (section, key)
    dependant = schema["properties"]["dependents"]["items"]
    assert set(dependant["required"]) == {"birth_date", "total_income"}
    assert "field" in op["responses"][400]["content"]["application/json"]["schema"]["properties"]["fields"][
        "properties"]


@pytest.mark.parametrize("body", [{"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-01-01"}, "dependents": 0},
                                  {"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-01-01"}, "dependents": {}}])
def test_what_the_document_forbids_the_parser_refuses(body: dict[str, Any]) -> None:
    """Consistency: ``dependents`` is an array or null in the document; 0 or {} were read as "none"."""
    with pytest.raises(TaxInputError) as info:
        parse_case(body)
    assert info.value.fields["field"] == "dependents"
