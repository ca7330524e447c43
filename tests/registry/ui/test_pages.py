"""The counter pages through Django's test client on PostgreSQL: search (j340), resident and household pages
with history (j350) and 交付履歴 (j360), every view of a person audited (j1370), 個人番号 only with a purpose."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry.models import Suppression
from tests.registry.conftest import move_in_many

pytestmark = pytest.mark.django_db


def test_search_by_kana_with_hiragana_and_half_width(household: Any, login_as: Any) -> None:
    client = login_as("counter")
    page = client.get("/registry/", {"kana": "あおき"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "青木 太郎" in html and "青木 花子" in html and "該当 2件 (1〜2件を表示)" in html
    assert "昭和55年1月7日" in html                   # 和暦 on screen (j90)
    entry = AuditEntry.objects.filter(action="registry.view", resource="search").latest("seq")
    assert entry.detail["criteria"]["kana"] == "あおき" and len(entry.detail["results"]) == 2


def test_search_shows_the_count_and_pages_by_fifty(towns: Any, clerk: Any, login_as: Any) -> None:
    """Issue 22 item 5: 「該当 N件 (1〜50件を表示)」 and a 「次の50件」 link that keeps the criteria; no silent cut."""
    people = move_in_many(clerk, 57)
    client = login_as("counter")
    html = client.get("/registry/", {"name": "髙橋"}).content.decode()
    assert "該当 57件 (1〜50件を表示)" in html and "次の50件" in html and "前の50件" not in html
    assert people[49] in html and people[50] not in html
    next_url = html.split('">次の50件')[0].rsplit('href="', 1)[1].replace("&amp;", "&")
    second = client.get(f"/registry/{next_url}").content.decode()
    assert "該当 57件 (51〜57件を表示)" in second and "次の50件" not in second and "前の50件" in second
    assert people[50] in second and people[49] not in second
    for bad in ("0", "-1", "x", "99999999999999999999"):  # a hand-edited page number is the first page
        assert "該当 57件 (1〜50件を表示)" in client.get("/registry/", {"name": "髙橋", "page": bad}).content.decode()


@pytest.mark.parametrize("typed", ["19821230", "１９８２１２３０", "S57.12.30", "s57.12.30", "昭和57年12月30日",
                                   "1982/12/30"])
def test_search_by_compact_and_wareki_birth_dates(household: Any, login_as: Any, typed: str) -> None:
    """Issue 22 item 5: a birth date typed as clerks type it: 8 digits, 和暦 with the era letter or in full
    (independent: 昭和57年 is 1982, 元号法 and the era table)."""
    html = login_as("counter").get("/registry/", {"birth_date": typed}).content.decode()
    assert "青木 花子" in html and "青木 太郎" not in html, typed


def test_search_by_an_impossible_compact_date_says_so(household: Any, login_as: Any) -> None:
    page = login_as("counter").get("/registry/", {"birth_date": "19821340"})
    assert page.status_code == 200 and "日付が読めません" in page.content.decode()


def test_search_by_birth_date_in_wareki(household: Any, login_as: Any) -> None:
    client = login_as("counter")
    html = client.get("/registry/", {"birth_date": "昭和57年12月30日"}).content.decode()
    assert "青木 花子" in html and "青木 太郎" not in html


def test_search_shows_suppression_flag(household: Any, login_as: Any, supervisor: Any) -> None:
    Suppression.objects.create(atena_number=household.atena_numbers[1], kind="support", reason="DV",
                               starts_on="2026-01-01", set_by=supervisor)
    html = login_as("counter").get("/registry/", {"kana": "アオキ"}).content.decode()
    assert "支援措置" in html


def test_resident_page_shows_record_household_history_and_is_audited(household: Any, login_as: Any) -> None:
    client = login_as("counter")
    atena = household.atena_numbers[0]
    html = client.get(f"/registry/residents/{atena}/").content.decode()
    for text in ("青木 太郎", "青木 花子", "国内転入", "令和8年11月1日", "異動履歴", "証明書の交付履歴",
                 "（記載あり・非表示）"):
        assert text in html, text
    assert "123456789018" not in html
    assert AuditEntry.objects.filter(action="registry.view", resource=f"resident:{atena}").count() == 1


def test_my_number_shown_only_to_supervisor_with_a_purpose_from_the_list(household: Any, login_as: Any) -> None:
    """番号法 第9条・別表: a 個人番号 is used only for a listed 事務; the purpose is chosen, not typed."""
    atena = household.atena_numbers[0]
    client = login_as("supervisor")
    page = client.get(f"/registry/residents/{atena}/").content.decode()
    assert '<select id="purpose" name="my_number_purpose" required>' in page and "地方税の賦課徴収" in page
    typed = client.post(f"/registry/residents/{atena}/", {"my_number_purpose": "税務調査照会への回答"})
    assert typed.status_code == 400 and "123456789018" not in typed.content.decode()
    assert "一覧から選んでください" in typed.content.decode()
    html = client.post(f"/registry/residents/{atena}/", {"my_number_purpose": "chiho_zei"}).content.decode()
    assert "123456789018" in html
    entry = AuditEntry.objects.get(action="registry.view_mynumber", outcome="ok")
    assert entry.detail["purpose"] == "chiho_zei" and "地方税" in entry.detail["purpose_label"]


def test_search_by_my_number_needs_a_purpose_from_the_list(household: Any, login_as: Any) -> None:
    client = login_as("supervisor")
    without = client.get("/registry/", {"my_number": "123456789018"}).content.decode()
    assert "利用目的" in without and "青木 太郎" not in without
    found = client.get("/registry/", {"my_number": "123456789018", "my_number_purpose": "juki"})
    assert "青木 太郎" in found.content.decode()
    entry = AuditEntry.objects.filter(action="registry.view", resource="search").last()
    assert entry is not None and entry.detail["criteria"]["my_number"] == "***"
    assert entry.detail["criteria"]["my_number_purpose"] == "juki"
    bad = client.get("/registry/", {"my_number": "123456789011", "my_number_purpose": "juki"})
    assert "検査用数字" in bad.content.decode()


def test_clerk_cannot_reveal_my_number(household: Any, login_as: Any) -> None:
    atena = household.atena_numbers[0]
    response = login_as("counter").post(f"/registry/residents/{atena}/", {"my_number_purpose": "見たい"})
    assert response.status_code == 403 and "123456789018" not in response.content.decode()
    assert AuditEntry.objects.filter(action="registry.view_mynumber", outcome="refused").exists()


def test_view_suppression_hides_the_record(household: Any, login_as: Any, supervisor: Any) -> None:
    atena = household.atena_numbers[0]
    Suppression.objects.create(atena_number=atena, kind="view", reason="調査", starts_on="2026-01-01",
                               set_by=supervisor)
    response = login_as("counter").get(f"/registry/residents/{atena}/")
    assert response.status_code == 403 and "照会抑止" in response.content.decode()
    assert "青木 太郎" not in response.content.decode().split("<main")[1]


def test_household_page_audits_each_member(household: Any, login_as: Any) -> None:
    setai = household.setai_numbers[0]
    html = login_as("counter").get(f"/registry/households/{setai}/").content.decode()
    assert "世帯主" in html and "青木 花子" in html and "転居" in html
    assert AuditEntry.objects.filter(action="registry.view", detail__page="household").count() == 2


def test_auditor_may_view_but_not_change(household: Any, login_as: Any) -> None:
    client = login_as("auditor")
    assert client.get("/registry/", {"kana": "アオキ"}).status_code == 200
    assert client.get("/registry/changes/move-in/").status_code == 403
    assert client.get(f"/registry/households/{household.setai_numbers[0]}/certificate/").status_code == 403


def test_pages_need_login(client: Any) -> None:
    response = client.get("/registry/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_foreign_residents_dates_in_seireki_everyone_elses_in_wareki(towns: Any, clerk: Any, login_as: Any) -> None:
    """j90 (1.1.9): dates on screen in 和暦, except a foreign resident's 生年月日 and 在留期間の満了の日 (西暦);
    showing those in 和暦 is a 実装しない機能."""
    import datetime as dt

    from jichitai.registry.domain import NewPerson
    from jichitai.registry.services import apply
    from tests.registry.conftest import move_in_command

    lee = NewPerson("LEE MIN", "リー ミン", dt.date(1990, 1, 5), "F", "世帯主", resident_kind="foreign",
                    nationality="韓国", article_30_45="中長期在留者", residence_status="技術・人文知識・国際業務",
                    residence_period="5年", residence_until=dt.date(2030, 3, 31), residence_card_number="AB12345678CD")
    tanaka = NewPerson("田中 一", "タナカ ハジメ", dt.date(1990, 1, 5), "M", "夫")
    applied = apply(move_in_command(persons=(lee, tanaka)), actor=clerk)
    client = login_as("counter")
    pages = {
        "search": client.get("/registry/", {"birth_date": "1990-01-05"}).content.decode(),
        "household": client.get(f"/registry/households/{applied.setai_numbers[0]}/").content.decode(),
        "resident": client.get(f"/registry/residents/{applied.atena_numbers[0]}/").content.decode(),
    }
    for where, html in pages.items():
        assert "1990年1月5日" in html, where          # LEE MIN's birth date, 西暦
        assert "平成2年1月5日" in html, where          # 田中 一's, 和暦
        assert html.count("平成2年1月5日") == 1, where  # never LEE MIN's in 和暦
    assert "2030年3月31日" in pages["resident"] and "令和12年3月31日" not in pages["resident"]
