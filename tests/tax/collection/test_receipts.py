"""収納 (PostgreSQL): a コンビニ収納 速報/確報 file read into payments against the 期 of the slips it paid, idempotent
on the 収納代行's 記録番号; every row that matches nothing listed with its reason in words beside the file; a payment
against an older 版's slip still counted after a 更正. Expected values: the slips the test prints from the stored
schedule (consistency with payment_slip), the file's own rows, and the law's arithmetic (第17条: paid beyond what is
now due is 過誤納金)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from jichitai.audit.models import AuditEntry
from jichitai.tax.assessment import services as assessment
from jichitai.tax.collection import notices, receipts
from jichitai.tax.collection import payment_slip as ps
from jichitai.tax.collection import services as collection
from jichitai.tax.collection.models import CollectionSchedule, Payment
from jichitai.tax.models import ReceivedReport

pytestmark = pytest.mark.django_db
D = dt.date
HEADER = ["データ区分", "収納日", "収納時刻", "店舗コード", "記録番号", "バーコード", "収納金額"]


def ordinary_city(city: dict[str, str]) -> CollectionSchedule:
    """Taro without a 給与支払報告書 in force: his whole year 普通徴収 in four 期."""
    assessment.run(2026)
    ReceivedReport.objects.update(status="withdrawn")
    collection.build(2026, notice_on=D(2026, 5, 15))
    return CollectionSchedule.objects.get(atena_number=city["taro"], current=True)


def slip_code(schedule: CollectionSchedule, term: int, *, amount: int | None = None) -> str:
    """The barcode printed on the schedule's 納付書 of 第``term``期 (0: the 全期前納)."""
    items = list(schedule.instalments.filter(method="ordinary").order_by("position"))
    due = items[0].due if term == 0 else items[term - 1].due
    value = sum(i.amount for i in items) if term == 0 else items[term - 1].amount
    free = ps.free_field(schedule.fiscal_year, schedule.atena_number, schedule.assessment_version, term)
    return ps.payload(ps.SAMPLE_BILLER_CODE, free, due=due, amount=value if amount is None else amount)


def write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER)
    w.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def row(code: str, key: str, *, kind: str = "1", on: str = "20260625", amount: int | None = None) -> list[str]:
    return [kind, on, "1030", "0001234", key, code, str(ps.decode(code).amount if amount is None else amount)]


def test_a_file_read_twice_records_its_payments_once(city: dict[str, str], tmp_path: Path) -> None:
    """Consistency (the slips printed from the stored schedule; the file's own rows): The 速報 of 第1期 and 第2期 recorded against Taro's 期 with the file's line; read again, and then its 確報 (same
    記録番号, cp932), nothing new; the import is audited under Taro."""
    s = ordinary_city(city)
    items = list(s.instalments.filter(method="ordinary").order_by("position"))
    f = write(tmp_path / "sokuhou.csv", [row(slip_code(s, 1), "K0001"), row(slip_code(s, 2), "K0002", on="20260830")])
    first = receipts.import_file(f)
    assert (first.rows, first.recorded, first.already, first.unmatched) == (2, 2, 0, [])
    assert first.recorded_amount == items[0].amount + items[1].amount
    got = sorted(Payment.objects.values_list("term", "amount", "paid_on", "channel", "source_line", "slip_version"))
    assert got == [("第1期", items[0].amount, D(2026, 6, 25), "cvs", 2, 1),
                   ("第2期", items[1].amount, D(2026, 8, 30), "cvs", 3, 1)]
    again = receipts.import_file(f)
    assert (again.recorded, again.already) == (0, 2)
    kakuhou = write(tmp_path / "kakuhou.csv", [row(slip_code(s, 1), "K0001", kind="2"),
                                               row(slip_code(s, 2), "K0002", kind="2", on="20260830")], "cp932")
    assert receipts.import_file(kakuhou).recorded == 0
    assert Payment.objects.count() == 2
    entry = AuditEntry.objects.filter(action=receipts.ACTION).get()
    assert city["taro"] in entry.detail["subjects"]
    assert not (tmp_path / ("sokuhou.csv" + receipts.UNMATCHED_SUFFIX)).exists()


