"""Headless chromium (住民基本台帳法第9条第1項; 標準仕様書 7.1.1.1 j1090 「前住所地…への転入通知（９条１項通知）」): after a
転入 from 大阪市北区 is recorded, the clerk opens 「転入通知」 from the menu, finds the 転出地 by name with its two 未送付
notices, prints them (the PDF read back) and marks them 送付済 with a 和暦 送付日."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from jichitai.audit.models import AuditEntry
from jichitai.common.wareki import to_wareki
from jichitai.registry.domain import NewPerson, RecordMoveOut
from jichitai.registry.models import MoveInNoticeReceipt, MoveInNoticeSending
from jichitai.registry.services import apply
from tests.registry.certificates.factories import pdf_pages
from tests.registry.conftest import move_in_command
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_print_and_mark_sent_the_notices_to_the_former_municipality(
        live_server: Any, page: Any, screenshot: Any, towns: Any, make_staff: Any, tmp_path: Path) -> None:
    base = live_server.url
    clerk = make_staff(roles=["counter"], username="c0301")
    apply(move_in_command(persons=(
        NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主", juminhyo_code="12345678903"),
        NewPerson("青木 花子", "アオキ ハナコ", dt.date(1982, 12, 30), "F", "妻"),
    )), actor=clerk)
    browser_login(page, base, "c0301", "correct-horse-battery")
    page.wait_for_url(f"{base}/accounts/")
    page.goto(f"{base}/")
    page.get_by_role("link", name="転入通知").first.click()
    page.wait_for_url(f"{base}/registry/move-in-notices/")
    section = page.locator("section", has_text="大阪府大阪市北区（2人）")
    assert "青木 太郎" in section.inner_text() and "令和8年11月1日" in section.inner_text()
    assert "27127" not in page.locator("main").inner_text()                      # words, not codes
    screenshot("registry-move-in-notices")
    with page.expect_download() as download:
        page.get_by_role("link", name="大阪府大阪市北区への転入通知を印刷（PDF）").click()
    text = "".join("".join(pdf_pages(Path(download.value.path()).read_bytes(), tmp_path)).split())
    assert "転入通知書" in text and "大阪府大阪市北区長様" in text and "住民基本台帳法第9条第1項" in text
    assert "青木太郎" in text and "青木花子" in text and "兵庫県神戸市中央区加納町1番地" in text

    page.get_by_label("青木 太郎を選ぶ").check()
    page.get_by_label("青木 花子を選ぶ").check()
    page.get_by_label("送付日").fill("令和8年11月12日")
    page.get_by_role("button", name="選んだ転入通知を送付済にする").click()
    assert "2件の転入通知を送付済にしました" in page.get_by_role("status").inner_text()
    assert "未送付の転入通知はありません" in page.locator("main").inner_text()
    assert {s.sent_on for s in MoveInNoticeSending.objects.all()} == {dt.date(2026, 11, 12)}
    assert AuditEntry.objects.filter(action="registry.move_in_notice", detail__operation="sent").count() == 2


def test_receive_a_notice_from_the_unarrived_list(live_server: Any, page: Any, screenshot: Any, towns: Any,
                                                  make_staff: Any) -> None:
    """標準仕様書 4.1.3.1.4 (j710) and 4.1.3.1.1 (j680): 花子 moved out to 京都市中京区; she is on the 未着者一覧 until the
    clerk enters the notice that came (和暦 dates), which then stands beside the 除票."""
    base = live_server.url
    clerk = make_staff(roles=["counter"], username="c0302")
    hanako = apply(move_in_command(), actor=clerk).atena_numbers[1]
    today = timezone.localdate()
    apply(RecordMoveOut(moved_on=today, notified_on=today, atena_numbers=(hanako,),
                        destination_address="京都府京都市中京区", destination_municipality_code="26104"), actor=clerk)
    browser_login(page, base, "c0302", "correct-horse-battery")
    page.wait_for_url(f"{base}/accounts/")
    page.goto(f"{base}/registry/move-in-notices/")
    page.get_by_role("link", name="届いた転入通知の受理・転入通知未着者一覧（本市から転出した方）へ").click()
    row = page.locator("tr", has_text="青木 花子")
    assert "国内転出" in row.inner_text() and "京都府京都市中京区" in row.inner_text()
    screenshot("registry-move-in-unarrived")
    row.get_by_label("転入通知日").fill(to_wareki(today))
    row.get_by_label("転出年月日（確定）").fill(to_wareki(today))
    row.get_by_label("転出先住所（確定）").fill("京都府京都市中京区烏丸通1番地")
    row.get_by_role("button", name="受理する").click()
    assert "転入通知を受理しました" in page.get_by_role("status").inner_text()
    assert "転入通知の届いていない方はいません" in page.locator("main").inner_text()
    assert MoveInNoticeReceipt.objects.get(atena_number=hanako).destination_address == "京都府京都市中京区烏丸通1番地"
