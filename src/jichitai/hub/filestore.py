"""Where the hub keeps exchanged files: a local folder or an S3-compatible bucket (``JICHITAI_HUB_FILES``).

The 共通機能標準仕様書 (§2.2 庁内データ連携, ファイル連携) exchanges CSV files placed on object storage. The hub
keeps four kinds of object under one root:

- ``inbox/`` and ``quarantine/``: the sealed copy (AES-256-GCM, :mod:`jichitai.common.vault`) of every received
  file, accepted or quarantined; never plain, the rows hold 個人番号;
- ``drop/{system}/{feed}/``: where a connected system places a standard-layout CSV (the ファイル連携 of the
  standard). ``jichitai hub run`` takes each one in as if it had been sent to ``POST /api/hub/files`` (validated,
  sealed, logged) and removes the plain object;
- ``receipts/{system}/{feed}/``: the outcome of each dropped file (status, rows, problems, the signed receipt of
  the message log) as JSON, for the sending system to read back;
- ``out/{system}/{feed}/``: the files the hub places for a system (the 宛名 extract, :mod:`jichitai.hub.extracts`)
  with their signed receipts, for that system to read and delete;
- ``staging/``: a large file being written (:meth:`Store.stage`), the hub's own: moved to its name when whole, so a
  system's folder never shows half a file.

A stored file is named by its locator: an absolute path for the local folder, ``s3://bucket/key`` for a bucket.
Reading goes by the locator's scheme, so the files stored before a change of root stay readable.

S3 is reached through pyarrow's S3 filesystem (the one pyiceberg uses for the lake): credentials come from the
standard AWS chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a profile, or the instance's role),
``JICHITAI_S3_ENDPOINT`` names an S3-compatible service (MinIO, a government cloud's object storage) and
``JICHITAI_S3_REGION`` its region.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings

KINDS = ("inbox", "quarantine", "drop", "receipts", "out", "staging")


@dataclass(frozen=True)
class Dropped:
    """A file a system placed in ``drop/{system}/{feed}/``."""

    locator: str
    system: str
    feed: str
    filename: str


class Staged(Protocol):
    """A file written piece by piece under ``staging/``: :meth:`commit` moves it whole to ``{kind}/{name}``
    (returning its locator), :meth:`discard` removes it; until then nothing appears under its name."""

    def write(self, data: bytes) -> None: ...
    def commit(self, kind: str, name: str) -> str: ...
    def discard(self) -> None: ...


class Store(Protocol):
    root: str

    def put(self, kind: str, name: str, data: bytes) -> str: ...
    def stage(self, token: str) -> Staged: ...
    def unstage(self, token: str) -> None: ...
    def get(self, locator: str) -> bytes: ...
    def replace(self, locator: str, data: bytes) -> None: ...
    def delete(self, locator: str) -> None: ...
    def exists(self, locator: str) -> bool: ...
    def dropped(self) -> Iterator[Dropped]: ...


def _parts(relative: str) -> tuple[str, str, str] | None:
    """(system, feed, filename) of a key relative to ``drop/``, or None for anything not two levels deep."""
    pieces = relative.split("/")
    if len(pieces) != 3 or not all(pieces) or pieces[2].startswith("."):
        return None
    return pieces[0], pieces[1], pieces[2]


class LocalStore:
    """Files under a folder of this machine (the default: ``$JICHITAI_VAR/hub``)."""

    def __init__(self, root: str | Path) -> None:
        self.root = str(Path(root).resolve())

    def _dir(self, kind: str) -> Path:
        path = Path(self.root) / kind
        path.mkdir(parents=True, exist_ok=True)
        return path

    def put(self, kind: str, name: str, data: bytes) -> str:
        target = self._dir(kind) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        self.replace(str(target), data)
        return str(target)

    def stage(self, token: str) -> Staged:
        """Written to ``staging/{token}.part`` under the same root (one file system: the move is a rename)."""
        return _LocalStaged(self, self._dir("staging") / f"{token}.part")

    def unstage(self, token: str) -> None:
        (self._dir("staging") / f"{token}.part").unlink(missing_ok=True)

    def get(self, locator: str) -> bytes:
        return Path(locator).read_bytes()

    def replace(self, locator: str, data: bytes) -> None:
        """Write ``data`` at ``locator`` whole or not at all (a reader sees the old bytes or the new)."""
        target = Path(locator)
        partial = target.with_name(target.name + ".part")
        with partial.open("wb") as out:  # durable before the database records it
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(target)

    def delete(self, locator: str) -> None:
        Path(locator).unlink(missing_ok=True)

    def exists(self, locator: str) -> bool:
        return Path(locator).exists()

    def dropped(self) -> Iterator[Dropped]:
        base = self._dir("drop")
        for path in sorted(p for p in base.rglob("*") if p.is_file() and not p.name.endswith(".part")):
            parts = _parts(path.relative_to(base).as_posix())
            if parts is not None:
                yield Dropped(str(path), *parts)


class _LocalStaged:
    def __init__(self, store: LocalStore, partial: Path) -> None:
        self.store, self.partial = store, partial
        self.out = partial.open("wb")

    def write(self, data: bytes) -> None:
        self.out.write(data)

    def commit(self, kind: str, name: str) -> str:
        self.out.flush()
        os.fsync(self.out.fileno())  # durable before the database records it
        self.out.close()
        target = self.store._dir(kind) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        self.partial.replace(target)
        return str(target)

    def discard(self) -> None:
        self.out.close()
        self.partial.unlink(missing_ok=True)


class S3Store:
    """Objects under ``s3://bucket/prefix`` of an S3-compatible service."""

    def __init__(self, root: str, endpoint: str = "", region: str = "") -> None:
        self.root = root.rstrip("/")
        self.endpoint, self.region = endpoint, region
        self._base = self.root.removeprefix("s3://")

    @functools.cached_property
    def fs(self) -> Any:
        from pyarrow import fs

        options: dict[str, Any] = {"background_writes": False}  # put() returns when the object is stored
        if self.endpoint:
            options["endpoint_override"] = self.endpoint
        if self.region:
            options["region"] = self.region
        return fs.S3FileSystem(**options)

    def _key(self, locator: str) -> str:
        if not locator.startswith("s3://"):
            raise ValueError(f"not an S3 locator: {locator}")
        return locator.removeprefix("s3://")

    def put(self, kind: str, name: str, data: bytes) -> str:
        key = f"{self._base}/{kind}/{name}"
        with self.fs.open_output_stream(key) as out:
            out.write(data)
        return f"s3://{key}"

    def stage(self, token: str) -> Staged:
        """Uploaded to ``staging/{token}`` (in parts, as pyarrow's stream does past its part size), then copied to
        its key inside the service and the staged object deleted: the key shows the whole object or none."""
        return _S3Staged(self.fs, self._base, f"{self._base}/staging/{token}")

    def unstage(self, token: str) -> None:
        self.delete(f"{self.root}/staging/{token}")

    def get(self, locator: str) -> bytes:
        with self.fs.open_input_stream(self._key(locator)) as stream:
            data: bytes = stream.read()
        return data

    def replace(self, locator: str, data: bytes) -> None:
        with self.fs.open_output_stream(self._key(locator)) as out:  # an object is replaced whole
            out.write(data)

    def delete(self, locator: str) -> None:
        if self.exists(locator):
            self.fs.delete_file(self._key(locator))

    def exists(self, locator: str) -> bool:
        from pyarrow import fs

        return bool(self.fs.get_file_info(self._key(locator)).type == fs.FileType.File)

    def dropped(self) -> Iterator[Dropped]:
        from pyarrow import fs

        base = f"{self._base}/drop"
        selector = fs.FileSelector(base, recursive=True, allow_not_found=True)
        for info in sorted(self.fs.get_file_info(selector), key=lambda i: i.path):
            if info.type != fs.FileType.File:
                continue
            parts = _parts(info.path.removeprefix(base + "/"))
            if parts is not None:
                yield Dropped(f"s3://{info.path}", *parts)


