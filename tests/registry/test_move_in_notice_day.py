"""転出による消除 on the 転入通知's 転入日 when it is earlier than the 転出予定年月日 (標準仕様書 1.1.5 j50), the 転出予定年月日
kept (4.1.3.1.1 j680), on PostgreSQL through the 転入通知の受理 (registry/move_in_receipts.py).

j50: 「転出による消除については、転出予定年月日又は転入通知に記載された転入日のいずれか早い日で消除すること。」
j680: 「転出処理において入力した転出先住所（予定）及び異動日（すなわち転出予定年月日）は上書きせず、新たに入力した情報とともに
保持すること。」
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jichitai.audit.models import AuditEntry
from jichitai.common.wareki import to_wareki
from jichitai.registry import departures
from jichitai.registry import move_in_receipts as receipts
from jichitai.registry.certificates.services import issue
from jichitai.registry.certificates.snapshot import CertificateFormat, CertificateKind, CertificateRequest
from jichitai.registry.domain import NewPerson, RecordBirth, RecordMoveOut
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.models import MoveInNoticeReceipt, OutboxEvent, Resident, ResidentHistory
from jichitai.registry.services import apply
from tests.registry.certificates.factories import pdf_pages
from tests.registry.conftest import move_in_command

pytestmark = pytest.mark.django_db
KYOTO = dict(destination_address="京都府京都市中京区", destination_municipality_code="26104")
CONFIRMED = "京都府京都市中京区烏丸通1番地"


def test_a_removal_on_the_planned_day_is_corrected_to_the_earlier_move_in_day(household: Any, clerk: Any,
                                                                               tmp_path: Any) -> None:
    """Independent (j50 「いずれか早い日で消除」, j680 「上書きせず…保持」): 花子's 転出 was removed on its 転出予定日
    (5 days ago); the 転入通知 says she moved in 3 days before that. Receiving it adds one history row — 異動日 the
    転入日, 事由 転出年月日の修正（転入通知）— and leaves every earlier row as it was; the record's 転出年月日 is the
    転入日, its 転出予定年月日 and 転出先住所（予定）unchanged; the 異動 is audited and sent to the hub; the 除票の写し
    prints the 消除年月日 (the 転入日) and the 転出予定年月日 beside it."""
    today = timezone.localdate()
    planned, moved_in = today - dt.timedelta(days=5), today - dt.timedelta(days=8)
    hanako = household.atena_numbers[1]
    apply(RecordMoveOut(moved_on=planned, notified_on=planned, atena_numbers=(hanako,), **KYOTO), actor=clerk)
    before = list(ResidentHistory.objects.filter(atena_number=hanako).order_by("history_no")
                  .values_list("history_no", "reason", "moved_on", "removed_on", "moved_out_on"))
    assert before[-1][1:] == ("move_out_domestic", planned, planned, planned)
    receipts.receive(clerk, hanako, notified_on=today, moved_out_on=moved_in, destination_address=CONFIRMED,
                     today=today)
    after = list(ResidentHistory.objects.filter(atena_number=hanako).order_by("history_no")
                 .values_list("history_no", "reason", "moved_on", "removed_on", "moved_out_on"))
    assert after[:-1] == before
    assert after[-1][1:] == ("move_out_day_by_notice", moved_in, planned, moved_in)
    person = Resident.objects.get(pk=hanako)
    assert (person.status, person.removed_on, person.moved_out_on, person.destination_address) == (
        "removed", planned, moved_in, "京都府京都市中京区")
    entry = AuditEntry.objects.get(action="registry.change", detail__reason="move_out_day_by_notice")
    assert entry.detail["moved_on"] == moved_in.isoformat() and hanako in entry.detail["atena_numbers"]
    assert OutboxEvent.objects.filter(kind="move_out_day_by_notice", atena_number=hanako).count() == 1
    issued = issue(actor=clerk, setai_number=household.setai_numbers[0], requester_kind="self",
                   request=CertificateRequest(CertificateFormat.SETAI_RENKI, (hanako,), kind=CertificateKind.JOSHUHYO))
    text = "".join("".join(pdf_pages(issued.pdf, tmp_path)).split())
    assert f"消除年月日{to_wareki(moved_in)}" in text and f"転出予定年月日{to_wareki(planned)}" in text
    assert MoveInNoticeReceipt.objects.get(atena_number=hanako).removed_on == planned  # still found by its 転出


def test_a_planned_departure_is_removed_when_the_notice_comes_first(household: Any, clerk: Any) -> None:
    """Independent (j50): 花子's 転出予定日 is a week ahead, the 転入通知 says she moved in yesterday: she is a 除票 now
    (異動日 yesterday), not on the 転出予定日 — the daily run has nothing left to do for her; 太郎 stays."""
    today = timezone.localdate()
    taro, hanako = household.atena_numbers
    planned = today + dt.timedelta(days=7)
    apply(RecordMoveOut(moved_on=planned, notified_on=today, atena_numbers=(hanako,), **KYOTO), actor=clerk)
    receipts.receive(clerk, hanako, notified_on=today, moved_out_on=today - dt.timedelta(days=1),
                     destination_address=CONFIRMED, today=today)
    person = Resident.objects.get(pk=hanako)
    assert (person.status, person.removal_reason, person.removed_on, person.moved_out_on) == (
        "removed", "move_out_domestic", planned, today - dt.timedelta(days=1))
    last = ResidentHistory.objects.filter(atena_number=hanako).order_by("-history_no").first()
    assert last is not None and (last.reason, last.moved_on) == ("move_out_takes_effect", today - dt.timedelta(days=1))
    assert all(hanako not in c.atena_numbers for c in departures.due())
    assert Resident.objects.get(pk=taro).status == "active"


def test_a_later_move_in_day_changes_nothing_and_a_refused_removal_keeps_nothing(household: Any, clerk: Any) -> None:
    """Independent (j50: the earlier day wins): a 転入日 after the 転出予定日 records the notice only. Bad input: a
    世帯主 whose early 消除 would leave two members without one (j490) — the notice is refused with the reason, nothing
    recorded, so the clerk changes the 世帯主 first and enters it again."""
    today = timezone.localdate()
    hanako = household.atena_numbers[1]
    apply(RecordMoveOut(moved_on=today - dt.timedelta(days=2), notified_on=today - dt.timedelta(days=2),
                        atena_numbers=(hanako,), **KYOTO), actor=clerk)
    rows = ResidentHistory.objects.count()
    receipts.receive(clerk, hanako, notified_on=today, moved_out_on=today - dt.timedelta(days=1),
                     destination_address=CONFIRMED, today=today)
    assert ResidentHistory.objects.count() == rows and Resident.objects.get(pk=hanako).moved_out_on == (
        today - dt.timedelta(days=2))
    mori = apply(move_in_command(persons=(NewPerson("森 一", "モリ ハジメ", dt.date(1970, 1, 1), "M", "世帯主"),
                                          NewPerson("森 二", "モリ フタバ", dt.date(1972, 1, 1), "F", "妻"))),
                 actor=clerk)
    head = mori.atena_numbers[0]
    apply(RecordMoveOut(moved_on=today + dt.timedelta(days=5), notified_on=today, atena_numbers=(head,), **KYOTO),
          actor=clerk)  # one member stays: she would become 世帯主 on the day (j490)
    apply(RecordBirth(moved_on=today, notified_on=today, setai_number=mori.setai_numbers[0],
                      child=NewPerson("森 三", "モリ ミツ", today, "F", "子")), actor=clerk)  # now two stay
    rows = ResidentHistory.objects.count()
    with pytest.raises(RegistryError) as refused:
        receipts.receive(clerk, head, notified_on=today, moved_out_on=today - dt.timedelta(days=1),
                         destination_address=CONFIRMED, today=today)
    assert refused.value.code == "no_head" and "世帯主変更" in refused.value.message
    assert ResidentHistory.objects.count() == rows and not MoveInNoticeReceipt.objects.filter(atena_number=head).exists()
    assert AuditEntry.objects.filter(action="registry.move_in_notice", resource=f"resident:{head}", outcome="refused",
                                     detail__code="no_head").exists()
    assert Resident.objects.get(pk=head).status == "active"


def _removed_on_the_move_in_day(household: Any, clerk: Any) -> tuple[str, dt.date, dt.date]:
    """花子's 転出 recorded for 5 days ago, then a 転入通知 saying she moved in 8 days ago: (宛名番号, 転出予定日, 転入日)."""
    today = timezone.localdate()
    planned, moved_in = today - dt.timedelta(days=5), today - dt.timedelta(days=8)
    hanako = household.atena_numbers[1]
    apply(RecordMoveOut(moved_on=planned, notified_on=planned, atena_numbers=(hanako,), **KYOTO), actor=clerk)
    receipts.receive(clerk, hanako, notified_on=today, moved_out_on=moved_in, destination_address=CONFIRMED,
                     today=today)
    return hanako, planned, moved_in


