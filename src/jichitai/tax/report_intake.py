"""Storing accepted report files: the hub's file intake validates a file with :mod:`jichitai.tax.reports` and
hands the parsed rows of the whole file here (:func:`store_rows`); they are stored in its transaction, all or
none, each report applying its 提出区分 to the payer's earlier one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from jichitai.common import vault as _vault
from jichitai.dbcopy import copy_new_rows
from jichitai.tax import reports
from jichitai.tax.donation_notices import DONATION_NOTICE
from jichitai.tax.final_returns import FINAL_RETURN
from jichitai.tax.models import (
    DonationNotice,
    FinalReturn,
    PensionWithholdingTarget,
    ReceivedReport,
    SalaryEarnerChange,
)

LAYOUTS = {**reports.LAYOUTS, DONATION_NOTICE.name: DONATION_NOTICE, FINAL_RETURN.name: FINAL_RETURN}  # every file the tax office takes in


def vault() -> _vault.Keyring:
    return _vault.for_config(settings.CONFIG)


def indexes_for(model: Any, numbers: Any, v: _vault.Keyring | None = None) -> dict[str, str]:
    """個人番号 → the blind index to store it under in ``model``'s table: the current key's, or, while a rotation
    (``jichitai vault rotate``) has not yet reached the person, the retired key's index their rows there already
    have. A re-sent report is then matched with the one stored (its 提出区分 applied, a duplicate skipped by the
    table's unique constraints) and moves with the person's other rows, instead of standing beside them under
    another index."""
    v = v or vault()
    out = {n: v.blind_index(n) for n in numbers}
    if not v.retired:
        return out
    olds = {r.blind_index(n): n for n in out for r in v.retired}
    keys = list(olds)
    for part in range(0, len(keys), 5000):
        for index in (model.objects.filter(recipient_index__in=keys[part:part + 5000])
                      .values_list("recipient_index", flat=True).distinct()):
            out[olds[index]] = index
    return out


def _jsonable(row: dict[str, Any], v: _vault.Keyring, numbers: tuple[str, ...] | None = None,
              recipient_index: str = "") -> dict[str, Any]:
    """The row as stored in ``data``: dates in ISO form, every 個人番号 replaced by ``bi:`` and its blind index.
    ``numbers`` names the row's 個人番号 items (default: every item whose name ends in ``my_number``);
    ``recipient_index`` is the recipient's index when the caller has it already."""
    out = {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in row.items()}
    keyer = v.current  # the relatives' indexes under the key of the recipient's (see indexes_for)
    if recipient_index and v.retired and row.get("my_number"):
        keyer = next((k for k in v.vaults if k.blind_index(row["my_number"]) == recipient_index), v.current)
    for key in (numbers if numbers is not None else [k for k in row if k.endswith("my_number")]):
        value = row.get(key)
        if value:
            out[key] = "bi:" + (recipient_index if key == "my_number" and recipient_index else keyer.blind_index(value))
    return out


def store_file(layout_name: str, data: bytes, source: str) -> tuple[int, int]:
    """Validate and store a report file whole (raises ReportFileError listing every problem); see
    :func:`store_rows`."""
    return store_rows(layout_name, reports.read_file(LAYOUTS[layout_name], data), source)


Key = tuple[int, str, str]  # (年分, 支払者法人番号, 受給者の索引)
IGNORED_IN_COMPARISON = ("line", "submission")  # a re-send on another line, or marked 訂正, is still the same


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return ({k: v for k, v in a.items() if k not in IGNORED_IN_COMPARISON}
            == {k: v for k, v in b.items() if k not in IGNORED_IN_COMPARISON})


def _earlier(kind: str, keys: list[Key]) -> dict[Key, list[tuple[int, str, dict[str, Any]]]]:
    """The stored reports in force, held or cancelling for ``keys``: key → [(id, status, data)]. Read by payer (a file has
    few payers) and matched here; only the rows of the file's recipients are kept."""
    wanted = set(keys)
    out: dict[Key, list[tuple[int, str, dict[str, Any]]]] = {}
    payers = sorted({k[1] for k in keys})
    years = sorted({k[0] for k in keys})
    for start in range(0, len(payers), 1000):
        qs = ReceivedReport.objects.filter(kind=kind, income_year__in=years, payer_number__in=payers[start:start + 1000],
                                           status__in=("in_force", "held", "cancellation"))
        hits = [(pk, (y, payer, index), status) for pk, y, payer, index, status in
                qs.values_list("pk", "income_year", "payer_number", "recipient_index", "status").iterator(chunk_size=20_000)
                if (y, payer, index) in wanted]
        data = dict(ReceivedReport.objects.filter(pk__in=[h[0] for h in hits]).values_list("pk", "data"))
        for pk, key, status in hits:
            out.setdefault(key, []).append((pk, status, data[pk]))
    return out


def store_rows(layout_name: str, rows: list[dict[str, Any]], source: str) -> tuple[int, int]:
    """Store the rows of one accepted file (parsed and checked whole by :func:`reports.parse_rows`, none with a
    problem) in the caller's transaction, so the file is stored whole or not at all: the 給与支払報告書
    (地方税法第317条の6第1項) or 公的年金等支払報告書 (同条第4項, 第317条の13), or a 給与所得者異動届出書
    (:func:`store_earner_changes`).

    Each report applies its 提出区分 to the payer's earlier report for the same person and year (eLTAX 個人別明細書
    の提出区分): 新規・追加 with none in force is in force; 訂正 replaces the one in force (``superseded_by``),
    取消 withdraws it; a report identical to the one in force or held (whatever its 提出区分, from any file) is
    not stored again; a 新規・追加 that differs from the one in force, or a 訂正・取消 with nothing to correct, is
    held for a clerk (:mod:`jichitai.tax.report_review`), never summed. A recipient twice in one file is stored
    once (the first). Returns (rows stored, rows already there)."""
    if layout_name == reports.SALARY_EARNER_CHANGE.name:
        return store_earner_changes(rows, source)
    if layout_name == DONATION_NOTICE.name:
        return store_donation_notices(rows, source)
    if layout_name == FINAL_RETURN.name:
        return store_final_returns(rows, source)
    if layout_name == reports.PENSION_WITHHOLDING_TARGET.name:
        return store_pension_targets(rows, source)
    layout = reports.LAYOUTS[layout_name]
    v = vault()
    amount_attr = "salary_paid" if layout_name == "salary_report" else "pension_paid"
    numbers = tuple(c.attr for c in layout.columns if c.attr.endswith("my_number"))
    now = timezone.now()
    new: dict[Key, dict[str, Any]] = {}
    index_of = indexes_for(ReceivedReport, {row["my_number"] for row in rows}, v)
    for row in rows:
        index = index_of[row["my_number"]]
        key = (row["income_year"], row["payer_number"], index)
        if key in new:
            continue
        submission = row.get("submission") or "new"
        new[key] = {
            "kind": layout_name, "income_year": row["income_year"], "payer_number": row["payer_number"],
            "payer_name": row["payer_name"], "recipient_index": index, "recipient_my_number": v.encrypt(row["my_number"]),
            "source": source, "line": row["line"], "amount": row[amount_attr], "data": _jsonable(row, v, numbers, index),
            "received_at": now, "superseded_by_id": None, "submission": submission, "status": "in_force",
            "hold_reason": "", "decided_by": "", "decided_at": None,
        }
    earlier = _earlier(layout_name, list(new))
    replaced: dict[Key, int] = {}  # key → the id of the report in force that this file's report replaces
    keep: list[dict[str, Any]] = []
    for key, item in new.items():
        before = earlier.get(key, [])
        submission = item["submission"]
        # an identical re-send (a 取消 compares with the 取消 already received, the others with the reports)
        alike = ("cancellation",) if submission == "cancellation" else ("in_force", "held")
        if any(status in alike and _same(data, item["data"]) for _, status, data in before):
            continue
        current = next((pk for pk, status, _ in before if status == "in_force"), None)
        if submission in ("correction", "cancellation"):
            if current is None:
                item.update(status="held", hold_reason=f"{reports.SUBMISSION_WORDS[submission]}の対象となる報告がありません")
            else:
                replaced[key] = current
                if submission == "cancellation":
                    item["status"] = "cancellation"
        elif current is not None:
            item.update(status="held", hold_reason=(
                f"同じ支払者の報告が既にあり、提出区分が「{reports.SUBMISSION_WORDS[submission]}」です（訂正・取消の指定がありません）"))
        keep.append(item)
    if replaced:  # first out of force (one report in force per payer, person and year), then the new ones in
        ReceivedReport.objects.filter(pk__in=list(replaced.values())).update(status="superseded")
    stored = copy_new_rows(ReceivedReport, keep, batch_size=2000)
    if replaced:
        _link_replacements(layout_name, source, replaced, {k: new[k]["submission"] for k in replaced})
    return stored, len(rows) - stored


def _link_replacements(kind: str, source: str, replaced: dict[Key, int], submissions: dict[Key, str]) -> None:
    """Point each replaced report at the 訂正 or 取消 of ``source`` that replaced it."""
    by_key = {(y, payer, index): pk for pk, y, payer, index in ReceivedReport.objects.filter(
        kind=kind, source=source, payer_number__in={k[1] for k in replaced},
        recipient_index__in={k[2] for k in replaced}).values_list("pk", "income_year", "payer_number", "recipient_index")}
    olds = []
    for key, old in replaced.items():
        olds.append(ReceivedReport(pk=old, superseded_by_id=by_key[key],
                                   status="withdrawn" if submissions[key] == "cancellation" else "superseded"))
    ReceivedReport.objects.bulk_update(olds, ["superseded_by", "status"], batch_size=2000)


def store_donation_notices(rows: list[dict[str, Any]], source: str) -> tuple[int, int]:
    """Store the rows of a 申告特例通知書 file (地方税法附則第7条). A notice equal to the latest one of the same
    donee for the same person and year is not stored again; a different one is stored and, being the latest,
    counts. Returns (rows stored, rows already there)."""
    v = vault()
    now = timezone.now()
    items: dict[tuple[str, int, str], dict[str, Any]] = {}
    index_of = indexes_for(DonationNotice, {row["my_number"] for row in rows}, v)
    for row in rows:
        index = index_of[row["my_number"]]
        key = (row["donee_code"], row["income_year"], index)
        items.setdefault(key, {
            "donee_code": row["donee_code"], "donee_name": row["donee_name"], "income_year": row["income_year"],
            "recipient_index": index, "recipient_my_number": v.encrypt(row["my_number"]), "amount": row["amount"],
            "source": source, "line": row["line"], "data": _jsonable(row, v, ("my_number",), index), "received_at": now,
        })
    latest: dict[tuple[str, int, str], int] = {}
    for part in range(0, len(items), 5000):
        keys = list(items)[part:part + 5000]
        for code, year, index, amount in (DonationNotice.objects.filter(
                recipient_index__in={k[2] for k in keys}, income_year__in={k[1] for k in keys})
                .order_by("id").values_list("donee_code", "income_year", "recipient_index", "amount")):
            latest[(code, year, index)] = amount
    new = [item for key, item in items.items() if latest.get(key) != item["amount"]]
    stored = copy_new_rows(DonationNotice, new, batch_size=2000)
    return stored, len(rows) - stored


def store_final_returns(rows: list[dict[str, Any]], source: str) -> tuple[int, int]:
    """Store the rows of a 確定申告書 file from 国税連携 (地方税法第317条の3). A return identical to one already
    received for the person and year (another line, another file) is not stored again. Returns (rows stored,
    rows already there)."""
    v = vault()
    numbers = tuple(c.attr for c in FINAL_RETURN.columns if c.attr.endswith("my_number"))
    now = timezone.now()
    items: dict[tuple[int, str], dict[str, Any]] = {}
    index_of = indexes_for(FinalReturn, {row["my_number"] for row in rows}, v)
    for row in rows:
        index = index_of[row["my_number"]]
        items.setdefault((row["income_year"], index), {
            "income_year": row["income_year"], "recipient_index": index, "recipient_my_number": v.encrypt(row["my_number"]),
            "return_kind": row["return_kind"], "filed_on": row["filed_on"], "source": source, "line": row["line"],
            "data": _jsonable(row, v, numbers, index), "received_at": now,
        })
    known: dict[tuple[int, str], list[dict[str, Any]]] = {}
    keys = list(items)
    for part in range(0, len(keys), 5000):
        chunk = keys[part:part + 5000]
        for year, index, data in FinalReturn.objects.filter(
                income_year__in={k[0] for k in chunk}, recipient_index__in={k[1] for k in chunk}).values_list(
                "income_year", "recipient_index", "data"):
            known.setdefault((year, index), []).append(data)
    new = [item for key, item in items.items() if not any(_same(d, item["data"]) for d in known.get(key, []))]
    stored = copy_new_rows(FinalReturn, new, batch_size=2000)
    return stored, len(rows) - stored


def final_return_filers(income_year: int, indexes: list[str]) -> set[str]:
    """The blind indexes among ``indexes`` of the people whose 確定申告書 for ``income_year`` came through 国税連携
    (the port the declarations review reads)."""
    out: set[str] = set()
    for part in range(0, len(indexes), 5000):
        out.update(FinalReturn.objects.filter(income_year=income_year, recipient_index__in=indexes[part:part + 5000])
                   .values_list("recipient_index", flat=True))
    return out


def store_earner_changes(rows: list[dict[str, Any]], source: str) -> tuple[int, int]:
    """Store the rows of a 給与所得者異動届出書 file (地方税法第321条の7); the same 異動 (payer, person, day, reason)
    sent again is stored once. Returns (rows stored, rows already there)."""
    v = vault()
    numbers = tuple(c.attr for c in reports.SALARY_EARNER_CHANGE.columns if c.attr.endswith("my_number"))
    now = timezone.now()
    items = []
    index_of = indexes_for(SalaryEarnerChange, {row["my_number"] for row in rows}, v)
    for row in rows:
        index = index_of[row["my_number"]]
        items.append({
            "payer_number": row["payer_number"], "payer_name": row["payer_name"], "recipient_index": index,
            "recipient_my_number": v.encrypt(row["my_number"]), "changed_on": row["changed_on"],
            "reason": row["reason"], "source": source, "line": row["line"],
            "data": _jsonable(row, v, numbers, index), "received_at": now,
        })
    stored = copy_new_rows(SalaryEarnerChange, items, batch_size=2000)
    return stored, len(rows) - stored


def store_pension_targets(rows: list[dict[str, Any]], source: str) -> tuple[int, int]:
    """Store the rows of a 年金特別徴収対象者情報 file; the same 年度, 年金保険者 and person sent again is stored
    once (the first). Returns (rows stored, rows already there)."""
    v = vault()
    now = timezone.now()
    index_of = indexes_for(PensionWithholdingTarget, {row["my_number"] for row in rows}, v)
    items = [{
        "fiscal_year": row["fiscal_year"], "payer_number": row["payer_number"], "payer_name": row["payer_name"],
        "recipient_index": index_of[row["my_number"]], "recipient_my_number": v.encrypt(row["my_number"]),
        "old_age_pension": row["old_age_pension"], "nursing_premium_withheld": row["nursing_premium_withheld"],
        "source": source, "line": row["line"], "received_at": now,
    } for row in rows]
    stored = copy_new_rows(PensionWithholdingTarget, items, batch_size=2000)
    return stored, len(rows) - stored


def reports_for(my_number: str, income_year: int, kind: str | None = None) -> list[ReceivedReport]:
    """The reports in force received for a person and year."""
    qs = ReceivedReport.in_force().filter(recipient_index__in=vault().blind_indexes(my_number), income_year=income_year)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("id"))
