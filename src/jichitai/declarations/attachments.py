"""Attachments (添付書類): PDF or a photo (JPEG, PNG, HEIC), and the 医療費通知情報 as XML, recognised by their first
bytes, never by the name or the browser's content type; at most :data:`MAX_BYTES`. What each says is read at
intake (:func:`document_of`): the XML's text, the 受領証明書 rows entered with it, a scan's OCR."""

from __future__ import annotations

import hashlib
import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from jichitai.declarations.domain import DeclarationError
from jichitai.declarations.domain.model import ATTACHMENT_KINDS

MAX_BYTES = 5 * 1024 * 1024
MAX_PER_DECLARATION = 10
# statements whose amounts are entered with the file (the review compares claim, entry and reading: IN07, DE12, IN08)
STATEMENT_KINDS = ("dividend_statement", "housing_loan_statement", "stock_loss_schedule", "stock_transfer_statement")


class AttachmentRefused(DeclarationError):
    code = "attachment_refused"


def sniff(head: bytes) -> str | None:
    """The content type by magic bytes, or None for anything we do not accept."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"heif"):
        return "image/heic"
    if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<?xml"):
        return "application/xml"
    return None


def check(filename: str, content: bytes, kind: str) -> tuple[str, str]:
    """Return (content type, sha256) or raise :class:`AttachmentRefused` with a message for the resident."""
    if kind not in ATTACHMENT_KINDS:
        raise AttachmentRefused("書類の種類を選んでください。", kind=kind)
    if not content:
        raise AttachmentRefused(f"「{filename}」は空のファイルです。", filename=filename)
    if len(content) > MAX_BYTES:
        raise AttachmentRefused(
            f"「{filename}」は大きすぎます（{len(content) / 1024 / 1024:.1f}MB）。"
            f"1ファイル{MAX_BYTES // 1024 // 1024}MBまでにしてください（写真は解像度を下げると小さくなります）。",
            filename=filename, size=len(content),
        )
    content_type = sniff(content[:64])
    if content_type is None or (content_type == "application/xml" and kind != "medical_detail"):
        raise AttachmentRefused(
            f"「{filename}」は受け付けられない形式です。PDFまたは写真（JPEG・PNG・HEIC）を添付してください"
            "（XMLはマイナポータルの医療費通知情報だけ受け付けます）。",
            filename=filename,
        )
    if content_type == "application/xml":
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            raise AttachmentRefused(f"「{filename}」はUTF-8のXMLではありません。", filename=filename) from None
    return content_type, hashlib.sha256(content).hexdigest()


def document_of(content: bytes, content_type: str, receipt: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the review reads of one attachment (domain/documents.py): the XML's text, or the OCR of a scan; with
    the 受領証明書's 寄附先・金額・寄附日 as entered."""
    from jichitai.declarations import ocr

    document: dict[str, Any] = {}
    if content_type == "application/xml":
        document["xml"] = content.decode("utf-8").removeprefix("\ufeff")
    else:
        document["ocr"] = ocr.read_document(content, content_type)
    if receipt:
        document["receipts"] = [receipt]
    return document


def scan_workers(requested: int = 0) -> int:
    """How many processes read scans side by side: ``requested``, or (0) one per core — OCR is CPU alone, no
    database — and one when this process runs other threads (:func:`jichitai.dbcopy.fork_safe`)."""
    from jichitai.dbcopy import fork_safe

    return fork_safe(requested if requested > 0 else (os.cpu_count() or 1))


def _one_thread() -> None:
    """A pool worker's tesseract runs on one core (OpenMP would start a thread per core in every worker)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"


def read_all_scans(records: Iterable[dict[str, Any]], base: Path, *, workers: int = 1, chunk: int = 256,
                   progress: Callable[[int], None] | None = None) -> Iterator[dict[str, Any]]:
    """:func:`read_scans` over ``records``, in their order, the scans of ``chunk`` records at a time read by
    ``workers`` forked processes (callers pass :func:`scan_workers`); ``progress(n)`` after each scan-bearing
    record. The result does not depend on ``workers``: each record is read alone and put back in its place."""
    pool = None
    if workers > 1:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_one_thread)
    try:
        batch: list[dict[str, Any]] = []
        for rec in itertools.chain(records, [None]):
            if rec is not None:
                batch.append(rec)
                if len(batch) < chunk:
                    continue
            scans = [i for i, r in enumerate(batch) if _has_scan(r)]
            read = pool.map(read_scans, [batch[i] for i in scans], itertools.repeat(base)) if pool else \
                (read_scans(batch[i], base) for i in scans)
            for i, done in zip(scans, read, strict=True):
                batch[i] = done
                if progress is not None:
                    progress(1)
            yield from batch
            batch = []
    finally:
        if pool is not None:
            pool.shutdown()


def _has_scan(rec: dict[str, Any]) -> bool:
    return any(isinstance(a, dict) and "image" in a for a in rec.get("attachments") or [])


def read_scans(rec: dict[str, Any], base: Path) -> dict[str, Any]:
    """An imported record whose attachments name a scanned file (``image``: a path under ``base``, the folder of
    declarations.jsonl) with each such file read as an upload is (:func:`check`: type by its first bytes, size;
    then :func:`document_of`: OCR). A file that is missing, outside ``base`` or refused becomes an attachment
    whose reading says why (the review sends it to a clerk); the record is never dropped."""
    attachments = rec.get("attachments") or []
    if not _has_scan(rec):
        return rec
    root = base.resolve()
    out = []
    for a in attachments:
        if not (isinstance(a, dict) and "image" in a):
            out.append(a)
            continue
        a = dict(a)
        path = (root / str(a.pop("image"))).resolve()
        try:
            if root not in path.parents:
                raise AttachmentRefused("添付ファイルの場所が取込フォルダの外です。")
            content = path.read_bytes()
            content_type, _ = check(str(a.get("filename") or path.name), content, str(a.get("kind", "")))
            a.update(document_of(content, content_type))
        except OSError:
            a["ocr"] = {"problem": "添付ファイルが見つかりません"}
        except AttachmentRefused as exc:
            a["ocr"] = {"problem": exc.message}
        out.append(a)
    return {**rec, "attachments": out}
