"""収納: the コンビニ収納 速報/確報 files read and matched to the 納付書 they pay, and the 窓口's payments.

Each row's barcode is decoded (:func:`.payment_slip.decode`), its 自由使用欄 names the 年度, 宛名番号, 版 and 期 of
the slip; the 期 is kept by its label (「第2期」) so that a 更正's later schedule still counts it. Whatever cannot
be matched is listed with the reason in words (:data:`UNMATCHED_SUFFIX` beside the file), never dropped. Idempotent
on the 収納代行's 記録番号: a file read twice, or the 確報 of a 速報 already read, records nothing new. A 取消 row
records a reversing entry. File layout (ours where none is published): docs/tax-year.md 「収納」.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.common import csvout
from jichitai.common.errors import JichitaiError, NotFound
from jichitai.common.money import format_yen
from jichitai.common.wareki import fiscal_year_label, to_wareki
from jichitai.dbcopy import with_ids, with_keys
from jichitai.tax.collection import payment_slip
from jichitai.tax.collection.domain.instalment import Instalment
from jichitai.tax.collection.domain.receipts import Settlement, paid_by_term, prepaid_terms, settle
from jichitai.tax.collection.models import CollectionInstalment, CollectionSchedule, Payment
from jichitai.tax.errors import TaxError

ACTION = "tax.payment.record"
SYSTEM = "system:tax-payments"
CHUNK = 5_000
UNMATCHED_SUFFIX = ".unmatched.csv"
# the columns we read, by header name (order free); ours where no published layout was found (docs/tax-year.md)
COLUMNS = ("データ区分", "収納日", "記録番号", "バーコード", "収納金額")
KINDS = {"1": "速報", "2": "確報", "3": "取消"}
CANCELLED = "#取消"  # the reversing row's key: the reversed row's and this


class PaymentError(TaxError):
    code = "tax_payment"


@dataclass
class ImportReport:
    path: str
    run_id: str
    rows: int = 0
    recorded: int = 0  # new payment rows (a 前納 row gives one per 期)
    recorded_amount: int = 0
    already: int = 0  # rows whose 記録番号 was recorded before (a re-read, the 確報 of a 速報)
    reversed: int = 0
    reversed_amount: int = 0
    unmatched: list[dict[str, str]] = field(default_factory=list)
    unmatched_amount: int = 0
    unmatched_file: str = ""


@dataclass(frozen=True)
class Row:
    line: int
    kind: str
    paid_on: dt.date
    key: str
    code: str
    amount: int


def _text(data: bytes) -> str:
    """UTF-8 (a BOM allowed) or Shift_JIS (cp932), the two encodings such files come in."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp932")


