"""Filing: drafts, attachments, submission (one declaration per submission, whatever the double clicks), and
the import of a synthetic city's ``declarations.jsonl``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import NotFound, PermissionRefused
from jichitai.dbcopy import copy_rows
from jichitai.declarations import attachments as att
from jichitai.declarations import numbering, taxlink
from jichitai.declarations.actors import ResidentActor
from jichitai.declarations.domain import Declaration as Domain
from jichitai.declarations.domain import DeclarationError
from jichitai.declarations.domain.model import ATTACHMENT_KINDS
from jichitai.declarations.models import Attachment, ClaimedRelative, Declaration, Status
from jichitai.declarations.sealing import blind_indexes, seal, unseal


def own(actor: Any, action: str, *, pk: int | None = None, receipt_number: str | None = None) -> Declaration:
    """The declaration, if the actor may act on it; a refusal is audited and looks like "not found" to a
    resident (no hint that someone else's number exists)."""
    qs = Declaration.objects.all()
    d = qs.filter(pk=pk).first() if pk is not None else qs.filter(receipt_number=receipt_number).first()
    if d is None:
        raise NotFound("該当する申告は見つかりません。")
    if not allowed(actor, action, d):
        audit.record(actor, action, d.audit_resource, "refused")
        raise NotFound("該当する申告は見つかりません。")
    return d


def _claims(d: Declaration) -> list[ClaimedRelative]:
    case = d.data.get("case") or {}
    out = []
    if case.get("spouse") and case["spouse"].get("my_number_index"):
        out.append(ClaimedRelative(declaration=d, fiscal_year=d.fiscal_year, owner_index=d.owner_index,
                                   claimed_index=case["spouse"]["my_number_index"], role="spouse"))
    for dep in case.get("dependents") or []:
        if dep.get("my_number_index"):
            out.append(ClaimedRelative(declaration=d, fiscal_year=d.fiscal_year, owner_index=d.owner_index,
                                       claimed_index=dep["my_number_index"], role="dependent"))
    return out


def _validate(record: dict[str, Any], fiscal_year: int) -> Domain:
    return Domain.from_record(record, fiscal_year=fiscal_year)


def save_draft(actor: ResidentActor, record: dict[str, Any], *, fiscal_year: int,
               declaration: Declaration | None = None) -> Declaration:
    """Create or update the resident's draft. The 個人番号 of the filer is always the signed-in resident's."""
    d = _validate(record, fiscal_year)
    if actor.my_number_index not in blind_indexes(d.my_number):  # the signed-in person's, under any key
        raise PermissionRefused("ご本人の個人番号以外では申告できません。")
    if declaration is None:
        declaration = Declaration(fiscal_year=fiscal_year, channel="online", owner_index=actor.my_number_index,
                                  atena_number=actor.atena_number)
    elif not declaration.is_editable:
        raise DeclarationError("提出済みの申告は変更できません。", code="not_editable")
    declaration.pattern = d.pattern.value
    declaration.name, declaration.kana = d.name, d.kana
    declaration.data = seal(record)
    declaration.my_number_encrypted = declaration.data.get("my_number", "")
    declaration.computed, _ = taxlink.compute(d.case)
    declaration.save()
    audit.record(actor, "declarations.file", f"declaration:{declaration.pk}", "ok", step="draft")
    return declaration


def add_attachment(actor: ResidentActor, declaration: Declaration, *, kind: str, filename: str,
                   content: bytes, receipt: dict[str, Any] | None = None,
                   statement: dict[str, int] | None = None) -> Attachment:
    """Store one file and what was read of it (the 医療費通知 XML, a scan's OCR), with what the resident entered
    from it: a 受領証明書's 寄附先・金額・寄附日, a statement's amounts (配当割額, 控除可能額: IN07, DE12)."""
    if not declaration.is_editable:
        raise DeclarationError("提出済みの申告には書類を追加できません。", code="not_editable")
    if declaration.attachment_files.count() >= att.MAX_PER_DECLARATION:
        raise att.AttachmentRefused(f"添付できる書類は{att.MAX_PER_DECLARATION}件までです。")
    try:
        content_type, digest = att.check(filename, content, kind)
    except att.AttachmentRefused:
        audit.record(actor, "declarations.file", f"declaration:{declaration.pk}", "refused", step="attachment",
                     size=len(content))
        raise
    if kind == "donation_receipt" and not receipt:
        raise att.AttachmentRefused("受領証明書の寄附先・金額・寄附日を入力してください。")
    if kind in att.STATEMENT_KINDS and not statement:
        raise att.AttachmentRefused(f"{ATTACHMENT_KINDS[kind]}の金額を入力してください。")
    document = att.document_of(content, content_type, receipt if kind == "donation_receipt" else None)
    if statement:
        document["statement"] = {k: int(v) for k, v in statement.items()}
    a = Attachment.objects.create(declaration=declaration, kind=kind, filename=filename[:200],
                                  content_type=content_type, size=len(content), sha256=digest, content=content,
                                  document=document)
    _sync_attachment_list(declaration)
    audit.record(actor, "declarations.file", f"declaration:{declaration.pk}", "ok", step="attachment", kind=kind)
    return a


def _sync_attachment_list(declaration: Declaration) -> None:
    data = dict(declaration.data)
    data["attachments"] = [{"kind": a.kind, "filename": a.filename, **(a.document or {})}
                           for a in declaration.attachment_files.order_by("id")]
    declaration.data = data
    declaration.save(update_fields=["data", "updated_at"])


def remove_attachment(actor: ResidentActor, declaration: Declaration, attachment_id: int) -> None:
    if not declaration.is_editable:
        raise DeclarationError("提出済みの申告の書類は削除できません。", code="not_editable")
    declaration.attachment_files.filter(pk=attachment_id).delete()
    _sync_attachment_list(declaration)


def submit(actor: ResidentActor, declaration: Declaration, *, idempotency_key: str) -> Declaration:
    """Submit once. A second submission with the same key (double click, resend after a time-out) returns the
    same declaration; submitting an already-submitted one changes nothing."""
    from jichitai.declarations.reviewing import review_declarations

    if idempotency_key:
        existing = Declaration.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.owner_index != actor.my_number_index:
                raise NotFound("該当する申告は見つかりません。")
            return existing
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if not locked.is_editable:
            return locked
        locked.receipt_number = locked.receipt_number or numbering.new_receipt_number(locked.fiscal_year)
        locked.status = Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.idempotency_key = idempotency_key or None
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:  # the same key won a race in another request
            return Declaration.objects.get(idempotency_key=idempotency_key)
        ClaimedRelative.objects.filter(declaration=locked).delete()
        ClaimedRelative.objects.bulk_create(_claims(locked))
        audit.record(actor, "declarations.file", locked.audit_resource, "ok", step="submit")
    review_declarations([locked])
    locked.refresh_from_db()
    return locked


def record_of(declaration: Declaration) -> dict[str, Any]:
    return unseal(declaration.data)


# --- import of the synthetic city's declarations.jsonl ---------------------------------------------------

def read_jsonl(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    for n, line in enumerate(lines, start=1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise DeclarationError(f"{n}行目を読めません: {exc.msg}", code="bad_jsonl", line=n) from None


def _submitted(declared: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """The submission time an imported declaration carries (when it reached the city by its channel: the
    queue's age counts from then); the import time when it carries none. A time after the import is refused."""
    if declared is None:
        return now
    if declared > now:
        raise DeclarationError(f"提出日時が未来の日時です: {declared.isoformat()}", code="future_submission",
                               value=declared.isoformat())
    return declared


def _columns(obj: Any) -> dict[str, Any]:
    """An unsaved instance's columns as :func:`copy_rows` takes them (``auto_now`` fields stamped as save()
    stamps them)."""
    return {f.attname: f.pre_save(obj, add=True) for f in obj._meta.concrete_fields if not f.primary_key}


def import_records(records: Iterable[dict[str, Any]], *, fiscal_year: int, actor: Any,
                   batch: int = 2000, files: Path | None = None, scan_workers: int = 0,
                   progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Store each record as a submitted declaration (skipping refs already imported), submitted when the
    record says (``submitted_at``), else now. Returns (new, skipped). ``files``: the folder of the scanned
    attachments the records name (``image``), read by OCR as uploads are, by a process per core
    (:func:`attachments.read_all_scans`, ``scan_workers``: 0 for :func:`attachments.scan_workers`); ``progress(n)``
    as scans are read.

    Set-based: per ``batch`` records one query for the refs already there, one COPY of the declarations (on
    PostgreSQL; ``bulk_create`` elsewhere), one query for their ids by 受付番号 and one COPY of the relatives
    they claim, in one transaction."""
    from jichitai.declarations.models import ClaimedRelative as CR

    new = skipped = 0
    pending: list[Declaration] = []

    def flush() -> None:
        nonlocal new, skipped
        refs = [p.source_ref for p in pending]
        existing = set(Declaration.objects.filter(source_ref__in=refs).values_list("source_ref", flat=True))
        fresh = [p for p in pending if p.source_ref not in existing]
        skipped += len(pending) - len(fresh)
        with transaction.atomic():
            for p, number in zip(fresh, numbering.new_receipt_numbers(fiscal_year, len(fresh)), strict=True):
                p.receipt_number = number
            copy_rows(Declaration, [_columns(p) for p in fresh], batch_size=batch)
            ids = dict(Declaration.objects.filter(receipt_number__in=[p.receipt_number for p in fresh])
                       .values_list("receipt_number", "id"))
            for p in fresh:
                p.pk = ids[p.receipt_number]
            copy_rows(CR, [_columns(c) for p in fresh for c in _claims(p)], batch_size=batch)
        new += len(fresh)
        pending.clear()

    now = timezone.now()
    if files is not None:
        records = att.read_all_scans(records, files, workers=att.scan_workers(scan_workers), progress=progress)
    for rec in records:
        d = _validate(rec, fiscal_year)
        data = seal(rec)
        pending.append(Declaration(
            fiscal_year=fiscal_year, channel=d.channel.value, pattern=d.pattern.value, status=Status.SUBMITTED,
            owner_index=data.get("my_number_index", ""), my_number_encrypted=data.get("my_number", ""),
            name=d.name, kana=d.kana, data=data, source_ref=d.ref or None,
            submitted_at=_submitted(d.submitted_at, now),
        ))
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    audit.record(actor, "declarations.import", "declarations.jsonl", "ok", new=new, skipped=skipped)
    return new, skipped