def test_rows_that_match_nothing_are_listed_in_words_beside_the_file(city: dict[str, str], tmp_path: Path) -> None:
    """Consistency (each row made wrong in one item; the reasons are ours, in words): An unknown 宛名番号, a 期 the slip's 版 does not have, a checksum failure, a slip amount other than the 期's,
    a 収納金額 other than the barcode's, a 版 never issued, a day that is no date, a 取消 of nothing: each listed with
    its reason, nothing recorded for it, the good row recorded; the command prints them and the amounts as 円."""
    s = ordinary_city(city)
    good = slip_code(s, 1)
    unknown = ps.payload(ps.SAMPLE_BILLER_CODE, ps.free_field(2026, "999999999999999", 1, 1), due=D(2026, 6, 30),
                         amount=1_000)
    flipped = good[:20] + str((int(good[20]) + 1) % 10) + good[21:]
    rows = [row(good, "G1"),
            row(unknown, "U1"),
            row(ps.payload(ps.SAMPLE_BILLER_CODE, ps.free_field(2026, s.atena_number, 1, 9), due=D(2026, 6, 30),
                           amount=1_000), "T1"),
            row(flipped, "C1", amount=ps.decode(good).amount),
            row(slip_code(s, 2, amount=1_234), "A1"),
            row(slip_code(s, 3), "A2", amount=1),
            row(ps.payload(ps.SAMPLE_BILLER_CODE, ps.free_field(2026, s.atena_number, 7, 1), due=D(2026, 6, 30),
                           amount=1_000), "V1"),
            ["1", "2026-06-25", "", "", "D1", good, "1000"],
            row(slip_code(s, 4), "NOPE", kind="3")]
    f = write(tmp_path / "sokuhou.csv", rows)
    out = io.StringIO()
    call_command("tax", "payments", "import", str(f), stdout=out)
    text = out.getvalue()
    assert Payment.objects.count() == 1 and Payment.objects.get().record_key == "G1"
    listed = list(csv.DictReader(io.StringIO((tmp_path / ("sokuhou.csv" + receipts.UNMATCHED_SUFFIX))
                                             .read_text(encoding="utf-8-sig"))))
    reasons = {r["記録番号"]: r["理由"] for r in listed}
    assert set(reasons) == {"U1", "T1", "C1", "A1", "A2", "V1", "D1", "NOPE"}
    assert "宛名番号 999999999999999 の令和8年度の徴収計画がありません" in reasons["U1"]
    assert "期別 09 は第1版の徴収計画にありません" in reasons["T1"]
    assert "チェックデジット" in reasons["C1"]
    assert "納付書の金額 1,234円 が第1版の第2期の金額" in reasons["A1"]
    assert "収納金額 1円 がバーコードの金額" in reasons["A2"]
    assert "第7版の納付書は発行していません" in reasons["V1"]
    assert "収納日「2026-06-25」が日付（YYYYMMDD）ではありません" in reasons["D1"]
    assert "取り消す収納（記録番号 NOPE）が記録されていません" in reasons["NOPE"]
    paid = Payment.objects.get().amount
    assert f"消込済み（新たに記録）: 1 件 {paid:,}円" in text
    assert "消し込めない行: 8 件" in text and "期別 09 は第1版の徴収計画にありません" in text
    for r in listed:
        assert f"{r['行']}行目（記録番号 {r['記録番号']}）" in text


def test_a_prepayment_pays_each_term_and_a_cancellation_reverses_it(city: dict[str, str], tmp_path: Path) -> None:
    """Consistency (the stored 期; 前納 of 地方税法第321条第1項): The 全期前納 slip (期別 00) records one payment per 期 it joins (its sum the slip's amount); a 取消 row with
    the same 記録番号 appends the reversing entries (amounts negated), and reading the 取消 again adds nothing."""
    s = ordinary_city(city)
    items = list(s.instalments.filter(method="ordinary").order_by("position"))
    f = write(tmp_path / "zenki.csv", [row(slip_code(s, 0), "Z1")])
    r = receipts.import_file(f)
    assert r.recorded == 4 and r.recorded_amount == sum(i.amount for i in items) == s.ordinary_total
    assert receipts.paid(2026, s.atena_number) == {i.label: i.amount for i in items}
    cancel = write(tmp_path / "torikeshi.csv", [row(slip_code(s, 0), "Z1", kind="3")])
    c = receipts.import_file(cancel)
    assert (c.reversed, c.reversed_amount, c.unmatched) == (4, s.ordinary_total, [])
    assert set(receipts.paid(2026, s.atena_number).values()) == {0}
    assert receipts.import_file(cancel).reversed == 0
    assert Payment.objects.count() == 8
    with pytest.raises(ValueError):
        Payment.objects.first().save()  # type: ignore[union-attr]


def test_without_payments_the_revision_refund_stays_conditional(city: dict[str, str]) -> None:
    """Consistency (the schedule's own refund): The same 更正 with nothing paid: the note and the notice keep 「還付（納付済みの場合）」 7,000円 — the platform
    cannot tell a 過誤納金 it has not seen."""
    from jichitai.tax.models import Assessment

    s1 = ordinary_city(city)
    items = list(s1.instalments.filter(method="ordinary").order_by("position"))
    _revise(Assessment.objects.get(atena_number=city["taro"]), items[0].amount + items[1].amount - 7_000)
    collection.build(2026, notice_on=D(2026, 9, 15))
    s2 = CollectionSchedule.objects.get(atena_number=city["taro"], current=True)
    assert any("還付（納付済みの場合）" in n and "7,000円" in n for n in s2.notes)
    assert ("還付（納付済みの場合）", "7,000円") in notices.ordinary_notice_data(s2, D(2026, 9, 15))["amounts"]


