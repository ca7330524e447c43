"""The clerk's queue page through the Django test client: oldest first, a page at a time, filtered by the rule
that stopped a declaration and by the days it has waited (issue 8: the clerk sees only what needs a person)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest
from django.utils import timezone

from jichitai.declarations.clerk import PAGE_SIZE
from jichitai.declarations.models import Declaration, Status

pytestmark = pytest.mark.django_db

_n = itertools.count(1)


def waiting(days: float, codes: str, status: str = Status.CLERK) -> Declaration:
    n = next(_n)
    return Declaration.objects.create(
        receipt_number=f"R08-Q{n:06d}", fiscal_year=2026, channel="paper", pattern="salary_only", status=status,
        owner_index=f"idx{n}", my_number_encrypted="enc:x", name=f"待機 {n}", data={},
        submitted_at=timezone.now() - dt.timedelta(days=days), review_codes=f" {codes} ",
    )


def receipts(page: str) -> list[str]:
    return re.findall(r">(R08-Q\d{6})</a>", page)


@pytest.fixture
def queue() -> dict[str, list[Declaration]]:
    """60 declarations waiting: 40 stopped by FA06 (二重扶養) 3 to 42 days ago, 20 by ID03 under 2 days ago;
    and one already accepted, which is not in the queue."""
    old = [waiting(42 - i, "FA06") for i in range(40)]
    new = [waiting(1.5 - i / 40, "ID03 IN01") for i in range(20)]
    waiting(90, "FA06", status=Status.AUTO_ACCEPTED)
    return {"old": old, "new": new}


def test_the_queue_is_paged_oldest_first(login_as: Any, queue: dict[str, list[Declaration]]) -> None:
    c = login_as("tax_reviewer")
    first = c.get("/declarations/queue/").content.decode()
    everyone = [d.receipt_number for d in queue["old"] + queue["new"]]
    assert receipts(first) == everyone[:PAGE_SIZE]
    assert "職員確認 60件" in first and f"該当 60件のうち 1〜{PAGE_SIZE}件目を表示" in first
    assert 'rel="next"' in first and "1 / 2 ページ" in first
    second = c.get("/declarations/queue/?page=2").content.decode()
    assert receipts(second) == everyone[PAGE_SIZE:]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert receipts(c.get("/declarations/queue/?page=99").content.decode()) == everyone[PAGE_SIZE:]  # the last


def test_filter_by_rule_and_by_days_waiting(login_as: Any, queue: dict[str, list[Declaration]]) -> None:
    c = login_as("tax_reviewer")
    page = c.get("/declarations/queue/?rule=ID03").content.decode()
    assert receipts(page) == [d.receipt_number for d in queue["new"]]
    assert "ID03 " in page and "（20件）" in page and "（40件）" in page  # the choices say how many wait
    old = c.get("/declarations/queue/?min_days=30").content.decode()
    assert receipts(old) == [d.receipt_number for d in queue["old"][:13]]  # 42 … 30 days
    band = c.get("/declarations/queue/?rule=FA06&min_days=10&max_days=12").content.decode()
    assert receipts(band) == [d.receipt_number for d in queue["old"][30:33]]  # 12, 11, 10 days
    # the pager keeps the filters
    assert 'href="?rule=FA06&amp;page=' not in band  # one page only
    paged = c.get("/declarations/queue/?min_days=1").content.decode()  # all 60: two pages
    assert 'href="?min_days=1&amp;page=2"' in paged
    none = c.get("/declarations/queue/?rule=FA07").content.decode()
    assert receipts(none) == [] and "条件に合う申告はありません" in none


def test_a_filter_that_makes_no_sense_is_explained_in_japanese(login_as: Any, queue: Any) -> None:
    c = login_as("tax_reviewer")
    r = c.get("/declarations/queue/?rule=ZZ99")
    assert r.status_code == 400 and "審査ルール「ZZ99」はありません" in r.content.decode()
    r = c.get("/declarations/queue/?min_days=20&max_days=5")
    assert r.status_code == 400 and "「以上」は「以下」より小さく" in r.content.decode()
    r = c.get("/declarations/queue/?min_days=-1")
    assert r.status_code == 400
