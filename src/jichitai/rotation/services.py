"""Moving every 個人番号 ciphertext, blind index and sealed file to the keyring's current key (``jichitai vault
rotate``), in batches, resumable, and counting what is left (``jichitai vault status``).

**Blind indexes are re-indexed per person, across every table in one transaction per batch.** The index is the
key that joins a person's rows across contexts without decrypting (住民記録, the received 支払報告書, the
declarations, the 二重扶養 claims): the assessment and the review join on it. Re-indexing table by table would
break those joins for everyone between one table and the next, and searching both indexes in every join would
make each of them take two keys for as long as a rotation lasts. So the rotation first reads every 個人番号 the
database holds (decrypting the ciphertexts, never writing a number anywhere) and maps each retired key's index
to the current key's; then it moves people in batches: in one transaction, every row of every table under one of
the batch's old indexes takes the new index, its ciphertext is re-encrypted and its JSON rewritten (the ``bi:``
indexes of relatives too). A person's rows are thus under one key at any moment and joins keep working while the
rotation runs; a look-up by number searches the current and the retired keys' indexes
(:meth:`~jichitai.common.vault.Keyring.blind_indexes`), so it finds the person before, during and after.

**The lake** (:mod:`jichitai.rotation.lake`): the analytics lake's tax reports keep the recipient's blind index
(``recipient_index``). After the people, each such Iceberg table is rewritten with the same map in one commit, and
its older snapshots are expired with the files only they reached, so no time-travel read finds a retired key's
index; ``status`` counts the lake's rows and snapshots still under a retired key.

A rerun skips what is done: a row under the new index matches no old one, a ciphertext or sealed file naming the
current key is left as it is. The map lives in memory only (old index → new index would let whoever holds the
old key and the database link the new indexes to numbers): an interrupted run rebuilds it.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

from jichitai.common import vault as vault_mod
from jichitai.rotation import lake

OLD_INDEXES = "旧鍵の索引"
LAKE_INDEXES = "分析基盤（旧鍵の索引）"  # lake table → rows still under a retired key
LAKE_HISTORY = "分析基盤の履歴（旧鍵の版）"  # lake table → older snapshots not yet expired since the key changed
INDEX_LABELS = (OLD_INDEXES, LAKE_INDEXES, LAKE_HISTORY)  # counted per holder, not per key id
ENC = "enc:"  # the prefix of a ciphertext inside a declaration (jichitai.declarations.sealing)
BI = "bi:"  # the prefix of a blind index inside a received report's data (jichitai.tax.report_intake)


class Progress(Protocol):
    """Told each phase's size, then each step (the command draws a bar per phase)."""

    def start(self, phase: str, total: int) -> None: ...
    def advance(self, phase: str, n: int) -> None: ...


class Silent:
    def start(self, phase: str, total: int) -> None:
        pass

    def advance(self, phase: str, n: int) -> None:
        pass


@dataclass(frozen=True)
class Holder:
    """A table that holds 個人番号: a ciphertext column (``prefix`` before the token), blind index columns, JSON
    columns with ``enc:`` ciphertexts and indexes inside (``json_tokens``: ciphertexts too, read for numbers)."""

    label: str
    model: str
    cipher: str = ""
    prefix: str = ""
    indexes: tuple[str, ...] = ()
    json: tuple[str, ...] = ()
    json_tokens: bool = False

    @property
    def cls(self) -> Any:
        return apps.get_model(self.model)

    @property
    def fields(self) -> list[str]:
        return [f for f in (self.cipher, *self.indexes, *self.json) if f]


HOLDERS = (
    Holder("住民（住民記録）", "registry.Resident", "my_number_encrypted", "", ("my_number_index",)),
    Holder("給与・公的年金等支払報告書", "tax.ReceivedReport", "recipient_my_number", "", ("recipient_index",), ("data",)),
    Holder("給与所得者異動届出書", "tax.SalaryEarnerChange", "recipient_my_number", "", ("recipient_index",), ("data",)),
    Holder("年金特別徴収の対象者", "tax.PensionWithholdingTarget", "recipient_my_number", "", ("recipient_index",)),
    Holder("寄附金税額控除の通知", "tax.DonationNotice", "recipient_my_number", "", ("recipient_index",), ("data",)),
    Holder("確定申告（国税連携）", "tax.FinalReturn", "recipient_my_number", "", ("recipient_index",), ("data",)),
    Holder("住民税の申告", "declarations.Declaration", "my_number_encrypted", ENC, ("owner_index",), ("data",),
           json_tokens=True),
    Holder("申告の訂正", "declarations.ClerkAction", json=("corrected_data",), json_tokens=True),
    Holder("配偶者・扶養親族の請求", "declarations.ClaimedRelative", indexes=("owner_index", "claimed_index")),
)