def test_a_payment_against_the_old_slip_counts_after_a_revision(city: dict[str, str], tmp_path: Path) -> None:
    """Independent arithmetic (第17条: 7,000円 paid beyond the new amount) on the stored 期: Taro paid 第1期 and 第2期 from the 当初 slips; a 更正 on 2026-09-15 lowers his year to less than those two:
    the new schedule's 第1期・第2期 (unchanged, already due) count the payments, and the excess over the new amount is
    過誤納金 actually paid (第17条), from the payments — not 「納付済みの場合」."""
    from jichitai.tax.collection.domain.receipts import PAID

    s1 = ordinary_city(city)
    f = write(tmp_path / "s.csv", [row(slip_code(s1, 1), "P1"), row(slip_code(s1, 2), "P2", on="20260831")])
    assert receipts.import_file(f).recorded == 2
    from jichitai.tax.models import Assessment

    a = Assessment.objects.get(atena_number=city["taro"])
    items = list(s1.instalments.filter(method="ordinary").order_by("position"))
    new_total = items[0].amount + items[1].amount - 7_000
    _revise(a, new_total)
    collection.build(2026, notice_on=D(2026, 9, 15))
    s2 = CollectionSchedule.objects.get(atena_number=city["taro"], current=True)
    assert s2.assessment_version == 2 and s2.refund == 7_000
    settlement = receipts.settlement(s2)
    assert [t.state for t in settlement.states][:2] == [PAID, PAID]
    assert settlement.overpaid == 7_000
    assert any("過誤納金（還付） 7,000円" in n and "第17条" in n for n in s2.notes)
    assert not any("納付済みの場合" in n for n in s2.notes)
    data = notices.ordinary_notice_data(s2, D(2026, 9, 15))
    assert ("過誤納金（還付）", "7,000円") in data["amounts"] and "税額変更通知書" in data["title"]
    assert not any("納付済みの場合" in label for label, _ in data["amounts"])
    bulk = notices.ordinary_notice_data(s2, D(2026, 9, 15), read=notices.prefetch([s2]))
    assert bulk["amounts"] == data["amounts"]
    late = write(tmp_path / "late.csv", [row(slip_code(s1, 3), "P3", on="20261015")])  # the old 版's 第3期 slip
    assert receipts.import_file(late).recorded == 1
    assert receipts.settlement(s2).overpaid == 7_000 + items[2].amount  # 第3期 now asks for nothing


def _revise(a: Any, total: int) -> None:
    """A second assessment version of ``a`` with the year's tax ``total`` (a 更正 stored as the bulk run stores one)."""
    from django.forms.models import model_to_dict

    from jichitai.tax.models import Assessment

    data = model_to_dict(a, exclude=["id"])
    data.update(version=a.version + 1, total=total, rule_set=a.rule_set)
    Assessment.objects.create(**{k: v for k, v in data.items() if k in {f.name for f in Assessment._meta.fields}})


def test_the_command_refuses_a_file_it_cannot_read_in_words(tmp_path: Path) -> None:
    """Consistency (our messages): No file, or a file without the columns we read: the command stops with the reason (nothing recorded)."""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="収納データファイルがありません"):
        call_command("tax", "payments", "import", str(tmp_path / "none.csv"), stdout=io.StringIO())
    f = tmp_path / "other.csv"
    f.write_text("収納日,金額\n20260625,1000\n", encoding="utf-8")
    with pytest.raises(CommandError, match="データ区分、記録番号、バーコード、収納金額の列がありません"):
        call_command("tax", "payments", "import", str(f), stdout=io.StringIO())
    assert not Payment.objects.exists()


def test_the_notice_prints_no_slip_for_a_term_paid(city: dict[str, str], tmp_path: Path) -> None:
    """Consistency (the stored 期 and the payments recorded): 第1期 paid in full, 第2期 half: the notice printed again has no 納付書 for 第1期 (and says it is paid), the
    rest of 第2期 on a slip without barcode (the barcode's amount must be the 期's), 第3期・第4期 as before, and no
    前納 slip (its sum would count 第1期 again)."""
    from django.utils import timezone

    s = ordinary_city(city)
    items = list(s.instalments.filter(method="ordinary").order_by("position"))
    before = notices.ordinary_notice_data(s, D(2026, 5, 15))
    assert [i["label"] for i in before["slips"]["items"]][-1] == "全期前納"
    receipts.import_file(write(tmp_path / "s.csv", [row(slip_code(s, 1), "N1")]))
    Payment(fiscal_year=2026, atena_number=s.atena_number, term="第2期", amount=items[1].amount // 2,
            paid_on=D(2026, 6, 1), channel="counter", recorded_by="test", recorded_at=timezone.now()).save()
    data = notices.ordinary_notice_data(s, D(2026, 5, 15))
    slips = {i["label"]: i for i in data["slips"]["items"]}
    assert list(slips) == ["第2期", "第3期", "第4期"]
    rest = items[1].amount - items[1].amount // 2
    assert slips["第2期"]["amount"] == f"{rest:,}円" and slips["第2期"]["symbol"] == []
    assert "一部を納付済みです" in slips["第2期"]["no_barcode"]
    assert slips["第3期"]["symbol"] and slips["第3期"]["amount"] == f"{items[2].amount:,}円"
    assert "納付済みの期: 第1期（納付書はありません）" in data["notes"]
    assert notices.ordinary_notice_data(s, D(2026, 5, 15), read=notices.prefetch([s]))["slips"] == data["slips"]
