"""File exchange: systems drop standard-layout CSV files (UTF-8 or CP932); the 宛名 extract is :mod:`.extracts`.

A received file is validated row by row against its layout (:mod:`jichitai.hub.layouts`). One bad row and the
whole file is quarantined, with a report naming each line and item; nothing of it is used. An accepted file is
kept, logged (hash chained and signed) and landed in the lake by the landing step of ``jichitai hub run``.
Tax reports are handed to the tax app as the rows parsed once (:func:`jichitai.tax.report_intake.store_rows`), in
the same transaction.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common import csvout
from jichitai.common import vault as vault_module
from jichitai.hub import filestore, messagelog
from jichitai.hub.errors import FeedRefused, FileRefused
from jichitai.hub.feeds import granted
from jichitai.hub.layouts import FILE_LAYOUTS, REVIEW_FEEDS, TAX_FEEDS
from jichitai.hub.models import ExchangedFile, System
from jichitai.tax import reports

MAX_FILE_BYTES = 200 * 1024 * 1024


def files_dir(kind: str) -> Path:
    """The local folder of ``kind`` (inbox, quarantine, drop, receipts) when the hub's files are in a folder."""
    store = filestore.store()
    if not isinstance(store, filestore.LocalStore):
        raise ValueError("the hub's files are on object storage (JICHITAI_HUB_FILES)")
    path = Path(store.root) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def detect_encoding(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp932"


def _safe_name(filename: str) -> str:
    name = Path(filename or "upload.csv").name
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)[:100] or "upload.csv"


@dataclass
class Received:
    file: ExchangedFile
    receipt: dict[str, Any]
    duplicate: bool = False

    def as_dict(self) -> dict[str, Any]:
        f = self.file
        return {"file_id": f.pk, "direction": f.direction, "layout": f.layout, "mode": f.mode, "status": f.status,
                "rows": f.rows, "problems": f.problems, "duplicate": self.duplicate, "receipt": self.receipt}


