"""Issue 18 item 8: the access log answers an auditor's questions (住民記録システム標準仕様書 10.2, j1370):
everything that touched resident X (異動, reads, searches that listed them), searches with their terms, actors by
name and department, a date range, and the analyses the standard lists (深夜・休業日, ログイン失敗, ID別ログイン数,
大量検索, 宛名番号等からの検索) as pages and CSV files for the auditor."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from jichitai.audit import analyses, inquiry, labels
from jichitai.audit import services as audit
from jichitai.audit.models import AuditEntry
from tests.lounge.test_readable import visible_outside_details
from tests.registry.conftest import TOWNS

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")

MOVE_IN = {"type": "RecordMoveIn", "moved_on": "2026-11-01", "notified_on": "2026-11-05", "town_code": "281100001",
           "banchi": "1番地", "previous_address": "大阪府大阪市北区梅田1丁目", "previous_municipality_code": "27127",
           "persons": [{"name": "青木 太郎", "kana": "アオキ タロウ", "birth_date": "1980-01-07", "sex": "M",
                        "relationship": "世帯主"},
                       {"name": "青木 花子", "kana": "アオキ ハナコ", "birth_date": "1982-12-30", "sex": "F",
                        "relationship": "妻"}]}


@pytest.fixture
def resident_touched(login_as: Any, make_staff: Any) -> tuple[str, Any]:
    """A clerk records a 転入 (two people), reads one of them, and searches by kana."""
    from jichitai.registry.services import load_towns

    load_towns(TOWNS)
    clerk = login_as("counter", full_name="窓口 一郎")
    body = clerk.post("/api/registry/changes", data=json.dumps(MOVE_IN, ensure_ascii=False),
                      content_type="application/json").json()
    atena = body["atena_numbers"][1]
    assert clerk.get(f"/api/registry/residents/{atena}").status_code == 200
    assert clerk.get("/api/registry/residents", {"kana": "アオキ"}).status_code == 200
    return atena, clerk.staff


def test_everything_that_touched_a_resident_is_found_under_their_number(resident_touched: Any) -> None:
    atena, clerk = resident_touched
    found = list(inquiry.entries(inquiry.Filters(subject=atena)))
    kinds = {(e.action, e.resource.split(":")[0]) for e in found}
    assert ("registry.change", "change") in kinds  # the 異動, logged under its change id, names the person
    assert ("registry.view", "resident") in kinds  # the read of their record
    assert ("registry.view", "search") in kinds  # the search whose result list showed them
    assert all(e.actor == f"staff:{clerk.username}" for e in found)
    assert not list(inquiry.entries(inquiry.Filters(subject="999999999999999")))


def test_searches_are_logged_with_their_terms(resident_touched: Any) -> None:
    _atena, _clerk = resident_touched
    search = inquiry.entries(inquiry.Filters(action="registry.view", resource="search")).first()
    assert search is not None and search.detail["criteria"]["kana"] == "アオキ" and search.detail["count"] == 2


def test_the_log_page_shows_actors_by_name_and_department_for_a_resident_and_period(resident_touched: Any,
                                                                                     make_staff: Any) -> None:
    from tests.staff_login import log_in_verified

    atena, _clerk = resident_touched
    auditor = log_in_verified(Client(), make_staff(roles=["auditor"], department="kansa"))
    today = dt.datetime.now(JST).date()
    page = auditor.get("/audit/", {"subject": atena, "date_from": today.isoformat(), "date_to": today.isoformat()})
    html = page.content.decode()
    assert page.status_code == 200 and "窓口 一郎" in html and "shimin課" in html
    text = visible_outside_details(html)  # what the auditor reads: words, the codes only in title attributes
    assert "住民異動の入力" in text and "住民記録の照会" in text and f"住民 宛名番号 {atena}" in text and "成功" in text
    assert not re.search(r"registry\.|resident:|change:|staff:|\bok\b", text), text
    earlier = auditor.get("/audit/", {"subject": atena, "date_to": (today - dt.timedelta(days=1)).isoformat()})
    assert "全 0 件" in earlier.content.decode()
    bad = auditor.get("/audit/", {"date_from": "2026-13-01"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode()
    reversed_range = auditor.get("/audit/", {"date_from": "2026-12-02", "date_to": "2026-12-01"})
    assert "開始日が終了日より後" in reversed_range.content.decode()


@pytest.mark.parametrize(("day", "why"), [
    (dt.date(2026, 11, 3), "文化の日"), (dt.date(2026, 11, 23), "勤労感謝の日"), (dt.date(2026, 12, 30), "年末年始"),
    (dt.date(2027, 1, 3), "年末年始"), (dt.date(2026, 11, 7), "土曜日"), (dt.date(2026, 11, 8), "日曜日"),
    (dt.date(2026, 11, 4), ""), (dt.date(2026, 12, 28), ""),
])
def test_closed_days_follow_the_holiday_law_and_the_year_end(day: dt.date, why: str) -> None:
    """Independent: 国民の祝日に関する法律第2条 (文化の日 11/3, 勤労感謝の日 11/23), 地方自治法第4条の2 (年末年始)."""
    assert analyses.closed_day(day) == why


@pytest.mark.parametrize(("hhmm", "night"), [("22:00", True), ("21:59", False), ("04:59", True), ("05:00", False),
                                             ("00:30", True), ("12:00", False)])
def test_night_is_22_to_5_jst(hhmm: str, night: bool) -> None:
    """Independent: 労働基準法第37条第4項 (午後10時から午前5時まで)."""
    h, m = map(int, hhmm.split(":"))
    assert analyses.is_night(dt.datetime(2026, 11, 4, h, m, tzinfo=JST)) is night


def _at(monkeypatch: Any, when: dt.datetime) -> None:
    monkeypatch.setattr(audit.timezone, "now", lambda: when)


def test_the_analyses_list_what_the_standard_asks(make_staff: Any, monkeypatch: Any, client: Client) -> None:
    from tests.staff_login import log_in_verified

    clerk = make_staff(roles=["counter"], full_name="夜勤 太郎")
    _at(monkeypatch, dt.datetime(2026, 11, 3, 10, 0, tzinfo=JST))  # 文化の日
    audit.record(clerk, "registry.view", "resident:000000000000001")
    _at(monkeypatch, dt.datetime(2026, 11, 4, 23, 30, tzinfo=JST))  # a weekday night
    audit.record(clerk, "registry.view", "search", criteria={"atena_number": "000000000000001"},
                 results=["000000000000001"], count=1)
    _at(monkeypatch, dt.datetime(2026, 11, 4, 11, 0, tzinfo=JST))  # a weekday morning: not off hours
    audit.record(clerk, "registry.view", "search", criteria={"kana": "ア"}, results=[], count=180)
    audit.record(None, "login", "staff:kanri", "refused", reason="bad_credentials", address="10.9.9.9")
    audit.record(None, "login", "staff:kanri", "refused", reason="bad_credentials", address="10.9.9.9")
    audit.record(clerk, "login", f"staff:{clerk.username}", "ok", method="password+totp")
    monkeypatch.undo()

    period = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    off = analyses.off_hours(*period)
    assert [(r[1], r[2]) for r in off.rows] == [("深夜", f"夜勤 太郎（{clerk.username}）"),
                                               ("文化の日", f"夜勤 太郎（{clerk.username}）")]
    failures = analyses.login_failures(*period)
    assert failures.rows[0][:3] == ["kanri", "10.9.9.9", 2]
    assert analyses.logins_per_id(*period).rows[0][2] == 1
    bulk = analyses.bulk_searches(*period)
    assert [r[3] for r in bulk.rows] == ["大量一覧"] and bulk.rows[0][4] == 180
    by_number = analyses.one_person_searches(*period)
    assert [r[3] for r in by_number.rows] == ["宛名番号"] and by_number.rows[0][5] == "000000000000001"

    auditor = log_in_verified(client, make_staff(roles=["auditor"], department="kansa"))
    for name, title in analyses.TITLES.items():
        page = auditor.get(f"/audit/analyses/{name}/", {"date_from": "2026-11-01", "date_to": "2026-11-30"})
        assert page.status_code == 200 and title in page.content.decode()
    exported = auditor.get("/audit/analyses/off-hours/", {"date_from": "2026-11-01", "date_to": "2026-11-30",
                                                          "format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["日時", "区分"] and len(rows) == 3
    assert login_as_counter_is_refused(make_staff)


def login_as_counter_is_refused(make_staff: Any) -> bool:
    from tests.staff_login import log_in_verified

    counter = log_in_verified(Client(), make_staff(roles=["counter"]))
    return counter.get("/audit/analyses/off-hours/").status_code == 403 and \
        counter.get("/audit/analyses/").status_code == 403


def test_an_auditor_finds_a_colleague_by_name_and_an_action_by_its_words(resident_touched: Any) -> None:
    """Consistency: the filters take what an auditor knows (a name, an action chosen from words)."""
    _atena, clerk = resident_touched
    by_name = list(inquiry.entries(inquiry.Filters(actor="窓口")))
    assert by_name and all(e.actor == f"staff:{clerk.username}" for e in by_name)
    assert not list(inquiry.entries(inquiry.Filters(actor="存在しない職員")))
    changes = list(inquiry.entries(inquiry.Filters(action="registry.change")))
    assert changes and {e.action for e in changes} == {"registry.change"}
    assert ("registry.change", "住民異動の入力") in labels.action_choices()


def test_a_request_refused_while_decoding_is_found_under_the_person_it_names(resident_touched: Any,
                                                                             login_as: Any) -> None:
    """Independent (10.2, j1370: the log answers 「この住民に触れたもの」; a refusal is a touch too): a request refused
    before any view or route read it — a form value with a control character, an API body of the wrong type, a
    call without credentials — is found under the 宛名番号 its address or body names; the refused value is never
    written, and a path that names no 宛名番号 (letters) indexes nothing."""
    atena, _clerk = resident_touched
    clerk = login_as("counter")
    form = clerk.post(f"/registry/residents/{atena}/memos/", {"text": "確認\x1b[31m済み"})
    typed = clerk.post("/api/registry/changes", content_type="application/json",
                       data=json.dumps({"type": "RecordMoveWithin", "moved_on": "2026-11-20", "atena_numbers": [atena],
                                        "town_code": 281100002, "banchi": "8番地"}))
    anonymous = Client().get(f"/api/registry/residents/{atena}")
    assert (form.status_code, typed.status_code, anonymous.status_code) == (400, 422, 401)
    found = {(e.action, e.resource, e.detail["code"]) for e in inquiry.entries(inquiry.Filters(subject=atena))
             if e.outcome == "refused"}
    assert found >= {("request.input", f"POST /registry/residents/{atena}/memos/", "invalid_characters"),
                     ("api.request", "POST /api/registry/changes", "invalid_input"),
                     ("api.request", f"GET /api/registry/residents/{atena}", "http_401")}
    refused = [e for e in inquiry.entries(inquiry.Filters(subject=atena)) if e.outcome == "refused"]
    assert not any("\x1b" in json.dumps(e.detail) or "済み" in json.dumps(e.detail, ensure_ascii=False) for e in refused)
    clerk.post("/registry/residents/abc/memos/", {"text": "確認\x1b[31m済み"})
    nameless = AuditEntry.objects.get(action="request.input", resource="POST /registry/residents/abc/memos/")
    assert "subjects" not in nameless.detail
