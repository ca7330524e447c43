"""Issue 8, done means (headless chromium): a resident with salary and medical expenses files, sees the tax,
submits and is accepted automatically; another with a twice-claimed dependant lands in the clerk's queue and
the clerk resolves it (correction approved by a supervisor)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from jichitai.declarations.models import Declaration, Status
from tests.declarations.domain.factories import notice_xml
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def demo_login(page: Any, base: str, my_number: str) -> None:
    page.goto(f"{base}/declarations/portal/")
    page.get_by_label("個人番号（デモ用・12桁）").fill(my_number)
    page.get_by_role("button", name="デモ用ログイン").click()
    page.wait_for_url(f"{base}/declarations/portal/")


def start_declaration(page: Any, base: str, my_number: str, pattern: Any = re.compile("その他")) -> None:
    """Signed in, a new 令和8年度 declaration of ``pattern`` opened at its form."""
    demo_login(page, base, my_number)
    page.get_by_role("link", name="令和8年度の申告をはじめる").click()
    page.get_by_label(pattern).check()
    page.get_by_role("button", name="次へ").click()


def staff_login(page: Any, base: str, username: str, password: str) -> None:
    browser_login(page, base, username, password)
    page.wait_for_url(f"{base}/accounts/")


def test_salary_and_medical_expenses_accepted_automatically(live_server: Any, page: Any, screenshot: Any,
                                                           resident: Any, salary_report: Any) -> None:
    base = live_server.url
    me = resident()
    salary_report(me["my_number"], 4_500_000)
    start_declaration(page, base, me["my_number"])
    assert page.get_by_label("給与の収入金額（支払金額）（円）").input_value() == "4500000"
    page.get_by_label("社会保険料（国民健康保険税・国民年金など）（円）").fill("600000")  # as on the report (DE07)
    page.get_by_label("支払った医療費（円）").fill("280000")
    page.get_by_role("button", name="下書きを保存する").click()
    assert page.get_by_role("status").inner_text().startswith("下書きを保存しました")
    page.get_by_label("書類の種類").select_option("medical_detail")
    page.get_by_label("ファイル（PDF・写真、医療費通知情報はXML。5MBまで）").set_input_files(
        {"name": "iryouhi-tsuchi.xml", "mimeType": "application/xml",
         "buffer": notice_xml(me["name"], 280_000).encode()})
    page.get_by_role("button", name="添付する").click()
    assert "iryouhi-tsuchi.xml" in page.content() and "医療費通知情報（XML）: 280,000円" in page.content()
    screenshot("declarations-portal-edit")
    page.get_by_role("button", name="税額を計算して確認する").click()
    total = page.locator("#total-tax").inner_text()
    assert re.fullmatch(r"[\d,]+円", total)
    assert "医療費控除" in page.content()
    screenshot("declarations-portal-confirm")
    page.get_by_role("button", name="この内容で申告する").click()
    page.wait_for_url(re.compile(r".*/declarations/portal/r/R08-.*"))
    assert page.locator("#status").inner_text() == "受理（自動審査）"
    receipt = page.locator("#receipt-number").inner_text()
    screenshot("declarations-portal-status")
    d = Declaration.objects.get(receipt_number=receipt)
    assert d.status == Status.AUTO_ACCEPTED and d.computed["total"] == int(total.rstrip("円").replace(",", ""))


def test_twice_claimed_dependant_goes_to_the_clerk_who_resolves_it(live_server: Any, page: Any, screenshot: Any,
                                                                   resident: Any, salary_report: Any,
                                                                   make_staff: Any) -> None:
    base = live_server.url
    mother = resident(name="灘 母子", kana="ナダ ハハコ", setai="S0000000000099")
    child = resident(name="灘 一子", kana="ナダ イチコ", birth=dt.date(2008, 9, 1), setai="S0000000000099")
    father = resident(name="灘 父男", kana="ナダ チチオ", setai="S0000000000077")
    salary_report(mother["my_number"], 3_000_000)
    salary_report(father["my_number"], 6_000_000, dependants=(child["my_number"],))
    demo_login(page, base, mother["my_number"])
    page.get_by_role("link", name="令和8年度の申告をはじめる").click()
    page.get_by_label("給与所得のみ").check()
    page.get_by_role("button", name="次へ").click()
    page.get_by_label(re.compile("^灘 一子（")).select_option("dependent")
    page.get_by_role("button", name="税額を計算して確認する").click()
    page.get_by_role("button", name="この内容で申告する").click()
    page.wait_for_url(re.compile(r".*/declarations/portal/r/R08-.*"))
    assert page.locator("#status").inner_text() == "職員確認中"
    receipt = page.locator("#receipt-number").inner_text()
    screenshot("declarations-portal-to-clerk")

    reviewer = make_staff(roles=["tax_reviewer"], username="t0001", full_name="税務 審査")
    staff_login(page, base, "t0001", "correct-horse-battery")
    page.goto(f"{base}/declarations/queue/")
    page.get_by_role("link", name=receipt).click()
    assert "FA06" in page.content() and "二重扶養" in page.content()
    screenshot("declarations-clerk-case")
    page.get_by_label(re.compile("訂正して決裁に回す")).check()
    page.get_by_label(re.compile("扶養親族 灘 一子 を残す")).uncheck()
    page.get_by_label("コメント（住民に表示されます）").fill("お子さんは配偶者の年末調整で扶養控除を受けているため、扶養親族から除きました。")
    page.get_by_label("この処理にかかった時間（分）").fill("8")
    page.get_by_role("button", name="実行する").click()
    page.wait_for_url(f"{base}/declarations/queue/")
    assert reviewer.pk
    page.get_by_role("button", name="ログアウト").click()

    make_staff(roles=["supervisor"], username="s0001", full_name="課長 決裁", department="shiminzei")
    staff_login(page, base, "s0001", "correct-horse-battery")
    page.goto(f"{base}/declarations/approvals/")
    page.get_by_role("link", name=re.compile(receipt)).click()
    # the approver sees what the correction changes, in words (issue 18 item 3: declarations/corrections.py)
    changes = page.locator("#correction-lines").inner_text()
    assert "扶養親族" in changes and "灘 一子" in changes and "なし" in changes
    screenshot("declarations-clerk-approval-changes")
    page.get_by_label("この処理にかかった時間（分）").fill("2")
    page.get_by_role("button", name="実行する").click()
    page.wait_for_url(f"{base}/declarations/approvals/")
    d = Declaration.objects.get(receipt_number=receipt)
    assert d.status == Status.CLERK_CORRECTED and d.version == 2
    assert d.feeds.filter(kind="correction").exists()
    page.get_by_role("button", name="ログアウト").click()

    demo_login(page, base, mother["my_number"])
    page.goto(f"{base}/declarations/portal/r/{receipt}/")
    assert page.locator("#status").inner_text() == "受理（職員が訂正）"
    assert "年末調整で扶養控除" in page.content()
    screenshot("declarations-portal-corrected")


def _claim_single_parent(page: Any, base: str, me: dict[str, Any], child_name: str) -> str:
    demo_login(page, base, me["my_number"])
    page.get_by_role("link", name="令和8年度の申告をはじめる").click()
    page.get_by_label("給与所得のみ").check()
    page.get_by_role("button", name="次へ").click()
    page.get_by_label("寡婦・ひとり親").select_option("single_parent")
    page.get_by_label(re.compile(f"^{child_name}（子・")).select_option("dependent")
    page.get_by_role("button", name="税額を計算して確認する").click()
    page.get_by_role("button", name="この内容で申告する").click()
    page.wait_for_url(re.compile(r".*/declarations/portal/r/R08-.*"))
    return page.locator("#status").inner_text()


def test_a_single_parent_with_her_child_is_accepted(live_server: Any, page: Any, screenshot: Any,
                                                    resident: Any, salary_report: Any) -> None:
    """Issue 20, done means: ひとり親 (所得税法第2条第1項第31号) claimed with her child in the household and claimed
    as a dependant, no partner in the household: accepted automatically."""
    me = resident(name="須磨 花子", kana="スマ ハナコ", setai="S0000000000201")
    resident(name="須磨 一郎", kana="スマ イチロウ", birth=dt.date(2012, 5, 1), setai="S0000000000201",
             relationship="子", sex="M")
    salary_report(me["my_number"], 3_200_000)
    assert _claim_single_parent(page, live_server.url, me, "須磨 一郎") == "受理（自動審査）"
    screenshot("declarations-portal-single-parent")


def test_a_false_single_parent_claim_goes_to_a_clerk(live_server: Any, page: Any, resident: Any,
                                                     salary_report: Any) -> None:
    """The same claim with a 「夫（未届）」 in the household (施行規則第1条の4: 事実上の婚姻関係) goes to a clerk."""
    me = resident(name="垂水 花子", kana="タルミ ハナコ", setai="S0000000000202")
    resident(name="垂水 次郎", kana="タルミ ジロウ", birth=dt.date(2013, 5, 1), setai="S0000000000202",
             relationship="子", sex="M")
    resident(name="明石 太郎", kana="アカシ タロウ", setai="S0000000000202", relationship="夫（未届）", sex="M")
    salary_report(me["my_number"], 3_200_000)
    assert _claim_single_parent(page, live_server.url, me, "垂水 次郎") == "職員確認中"
    d = Declaration.objects.get(owner_index=me["actor"].my_number_index)
    assert "ST02" in d.review_codes
