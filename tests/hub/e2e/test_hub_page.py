"""The hub page in a real browser (issue 23 items 5–6): an operator sees the alert that the relay is not
running, reads systems by name and ages in words (a feed's last delivery, the last 宛名 file placed), opens a batch's 詳細 fold, and releases one quarantined file
and rejects another, each with a reason; the DR page is one click away."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KAIGO_MIXED = ("宛名番号,要介護度,認定開始日,認定終了日\n100000001,要介護2,2026-04-01,2027-03-31\n"
               "100000002,要介護9,2026-04-01,\n100000003,要支援1,2026-05-01,\n")


def test_an_operator_sees_the_alert_and_decides_on_quarantined_files(live_server: Any, page: Any, screenshot: Any,
                                                                     make_staff: Any, make_system: Any,
                                                                     make_event: Any) -> None:
    from django.utils import timezone

    from jichitai.hub import extracts, feeds, files
    from jichitai.hub.models import ExchangedFile, Subscription

    system, _ = make_system(code="kaigo-e2e", feeds={"kaigo-nintei": None, "atena-delta": None,
                                                      "atena-extract": None})
    system.name = "介護保険システム"
    system.save()
    make_event()
    feeds.pull(system, "atena-delta", 0, 10)
    Subscription.objects.filter(system=system).update(last_delivery_at=timezone.now() - dt.timedelta(minutes=3))
    placed = extracts.place(system, "full")
    assert placed is not None
    ExchangedFile.objects.filter(pk=placed.file.pk).update(at=timezone.now() - dt.timedelta(hours=2, minutes=10))
    one = files.receive(system, "kaigo-nintei", "kaigo_0401.csv", KAIGO_MIXED.encode()).file
    two = files.receive(system, "kaigo-nintei", "kaigo_0402.csv", KAIGO_MIXED.encode() + b"\n").file
    make_staff(roles=["sysadmin"], username="ops1")
    base = live_server.url
    browser_login(page, base, "ops1", "correct-horse-battery")
    page.goto(f"{base}/hub/")
    alert = page.get_by_role("alert").inner_text()
    assert "中継処理（jichitai hub run）が動いた記録がありません" in alert
    table = page.locator("table").first
    assert "介護保険システム" in table.inner_text() and "kaigo-e2e" not in table.inner_text()
    assert "3分前" in table.inner_text()
    extract_row = table.locator("tr", has_text="宛名連携ファイル").inner_text()
    assert f"最新のファイル：{placed.file.filename}" in extract_row and "2時間前" in extract_row
    fold = page.locator("details", has_text="記録").first
    assert not fold.locator("code").first.is_visible()  # batch ids only on demand
    fold.locator("summary").click()
    assert fold.locator("code").first.is_visible()
    screenshot("hub-overview")

    row = page.locator("tr", has_text="kaigo_0401.csv")
    row.get_by_label("解除・却下の理由（kaigo_0401.csv）").fill("誤りの1行は送信元が別途訂正")
    row.get_by_role("button", name="解除").click()
    assert "2行を受け付けました" in page.get_by_role("status").inner_text()
    row = page.locator("tr", has_text="kaigo_0402.csv").first
    row.get_by_label("解除・却下の理由（kaigo_0402.csv）").fill("様式が旧版")
    row.get_by_role("button", name="却下").click()
    assert "却下しました" in page.get_by_role("status").inner_text()
    decided = page.locator("table", has_text="判断者").inner_text()
    assert "解除（2行を受付）" in decided and "却下" in decided and "様式が旧版" in decided
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, two.status) == ("accepted", "rejected")
    assert not ExchangedFile.objects.filter(status="quarantined").exists()
    screenshot("hub-decided")

    page.get_by_role("link", name="災害対策（DR）の状況").first.click()
    page.wait_for_url(f"{base}/hub/dr/")
    assert "災害対策（DR）の状況" in page.locator("h1").inner_text()
