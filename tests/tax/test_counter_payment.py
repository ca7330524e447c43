"""The taxpayer page's 収納 (PostgreSQL, Django's client): each 普通徴収 期 of the current schedule with what was
paid and its state in words, the 窓口 form that records a payment (CSRF, the one permission check, refusals in
Japanese that keep what was typed, audited under the person), and the 還付 in words once payments are known.
Expected values: the stored schedule's own 期 (consistency) and the arithmetic of 第17条."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.tax.collection import receipts
from jichitai.tax.collection.models import CollectionSchedule, Payment
from tests.tax.collection.test_receipts import ordinary_city

pytestmark = pytest.mark.django_db
D = dt.date


def _post(client: Any, atena: str, **form: str) -> Any:
    return client.post(f"/tax/taxpayers/{atena}/2026/payments/", form)


def test_a_counter_payment_is_recorded_and_the_schedule_shows_it(city: dict[str, str], login_as: Any) -> None:
    """Consistency (the stored 期): the form records one payment under the clerk, the page says 納付済 and 一部納付
    with the rest, the entry is audited under the person."""
    s = ordinary_city(city)
    items = list(s.instalments.filter(method="ordinary").order_by("position"))
    client = login_as("tax_reviewer", department="shiminzei")
    page = client.get(f"/tax/taxpayers/{city['taro']}/").content.decode()
    assert "窓口での納付を記録" in page and "収納の記録はありません。" in page and "未納" in page
    done = _post(client, city["taro"], term="第1期", amount=f"{items[0].amount:,}", paid_on="2026-06-20")
    assert done.status_code == 302
    p = Payment.objects.get()
    assert (p.term, p.amount, p.paid_on, p.channel, p.recorded_by) == ("第1期", items[0].amount, D(2026, 6, 20),
                                                                        "counter", p.recorded_by)
    assert p.recorded_by and p.source_file == ""
    page = client.get(f"/tax/taxpayers/{city['taro']}/").content.decode()
    assert "第1期の納付" in page  # the message after the redirect
    assert f"<td class=\"num\">{items[0].amount:,}円</td><td>納付済</td>" in page
    assert "令和8年6月20日" in page and "窓口" in page
    half = items[1].amount // 2
    assert _post(client, city["taro"], term="第2期", amount=str(half), paid_on="2026-08-01").status_code == 302
    page = client.get(f"/tax/taxpayers/{city['taro']}/").content.decode()
    assert f"一部納付（残 {items[1].amount - half:,}円）" in page
    entry = AuditEntry.objects.filter(action=receipts.ACTION, outcome="ok").order_by("seq").first()
    assert entry is not None and entry.resource == f"resident:{city['taro']}" and entry.detail["term"] == "第1期"


@pytest.mark.parametrize(("form", "words"), [
    ({"term": "第9期", "amount": "1000", "paid_on": "2026-06-20"}, "期別を普通徴収の期から選んでください。"),
    ({"term": "第1期", "amount": "千円", "paid_on": "2026-06-20"}, "金額は1円以上の整数（円）で入力してください。"),
    ({"term": "第1期", "amount": "-5", "paid_on": "2026-06-20"}, "金額は1円以上の整数（円）で入力してください。"),
    ({"term": "第1期", "amount": "1000", "paid_on": "6月20日"}, "収納日を日付で入力してください"),
    ({"term": "第1期", "amount": "1000", "paid_on": "2099-01-01"}, "収納日に未来の日付は入力できません。"),
    ({"term": "第1期", "amount": "1000", "paid_on": "2025-06-20"}, "収納日が令和8年度の始まりより前です。"),
])
def test_a_counter_payment_that_does_not_read_is_refused_in_words(city: dict[str, str], login_as: Any,
                                                                  form: dict[str, str], words: str) -> None:
    """Consistency (our messages): Nothing recorded, the page again (400) with the reason and what was typed; the refusal audited."""
    ordinary_city(city)
    client = login_as("tax_reviewer", department="shiminzei")
    r = _post(client, city["taro"], **form)
    html = r.content.decode()
    assert r.status_code == 400 and words in html
    assert f'value="{form["amount"]}"' in html
    assert not Payment.objects.exists()
    assert AuditEntry.objects.filter(action=receipts.ACTION, outcome="failed",
                                     resource=f"resident:{city['taro']}").exists()


def test_only_the_tax_reviewer_records_and_csrf_is_checked(city: dict[str, str], login_as: Any) -> None:
    """Consistency (the policy: tax.payment.record is 税務審査 only; Django's CSRF): The supervisor sees the page (tax.taxpayer.view) but neither the form nor the right to post; a post without
    the CSRF token is refused."""
    from django.test import Client

    ordinary_city(city)
    boss = login_as("supervisor", department="shiminzei")
    assert "窓口での納付を記録" not in boss.get(f"/tax/taxpayers/{city['taro']}/").content.decode()
    assert _post(boss, city["taro"], term="第1期", amount="1000", paid_on="2026-06-20").status_code == 403
    reviewer = login_as("tax_reviewer", department="shiminzei", username="zeimu9")
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = reviewer.cookies
    assert _post(strict, city["taro"], term="第1期", amount="1000", paid_on="2026-06-20").status_code == 403
    assert not Payment.objects.exists()


def test_after_a_revision_the_page_shows_the_real_overpayment(city: dict[str, str], login_as: Any,
                                                             tmp_path: Any) -> None:
    """Independent arithmetic (第17条): Paid 第1期 and 第2期; a 更正 lowers the year 7,000円 below them: the page says 過誤納金（還付） 7,000円, not
    「還付（納付済みの場合）」 (第17条)."""
    from jichitai.tax.collection import services as collection
    from jichitai.tax.models import Assessment
    from tests.tax.collection.test_receipts import _revise, row, slip_code, write

    s1 = ordinary_city(city)
    items = list(s1.instalments.filter(method="ordinary").order_by("position"))
    receipts.import_file(write(tmp_path / "s.csv", [row(slip_code(s1, 1), "P1"), row(slip_code(s1, 2), "P2")]))
    _revise(Assessment.objects.get(atena_number=city["taro"]), items[0].amount + items[1].amount - 7_000)
    collection.build(2026, notice_on=D(2026, 9, 15))
    assert CollectionSchedule.objects.get(atena_number=city["taro"], current=True).refund == 7_000
    client = login_as("tax_reviewer", department="shiminzei")
    page = client.get(f"/tax/taxpayers/{city['taro']}/").content.decode()
    assert "過誤納金（還付） 7,000円" in page and "納付済みの場合" not in page.split("第2版")[1].split("第1版")[0]


def test_a_wrong_entry_is_cancelled_by_a_reversing_entry(city: dict[str, str], login_as: Any) -> None:
    """Consistency (append-only: a reversing row): The 窓口 entry of 第1期 cancelled from the page: the original stays, a row with the amount negated is added
    (append-only), the 期 is 未納 again, a second cancel is refused in words; audited under the person."""
    s = ordinary_city(city)
    first = s.instalments.filter(method="ordinary").order_by("position")[0]
    client = login_as("tax_reviewer", department="shiminzei")
    _post(client, city["taro"], term="第1期", amount=str(first.amount), paid_on="2026-06-20")
    original = Payment.objects.get()
    page = client.get(f"/tax/taxpayers/{city['taro']}/").content.decode()
    assert f"/tax/taxpayers/{city['taro']}/2026/payments/{original.pk}/cancel/" in page
    done = client.post(f"/tax/taxpayers/{city['taro']}/2026/payments/{original.pk}/cancel/")
    assert done.status_code == 302
    rows = list(Payment.objects.order_by("id").values_list("amount", "reverses_id"))
    assert rows == [(first.amount, None), (-first.amount, original.pk)]
    page = client.get(f"/tax/taxpayers/{city['taro']}/").content.decode()
    assert "取消済み" in page and "窓口（取消）" in page
    assert "<td class=\"num\">0円</td><td>未納</td>" in page
    again = client.post(f"/tax/taxpayers/{city['taro']}/2026/payments/{original.pk}/cancel/")
    assert again.status_code == 400 and "この収納は既に取り消されています。" in again.content.decode()
    assert Payment.objects.count() == 2
    assert AuditEntry.objects.filter(action=receipts.ACTION, outcome="ok", resource=f"resident:{city['taro']}",
                                     detail__reversal=True).exists()
