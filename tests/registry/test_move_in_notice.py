"""転入通知 (住民基本台帳法第9条第1項) on PostgreSQL: after a 転入 is recorded the notice to the 転出地 is listed 未送付 under
the 転出地's name, printed (PDF, Typst) with the items the 転出地 enters from it (標準仕様書 4.1.3.1.1 j680: 転入通知日,
転出先住所（確定）, 転出年月日（確定）; j700 the same without the CS; j710: without it the 転出地 lists the person as
転入通知未着), and marked 送付済 (audited); the Shield (支援措置, 照会抑止)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.common.errors import PermissionRefused
from jichitai.registry import move_in_notices as notices
from jichitai.registry.domain import CancelChange, NewPerson, RecordMoveWithin
from jichitai.registry.domain.errors import RegistryError, SuppressedError
from jichitai.registry.domain.reception import Reception
from jichitai.registry.services import apply
from tests.registry.certificates.factories import pdf_pages
from tests.registry.conftest import move_in_command

pytestmark = pytest.mark.django_db
SELF = Reception(notifier_kind="self", identity_documents=("my_number_card",))
PRINTED_ON = dt.date(2026, 11, 10)
SENT_ON = dt.date(2026, 11, 12)


@pytest.fixture
def moved_in(towns: Any, clerk: Any) -> Any:
    persons = (NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主", juminhyo_code="12345678903"),
               NewPerson("青木 花子", "アオキ ハナコ", dt.date(1982, 12, 30), "F", "妻"))
    return apply(move_in_command(persons=persons), actor=clerk, reception=SELF)


def keys(group: notices.Group) -> list[tuple[str, int]]:
    return [(r.atena_number, r.history_no) for r in group.rows]


def test_a_move_in_is_listed_unsent_under_the_municipality_it_came_from(moved_in: Any, clerk: Any) -> None:
    """independent: 第9条第1項 — a 転入 from 大阪市北区 (転入前住所 from the 転出証明書) is owed a notice to that 市区町村
    (named, not coded), one per person; a 転居 within the city owes none."""
    apply(RecordMoveWithin(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 21),
                           atena_numbers=(moved_in.atena_numbers[1],), town_code="281100002", banchi="8番地"),
          actor=clerk, reception=SELF)
    [group] = notices.listing(clerk)
    assert (group.code, group.name) == ("27127", "大阪府大阪市北区")
    assert [r.name for r in group.rows] == ["青木 太郎", "青木 花子"]
    assert all(r.moved_in_on == "令和8年11月1日" and not r.sent_on and not r.supported for r in group.rows)


def test_the_notice_prints_what_the_former_municipality_enters(moved_in: Any, clerk: Any, tmp_path: Any) -> None:
    """independent: 第9条第1項 and j680 — to 大阪市北区長, under 第9条第1項: 氏名, 生年月日 (和暦), 性別, 住民票コード,
    新住所 (their 転出先住所（確定）), 転入年月日 (their 転出年月日（確定）), 転入前の住所 (their 除票); a page a person."""
    printed = notices.render(clerk, "27127", today=PRINTED_ON)
    pages = ["".join(p.split()) for p in pdf_pages(printed.pdf, tmp_path)]
    assert printed.count == 2 and len(pages) == 2
    taro, hanako = pages
    assert "転入通知書" in taro and "住民基本台帳法第9条第1項" in taro and "大阪府大阪市北区長様" in taro
    assert "青木太郎" in taro and "昭和55年1月7日" in taro and "男" in taro and "12345678903" in taro
    assert "兵庫県神戸市中央区加納町1番地" in taro and "令和8年11月1日" in taro and "令和8年11月5日" in taro
    assert "大阪府大阪市北区梅田1丁目" in taro and "令和8年11月10日" in taro and "兵庫県神戸市長" in taro
    assert "青木花子" in hanako and "昭和57年12月30日" in hanako and "女" in hanako and "（記載なし）" in hanako
    assert "支援措置" not in taro + hanako
    printed_entries = AuditEntry.objects.filter(action="registry.move_in_notice", outcome="ok")
    assert {e.resource for e in printed_entries} == {f"resident:{a}" for a in moved_in.atena_numbers}


def test_marked_sent_leaves_the_unsent_list_and_is_audited(moved_in: Any, clerk: Any) -> None:
    """independent: 第9条第1項 「遅滞なく…通知しなければならない」 — the clerk records that each notice went (送付日, by whom),
    audited per person; marked twice is refused; a 送付済 notice can be printed again."""
    [group] = notices.listing(clerk)
    assert notices.mark_sent(clerk, keys(group), sent_on=SENT_ON) == 2
    assert notices.listing(clerk) == []
    [sent] = notices.listing(clerk, state=notices.SENT, since=SENT_ON)
    assert {r.sent_on for r in sent.rows} == {"令和8年11月12日"} and all(r.sent_by for r in sent.rows)
    entries = AuditEntry.objects.filter(action="registry.move_in_notice", detail__operation="sent")
    assert sorted(e.resource for e in entries) == sorted(f"resident:{a}" for a in moved_in.atena_numbers)
    assert {e.detail["sent_on"] for e in entries} == {"2026-11-12"}
    with pytest.raises(RegistryError, match="すでに送付済"):
        notices.mark_sent(clerk, keys(group)[:1], sent_on=SENT_ON)
    with pytest.raises(RegistryError, match="未送付の転入通知はありません"):
        notices.render(clerk, "27127", today=PRINTED_ON)
    assert notices.render(clerk, "27127", state=notices.SENT, today=PRINTED_ON).count == 2


def test_bad_input_is_refused_in_words(moved_in: Any, clerk: Any) -> None:
    """consistency: a 転居 row is not a 転入 (refused, nothing written); no date in the future; a code that is none."""
    taro = moved_in.atena_numbers[0]
    with pytest.raises(RegistryError, match="転入通知の対象の記載ではありません"):
        notices.mark_sent(clerk, [(taro, 99)], sent_on=SENT_ON)
    with pytest.raises(RegistryError, match="未来の日付"):
        notices.mark_sent(clerk, [(taro, 1)], sent_on=dt.date(2999, 1, 1))
    with pytest.raises(RegistryError, match="市区町村コード"):
        notices.render(clerk, "abc")
    assert not AuditEntry.objects.filter(action="registry.move_in_notice", detail__operation="sent").exists()


def test_no_notice_from_abroad_nor_for_a_cancelled_move_in(moved_in: Any, clerk: Any) -> None:
    """independent: 第9条第1項 needs a 他の市町村 (a 国外転入 has none); a 転入 cancelled (取消し) is no 記載 to notify."""
    apply(move_in_command(persons=(NewPerson("Smith John", "スミス ジョン", dt.date(1990, 5, 1), "M", "世帯主"),),
                          from_abroad=True, previous_address="アメリカ合衆国", previous_municipality_code=""),
          actor=clerk, reception=SELF)
    assert [len(g.rows) for g in notices.listing(clerk)] == [2]
    apply(CancelChange(moved_on=dt.date(2026, 11, 2), change_id=moved_in.change_id), actor=clerk)
    assert notices.listing(clerk) == []


def test_a_supported_person_is_notified_with_the_support_remark(
        moved_in: Any, clerk: Any, protect: Callable[..., Any], tmp_path: Any) -> None:
    """independent: 第9条第1項 admits no exception and j680 has the 転出地 enter the new address, so the notice goes;
    3.4 (j440) 「前住所地市区町村として支援措置が継続」: it tells the 転出地 the person (and the household at that address)
    is a 支援対象者, and the list marks them for the clerk."""
    protect(moved_in.atena_numbers[0])
    [group] = notices.listing(clerk)
    assert [r.supported for r in group.rows] == [True, True]
    pages = ["".join(p.split()) for p in pdf_pages(notices.render(clerk, "27127", today=PRINTED_ON).pdf, tmp_path)]
    assert all("支援措置" in p and "前住所地として支援措置を継続" in p and "加納町1番地" in p for p in pages)


def test_a_person_under_view_suppression_is_not_shown_nor_printed(
        moved_in: Any, clerk: Any, protect: Callable[..., Any]) -> None:
    """independent: 3.1 (j410 照会抑止) — the staff list keeps the row by 宛名番号 only; printing is refused, audited."""
    taro = moved_in.atena_numbers[0]
    protect(taro, kind="view")
    [group] = notices.listing(clerk)
    assert all(r.hidden and r.name == "" for r in group.rows)          # the household's address is covered
    with pytest.raises(SuppressedError, match="照会抑止"):
        notices.render(clerk, "27127", today=PRINTED_ON)
    refused = AuditEntry.objects.filter(action="registry.move_in_notice", outcome="refused")
    assert {e.resource for e in refused} == {f"resident:{a}" for a in moved_in.atena_numbers}


def test_only_staff_granted_it(moved_in: Any, make_staff: Callable[..., Any]) -> None:
    """consistency: one permission (registry.move_in_notice, 市民課's clerks and supervisors); a refusal is audited."""
    auditor = make_staff(roles=["auditor"])
    with pytest.raises(PermissionRefused):
        notices.listing(auditor)
    with pytest.raises(PermissionRefused):
        notices.mark_sent(auditor, [(moved_in.atena_numbers[0], 1)], sent_on=SENT_ON)
    assert AuditEntry.objects.filter(action="registry.move_in_notice", outcome="refused").count() == 2


def test_the_page_lists_prints_and_marks_sent(moved_in: Any, login_as: Any) -> None:
    """consistency: the page names the 転出地 (not its code), prints its PDF, marks the chosen notices sent (和暦 送付日);
    an unreadable date or nothing chosen is told in Japanese (400), never a 500."""
    client = login_as("counter")
    page = re.sub(r"<[^>]+>", "", client.get("/registry/move-in-notices/").content.decode())  # what the clerk reads
    assert "大阪府大阪市北区（2人）" in page and "令和8年11月1日" in page and "27127" not in page
    response = client.get("/registry/move-in-notices/27127/pdf/?state=unsent")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.post("/registry/move-in-notices/", {"sent_on": "令和8年11月12日"}).status_code == 400
    bad = client.post("/registry/move-in-notices/", {"sent_on": "あした", "notice": "x:1"})
    assert bad.status_code == 400 and "日付が読めません" in bad.content.decode()
    chosen = [f"{a}:1" for a in moved_in.atena_numbers]
    done = client.post("/registry/move-in-notices/", {"sent_on": "令和8年11月12日", "notice": chosen})
    assert done.status_code == 302
    after = client.get(done["Location"]).content.decode()
    assert "2件の転入通知を送付済にしました" in after and "未送付の転入通知はありません" in after
    assert client.get("/registry/move-in-notices/99999/pdf/").status_code == 400
