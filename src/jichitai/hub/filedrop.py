"""ファイル連携 through object storage: files systems place in ``drop/{system}/{feed}/`` are taken in by the hub
worker exactly as ``POST /api/hub/files/{feed}`` takes them (:func:`jichitai.hub.files.receive`: the grant checked
with ``allowed``, every row validated, sealed, logged), then the plain object is removed and the outcome written
to ``receipts/{system}/{feed}/{filename}.json``.

Order of the steps: the file is received (sealed copy and database row committed), then the receipt written,
then the dropped object removed. A worker stopped between two steps takes the same file again on its next
turn, and the hub recognises it by its hash (an accepted file is not stored twice, the receipt says
``duplicate``). Which system may write which prefix of the bucket is the bucket policy's business (one
credential per system, allowed ``drop/{its code}/*`` and ``receipts/{its code}/*`` only): docs/hub.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from jichitai.common.errors import JichitaiError
from jichitai.hub import files, filestore
from jichitai.hub.errors import FeedRefused
from jichitai.hub.models import System


def mode_of(filename: str) -> str:
    """差分 when the name says so (``…_delta.csv``, ``…差分….csv``), else 全件."""
    lowered = filename.lower()
    return "delta" if "delta" in lowered or "差分" in filename else "full"


@dataclass
class DropReport:
    taken: int = 0
    refused: int = 0


def take_dropped(limit: int = 100) -> DropReport:
    """Take in up to ``limit`` dropped files, oldest name first. Returns how many were taken or refused."""
    store = filestore.store()
    report = DropReport()
    for dropped in store.dropped():
        if report.taken + report.refused >= limit:
            break
        system = System.objects.filter(code=dropped.system).first()
        try:
            if system is None:
                raise FeedRefused()
            data = store.get(dropped.locator)
            outcome = files.receive(system, dropped.feed, dropped.filename, data, mode_of(dropped.filename)).as_dict()
            report.taken += 1
        except JichitaiError as exc:  # refused (audited by receive): nothing kept, the sender is told why
            outcome = {"status": "refused", **exc.as_dict()}
            report.refused += 1
        body = json.dumps({"filename": dropped.filename, **outcome}, ensure_ascii=False, indent=1, default=str)
        store.put("receipts", f"{dropped.system}/{dropped.feed}/{dropped.filename}.json", body.encode())
        store.delete(dropped.locator)
    return report
