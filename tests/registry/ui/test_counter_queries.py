"""What one counter request costs the database (issue 24 item 7): the queries of a search page and of the 転居's
four steps (search → form → confirm → record), counted by pytest-django's ``django_assert_max_num_queries``.

Consistency tests (the ceilings are our own counts, from bench/counter_cpu.py --profile and these tests): they
fail when a change adds a query to every request — the per-request cost is session 1 + staff with 所属課, roles
and confirmed authenticator devices 1 (accounts.backends.load_staff); before 2026-12-07 it was 4 or 5 (session,
staff, TOTP device, roles, and the 所属課 when a page named the clerk's department)."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.registry.models import Resident
from tests.registry.counter_browser import RECEIVED

pytestmark = pytest.mark.django_db

SEARCH = 10  # queries a search page (the 世帯主 found by フリガナ and 生年月日), its audit entry included
FORM = 10
CONFIRM = 23
RECORD = 29
PER_REQUEST = 2  # session + staff (all a request needs to know who asks and what they may do)


def _token(html: str) -> str:
    return html.split('name="token" value="')[1].split('"')[0]


def test_a_counter_page_view_costs_a_bounded_number_of_queries(household: Any, login_as: Any,
                                                              django_assert_max_num_queries: Any) -> None:
    client = login_as("counter")
    client.get("/")  # the first request of a process loads what every later one reuses (towns, labels)
    with django_assert_max_num_queries(PER_REQUEST) as home:
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(SEARCH) as search:
        response = client.get("/registry/", {"kana": "アオキ タロウ", "birth_date": "1980-01-07"})
        assert response.status_code == 200 and "青木 太郎" in response.content.decode()
    print(f"home {len(home)}, search {len(search)}")


def test_a_move_within_costs_a_bounded_number_of_queries(household: Any, login_as: Any,
                                                         django_assert_max_num_queries: Any) -> None:
    client = login_as("counter")
    setai = household.setai_numbers[0]
    client.get("/")
    with django_assert_max_num_queries(FORM) as form:
        html = client.get(f"/registry/changes/move-within/?setai={setai}").content.decode()
    assert "青木 花子（妻）" in html
    data = {"step": "confirm", **RECEIVED, "setai": setai, "moved_on": "令和8年11月20日",
            "notified_on": "令和8年11月21日", "atena_numbers": household.atena_numbers, "town_code": "281100002",
            "banchi": "9番地"}
    with django_assert_max_num_queries(CONFIRM) as confirm:
        html = client.post("/registry/changes/move-within/", data).content.decode()
    with django_assert_max_num_queries(RECORD) as record:
        done = client.post("/registry/changes/move-within/", {"step": "commit", "token": _token(html), "setai": setai})
    assert done.status_code == 302
    assert set(Resident.objects.values_list("banchi", flat=True)) == {"9番地"}
    print(f"form {len(form)}, confirm {len(confirm)}, record {len(record)}")