# --- rewriting one value ------------------------------------------------------------------------------------

def _numbers_in(obj: Any, ring: vault_mod.Keyring) -> Iterator[str]:
    """Every 個人番号 a JSON value holds as an ``enc:`` ciphertext."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "my_number" and isinstance(v, str) and v.startswith(ENC):
                yield ring.decrypt(v[len(ENC):])
            elif isinstance(v, dict | list):
                yield from _numbers_in(v, ring)
    elif isinstance(obj, list):
        for v in obj:
            yield from _numbers_in(v, ring)


def _rewrite_json(obj: Any, ring: vault_mod.Keyring, moved: dict[str, str]) -> Any:
    """``obj`` with each ``enc:`` ciphertext under the current key (and the ``my_number_index`` beside it
    recomputed), and each blind index (bare or ``bi:``) that ``moved`` knows replaced by the current key's."""
    if isinstance(obj, dict):
        out = {k: _rewrite_json(v, ring, moved) for k, v in obj.items()}
        token = obj.get("my_number")
        if isinstance(token, str) and token.startswith(ENC):
            number = ring.decrypt(token[len(ENC):])
            if not ring.is_current(token[len(ENC):]):
                out["my_number"] = ENC + ring.encrypt(number)
            if "my_number_index" in obj:
                out["my_number_index"] = ring.blind_index(number)
        return out
    if isinstance(obj, list):
        return [_rewrite_json(v, ring, moved) for v in obj]
    if isinstance(obj, str):
        if obj.startswith(BI) and obj[len(BI):] in moved:
            return BI + moved[obj[len(BI):]]
        return moved.get(obj, obj)
    return obj


def _rewrite_row(row: models.Model, h: Holder, ring: vault_mod.Keyring, moved: dict[str, str]) -> bool:
    """Move one row to the current key in place; True if anything changed."""
    changed = False
    if h.cipher:
        value = getattr(row, h.cipher)
        token = value[len(h.prefix):] if value.startswith(h.prefix) else ""
        if token and not ring.is_current(token):
            setattr(row, h.cipher, h.prefix + ring.encrypt(ring.decrypt(token)))
            changed = True
    for col in h.indexes:
        value = getattr(row, col)
        if value in moved:
            setattr(row, col, moved[value])
            changed = True
    for col in h.json:
        value = getattr(row, col)
        new = _rewrite_json(value, ring, moved)
        if new != value:
            setattr(row, col, new)
            changed = True
    return changed


# --- the map of old indexes -----------------------------------------------------------------------------------

def _tokens(h: Holder) -> Iterator[str]:
    qs = h.cls.objects.exclude(**{h.cipher: ""}).values_list(h.cipher, flat=True)
    for value in qs.iterator(chunk_size=5000):
        if value.startswith(h.prefix):
            yield value[len(h.prefix):]


def numbers_held(ring: vault_mod.Keyring, progress: Progress | None = None) -> set[str]:
    """Every 個人番号 the database holds as ciphertext (the rows' own and those inside declarations)."""
    progress = progress or Silent()
    progress.start("read", sum(h.cls.objects.exclude(**{h.cipher: ""}).count() for h in HOLDERS if h.cipher))
    numbers: set[str] = set()
    for h in HOLDERS:
        if h.cipher:
            done = 0
            for token in _tokens(h):
                numbers.add(ring.decrypt(token))
                done += 1
                if done % 5000 == 0:
                    progress.advance("read", 5000)
            progress.advance("read", done % 5000)
        if h.json_tokens:
            for values in h.cls.objects.values_list(*h.json).iterator(chunk_size=2000):
                for value in values:
                    numbers.update(_numbers_in(value, ring))
    return numbers


def index_map(ring: vault_mod.Keyring, numbers: Iterable[str]) -> dict[str, str]:
    """Each retired key's index of each number → the current key's."""
    moved: dict[str, str] = {}
    for n in numbers:
        new = ring.blind_index(n)
        for old in ring.retired:
            moved[old.blind_index(n)] = new
    return moved


