"""消除対象者記載 (標準仕様書 3.3, j430): 「世帯確認画面等において、（転出や死亡等で）消除された世帯構成員も画面表示できる
こと。」 The household page lists, on request, the members 消除 from the household with the 消除事由 and day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry.domain import RecordDeath
from jichitai.registry.services import apply

pytestmark = pytest.mark.django_db


def test_removed_members_shown_on_request_and_audited(household: Any, clerk: Any, login_as: Any) -> None:
    """Independent (j430): after 花子's 死亡 the household page shows 太郎 only; with 「消除された世帯員も表示する」
    it lists 花子 too, with 死亡 and the day in 和暦, audited as viewed."""
    hanako = household.atena_numbers[1]
    apply(RecordDeath(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 21), atena_number=hanako),
          actor=clerk)
    client, setai = login_as("counter"), household.setai_numbers[0]
    html = client.get(f"/registry/households/{setai}/").content.decode()
    assert "青木 花子" not in html and "消除された世帯員も表示する" in html
    html = client.get(f"/registry/households/{setai}/", {"removed": "1"}).content.decode()
    removed = html.split('id="r-h"')[1].split("</section>")[0]
    assert "青木 花子" in removed and "死亡" in removed and "令和8年11月20日" in removed and "妻" in removed
    assert "青木 太郎" not in removed
    assert AuditEntry.objects.filter(action="registry.view", resource=f"resident:{hanako}",
                                     detail__removed=True).exists()


def test_removed_members_are_refused_under_suppression(household: Any, clerk: Any, login_as: Any,
                                                       protect: Any) -> None:
    """Consistency (3.1): a 消除 member under 照会抑止 is not shown through the household page either; refused."""
    hanako = household.atena_numbers[1]
    apply(RecordDeath(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 21), atena_number=hanako),
          actor=clerk)
    protect(hanako, "view")
    response = login_as("counter").get(f"/registry/households/{household.setai_numbers[0]}/", {"removed": "1"})
    assert response.status_code == 403 and "青木 花子" not in response.content.decode()
