"""The registry API: permission per route, audited reads, 異動 posted as JSON, precise errors, OpenAPI."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry.models import Resident
from tests.registry.conftest import TOWNS
from tests.staff_login import log_in_verified

pytestmark = pytest.mark.django_db

MOVE_IN = {
    "type": "RecordMoveIn", "moved_on": "2026-11-01", "notified_on": "2026-11-05", "town_code": "281100001",
    "banchi": "1番地", "previous_address": "大阪府大阪市北区梅田1丁目", "previous_municipality_code": "27127",
    "persons": [{"name": "青木 太郎", "kana": "アオキ タロウ", "birth_date": "1980-01-07", "sex": "M",
                 "relationship": "世帯主"}],
}


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, data=json.dumps(body, ensure_ascii=False), content_type="application/json")


@pytest.fixture
def loaded(db: Any) -> None:
    from jichitai.registry.services import load_towns

    load_towns(TOWNS)


def test_post_move_in_then_read(login_as: Any, loaded: None) -> None:
    client = login_as("counter")
    response = _post(client, "/api/registry/changes", MOVE_IN)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reason"] == "move_in_domestic" and body["reason_label"] == "国内転入"
    atena = body["atena_numbers"][0]
    found = client.get("/api/registry/residents", {"kana": "あおき"}).json()
    assert [r["atena_number"] for r in found] == [atena]
    one = client.get(f"/api/registry/residents/{atena}").json()
    assert one["resident"]["name"] == "青木 太郎" and "my_number" not in one["resident"]
    assert one["history"][0]["reason"] == "move_in_domestic"
    setai = body["setai_numbers"][0]
    assert [m["atena_number"] for m in client.get(f"/api/registry/households/{setai}").json()] == [atena]
    assert AuditEntry.objects.filter(action="registry.view", resource=f"resident:{atena}").exists()


def test_refusal_is_precise_and_changes_nothing(login_as: Any, loaded: None) -> None:
    client = login_as("counter")
    response = _post(client, "/api/registry/changes", {**MOVE_IN, "town_code": "999"})
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_town" and "住所辞書" in response.json()["message"]
    response = _post(client, "/api/registry/changes", {**MOVE_IN, "moved_on": "2026-13-01"})
    assert response.status_code == 422 and response.json()["fields"]["field"] == "moved_on"
    response = _post(client, "/api/registry/changes", {**MOVE_IN, "colour": "blue"})
    assert response.status_code == 422 and response.json()["fields"]["field"] == "colour"
    assert "この項目はありません" in response.json()["message"]
    assert Resident.objects.count() == 0


def test_routes_check_permissions(login_as: Any, loaded: None, client: Any) -> None:
    assert client.get("/api/registry/residents", {"kana": "ア"}).status_code == 401
    analyst = login_as("analyst")
    assert analyst.get("/api/registry/residents", {"kana": "ア"}).status_code == 403
    assert _post(analyst, "/api/registry/changes", MOVE_IN).status_code == 403
    assert AuditEntry.objects.filter(outcome="refused").count() == 3
    # the request without credentials is audited too (issue 18 item 9: refusals before any route runs)
    assert AuditEntry.objects.filter(action="api.request", actor="anonymous", outcome="refused").count() == 1


def test_ex_officio_change_goes_through_pending(login_as: Any, loaded: None, make_staff: Any) -> None:
    client = login_as("counter")
    atena = _post(client, "/api/registry/changes", MOVE_IN).json()["atena_numbers"][0]
    correction = {"type": "CorrectRecord", "moved_on": "2026-11-20", "atena_number": atena, "kind": "ex_officio",
                  "changes": {"honseki": "兵庫県神戸市"}}
    refused = _post(client, "/api/registry/changes", correction)
    assert refused.status_code == 400 and refused.json()["code"] == "approval_required"
    pending = _post(client, "/api/registry/pending", correction).json()
    assert pending["state"] == "pending"
    boss = make_staff(roles=["supervisor"])
    log_in_verified(client, boss)
    approved = _post(client, f"/api/registry/pending/{pending['pending_id']}/approve", {"note": "確認済み"})
    assert approved.status_code == 200 and approved.json()["reason"] == "ex_officio_correction"


def test_openapi_lists_registry_routes(client: Any) -> None:
    schema = client.get("/api/openapi.json").json()
    assert "/api/registry/changes" in schema["paths"] and "/api/registry/residents/{atena_number}" in schema["paths"]


def test_furigana_notice_through_the_api(login_as: Any, loaded: None) -> None:
    """住基法第9条第2項: the 本籍地's notice as a 異動 from a connected system; a reading not in 片仮名 is refused with
    the item named and records nothing (independent: 戸籍法第13条第1項第2号)."""
    client = login_as("counter")
    atena = _post(client, "/api/registry/changes", MOVE_IN).json()["atena_numbers"][0]
    notice = {"type": "RecordFuriganaNotification", "moved_on": "2026-06-01", "atena_number": atena}
    refused = _post(client, "/api/registry/changes", {**notice, "furigana_mei": "Taro"})
    assert refused.status_code == 400 and refused.json()["fields"]["field"] == "furigana_mei"
    assert "片仮名" in refused.json()["message"]
    response = _post(client, "/api/registry/changes", {**notice, "furigana_shi": "アオキ", "furigana_mei": "たろう"})
    assert response.status_code == 201, response.content
    assert response.json()["reason_label"] == "氏名の振り仮名の記載（本籍地からの通知）"
    one = client.get(f"/api/registry/residents/{atena}").json()["resident"]
    assert (one["furigana_shi"], one["furigana_mei"], one["kana"]) == ("アオキ", "タロウ", "アオキ タロウ")