# --- the rotation ---------------------------------------------------------------------------------------------

@dataclass
class Rotation:
    """What one run did (counts only: never a number, an index or a key)."""

    key_id: str
    numbers: int = 0
    reindexed: Counter[str] = field(default_factory=Counter)  # holder label → rows moved with their person
    reencrypted: Counter[str] = field(default_factory=Counter)  # holder label → rows re-encrypted afterwards
    resealed_files: int = 0
    resealed_secrets: int = 0
    plain_files: int = 0
    missing_files: int = 0
    lake: Counter[str] = field(default_factory=Counter)  # lake table → rows re-keyed
    lake_expired: Counter[str] = field(default_factory=Counter)  # lake table → older snapshots expired
    lake_files_deleted: int = 0

    def as_detail(self) -> dict[str, Any]:
        return {"key_id": self.key_id, "numbers": self.numbers, "reindexed": dict(self.reindexed),
                "reencrypted": dict(self.reencrypted), "resealed_files": self.resealed_files,
                "resealed_secrets": self.resealed_secrets, "plain_files": self.plain_files,
                "missing_files": self.missing_files, "lake": dict(self.lake),
                "lake_expired": dict(self.lake_expired), "lake_files_deleted": self.lake_files_deleted}


def keyring() -> vault_mod.Keyring:
    return vault_mod.for_config(settings.CONFIG)


def rotate(*, batch: int = 2000, progress: Progress | None = None, report: Rotation | None = None) -> Rotation:
    """Move everything to the current key: people in batches (their rows in every table, one transaction a
    batch), then the lake's indexes (one Iceberg commit a table, its older snapshots expired:
    :mod:`jichitai.rotation.lake`), then the ciphertexts no person's batch reached, then the sealed files and
    client secrets.
    ``report`` collects the counts as it goes (so an interrupted run can still say what it did)."""
    ring = keyring()
    progress = progress or Silent()
    out = report if report is not None else Rotation(ring.key_id)
    numbers = numbers_held(ring, progress)
    out.numbers = len(numbers)
    moved = index_map(ring, numbers)
    del numbers
    olds = sorted(moved)
    progress.start("people", len(olds))
    for start in range(0, len(olds), batch):
        part = olds[start:start + batch]
        _move_people(part, ring, moved, out)
        progress.advance("people", len(part))
    lake.move(ring, moved, out, progress)
    for h in HOLDERS:
        if h.cipher or h.json_tokens:
            _reencrypt(h, ring, moved, out, batch, progress)
    _reseal(ring, out, progress)
    return out


def _move_people(olds: list[str], ring: vault_mod.Keyring, moved: dict[str, str], out: Rotation) -> None:
    with transaction.atomic():
        for h in HOLDERS:
            if not h.indexes:
                continue
            where = Q()
            for col in h.indexes:
                where |= Q(**{f"{col}__in": olds})
            rows = list(h.cls.objects.select_for_update().filter(where).only("pk", *h.fields))
            changed = [r for r in rows if _rewrite_row(r, h, ring, moved)]
            h.cls.objects.bulk_update(changed, h.fields, batch_size=1000)
            out.reindexed[h.label] += len(changed)


def _stale(h: Holder, ring: vault_mod.Keyring) -> models.QuerySet[Any]:
    """The rows of ``h`` whose ciphertext does not name the current key (all rows with JSON ciphertexts)."""
    qs = h.cls.objects.all()
    if h.cipher:
        current = f"{h.prefix}{vault_mod.TOKEN_PREFIX}{ring.key_id}:"
        qs = qs.exclude(**{h.cipher: ""}).exclude(**{f"{h.cipher}__startswith": current})
    else:
        qs = qs.exclude(**{f"{h.json[0]}__isnull": True})
    return qs


def _reencrypt(h: Holder, ring: vault_mod.Keyring, moved: dict[str, str], out: Rotation, batch: int,
               progress: Progress) -> None:
    progress.start("cipher:" + h.label, _stale(h, ring).count())
    last: Any = None
    while True:
        with transaction.atomic():
            qs = _stale(h, ring).select_for_update().order_by("pk").only("pk", *h.fields)
            rows = list((qs.filter(pk__gt=last) if last is not None else qs)[:batch])
            if not rows:
                return
            last = rows[-1].pk
            changed = [r for r in rows if _rewrite_row(r, h, ring, moved)]
            h.cls.objects.bulk_update(changed, h.fields, batch_size=1000)
            out.reencrypted[h.label] += len(changed)
        progress.advance("cipher:" + h.label, len(rows))


