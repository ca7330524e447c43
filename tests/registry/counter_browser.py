"""What the counter's browser tests share: choosing a 町字 with the picker, as a clerk does."""

from __future__ import annotations

from typing import Any


def pick_town(page: Any, query: str, label: str, *, field: str = "town_code") -> None:
    """Type ``query`` (かな, 町字名 or 郵便番号) in the picker of ``field`` and choose the town named ``label``
    among those found (one match is chosen at once)."""
    box = page.locator(f'.town-picker:has([name="{field}"])')
    box.get_by_label("町字の検索（かな・郵便番号）").fill(query)
    select = box.locator(f'[name="{field}"]')
    select.locator("option", has_text=label).first.wait_for(state="attached")
    select.select_option(label=select.locator("option", has_text=label).first.inner_text())


# 受付の記録 every counter form now asks for (住民基本台帳法第27条第2項: the 本人確認 done; the 手数料 taken)
RECEIVED = {"r-notifier_kind": "self", "r-identity_documents": "my_number_card", "r-fee": "0"}
CERT_RECEIVED = {"r-identity_documents": "drivers_license", "r-fee": "300"}


def receive(page: Any, document: str = "個人番号カード") -> None:
    """The clerk ticks the document the person at the counter showed (本人確認)."""
    page.get_by_label(document, exact=True).check()
