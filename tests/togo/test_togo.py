"""団体内統合宛名 (地方公共団体情報システム共通機能標準仕様書 §2.4, as summarised in ../shared/reference/
standards-2026.md §1; the function described in tex2e.github.io/blog/protocol/mynumber-johorenkei quoting 第2.0版):
one 団体内統合宛名番号 for every resident and 住登外者, each system's table from its own 宛名番号, conversion
both ways through the hub's API, every access audited, 個人番号 only to 番号利用事務 (番号法第9条)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from jichitai.audit.models import AuditEntry
from jichitai.common.checkdigit import is_valid_modulus11
from jichitai.togo.models import SystemAtena, TogoAtena

pytestmark = pytest.mark.django_db


def _standard(code: str, my_number: bool = False) -> tuple[Any, str]:
    from jichitai.hub.catalogue import grant
    from jichitai.hub.models import System

    system = System.objects.get(code=code)
    system.may_use_my_number = my_number
    key = system.issue_api_key()
    system.save()
    grant(system, "togo", purpose="テスト")
    return system, key


def _post(client: Any, path: str, key: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/togo/{path}", body, content_type="application/json", HTTP_X_HUB_KEY=key)


@pytest.fixture
def people(towns: Any, clerk: Any, jutogai: Callable[..., Any], hub_catalogue: None) -> dict[str, str]:
    from jichitai.registry.services import apply
    from tests.registry.conftest import move_in_command

    taro, hanako = apply(move_in_command(), actor=clerk).atena_numbers  # 太郎 has a 個人番号
    return {"taro": taro, "hanako": hanako, "owner": jutogai().number}


def test_everyone_gets_one_number_and_a_rerun_adds_none(people: dict[str, str], capsys: Any) -> None:
    """§2.4 (団体内統合宛名番号を付番) — independent: one number per resident and per 住登外者, distinct, 15 digits
    with the modulus-11 check digit; running again numbers nobody twice."""
    call_command("togo", "assign")
    assert "住民 2件、住登外者 1件" in capsys.readouterr().out
    rows = list(TogoAtena.objects.values_list("togo_number", "kind", "local_number"))
    assert sorted((k, n) for _, k, n in rows) == sorted([("resident", people["taro"]), ("resident", people["hanako"]),
                                                          ("jutogai", people["owner"])])
    assert len({t for t, _, _ in rows}) == 3 and all(is_valid_modulus11(t) for t, _, _ in rows)
    call_command("togo", "assign")
    assert TogoAtena.objects.count() == 3


def test_a_standard_system_converts_both_ways_without_a_table(client: Any, people: dict[str, str]) -> None:
    """§2.4: standard systems keep the city-wide numbers and do not hold the 統合宛名番号; the function converts
    宛名番号 → 統合宛名番号 → 宛名番号 (an unknown number: null), and audits each conversion with the people."""
    system, key = _standard("kokuho")
    r = _post(client, "to-togo", key, {"system_atena_numbers": [people["taro"], people["owner"], "999"]})
    assert r.status_code == 200, r.content
    taro, owner, unknown = r.json()["results"]
    assert unknown is None and taro["kind"] == "resident" and owner["kind"] == "jutogai"
    back = _post(client, "from-togo", key, {"togo_numbers": [taro["togo_number"], owner["togo_number"]]}).json()
    assert [x["system_atena_number"] for x in back["results"]] == [people["taro"], people["owner"]]
    entries = AuditEntry.objects.filter(actor=f"system:{system.code}", action__in=["togo.to_togo", "togo.from_togo"])
    assert entries.count() == 2 and all(e.detail["count"] >= 2 for e in entries)


def test_a_city_system_registers_its_own_numbers_first(client: Any, people: dict[str, str],
                                                       make_system: Callable[..., Any]) -> None:
    """§2.4 (宛名番号と団体内統合宛名番号の対応): a 独自施策システム's own 宛名番号 converts only once registered in its
    table; the same own number for another person is refused (409); another system's table is not visible."""
    system, key = make_system(feeds={"togo": None})
    assert _post(client, "to-togo", key, {"system_atena_numbers": ["C-1"]}).json()["results"] == [None]
    r = _post(client, "links", key, {"system_atena_number": "C-1", "kind": "resident", "local_number": people["hanako"]})
    assert r.status_code == 200 and r.json()["system_atena_number"] == "C-1"
    togo = r.json()["togo_number"]
    assert _post(client, "to-togo", key, {"system_atena_numbers": ["C-1"]}).json()["results"][0]["togo_number"] == togo
    r = _post(client, "links", key, {"system_atena_number": "C-1", "kind": "jutogai", "local_number": people["owner"]})
    assert r.status_code == 409 and r.json()["code"] == "linked_elsewhere"
    _, other_key = make_system(feeds={"togo": None})
    assert _post(client, "from-togo", other_key, {"togo_numbers": [togo]}).json()["results"][0]["system_atena_number"] == ""
    assert SystemAtena.objects.filter(system=system).count() == 1


def test_my_number_only_for_a_system_of_my_number_work(client: Any, people: dict[str, str]) -> None:
    """番号法第9条 (個人番号利用事務) — independent: the 国保 system marked 個人番号利用事務 gets 太郎's 個人番号 as
    registered (123456789018); the 選挙 system is refused (403, audited) and gets nothing; a 住登外者's is null."""
    _, kokuho = _standard("kokuho", my_number=True)
    senkyo, senkyo_key = _standard("senkyo")
    togo = [r["togo_number"] for r in _post(client, "to-togo", kokuho, {
        "system_atena_numbers": [people["taro"], people["owner"]]}).json()["results"]]
    got = _post(client, "from-togo", kokuho, {"togo_numbers": togo, "my_number": True}).json()["results"]
    assert [g["my_number"] for g in got] == ["123456789018", None]
    r = _post(client, "from-togo", senkyo_key, {"togo_numbers": togo, "my_number": True})
    assert r.status_code == 403 and r.json()["code"] == "my_number_refused" and "123456789018" not in r.content.decode()
    assert AuditEntry.objects.filter(actor=f"system:{senkyo.code}", action="togo.from_togo", outcome="refused").exists()


def test_no_credentials_no_conversion(client: Any, people: dict[str, str]) -> None:
    r = client.post("/api/togo/to-togo", {"system_atena_numbers": [people["taro"]]}, content_type="application/json")
    assert r.status_code == 401 and TogoAtena.objects.count() == 0
