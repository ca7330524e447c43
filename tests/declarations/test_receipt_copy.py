"""The 控え (issue 20 item 4): the resident opens a PDF copy of what was filed, with its 受付番号, from the status
page; nobody else can. Read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from typing import Any

import pytest
from django.test import Client

from tests.declarations.domain.factories import notice_xml
from tests.declarations.test_services import file_and_submit

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    """The PDF's text without white space (pdftotext spaces out 和暦 digits and table cells)."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return re.sub(r"\s+", "", out.decode())


def _signed_in(person: dict[str, Any]) -> Client:
    c = Client()
    r = c.post("/declarations/portal/", {"my_number": person["my_number"]})
    assert r.status_code == 302
    return c


def test_the_copy_carries_what_was_filed_and_its_receipt_number(resident: Any, salary_report: Any) -> None:
    """Consistency: the PDF shows the 受付番号, the title with the 年度 in 和暦, the amounts with separators, the
    relative by name and 和暦 birth date (not the 個人番号), and what was read of the attachment."""
    me = resident(name="北野 花子", kana="キタノ ハナコ")
    child = resident(name="北野 一郎", kana="キタノ イチロウ", birth=dt.date(2010, 4, 2))
    salary_report(me["my_number"], 4_000_000)
    dep = {"my_number": child["my_number"], "name": child["name"], "birth_date": "2010-04-02", "total_income": 0,
           "relation": "child", "cohabiting": True}
    d = file_and_submit(me, medical={"paid": 300_000, "reimbursed": 0}, pattern="other", dependents=[dep],
                        attachments=[{"kind": "medical_detail", "filename": "iryohi.xml",
                                      "content": notice_xml(me["name"], 300_000).encode()}])
    c = _signed_in(me)
    status = c.get(f"/declarations/portal/r/{d.receipt_number}/").content.decode()
    assert f"/declarations/portal/r/{d.receipt_number}/hikae.pdf" in status
    r = c.get(f"/declarations/portal/r/{d.receipt_number}/hikae.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = _text(r.content)
    assert "令和8年度市民税・県民税申告書（控え）" in text
    assert d.receipt_number in text and "北野花子" in text
    assert "300,000円" in text and "4,000,000円" in text
    assert "北野一郎" in text and "平成22年4月2日" in text and child["my_number"] not in text
    assert "医療費通知情報（XML）:300,000円" in text


def test_someone_elses_copy_is_not_found(resident: Any, salary_report: Any) -> None:
    owner, other = resident(), resident(name="須磨 次郎", kana="スマ ジロウ", birth=dt.date(1970, 1, 1))
    salary_report(owner["my_number"], 4_000_000)
    d = file_and_submit(owner)
    r = _signed_in(other).get(f"/declarations/portal/r/{d.receipt_number}/hikae.pdf")
    assert r.status_code == 404