class _S3Staged:
    def __init__(self, fs: Any, base: str, staged: str) -> None:
        self.fs, self.base, self.staged = fs, base, staged
        self.out = fs.open_output_stream(staged)

    def write(self, data: bytes) -> None:
        self.out.write(data)

    def commit(self, kind: str, name: str) -> str:
        self.out.close()
        key = f"{self.base}/{kind}/{name}"
        self.fs.move(self.staged, key)
        return f"s3://{key}"

    def discard(self) -> None:
        from pyarrow import fs

        if not self.out.closed:
            self.out.close()  # pyarrow cannot abort an upload: finish it, then delete the object
        if self.fs.get_file_info(self.staged).type == fs.FileType.File:
            self.fs.delete_file(self.staged)


def open_store(root: str, endpoint: str = "", region: str = "") -> Store:
    if root.startswith("s3://"):
        return S3Store(root, endpoint, region)
    if "://" in root:
        raise ValueError(f"JICHITAI_HUB_FILES: a folder or s3://bucket/prefix, got {root!r}")
    return LocalStore(root)


_stores: dict[tuple[str, str, str], Store] = {}


def store() -> Store:
    """The store the settings name (one per root and process)."""
    cfg = settings.CONFIG
    key = (cfg.hub_files, cfg.s3_endpoint, cfg.s3_region)
    if key not in _stores:
        _stores[key] = open_store(*key)
    return _stores[key]


def _for(locator: str) -> Store:
    """The store that can open ``locator``: the configured one, or (for an ``s3://`` locator written before the
    root moved to a folder) the configured S3 service."""
    if locator.startswith("s3://"):
        current = store()
        if isinstance(current, S3Store):
            return current
        return S3Store("s3://", settings.CONFIG.s3_endpoint, settings.CONFIG.s3_region)
    return LocalStore("/")


def read(locator: str) -> bytes:
    """The bytes at ``locator``, whichever store wrote it."""
    return _for(locator).get(locator)


def delete(locator: str) -> None:
    _for(locator).delete(locator)


def replace(locator: str, data: bytes) -> None:
    """Rewrite the object at ``locator`` whole (a re-sealed file: ``jichitai vault rotate``)."""
    _for(locator).replace(locator, data)
