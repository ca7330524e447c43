"""転入通知の受理 (標準仕様書 4.1.3.1.1 j680, 4.1.3.1.3 j700) and the 転入通知未着者一覧 (4.1.3.1.4 j710) on PostgreSQL: this
city as 転出地."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from jichitai.audit.models import AuditEntry
from jichitai.common.errors import PermissionRefused
from jichitai.registry import move_in_receipts as receipts
from jichitai.registry.domain import RecordMoveOut
from jichitai.registry.domain.errors import RegistryError, SuppressedError
from jichitai.registry.models import MoveInNoticeReceipt, Resident
from jichitai.registry.services import apply
from tests.registry.certificates.factories import pdf_pages

pytestmark = pytest.mark.django_db
LEFT = dt.date(2026, 11, 20)
LISTED_ON = dt.date(2026, 12, 1)
KYOTO = dict(destination_address="京都府京都市中京区", destination_municipality_code="26104")


@pytest.fixture
def left(household: Any, clerk: Any) -> str:
    """花子 moved out to 京都市中京区 on 令和8年11月20日 (a 除票); 太郎 stays."""
    hanako = household.atena_numbers[1]
    apply(RecordMoveOut(moved_on=LEFT, notified_on=LEFT, atena_numbers=(hanako,), **KYOTO), actor=clerk)
    return hanako


def test_a_move_out_without_its_notice_is_listed_until_it_is_received(left: str, clerk: Any) -> None:
    """independent: j710 — 「国内転出で消除したが、転入地市区町村からの転入通知がない場合、…転入通知未着者一覧」; j680 —
    the notice received enters 転入通知日, 転出先住所（確定）, 転出年月日（確定） and keeps the 転出先住所（予定）and the
    転出予定年月日 as they were; received, the person leaves the list; audited."""
    [row] = receipts.unarrived(clerk, today=LISTED_ON)
    assert (row.atena_number, row.name, row.kind, row.removed_on, row.destination) == (
        left, "青木 花子", "国内転出", "令和8年11月20日", "京都府京都市中京区")
    receipts.receive(clerk, left, notified_on=dt.date(2026, 11, 27), moved_out_on=dt.date(2026, 11, 21),
                     destination_address="京都府京都市中京区烏丸通1番地", today=LISTED_ON)
    assert receipts.unarrived(clerk, today=LISTED_ON) == []
    receipt = MoveInNoticeReceipt.objects.get(atena_number=left)
    assert (receipt.notified_on, receipt.moved_out_on, receipt.destination_address, receipt.removed_on) == (
        dt.date(2026, 11, 27), dt.date(2026, 11, 21), "京都府京都市中京区烏丸通1番地", LEFT)
    person = Resident.objects.get(pk=left)
    assert (person.destination_address, person.removed_on) == ("京都府京都市中京区", LEFT)   # 予定 not overwritten
    assert AuditEntry.objects.filter(action="registry.move_in_notice", resource=f"resident:{left}",
                                     detail__operation="receive").count() == 1
    with pytest.raises(RegistryError, match="すでに受理"):
        receipts.receive(clerk, left, notified_on=dt.date(2026, 11, 27), moved_out_on=dt.date(2026, 11, 21),
                         destination_address="京都府京都市中京区烏丸通1番地", today=LISTED_ON)


def test_a_planned_move_out_can_receive_its_notice(household: Any, clerk: Any) -> None:
    """independent: j680 「転出予定年月日が到来しているかどうかにかかわらず」: a 転出予定者 (still a resident) is listed as
    転出予定 and takes the notice."""
    today = timezone.localdate()
    taro = household.atena_numbers[0]
    apply(RecordMoveOut(moved_on=today + dt.timedelta(days=7), notified_on=today,
                        atena_numbers=tuple(household.atena_numbers), **KYOTO), actor=clerk)
    assert {r.kind for r in receipts.unarrived(clerk, today=today)} == {"転出予定"}
    receipts.receive(clerk, taro, notified_on=today, moved_out_on=today, destination_address="京都府京都市中京区1番地",
                     today=today)
    assert [r.atena_number for r in receipts.unarrived(clerk, today=today)] == [household.atena_numbers[1]]


def test_a_resident_or_a_wrong_date_is_refused(left: str, household: Any, clerk: Any) -> None:
    """independent: j680 is about 「既に行った転出処理」 or a 職権消除: a resident who did not move out takes none; the
    転出年月日（確定） cannot follow the notice; nothing is written."""
    with pytest.raises(RegistryError, match="国内転出又は職権消除の記録がない"):
        receipts.receive(clerk, household.atena_numbers[0], notified_on=LEFT, moved_out_on=LEFT,
                         destination_address="京都府", today=LISTED_ON)
    with pytest.raises(RegistryError, match="転入通知日より後"):
        receipts.receive(clerk, left, notified_on=dt.date(2026, 11, 21), moved_out_on=dt.date(2026, 11, 22),
                         destination_address="京都府", today=LISTED_ON)
    assert not MoveInNoticeReceipt.objects.exists()


def test_protected_people_in_the_list(left: str, clerk: Any, protect: Callable[..., Any]) -> None:
    """independent: 3.4 (j440) — a 支援対象者's 転出先住所 is their new address: not shown; 3.1 (j410) 照会抑止 hides the
    row and refuses the entry, audited."""
    protect(left)
    [row] = receipts.unarrived(clerk, today=LISTED_ON)
    assert row.supported and row.destination == "" and row.name == "青木 花子"
    protect(left, kind="view")
    [row] = receipts.unarrived(clerk, today=LISTED_ON)
    assert row.hidden and row.name == ""
    with pytest.raises(SuppressedError):
        receipts.receive(clerk, left, notified_on=dt.date(2026, 11, 27), moved_out_on=LEFT,
                         destination_address="京都府", today=LISTED_ON)
    assert AuditEntry.objects.filter(resource=f"resident:{left}", outcome="refused").exists()


def test_only_staff_granted_it(left: str, make_staff: Callable[..., Any]) -> None:
    """consistency: the one permission registry.move_in_notice; refusal audited."""
    with pytest.raises(PermissionRefused):
        receipts.unarrived(make_staff(roles=["auditor"]), today=LISTED_ON)
    assert AuditEntry.objects.filter(action="registry.move_in_notice", outcome="refused").exists()


def test_the_page_lists_and_receives(left: str, login_as: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """consistency: the 未着者一覧 page; a notice entered with 和暦 dates; a bad date told in Japanese (400)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: LISTED_ON)  # the page looks back a year
    client = login_as("counter")
    page = re.sub(r"<[^>]+>", "", client.get("/registry/move-in-notices/unarrived/").content.decode())
    assert "青木 花子" in page and "国内転出" in page and "京都府京都市中京区" in page
    bad = client.post("/registry/move-in-notices/unarrived/", {"atena_number": left, "notified_on": "きのう",
                                                               "moved_out_on": "令和8年11月21日",
                                                               "destination_address": "京都府京都市中京区1番地"})
    assert bad.status_code == 400 and "日付が読めません" in bad.content.decode()
    done = client.post("/registry/move-in-notices/unarrived/", {
        "atena_number": left, "notified_on": "令和8年11月27日", "moved_out_on": "令和8年11月21日",
        "destination_address": "京都府京都市中京区1番地"})
    assert done.status_code == 302
    assert MoveInNoticeReceipt.objects.get(atena_number=left).notified_on == dt.date(2026, 11, 27)


def test_the_inquiry_to_the_new_municipality(left: str, clerk: Any, tmp_path: Any) -> None:
    """independent: j710 「転入通知未着照会書…を作成できること」 — to the 転入地 (the 市区町村 of the 転出先住所（予定）), naming
    the person, the address they left here, the 転出先 and the day; audited; none once the notice is received."""
    text = "".join("".join(pdf_pages(receipts.inquiry(clerk, left, today=LISTED_ON)[0], tmp_path)).split())
    assert "転入通知未着照会書" in text and "京都府京都市中京区長様" in text and "住民基本台帳法第9条第1項" in text
    assert "青木花子" in text and "昭和57年12月30日" in text and "兵庫県神戸市中央区加納町1番地" in text
    assert "令和8年11月20日" in text and "令和8年12月1日" in text and "国内転出" in text
    assert AuditEntry.objects.filter(action="registry.move_in_notice", detail__operation="inquiry").count() == 1
    receipts.receive(clerk, left, notified_on=dt.date(2026, 11, 27), moved_out_on=LEFT,
                     destination_address="京都府京都市中京区1番地", today=LISTED_ON)
    with pytest.raises(RegistryError, match="未着者一覧にいません"):
        receipts.inquiry(clerk, left, today=LISTED_ON)