def _reseal(ring: vault_mod.Keyring, out: Rotation, progress: Progress) -> None:
    """The received files (inbox, quarantine) and the OAuth client secrets, each rewritten whole under the
    current key if it names another (the file's label binds it to its record, as before)."""
    from jichitai.hub import filestore
    from jichitai.hub.models import ExchangedFile, System
    from jichitai.hub.oauth import secret_label

    progress.start("files", count_files())
    for system in System.objects.exclude(oauth_secret_sealed="").order_by("pk"):
        blob = base64.b64decode(system.oauth_secret_sealed)
        if vault_mod.sealed_key_id(blob) != ring.key_id:
            label = secret_label(system)
            system.oauth_secret_sealed = base64.b64encode(ring.seal(ring.unseal(blob, label), label)).decode("ascii")
            system.save(update_fields=["oauth_secret_sealed"])
            out.resealed_secrets += 1
    for f in ExchangedFile.objects.exclude(stored_path="").order_by("pk").only("pk", "stored_path").iterator():
        try:
            blob = filestore.read(f.stored_path)
        except FileNotFoundError:
            out.missing_files += 1
            continue
        if not vault_mod.is_sealed(blob):
            out.plain_files += 1  # received before sealing: `jichitai hub seal-files` seals it
        elif vault_mod.sealed_key_id(blob) != ring.key_id:
            filestore.replace(f.stored_path, ring.seal(ring.unseal(blob, f.audit_label()), f.audit_label()))
            out.resealed_files += 1
        progress.advance("files", 1)


def count_files() -> int:
    from jichitai.hub.models import ExchangedFile

    return ExchangedFile.objects.exclude(stored_path="").count()


# --- what is left ---------------------------------------------------------------------------------------------

def status() -> dict[str, Counter[str]]:
    """Per kind of item, how many are under each key id (:data:`~jichitai.common.vault.LEGACY`, "": the old
    format, which names no key). The blind indexes still under a retired key are counted by number: that needs
    every 個人番号 decrypted, as the rotation does."""
    from jichitai.hub import filestore
    from jichitai.hub.models import ExchangedFile, System

    ring = keyring()
    out: dict[str, Counter[str]] = {}
    for h in HOLDERS:
        if h.cipher:
            out[h.label] = Counter(vault_mod.token_key_id(t) for t in _tokens(h))
    files: Counter[str] = Counter()
    out["受付ファイル（封緘）"] = files
    for f in ExchangedFile.objects.exclude(stored_path="").only("pk", "stored_path").iterator():
        try:
            blob = filestore.read(f.stored_path)
        except FileNotFoundError:
            files["missing"] += 1
            continue
        files[vault_mod.sealed_key_id(blob) if vault_mod.is_sealed(blob) else "plain"] += 1
    out["OAuthクライアントシークレット"] = Counter(
        vault_mod.sealed_key_id(base64.b64decode(s)) for s in
        System.objects.exclude(oauth_secret_sealed="").values_list("oauth_secret_sealed", flat=True))
    moved = index_map(ring, numbers_held(ring)) if ring.retired else {}
    olds: Counter[str] = Counter()
    for h in HOLDERS:
        for col in h.indexes:
            olds[h.label] += sum(v in moved for v in h.cls.objects.values_list(col, flat=True)
                                 .iterator(chunk_size=20_000))
    out[OLD_INDEXES] = Counter({label: n for label, n in olds.items() if n})
    out[LAKE_INDEXES], out[LAKE_HISTORY] = lake.status(ring, moved)
    return out


def remaining(counts: dict[str, Counter[str]], key_id: str) -> int:
    """How many items of :func:`status` are not yet under ``key_id`` (plain and missing files left aside;
    the lake's snapshots that may hold a retired key's index count as items too)."""
    left = sum(n for label, c in counts.items() if label not in INDEX_LABELS for kid, n in c.items()
               if kid not in (key_id, "plain", "missing"))
    return left + sum(sum(counts.get(label, Counter()).values()) for label in INDEX_LABELS)
