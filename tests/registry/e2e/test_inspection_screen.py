"""Headless chromium, 標準仕様書 9.5 (j1320): a clerk makes the 住民基本台帳の一部の写し（閲覧用） of one 町字 from the
menu — first with a purpose that does not fit the kind of request (the reason names the item, nothing is made), then complete — and gets the PDF
with the town's residents but not the supported person's household."""

from __future__ import annotations

import datetime as dt
import subprocess
from typing import Any

import pytest

from jichitai.registry.domain import NewPerson
from jichitai.registry.models import InspectionRequest
from tests.registry.conftest import move_in_command
from tests.registry.counter_browser import pick_town
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_clerk_makes_the_inspection_list_of_a_town(live_server: Any, page: Any, towns: Any, make_staff: Any,
                                                      protect: Any, tmp_path: Any, screenshot: Any) -> None:
    from jichitai.registry.services import apply

    base = live_server.url
    clerk = make_staff(roles=["counter"], username="c0951", full_name="窓口 閲覧")
    aoki = apply(move_in_command(), actor=clerk).atena_numbers
    apply(move_in_command(banchi="5番地", persons=(NewPerson("上田 春子", "ウエダ ハルコ", dt.date(2000, 4, 1), "F",
                                                             "世帯主"),)), actor=clerk)
    protect(aoki[1])

    browser_login(page, base, "c0951", "correct-horse-battery")
    page.wait_for_url(f"{base}/accounts/")
    page.get_by_role("link", name="閲覧用写し", exact=True).click()
    page.wait_for_url(f"{base}/registry/inspection/")
    pick_town(page, "かのう", "加納町", field="town_1")
    page.get_by_label("請求者・申出者の氏名又は名称").fill("神戸大学 社会調査研究室")
    page.locator("#id_purpose").fill("市民意識調査の対象者の抽出")
    page.get_by_label("閲覧者の氏名・住所（1行に1人）").fill("調査 一郎（神戸市灘区六甲台町1-1）")
    page.get_by_label("請求・申出の区分").select_option(label="国又は地方公共団体の機関の請求（住民基本台帳法第11条）")
    page.get_by_role("button", name="作成する").click()
    assert "作成できません" in page.content() and "利用目的の区分" in page.content()
    assert not InspectionRequest.objects.exists()

    page.get_by_label("請求・申出の区分").select_option(label="個人又は法人の申出（住民基本台帳法第11条の2）")
    page.get_by_label("無作為（ランダム）順").check()
    screenshot("registry-inspection")
    with page.expect_download() as download:
        page.get_by_role("button", name="作成する").click()
    pdf = tmp_path / "etsuran.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "住民基本台帳の一部の写し（閲覧用）" in text and "上田 春子" in text and "無作為" in text
    assert "青木" not in text
    record = InspectionRequest.objects.get()
    assert record.count == 1 and record.criteria["order"] == "random" and record.issuance.issued_by_id == clerk.pk
