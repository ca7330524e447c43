"""The portal and the clerk pages through the Django test client (CSRF enforced)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from jichitai.declarations.models import Declaration, Status

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def token(client: Client, url: str) -> str:
    page = client.get(url)
    m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert m, f"no CSRF token on {url}"
    return m.group(1)


def sign_in(client: Client, person: dict[str, Any]) -> None:
    t = token(client, "/declarations/portal/")
    r = client.post("/declarations/portal/", {"my_number": person["my_number"], "csrfmiddlewaretoken": t})
    assert r.status_code == 302, r.content.decode()[:500]


def test_post_without_csrf_token_is_refused(resident):
    me = resident()
    r = csrf_client().post("/declarations/portal/", {"my_number": me["my_number"]})
    assert r.status_code == 403


def test_pages_need_a_signed_in_resident():
    r = Client().get("/declarations/portal/new/")
    assert r.status_code == 302 and "/declarations/portal/" in r["Location"]


def test_resident_files_online_and_sees_the_tax(resident, salary_report):
    me = resident()
    salary_report(me["my_number"], 4_200_000)
    c = csrf_client()
    sign_in(c, me)
    t = token(c, "/declarations/portal/new/")
    r = c.post("/declarations/portal/new/", {"pattern": "other", "csrfmiddlewaretoken": t})
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Declaration.objects.get(owner_index=me["actor"].my_number_index)
    edit = f"/declarations/portal/{d.pk}/edit/"
    page = c.get(edit).content.decode()
    assert 'value="4200000"' in page, "salary prefilled from the 給与支払報告書"
    t = token(c, edit)
    form = {"csrfmiddlewaretoken": t, "others": "1", "salary": "4200000", "pension": "0", "business": "0",
            "misc_other": "0", "social_insurance": "600000", "medical_paid": "250000", "medical_reimbursed": "0",
            "furusato": "0", "donation_other": "0", "confirm": "1"}
    r = c.post(edit, form)
    assert r.status_code == 302 and r["Location"].endswith("/confirm/"), r.content.decode()[:3000]
    notice = (f"<?xml version='1.0' encoding='UTF-8'?><医療費通知情報><被保険者等の氏名>{me['name']}</被保険者等の氏名>"
              f"<保険者等の名称>全国健康保険協会</保険者等の名称><療養><療養を受けた年月>{d.fiscal_year - 1}-06"
              f"</療養を受けた年月><療養を受けた者>{me['name']}</療養を受けた者><病院等の名称>神戸中央病院</病院等の名称>"
              "<支払った医療費の額>250000</支払った医療費の額></療養></医療費通知情報>")
    r = c.post(f"/declarations/portal/{d.pk}/attachments/",
               {"csrfmiddlewaretoken": t, "kind": "medical_detail",
                "file": _upload("iryohi.xml", notice.encode())})
    assert r.status_code == 302
    assert "医療費通知情報（XML）: 250,000円" in c.get(edit).content.decode()
    confirm = c.get(f"/declarations/portal/{d.pk}/confirm/").content.decode()
    assert "計算の過程" in confirm and "医療費控除" in confirm
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', confirm).group(1)  # type: ignore[union-attr]
    t = token(c, f"/declarations/portal/{d.pk}/confirm/")
    r1 = c.post(f"/declarations/portal/{d.pk}/submit/", {"csrfmiddlewaretoken": t, "idempotency_key": key})
    r2 = c.post(f"/declarations/portal/{d.pk}/submit/", {"csrfmiddlewaretoken": t, "idempotency_key": key})
    assert r1["Location"] == r2["Location"]
    d.refresh_from_db()
    assert d.status == Status.AUTO_ACCEPTED, d.decisions.get().findings
    status = c.get(r1["Location"]).content.decode()
    assert d.receipt_number in status and "受理" in status


def _upload(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_attachment_that_is_not_a_pdf_is_refused_with_a_message(resident):
    me = resident()
    c = csrf_client()
    sign_in(c, me)
    t = token(c, "/declarations/portal/new/")
    c.post("/declarations/portal/new/", {"pattern": "other", "csrfmiddlewaretoken": t})
    d = Declaration.objects.get(owner_index=me["actor"].my_number_index)
    r = c.post(f"/declarations/portal/{d.pk}/attachments/",
               {"csrfmiddlewaretoken": t, "kind": "medical_detail", "file": _upload("x.pdf", b"<html>not a pdf")})
    assert r.status_code == 400 and "PDFまたは写真" in r.content.decode()


def test_another_residents_receipt_number_is_not_shown(resident, salary_report):
    owner, intruder = resident(), resident(name="北 次郎", kana="キタ ジロウ", birth=dt.date(1970, 1, 1))
    salary_report(owner["my_number"], 4_000_000)
    from jichitai.declarations import filing
    from tests.declarations.conftest import record_for

    d = filing.submit(owner["actor"], filing.save_draft(owner["actor"], record_for(owner), fiscal_year=2026),
                      idempotency_key="x")
    c = csrf_client()
    sign_in(c, intruder)
    assert c.get(f"/declarations/portal/r/{d.receipt_number}/").status_code == 404
    assert c.get(f"/declarations/portal/{d.pk}/edit/").status_code == 404
    t = token(c, "/declarations/portal/lookup/")
    r = c.post("/declarations/portal/lookup/", {"csrfmiddlewaretoken": t, "receipt_number": d.receipt_number})
    assert r.status_code == 404 and "見つかりません" in r.content.decode()


def test_clerk_pages_need_the_role(login_as):
    assert login_as("counter").get("/declarations/queue/").status_code == 403


def test_clerk_queue_and_metrics_render(login_as):
    c = login_as("tax_reviewer")
    assert c.get("/declarations/queue/").status_code == 200
    page = c.get("/declarations/metrics/?baseline=20").content.decode()
    assert "削減できた事務時間" in page and 'value="20"' in page