def parse(feed_code: str, data: bytes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(the rows parsed without a problem, problems) for ``data`` in the layout of ``feed_code``."""
    layout = FILE_LAYOUTS[feed_code]
    try:
        text = reports.decode(data)
    except reports.ReportFileError as exc:
        return [], list(exc.fields.get("problems", []))
    rows, problems = reports.parse_rows(layout, text)
    return rows, [{"line": p.line, "item": p.item, "message": p.message} for p in problems]


def validate(feed_code: str, data: bytes) -> tuple[int, list[dict[str, Any]]]:
    """(accepted row count, problems) for ``data`` in the layout of ``feed_code``."""
    rows, problems = parse(feed_code, data)
    return len(rows), problems


def receive(system: System, feed_code: str, filename: str, data: bytes, mode: str = "full") -> Received:
    """Take a file from ``system`` on ``feed_code``: accepted whole, or quarantined whole with its report."""
    grant = granted(system, feed_code, "hub.file.send")
    if grant.feed.kind != "file_in" or feed_code not in FILE_LAYOUTS:
        audit.record(system, "hub.file.send", f"hub.feed:{feed_code}", "refused")
        raise FeedRefused()
    mode = mode if mode in ("full", "delta") else "full"
    digest = hashlib.sha256(data).hexdigest()
    previous = ExchangedFile.objects.filter(system=system, layout=feed_code, sha256=digest, direction="in",
                                            status__in=("accepted", "landed")).first()
    if previous is not None:
        with transaction.atomic():
            entry = messagelog.append(kind="file_in_duplicate", direction="in", sender=system.code,
                                      receiver=messagelog.HUB, reference=f"{feed_code}:{previous.pk}",
                                      payload=data, count=previous.rows)
        return Received(previous, messagelog.receipt(entry), duplicate=True)
    rows: list[dict[str, Any]] = []
    if len(data) > MAX_FILE_BYTES:
        problems = [{"line": 0, "item": "", "message": "ファイルが大きすぎます（200MBまで）"}]
    else:
        rows, problems = parse(feed_code, data)  # once: the tax reports are stored from these rows
    count = len(rows)
    status = "quarantined" if problems else "accepted"
    with transaction.atomic():
        f = ExchangedFile.objects.create(
            direction="in", system=system, layout=feed_code, mode=mode, filename=_safe_name(filename),
            sha256=digest, size=len(data), encoding=detect_encoding(data), rows=count, status=status,
            problems=problems, stored_path="",
        )
        # the rows hold 個人番号: never plain at rest (the folder or the bucket)
        target = filestore.store().put("quarantine" if problems else "inbox", f"{f.pk:08d}_{f.filename}.sealed",
                                       _vault().seal(data, f.audit_label()))
        entry = messagelog.append(
            kind="file_quarantined" if problems else "file_in", direction="in", sender=system.code,
            receiver=messagelog.HUB, reference=f"{feed_code}:{f.pk}:{f.filename}", payload=data, count=count,
        )
        f.stored_path, f.log_seq = str(target), entry.seq
        f.save(update_fields=["stored_path", "log_seq"])
        if not problems:
            hand_over(feed_code, rows, f.pk)
        audit.record(system, "hub.file.send", f"hub.file:{f.pk}", "refused" if problems else "ok",
                     layout=feed_code, rows=count, problems=len(problems), sha256=digest)
    return Received(f, messagelog.receipt(entry))


def hand_over(feed_code: str, rows: list[dict[str, Any]], file_id: int) -> None:
    """Give the parsed rows of an accepted (or released) file to the business that keeps them, in the caller's
    transaction: tax reports to the tax app, review records to the declarations app."""
    if feed_code in TAX_FEEDS:
        from jichitai.tax import report_intake

        report_intake.store_rows(FILE_LAYOUTS[feed_code].name, rows, source=f"hub:{file_id}")
    if feed_code in REVIEW_FEEDS:
        from jichitai.declarations import cityrecords

        cityrecords.store_rows(FILE_LAYOUTS[feed_code].name, rows, source=f"hub:{file_id}")


def _vault() -> Any:
    from jichitai.tax.report_intake import vault

    return vault()


def stored_bytes(f: ExchangedFile) -> bytes:
    """A received file's bytes as it was sent, from its sealed copy (checked against the hash the message log
    signed). Files stored before sealing (plain) are read as they are; ``jichitai hub seal-files`` seals them."""
    blob = filestore.read(f.stored_path)
    data = _vault().unseal(blob, f.audit_label()) if vault_module.is_sealed(blob) else blob
    if hashlib.sha256(data).hexdigest() != f.sha256:
        raise ValueError(f"file {f.pk} on disk does not match the hash in the message log")
    return data


def seal_stored(f: ExchangedFile) -> bool:
    """Replace a plain stored file by its sealed copy (for files received before sealing); True if sealed now."""
    path = Path(f.stored_path)
    if not f.stored_path or not path.exists() or vault_module.is_sealed(path.read_bytes()):
        return False
    data = stored_bytes(f)
    target = path.with_name(path.name + ".sealed")
    target.write_bytes(_vault().seal(data, f.audit_label()))
    f.stored_path = str(target)
    f.save(update_fields=["stored_path"])
    path.unlink()
    return True


def problem_report(f: ExchangedFile) -> str:
    """The quarantine report as CSV text (行, 項目, 内容), one line per problem."""
    out = io.StringIO()
    w = csvout.writer(out, for_people=True, lineterminator="\r\n")  # opened by the hub's operators
    w.writerow(["行", "項目", "内容"])
    for p in f.problems:
        w.writerow([p.get("line", ""), p.get("item", ""), p.get("message", "")])
    return out.getvalue()


def own_file(system: System, file_id: int) -> ExchangedFile:
    """A file meant for ``system`` (its own upload, or an extract produced for it), checked by ``allowed``
    through :meth:`ExchangedFile.permits`. An unknown id and another system's file give the same refusal,
    audited with the id asked for; a granted read is audited too."""
    f = ExchangedFile.objects.filter(pk=file_id).first()
    if f is None or not allowed(system, "hub.file.fetch", f):
        audit.record(system, "hub.file.fetch", f"hub.file:{file_id}", "refused")
        raise FileRefused()
    audit.record(system, "hub.file.fetch", f"hub.file:{f.pk}", direction=f.direction, layout=f.layout)
    return f


def file_status(system: System, file_id: int) -> dict[str, Any]:
    """``GET /files/{id}``: what the hub recorded of one file meant for ``system`` and its signed receipt."""
    f = own_file(system, file_id)
    receipt = messagelog.receipt(f.log_entry()) if f.log_seq else {}
    return {"file_id": f.pk, "direction": f.direction, "layout": f.layout, "mode": f.mode, "status": f.status,
            "rows": f.rows, "problems": f.problems, "duplicate": False, "receipt": receipt}
