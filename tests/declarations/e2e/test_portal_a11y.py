"""The resident portal meets JIS X 8341-3:2016 AA as axe-core checks it (WCAG 2.1 A/AA rules), page by page, and
works by keyboard alone (issue 20 item 4). The front page links to the portal."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from jichitai.declarations.models import Declaration
from tests.a11y import violations
from tests.declarations.domain.factories import notice_xml

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page whose Content-Security-Policy lets the test inject axe-core (the site's own policy allows no inline
    script, rightly); everything else as the shared fixture."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


def _clean(page: Any, what: str) -> None:
    assert page.locator("html").get_attribute("lang") == "ja", what
    found = violations(page)
    assert not found, f"{what}: " + "; ".join(found)
    # every aria-describedby names an element of the page (Django points a field at "<id>_helptext"): axe does
    # not flag a reference to a missing element, a screen reader then reads no help
    dangling = page.evaluate("""() => [...document.querySelectorAll('[aria-describedby]')].flatMap(e =>
        e.getAttribute('aria-describedby').split(/\\s+/).filter(id => !document.getElementById(id)))""")
    assert dangling == [], f"{what}: {dangling}"
    # ids are unique (axe 4.14 no longer checks): a label whose "for" names a repeated id labels the first element
    # only — the upload form's 「配当等の額」 once pointed at the declaration form's 配当所得 field
    repeated = page.evaluate("""() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
        return ids.filter((id, i) => ids.indexOf(id) !== i); }""")
    assert repeated == [], f"{what}: {repeated}"


def test_every_portal_page_passes_axe_and_the_front_page_links_to_it(live_server: Any, page: Any,
                                                                     resident: Any, salary_report: Any) -> None:
    base = live_server.url
    me = resident()
    salary_report(me["my_number"], 4_200_000)
    page.goto(f"{base}/")
    _clean(page, "front page (login)")
    page.get_by_role("link", name="市民税・県民税申告（オンライン申告）").click()
    page.wait_for_url(f"{base}/declarations/portal/")
    _clean(page, "portal sign-in")
    page.get_by_label("個人番号（デモ用・12桁）").fill("12345")
    page.get_by_role("button", name="デモ用ログイン").click()
    _clean(page, "portal sign-in with an error")
    page.get_by_label("個人番号（デモ用・12桁）").fill(me["my_number"])
    page.get_by_role("button", name="デモ用ログイン").click()
    page.wait_for_url(f"{base}/declarations/portal/")
    _clean(page, "portal home")
    page.get_by_role("link", name="令和8年度の申告をはじめる").click()
    _clean(page, "pattern")
    page.get_by_label(re.compile("その他")).check()
    page.get_by_role("button", name="次へ").click()
    _clean(page, "edit")
    page.get_by_label("支払った医療費（円）").fill("250000")
    page.get_by_label("社会保険料（国民健康保険税・国民年金など）（円）").fill("600000")
    page.get_by_role("button", name="下書きを保存する").click()
    _clean(page, "edit, saved")
    page.get_by_label("支払った医療費（円）").fill("-5")
    page.get_by_role("button", name="下書きを保存する").click()
    _clean(page, "edit with an error")
    page.get_by_label("支払った医療費（円）").fill("250000")
    page.get_by_label("書類の種類").select_option("donation_receipt")
    page.get_by_label("ファイル（PDF・写真、医療費通知情報はXML。5MBまで）").set_input_files(
        {"name": "kifu.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"})
    page.get_by_role("button", name="添付する").click()
    assert "寄附先" in page.content()
    _clean(page, "attachment refused")
    page.go_back()
    page.get_by_label("書類の種類").select_option("medical_detail")
    page.get_by_label("ファイル（PDF・写真、医療費通知情報はXML。5MBまで）").set_input_files(
        {"name": "iryohi.xml", "mimeType": "application/xml", "buffer": notice_xml(me["name"], 200_000).encode()})
    page.get_by_role("button", name="添付する").click()
    _clean(page, "edit with an attachment")
    page.get_by_role("button", name="税額を計算して確認する").click()
    _clean(page, "confirm")
    page.get_by_role("button", name="この内容で申告する").click()
    page.wait_for_url(re.compile(r".*/declarations/portal/r/R08-.*"))
    assert "50,000円少なく" in page.content()  # DE09's text for the resident: a finding shown on the page
    _clean(page, "status with a finding")
    page.goto(f"{base}/declarations/portal/lookup/")
    _clean(page, "lookup")
    page.get_by_label(re.compile("受付番号")).fill("R08-9999999-9")
    page.get_by_role("button", name=re.compile("確認|表示|照会")).click()
    _clean(page, "lookup, not found")
    # the check can fail: an image without a text alternative is a violation (WCAG 1.1.1)
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\\'/x.png\\'>')")
    assert any(v.startswith("image-alt") for v in violations(page))


def test_a_resident_files_by_keyboard_alone(live_server: Any, page: Any, resident: Any, salary_report: Any) -> None:
    """Sign in, choose the pattern, fill an amount, save and submit with Tab, typing, Space and Enter only."""
    base = live_server.url
    me = resident()
    salary_report(me["my_number"], 4_200_000)
    page.goto(f"{base}/declarations/portal/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "本文へ移動"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_my_number":
            break
    page.keyboard.type(me["my_number"])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/declarations/portal/")
    link = page.get_by_role("link", name="令和8年度の申告をはじめる")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    radio = page.get_by_label("給与所得のみ")
    radio.focus()
    page.keyboard.press("Space")
    assert radio.is_checked()
    page.keyboard.press("Enter")  # submits the form the radio is in
    page.wait_for_url(re.compile(r".*/edit/$"))
    field = page.get_by_label("社会保険料（国民健康保険税・国民年金など）（円）")
    field.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("600000")
    page.get_by_role("button", name="税額を計算して確認する").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/confirm/$"))
    page.get_by_role("button", name="この内容で申告する").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/declarations/portal/r/R08-.*"))
    assert Declaration.objects.get(owner_index=me["actor"].my_number_index).receipt_number
