"""Every bad input is a clear refusal that changes nothing (issue 18, item 5): the cases the issue names and
their variants, through every entry point that takes them. Each refusal is 400 or 422, in Japanese, naming
the item; the database is the same afterwards.

Expected values are independent of our code where a rule is cited (文字要件: 住民記録システム標準仕様書 1.4;
住民票コード's check digit: 住民基本台帳法施行規則 第1条), otherwise they are the contract stated in the issue
(no coercion of types, no 500)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jichitai.registry.models import Resident, ResidentHistory
from tests.hub.conftest import hub_catalogue, make_system  # noqa: F401 (fixtures)
from tests.registry.conftest import towns  # noqa: F401 (fixture)
from tests.registry.test_api import MOVE_IN

pytestmark = pytest.mark.django_db

PERSON = MOVE_IN["persons"][0]
HOSTILE_TEXT = {
    "ESC": "青木\x1b[2J太郎", "NUL": "青木\x00太郎", "bidi override U+202E": "青木\u202e郎太",
    "bidi isolate U+2066": "青木\u2066太郎", "zero width space": "青木\u200b太郎", "BOM": "\ufeff青木太郎",
    "private use 外字": "青木\ue000郎", "line separator": "青木\u2028太郎", "newline": "青木\n太郎",
}


def _post(client: Any, path: str, body: Any) -> Any:
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body, ensure_ascii=False)
    return client.post(path, data=raw, content_type="application/json")


def _refused_in_japanese(response: Any, field: str | None = None) -> dict[str, Any]:
    assert response.status_code in (400, 422), (response.status_code, response.content[:300])
    body = response.json()
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body
    if field is not None:
        assert body["fields"]["field"] == field, body
    return body


def _registry_unchanged() -> tuple[int, int]:
    return Resident.objects.count(), ResidentHistory.objects.count()


@pytest.fixture
def clerk_client(login_as: Any, towns: Any) -> Any:  # noqa: F811
    return login_as("counter", "tax_reviewer")


@pytest.mark.parametrize(("field", "value"), [
    ("persons[0].name", {"姓": "青木"}), ("persons[0].name", 12345), ("persons[0].name", ["青木"]),
    ("persons[0].name", True), ("persons[0].kana", 1.5), ("persons[0].birth_date", 19800107),
    ("persons[0].birth_date", "1980-01-07T00:00:00"), ("persons[0].sex", "X"), ("banchi", None),
    ("from_abroad", "false"), ("from_abroad", 0), ("from_abroad", "true"), ("persons", {"0": PERSON}),
    ("persons", "青木"), ("moved_on", "2026-02-30"), ("moved_on", "99999-01-01"),
])
def test_registry_api_refuses_wrong_types_instead_of_coercing_them(clerk_client: Any, field: str,
                                                                   value: Any) -> None:
    body: dict[str, Any] = json.loads(json.dumps(MOVE_IN))
    if field.startswith("persons[0]."):
        body["persons"][0][field.split(".", 1)[1]] = value
    else:
        body[field] = value
    before = _registry_unchanged()
    _refused_in_japanese(_post(clerk_client, "/api/registry/changes", body), field)
    assert _registry_unchanged() == before


@pytest.mark.parametrize("kind", sorted(HOSTILE_TEXT))
def test_registry_api_refuses_control_and_format_characters(clerk_client: Any, kind: str) -> None:
    body = {**MOVE_IN, "persons": [{**PERSON, "name": HOSTILE_TEXT[kind]}]}
    refused = _refused_in_japanese(_post(clerk_client, "/api/registry/changes", body), "persons[0].name")
    # a 外字 in a name is a character outside the 行政事務標準文字 (issue 22 item 3), named as such
    expected = "行政事務標準文字にありません" if kind == "private use 外字" else "使用できない文字"
    assert expected in refused["message"] and HOSTILE_TEXT[kind] not in refused["message"]
    assert _registry_unchanged() == (0, 0)


def test_registry_keeps_ideographic_variation_sequences(clerk_client: Any) -> None:
    """MJ glyphs are written as a base character plus a variation selector (文字要件): those are accepted."""
    body = {**MOVE_IN, "persons": [{**PERSON, "name": "\u8fbb\U000e0102 太郎"}]}
    assert _post(clerk_client, "/api/registry/changes", body).status_code == 201


@pytest.mark.parametrize(("field", "value", "message"), [
    ("persons[0].name", "葛\U000e0100西 太郎", "氏名の『葛\U000e0100』(U+845B U+E0100) は行政事務標準文字にありません"),
    ("persons[0].name", "青木 \U00020000太郎", None),
    ("persons[0].kana", "ｱｵｷ ﾀﾛｳ", "氏名フリガナの『ｱ』(U+FF71) は行政事務標準文字にありません"),
    ("katagaki", "ハイツ\ue000", "方書の『\ue000』(U+E000) は行政事務標準文字にありません"),
    ("previous_address", "大阪市北区梅田1丁目😀", "転入前住所の『😀』(U+1F600) は行政事務標準文字にありません"),
])
def test_registry_api_refuses_names_and_addresses_outside_the_standard_characters(
        clerk_client: Any, field: str, value: str, message: str | None) -> None:
    """文字要件 (標準仕様書 1.4; 行政事務標準文字, no 外字; issue 22 item 3). Independent: U+845B U+E0100 is an
    Adobe-Japan1 sequence (not in the MJ文字情報一覧表, whose 葛 are U+E0102–E0108), ｱ is JIS X 0201 half-width
    katakana, U+E000 private use, U+1F600 an emoji: none is an MJ or JIS X 0213 character; 422 names the item and
    the character, nothing is stored. U+20000 (𠀀) is MJ (MJ030312): accepted."""
    body: dict[str, Any] = json.loads(json.dumps(MOVE_IN))
    if field.startswith("persons[0]."):
        body["persons"][0][field.split(".", 1)[1]] = value
    else:
        body[field] = value
    response = _post(clerk_client, "/api/registry/changes", body)
    if message is None:
        assert response.status_code == 201, response.content[:300]
        return
    assert response.status_code == 422, response.content[:300]
    refused = _refused_in_japanese(response, field)
    assert refused["message"].startswith(message) or message in refused["message"], refused
    assert _registry_unchanged() == (0, 0)


@pytest.mark.parametrize(("field", "value"), [
    ("persons[0].name", "青" * 201), ("banchi", "1" * 101), ("katagaki", "号" * 201), ("note", "x" * 2001),
    ("previous_address", "大" * 301), ("persons[0].juminhyo_code", "12345678901"),
    ("persons[0].juminhyo_code", "1234567890"), ("persons[0].juminhyo_code", "１２３４５６７８９０３"),
    ("persons[0].my_number", "123456789012"), ("previous_municipality_code", "271"),
    ("setai_number", "000000000000018"), ("town_code", "28110000１"),
])
def test_registry_api_refuses_over_long_values_and_malformed_numbers(clerk_client: Any, field: str,
                                                                    value: str) -> None:
    body: dict[str, Any] = json.loads(json.dumps(MOVE_IN))
    if field.startswith("persons[0]."):
        body["persons"][0][field.split(".", 1)[1]] = value
    else:
        body[field] = value
    _refused_in_japanese(_post(clerk_client, "/api/registry/changes", body), field)
    assert _registry_unchanged() == (0, 0)


def test_a_valid_juminhyo_code_is_accepted(clerk_client: Any) -> None:
    body = {**MOVE_IN, "persons": [{**PERSON, "juminhyo_code": "12345678903"}]}
    assert _post(clerk_client, "/api/registry/changes", body).status_code == 201


@pytest.mark.parametrize("body", [
    [MOVE_IN], "[" * 50_000 + "]" * 50_000, '{"a":' * 50_000 + "1" + "}" * 50_000, "not json", b"\xff\xfe",
    {**MOVE_IN, "type": "DropTables"}, {**MOVE_IN, "type": {"x": 1}}, {k: v for k, v in MOVE_IN.items() if k != "type"},
    {**MOVE_IN, "relationships": ["a"]}, {"type": "CorrectRecord", "moved_on": "2026-11-20",
                                          "atena_number": "000000000000019", "changes": [["name", "x"]]},
    {"type": "CorrectRecord", "moved_on": "2026-11-20", "atena_number": "000000000000019",
     "changes": {"name": {"a": 1}}},
])
def test_registry_api_refuses_malformed_bodies_without_a_server_error(clerk_client: Any, body: Any) -> None:
    for path in ("/api/registry/changes", "/api/registry/pending"):
        _refused_in_japanese(_post(clerk_client, path, body))
    assert _registry_unchanged() == (0, 0)


CASE = {"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-01-01"}, "income": {"salary": 5_000_000}}


@pytest.mark.parametrize(("body", "field"), [
    ({**CASE, "fiscal_year": 99999}, "fiscal_year"), ({**CASE, "fiscal_year": -1}, "fiscal_year"),
    ({**CASE, "fiscal_year": "2026"}, "fiscal_year"), ({**CASE, "income": {"salary": 10**30}}, "income.salary"),
    ({**CASE, "income": {"salary": -1}}, "income.salary"), ({**CASE, "income": {"salary": 1.5}}, "income.salary"),
    ({**CASE, "taxpayer": {"birth_date": "1980-01-01", "disability": []}}, "taxpayer.disability"),
    ({**CASE, "taxpayer": {"birth_date": "1980-01-01", "disability": {"a": 1}}}, "taxpayer.disability"),
    ({**CASE, "taxpayer": {"birth_date": "1980-01-01", "disability": 1}}, "taxpayer.disability"),
    ({**CASE, "taxpayer": {"birth_date": "1980-01-01", "widow": "false"}}, "taxpayer.widow"),
    ({**CASE, "dependents": [{"birth_date": "2000-01-01", "total_income": 0, "relation": {"x": 1}}]},
     "dependents[0].relation"),
    ([CASE], "case"), ("[" * 50_000 + "]" * 50_000, "body"), ("nope", "body"),
])
def test_tax_api_refuses_out_of_range_and_wrong_types(clerk_client: Any, body: Any, field: str) -> None:
    _refused_in_japanese(_post(clerk_client, "/api/tax/calculate", body), field)


def test_hub_plain_feed_refuses_a_cursor_beyond_bigint(client: Any, make_system: Any) -> None:  # noqa: F811
    from jichitai.hub.models import API_KEY_PREFIX_LENGTH, hash_api_key

    key = "jk_badinput-" + "k" * 32
    system, _ = make_system(feeds={"atena-delta": None})
    system.api_key_prefix, system.api_key_hash = key[3:3 + API_KEY_PREFIX_LENGTH], hash_api_key(key)
    system.save()
    for after in ("9" * 40, "1e9", "-" * 3, "１２"):
        response = client.get("/hub/feeds/atena-delta", {"after": after}, headers={"X-Hub-Key": key})
        assert response.status_code == 400 and "after" in response.json()["message"], after
    response = client.get("/api/hub/feeds/atena-delta", {"after": "9" * 40}, headers={"X-Hub-Key": key})
    _refused_in_japanese(response, "after")


@pytest.mark.parametrize("kind", ["ESC", "bidi override U+202E", "NUL"])
def test_forms_refuse_control_characters_before_any_view(login_as: Any, towns: Any, kind: str) -> None:  # noqa: F811
    from tests.registry.ui.test_changes import MOVE_IN as FORM

    client = login_as("counter")
    response = client.post("/registry/changes/move-in/", {**FORM, "p1-name": HOSTILE_TEXT[kind]})
    assert response.status_code == 400 and "使用できない文字" in response.content.decode()
    assert _registry_unchanged() == (0, 0)
    assert client.get("/registry/", {"name": HOSTILE_TEXT[kind]}).status_code == 400