def test_the_resident_page_shows_the_move_out_day_and_the_planned_day(household: Any, clerk: Any,
                                                                       login_as: Any) -> None:
    """Independent (j50, j680): after the correction the counter's 住民状態 reads 「国内転出 <転入日>、転出予定
    <転出予定日>」 (和暦): both days, neither lost."""
    hanako, planned, moved_in = _removed_on_the_move_in_day(household, clerk)
    page = login_as("counter").get(f"/registry/residents/{hanako}/").content.decode()
    assert f"（国内転出 {to_wareki(moved_in)}、転出予定 {to_wareki(planned)}）" in page


def test_the_counter_says_the_removal_took_the_notice_day(household: Any, clerk: Any, login_as: Any) -> None:
    """Independent (j50): the 転入通知 entered at the counter (the 未着者一覧's form) with a 転入日 before the 転出予定日
    answers that the 消除 took the 転入日; one on the 転出予定日 only that the notice was received."""
    today = timezone.localdate()
    taro, hanako = household.atena_numbers
    for atena in (taro, hanako):
        apply(RecordMoveOut(moved_on=today - dt.timedelta(days=2), notified_on=today - dt.timedelta(days=2),
                            atena_numbers=(atena,), **KYOTO), actor=clerk)
    client = login_as("counter")
    url = "/registry/move-in-notices/unarrived/"
    for atena, moved_in, early in ((hanako, today - dt.timedelta(days=4), True), (taro, today - dt.timedelta(days=2),
                                                                                   False)):
        page = client.post(url, {"atena_number": atena, "notified_on": to_wareki(today),
                                 "moved_out_on": to_wareki(moved_in), "destination_address": CONFIRMED},
                           follow=True).content.decode()
        assert "転入通知を受理しました" in page
        assert ("転入日で消除しました" in page) is early


def test_the_household_page_lists_the_member_removed_on_the_move_in_day(household: Any, clerk: Any,
                                                                         login_as: Any) -> None:
    """Independent (j50: the 消除 is on the earlier day): after the 転入通知 moved 花子's 消除 to her 転入日, the
    household page's 消除された世帯員 (j430) gives that day as her 消除日, not the 転出予定日 it printed before."""
    _, planned, moved_in = _removed_on_the_move_in_day(household, clerk)
    html = login_as("counter").get(f"/registry/households/{household.setai_numbers[0]}/", {"removed": "1"})
    removed = html.content.decode().split('id="r-h"')[1].split("</section>")[0]
    assert to_wareki(moved_in) in removed and to_wareki(planned) not in removed