def read_rows(path: Path) -> tuple[list[Row], list[dict[str, str]]]:
    """The file's rows, and those that do not read (with the reason in words)."""
    try:
        text = _text(path.read_bytes())
    except (OSError, UnicodeDecodeError) as exc:
        raise PaymentError(f"収納データファイルを読めません: {path} ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise PaymentError(f"収納データファイルの見出しに{'、'.join(missing)}の列がありません: {path}")
    rows: list[Row] = []
    bad: list[dict[str, str]] = []
    for n, raw in enumerate(reader, start=2):
        values = {c: (raw.get(c) or "").strip() for c in COLUMNS}
        reason = ""
        paid_on = None
        try:
            paid_on = dt.datetime.strptime(values["収納日"], "%Y%m%d").date()
        except ValueError:
            reason = f"収納日「{values['収納日']}」が日付（YYYYMMDD）ではありません"
        if not reason and values["データ区分"] not in KINDS:
            reason = f"データ区分「{values['データ区分']}」は1（速報）・2（確報）・3（取消）のいずれでもありません"
        if not reason and not values["記録番号"]:
            reason = "記録番号がありません"
        if not reason and not (values["収納金額"].isascii() and values["収納金額"].isdigit()):
            reason = f"収納金額「{values['収納金額']}」が数字ではありません"
        if reason or paid_on is None:
            bad.append(_unmatched(n, values, reason))
            continue
        rows.append(Row(n, KINDS[values["データ区分"]], paid_on, values["記録番号"][:60], values["バーコード"],
                        int(values["収納金額"])))
    return rows, bad


def _unmatched(line: int, values: dict[str, str], reason: str) -> dict[str, str]:
    return {"行": str(line), "記録番号": values.get("記録番号", ""), "バーコード": values.get("バーコード", ""),
            "収納日": values.get("収納日", ""), "収納金額": values.get("収納金額", ""), "理由": reason}


def _row_unmatched(row: Row, reason: str) -> dict[str, str]:
    return _unmatched(row.line, {"記録番号": row.key, "バーコード": row.code, "収納日": row.paid_on.strftime("%Y%m%d"),
                                 "収納金額": str(row.amount)}, reason)


def _schedules(codes: list[payment_slip.Barcode]) -> tuple[dict[tuple[int, str, int], list[Instalment]],
                                                             set[tuple[int, str]]]:
    """(年度, 宛名番号, 版) → that version's 普通徴収 期 in order, and the (年度, 宛名番号) with any schedule."""
    wanted = {(c.fiscal_year, c.atena_number, c.version) for c in codes}
    people = {(fy, a) for fy, a, _ in wanted}
    if not wanted:
        return {}, set()
    ids: dict[int, tuple[int, str, int]] = {}
    known: set[tuple[int, str]] = set()
    rows = with_keys(CollectionSchedule.objects.filter(fiscal_year__in={fy for fy, _ in people}), "atena_number",
                     {a for _, a in people})
    for sid, fy, atena, version in rows.values_list("id", "fiscal_year", "atena_number", "assessment_version"):
        if (fy, atena) in people:
            known.add((fy, atena))
        if (fy, atena, version) in wanted:
            ids[sid] = (fy, atena, version)
    out: dict[tuple[int, str, int], list[Instalment]] = {k: [] for k in ids.values()}
    for sid, label, month, due, amount in (with_ids(CollectionInstalment.objects.filter(method="ordinary"),
                                                    "schedule_id", list(ids))
                                           .order_by("schedule_id", "position")
                                           .values_list("schedule_id", "label", "month", "due", "amount")):
        out[ids[sid]].append(Instalment("ordinary", label, month, due, int(amount)))
    return out, known


def _match(row: Row, code: payment_slip.Barcode, versions: dict[tuple[int, str, int], list[Instalment]],
           known: set[tuple[int, str]], biller: str | None) -> list[tuple[str, int]] | str:
    """The (期, 金額) a paid slip pays, or the reason in words it matches nothing."""
    if biller and code.biller_code != biller:
        return f"請求書発行企業コード {code.biller_code} は当市のもの（{biller}）ではありません"
    if row.amount != code.amount:
        return f"収納金額 {format_yen(row.amount)} がバーコードの金額 {format_yen(code.amount)} と異なります"
    if (code.fiscal_year, code.atena_number) not in known:
        return f"宛名番号 {code.atena_number} の{fiscal_year_label(code.fiscal_year)}の徴収計画がありません"
    items = versions.get((code.fiscal_year, code.atena_number, code.version))
    if items is None:
        return f"宛名番号 {code.atena_number} の税額決定 第{code.version}版の納付書は発行していません"
    if code.term == 0:
        terms = prepaid_terms(items, code.due)
        if len(terms) < 2 or sum(i.amount for i in terms) != code.amount:
            return (f"前納の納付書（支払期限 {to_wareki(code.due)}、{format_yen(code.amount)}）が第{code.version}版の"
                    "期別と合いません")
        return [(i.label, i.amount) for i in terms]
    if code.term > len(items):
        return f"期別 {code.term:02d} は第{code.version}版の徴収計画にありません"
    item = items[code.term - 1]
    if item.amount != code.amount:
        return (f"納付書の金額 {format_yen(code.amount)} が第{code.version}版の{item.label}の金額 "
                f"{format_yen(item.amount)} と異なります")
    return [(item.label, item.amount)]


def import_file(path: Path, *, actor: Any = SYSTEM,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    """Record the payments of one コンビニ収納 速報/確報 file (idempotent); the rows that match nothing are returned
    and written to ``<file>.unmatched.csv`` beside it (removed when a later read matches everything)."""
    rows, bad = read_rows(path)
    report = ImportReport(str(path), uuid.uuid4().hex[:16], rows=len(rows) + len(bad), unmatched=bad)
    biller, _, _ = payment_slip.configured_biller()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        _import_chunk(chunk, report, path, actor, biller)
        if progress is not None:
            progress(len(chunk) + (len(bad) if start == 0 else 0))
    if not rows and progress is not None:
        progress(len(bad))
    report.unmatched.sort(key=lambda u: int(u["行"]))
    report.unmatched_amount = sum(int(u["収納金額"]) for u in report.unmatched if u["収納金額"].isdigit())
    report.unmatched_file = _write_unmatched(path, report.unmatched)
    return report


def _import_chunk(chunk: list[Row], report: ImportReport, path: Path, actor: Any, biller: str | None) -> None:
    decoded: list[tuple[Row, payment_slip.Barcode]] = []
    for row in chunk:
        try:
            decoded.append((row, payment_slip.decode(row.code)))
        except payment_slip.SlipError as exc:
            report.unmatched.append(_row_unmatched(row, str(exc)))
    versions, known = _schedules([c for _, c in decoded])
    keys = [row.key for row, _ in decoded] + _prepaid_keys(decoded, versions)
    keys += [f"{k}{CANCELLED}"[:80] for k in keys]
    recorded: dict[str, list[Payment]] = {}
    for p in with_keys(Payment.objects.exclude(record_key=""), "record_key", keys).order_by("id"):
        recorded.setdefault(p.record_key, []).append(p)
    now = timezone.now()
    new: list[Payment] = []
    seen: set[str] = set()
    for row, code in decoded:
        matched = _match(row, code, versions, known, biller)
        if isinstance(matched, str):
            report.unmatched.append(_row_unmatched(row, matched))
            continue
        row_keys = [row.key] if len(matched) == 1 and code.term else [f"{row.key}#{label}" for label, _ in matched]
        base = {"fiscal_year": code.fiscal_year, "atena_number": code.atena_number, "paid_on": row.paid_on,
                "channel": "cvs", "slip_version": code.version, "source_file": path.name[:255],
                "source_line": row.line, "recorded_by": str(getattr(actor, "username", actor))[:150],
                "recorded_at": now}
        if row.kind == "取消":
            originals = [p for k in row_keys for p in recorded.get(k, [])]
            if not originals:
                report.unmatched.append(_row_unmatched(row, f"取り消す収納（記録番号 {row.key}）が記録されていません"))
                continue
            todo = [p for p in originals if f"{p.record_key}{CANCELLED}"[:80] not in recorded
                    and f"{p.record_key}{CANCELLED}"[:80] not in seen]
            if not todo:
                report.already += 1
            for p in todo:
                seen.add(f"{p.record_key}{CANCELLED}"[:80])
                new.append(Payment(**{**base, "term": p.term, "amount": -p.amount, "reverses": p,
                                      "slip_version": p.slip_version, "record_key": f"{p.record_key}{CANCELLED}"[:80]}))
                report.reversed += 1
                report.reversed_amount += p.amount
            continue
        if any(k in recorded or k in seen for k in row_keys):
            report.already += 1
            continue
        for k, (label, amount) in zip(row_keys, matched, strict=True):
            seen.add(k)
            new.append(Payment(**base, term=label, amount=amount, record_key=k[:80]))
            report.recorded += 1
            report.recorded_amount += amount
    if not new:
        return
    with transaction.atomic():
        Payment.objects.bulk_create(new, batch_size=2000)
        audit.record(actor, ACTION, f"tax.payments:{path.name}", "ok", run_id=report.run_id, channel="cvs",
                     recorded=sum(1 for p in new if p.amount > 0), reversed=sum(1 for p in new if p.amount < 0),
                     subjects=sorted({p.atena_number for p in new}))


def _prepaid_keys(decoded: list[tuple[Row, payment_slip.Barcode]],
                  versions: dict[tuple[int, str, int], list[Instalment]]) -> list[str]:
    """The per-期 keys a 前納 slip's payment was recorded under."""
    out = []
    for row, code in decoded:
        items = versions.get((code.fiscal_year, code.atena_number, code.version))
        if code.term == 0 and items:
            out += [f"{row.key}#{i.label}" for i in prepaid_terms(items, code.due)]
    return out


def _write_unmatched(path: Path, unmatched: list[dict[str, str]]) -> str:
    """The 未消込 list beside the file (for people: Excel opens it), or none when every row matched."""
    out = path.with_name(path.name + UNMATCHED_SUFFIX)
    if not unmatched:
        out.unlink(missing_ok=True)
        return ""
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        w = csvout.writer(f, for_people=True)
        w.writerow(["行", "記録番号", "バーコード", "収納日", "収納金額", "理由"])
        w.writerows([u["行"], u["記録番号"], u["バーコード"], u["収納日"], u["収納金額"], u["理由"]] for u in unmatched)
    return str(out)


def count_rows(path: Path) -> int:
    """Data rows in the file (the progress bar's total)."""
    try:
        with path.open("rb") as f:
            return max(0, sum(1 for _ in f) - 1)
    except OSError:
        return 0


def paid_of(fiscal_year: int, atenas: list[str]) -> dict[str, dict[str, int]]:
    """宛名番号 → 期 → what was paid (reversals subtracted), for those of ``atenas`` with a payment of the year."""
    rows: dict[str, list[tuple[str, int]]] = {}
    for atena, term, amount in (with_keys(Payment.objects.filter(fiscal_year=fiscal_year), "atena_number", atenas)
                                .values_list("atena_number", "term", "amount")):
        rows.setdefault(atena, []).append((term, int(amount)))
    return {atena: paid_by_term(items) for atena, items in rows.items()}


def paid(fiscal_year: int, atena_number: str) -> dict[str, int]:
    """期 → what was paid against it (reversals subtracted)."""
    return paid_of(fiscal_year, [atena_number]).get(atena_number, {})


def record_counter_payment(actor: Any, atena_number: str, fiscal_year: int, *, term: str, amount: str,
                           paid_on: str) -> Payment:
    """A payment made at the 窓口 (one 期), recorded under the clerk and audited under the person. ``amount`` and
    ``paid_on`` as typed: refused in words when they do not read, or for a 期 the current schedule does not have."""
    from jichitai.accounts.policy import allowed
    from jichitai.common.errors import PermissionRefused
    from jichitai.registry import suppression

    resource = f"resident:{atena_number}"
    if not allowed(actor, ACTION):
        audit.record(actor, ACTION, resource, "refused")
        raise PermissionRefused()
    suppression.ensure_view_allowed(actor, atena_number, via="tax.payment")
    schedule = CollectionSchedule.objects.filter(fiscal_year=fiscal_year, atena_number=atena_number,
                                                 current=True).first()
    try:
        if schedule is None:
            raise NotFound(f"宛名番号 {atena_number} の{fiscal_year_label(fiscal_year)}の徴収計画がありません。",
                           atena_number=atena_number)
        labels = list(schedule.instalments.filter(method="ordinary").order_by("position")
                      .values_list("label", flat=True))
        value = amount.strip().replace(",", "").replace("，", "").removesuffix("円")
        value = value.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        if term not in labels:
            raise PaymentError("期別を普通徴収の期から選んでください。", field="term")
        if not (value.isascii() and value.isdigit()) or int(value) <= 0:
            raise PaymentError("金額は1円以上の整数（円）で入力してください。", field="amount")
        if int(value) > 99_999_999_999:
            raise PaymentError("金額が大きすぎます。", field="amount")
        try:
            day = dt.date.fromisoformat(paid_on.strip())
        except ValueError:
            raise PaymentError("収納日を日付で入力してください（例: 2026-06-30）。", field="paid_on") from None
        if day > timezone.localdate():
            raise PaymentError("収納日に未来の日付は入力できません。", field="paid_on")
        if day < dt.date(fiscal_year, 4, 1):
            raise PaymentError(f"収納日が{fiscal_year_label(fiscal_year)}の始まりより前です。", field="paid_on")
    except JichitaiError as exc:
        audit.record(actor, ACTION, resource, "failed", code=exc.code, fiscal_year=fiscal_year, **exc.fields)
        raise
    with transaction.atomic():
        p = Payment(fiscal_year=fiscal_year, atena_number=atena_number, term=term, amount=int(value), paid_on=day,
                    channel="counter", slip_version=None, recorded_by=str(getattr(actor, "username", actor))[:150],
                    recorded_at=timezone.now())
        p.save()
        audit.record(actor, ACTION, resource, "ok", channel="counter", fiscal_year=fiscal_year, term=term,
                     amount=int(value), paid_on=day.isoformat(), payment=p.pk)
    return p


def reverse_payment(actor: Any, atena_number: str, fiscal_year: int, payment_id: int) -> Payment:
    """A recorded payment cancelled by a reversing row (the amount negated, under the clerk; the original stays):
    how a wrong entry is corrected in an append-only record. Refused for a payment already reversed or itself a
    reversal; audited under the person."""
    from django.db import IntegrityError

    from jichitai.accounts.policy import allowed
    from jichitai.common.errors import PermissionRefused
    from jichitai.registry import suppression

    resource = f"resident:{atena_number}"
    if not allowed(actor, ACTION):
        audit.record(actor, ACTION, resource, "refused", payment=payment_id)
        raise PermissionRefused()
    suppression.ensure_view_allowed(actor, atena_number, via="tax.payment")
    original = Payment.objects.filter(pk=payment_id, atena_number=atena_number, fiscal_year=fiscal_year,
                                      reverses__isnull=True, amount__gt=0).first()
    try:
        if original is None:
            raise NotFound("取り消す収納の記録が見つかりません。", payment=payment_id)
        with transaction.atomic():
            p = Payment(fiscal_year=fiscal_year, atena_number=atena_number, term=original.term,
                        amount=-original.amount, paid_on=original.paid_on, channel=original.channel,
                        slip_version=original.slip_version, reverses=original,
                        record_key=f"{original.record_key}{CANCELLED}"[:80] if original.record_key else "",
                        recorded_by=str(getattr(actor, "username", actor))[:150], recorded_at=timezone.now())
            p.save()
            audit.record(actor, ACTION, resource, "ok", reversal=True, fiscal_year=fiscal_year, term=p.term,
                         amount=p.amount, payment=original.pk)
    except IntegrityError:
        exc = PaymentError("この収納は既に取り消されています。", payment=payment_id)
        audit.record(actor, ACTION, resource, "failed", code=exc.code, payment=payment_id)
        raise exc from None
    except NotFound as exc:
        audit.record(actor, ACTION, resource, "failed", code=exc.code, payment=payment_id)
        raise
    return p


def ordinary_of(schedule: CollectionSchedule) -> list[Instalment]:
    return [Instalment(i.method, i.label, i.month, i.due, i.amount)
            for i in schedule.instalments.filter(method="ordinary").order_by("position")]


def settlement(schedule: CollectionSchedule, ordinary: list[Instalment] | None = None) -> Settlement:
    """What the payments say about ``schedule``'s 普通徴収 (each 期's state, the 過誤納金): domain.receipts.settle."""
    items = ordinary_of(schedule) if ordinary is None else ordinary
    return settle(items, int(schedule.refund), paid(schedule.fiscal_year, schedule.atena_number))


def known(fiscal_year: int, atena_number: str) -> bool:
    """Whether any payment of the year is recorded for the person (the 還付 is then no longer conditional)."""
    return Payment.objects.filter(fiscal_year=fiscal_year, atena_number=atena_number).exists()
