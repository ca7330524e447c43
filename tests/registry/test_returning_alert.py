"""再転入者の3情報アラート (j600, 標準仕様書 4.1.1.2, 第1.0版) — independent: the rule is the standard's text.

「また、３情報（氏名・性別・生年月日）が一致する者がいた場合は、アラートを表示し、再転入者として選択できること。」
A 転入 of a new person whose 3情報 match a 除票 is held
back with the 除票's 宛名番号 until the clerk confirms it is someone else (the audited override of issue 18)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry.domain import RecordMoveOut
from jichitai.registry.services import apply
from tests.registry.test_double_registration import MOVE_IN, _post

pytestmark = pytest.mark.django_db


def test_a_move_in_matching_a_removed_persons_three_facts_is_alerted(towns: Any, login_as: Any, clerk: Any) -> None:
    client = login_as("counter")
    first = _post(client, "/api/registry/changes", MOVE_IN).json()
    atena = first["atena_numbers"][0]
    apply(RecordMoveOut(moved_on=dt.date(2026, 11, 10), atena_numbers=(atena,), destination_address="東京都千代田区",
                        destination_municipality_code="13101"), actor=clerk)
    # back at another address, entered as a new person
    again = {**MOVE_IN, "moved_on": "2026-11-20", "notified_on": "2026-11-20", "banchi": "9番地",
             "persons": [{**MOVE_IN["persons"][0], "name": "青木　太郎"}]}
    refused = _post(client, "/api/registry/changes", again)
    assert refused.status_code == 409 and refused.json()["code"] == "possible_duplicate"
    message = refused.json()["message"]
    assert f"除票の方（宛名番号 {atena}）" in message and "再転入" in message and "4.1.1.2" in message
    other = {**again, "persons": [{**again["persons"][0], "sex": "F", "relationship": "世帯主"}]}  # 性別 differs
    assert _post(client, "/api/registry/changes", other).status_code == 201
    assert _post(client, "/api/registry/changes?override_duplicate=true", again).status_code == 201
    entry = AuditEntry.objects.get(action="registry.duplicate_override")
    assert entry.detail["matched"] == [atena]
