"""Protecting 個人番号 (My Number) at rest: AES-256-GCM encryption and a keyed blind index for look-ups, under a
keyring that can be rotated.

A master key lives in a file outside the database (``JICHITAI_MYNUMBER_KEY_FILE``, the current key); keys it
replaced stay readable from ``JICHITAI_MYNUMBER_RETIRED_KEYS`` (a folder, one file a key) until ``jichitai vault
rotate`` has moved everything to the current key. Three keys are derived from each master with HKDF: one to
encrypt numbers, one for the blind index (HMAC-SHA256), one to seal whole files, so a leaked index reveals nothing
about the ciphertext key. A key is named by a short **key id** derived from it (HKDF again: one-way, never the
key). Every new ciphertext and sealed file names its key id, so a reader picks the key without trying, and a
rotation knows what is left; the old formats (no id: ``base64`` tokens, ``JSEAL1`` files) still open with
whichever key of the ring made them (the GCM tag tells). The key id is also authenticated (part of the GCM
associated data): an altered id is refused, never decrypted under another key.

Pure apart from reading the key files.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from jichitai.common.keyfile import create_once

if TYPE_CHECKING:
    from jichitai.config import Config

T = TypeVar("T")

MIN_KEY_BYTES = 32
KEY_ID_LENGTH = 8  # hex characters: 32 bits name a key among a city's handful, and say nothing about it
TOKEN_PREFIX = "v2:"  # noqa: S105 - a format marker, not a secret; "v2:<key id>:<base64 nonce+ciphertext>"; the old tokens are bare base64 (no ':')
SEALED = b"JSEAL"  # the first bytes of every sealed file (a plain CSV never starts with them)
SEALED_V1 = b"JSEAL1"  # old: nonce + ciphertext, no key id
SEALED_V2 = b"JSEAL2"  # JSEAL2 + key id (8 ASCII bytes) + nonce + ciphertext
LEGACY = ""  # the key id reported for an old-format item (it names no key)


class KeyringError(ValueError):
    """A key id the ring does not hold, a malformed token or a key file that cannot be a key."""


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


def key_id_of_master(master: bytes) -> str:
    return _derive(master, b"jichitai key id").hex()[:KEY_ID_LENGTH]


def token_key_id(token: str) -> str:
    """The key id a ciphertext names, or :data:`LEGACY` for an old token."""
    if token.startswith(TOKEN_PREFIX):
        kid, sep, _ = token[len(TOKEN_PREFIX):].partition(":")
        if not sep or len(kid) != KEY_ID_LENGTH:
            raise KeyringError("malformed ciphertext: no key id")
        return kid
    return LEGACY


def sealed_key_id(blob: bytes) -> str:
    """The key id a sealed file names, :data:`LEGACY` for an old one; raises on anything not sealed."""
    if blob.startswith(SEALED_V2):
        return blob[len(SEALED_V2):len(SEALED_V2) + KEY_ID_LENGTH].decode("ascii", "replace")
    if blob.startswith(SEALED_V1):
        return LEGACY
    raise ValueError("not a sealed file")


def is_sealed(blob: bytes) -> bool:
    return blob.startswith(SEALED)


@dataclass(frozen=True)
class Vault:
    """The keys derived from one master key."""

    enc_key: bytes
    index_key: bytes
    file_key: bytes = b""
    key_id: str = ""

    @classmethod
    def from_master(cls, master: bytes) -> Vault:
        if len(master) < MIN_KEY_BYTES:
            raise KeyringError(f"the My Number master key must be at least {MIN_KEY_BYTES} bytes")
        return cls(_derive(master, b"jichitai mynumber encryption"), _derive(master, b"jichitai mynumber index"),
                   _derive(master, b"jichitai file encryption"), key_id_of_master(master))

    def seal(self, data: bytes, label: str) -> bytes:
        """A whole file holding 個人番号 (a received 給与支払報告書…) encrypted for storage: AES-256-GCM with
        its own derived key, bound to ``label`` (the file's record) so a sealed file cannot be swapped for
        another's, and to the key id it names."""
        nonce = os.urandom(12)
        kid = self.key_id.encode("ascii")
        return SEALED_V2 + kid + nonce + AESGCM(self.file_key).encrypt(nonce, data, label.encode() + b"|" + kid)

    def unseal(self, blob: bytes, label: str) -> bytes:
        """The file's bytes; raises ``cryptography.exceptions.InvalidTag`` if it was altered or swapped."""
        kid = sealed_key_id(blob)
        if kid == LEGACY:
            body = blob[len(SEALED_V1):]
            return AESGCM(self.file_key).decrypt(body[:12], body[12:], label.encode())
        if kid != self.key_id:
            raise KeyringError(f"sealed under key {kid}, not {self.key_id}")
        body = blob[len(SEALED_V2) + KEY_ID_LENGTH:]
        return AESGCM(self.file_key).decrypt(body[:12], body[12:], label.encode() + b"|" + kid.encode("ascii"))

    @cached_property
    def _aead(self) -> AESGCM:  # the key schedule once, not per number
        return AESGCM(self.enc_key)

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), b"mynumber|" + self.key_id.encode("ascii"))
        return f"{TOKEN_PREFIX}{self.key_id}:" + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str) -> str:
        kid = token_key_id(token)
        if kid == LEGACY:
            raw = base64.urlsafe_b64decode(token.encode("ascii"))
            return self._aead.decrypt(raw[:12], raw[12:], b"mynumber").decode()
        if kid != self.key_id:
            raise KeyringError(f"encrypted under key {kid}, not {self.key_id}")
        raw = base64.urlsafe_b64decode(token[len(TOKEN_PREFIX) + KEY_ID_LENGTH + 1:].encode("ascii"))
        return self._aead.decrypt(raw[:12], raw[12:], b"mynumber|" + kid.encode("ascii")).decode()

    def blind_index(self, value: str) -> str:
        return hmac.new(self.index_key, value.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Keyring:
    """The current key (every new ciphertext, sealed file and blind index) and the retired ones (read only).

    A look-up by 個人番号 searches :meth:`blind_indexes` (the current key's index and each retired key's), so a
    person is found whichever key their rows are under while a rotation runs; once the retired keys are removed
    it is the current index alone."""

    current: Vault
    retired: tuple[Vault, ...] = ()

    @property
    def key_id(self) -> str:
        return self.current.key_id

    @property
    def vaults(self) -> tuple[Vault, ...]:
        return (self.current, *self.retired)

    def vault(self, key_id: str) -> Vault:
        for v in self.vaults:
            if v.key_id == key_id:
                return v
        raise KeyringError(f"no key with id {key_id!r} in the keyring (current {self.key_id})")

    def encrypt(self, plaintext: str) -> str:
        return self.current.encrypt(plaintext)

    def decrypt(self, token: str) -> str:
        kid = token_key_id(token)
        if kid != LEGACY:
            return self.vault(kid).decrypt(token)
        return self._legacy(lambda v: v.decrypt(token))

    def seal(self, data: bytes, label: str) -> bytes:
        return self.current.seal(data, label)

    def unseal(self, blob: bytes, label: str) -> bytes:
        kid = sealed_key_id(blob)
        if kid != LEGACY:
            return self.vault(kid).unseal(blob, label)
        return self._legacy(lambda v: v.unseal(blob, label))

    def _legacy(self, attempt: Callable[[Vault], T]) -> T:
        """An old-format item opens with the key that made it: the GCM tag refuses every other."""
        for v in self.vaults:
            try:
                return attempt(v)
            except InvalidTag:
                continue
        raise InvalidTag()

    def legacy_key_id(self, token: str) -> str:
        """Which key made an old-format token (for ``vault status``)."""
        for v in self.vaults:
            try:
                v.decrypt(token)
            except InvalidTag:
                continue
            return v.key_id
        raise InvalidTag()

    def blind_index(self, value: str) -> str:
        """The index to store: the current key's."""
        return self.current.blind_index(value)

    def blind_indexes(self, value: str) -> list[str]:
        """Every index ``value`` may be stored under (current key's first): what a look-up by number searches."""
        return [v.blind_index(value) for v in self.vaults]

    def is_current(self, token: str) -> bool:
        return token_key_id(token) == self.key_id


def read_key(path: Path) -> bytes:
    """A master key file's bytes; refuses a file shorter than :data:`MIN_KEY_BYTES`."""
    data = path.read_bytes()
    if len(data) < MIN_KEY_BYTES:
        raise KeyringError(f"key file {path} holds {len(data)} bytes; a key is at least {MIN_KEY_BYTES}")
    return data


def retired_key_files(folder: Path | None) -> Iterator[Path]:
    """The retired key files of ``folder`` (every regular file not starting with a dot), in name order."""
    if folder is None or not folder.is_dir():
        return
    yield from sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def load_keyring(path: Path, retired: Path | None = None, *, create: bool) -> Keyring:
    """The keyring: ``path`` is the current key (created in demo/test mode), each file of ``retired`` a retired
    key. A retired key identical to the current one is left out."""
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"My Number key file {path} does not exist")
        create_once(path, os.urandom(32))
    current = Vault.from_master(read_key(path))
    olds: dict[str, Vault] = {}
    for f in retired_key_files(retired):
        v = Vault.from_master(read_key(f))
        if v.key_id != current.key_id:
            olds.setdefault(v.key_id, v)
    return Keyring(current, tuple(olds.values()))


def load_or_create(path: Path, *, create: bool) -> Vault:
    """The current key alone (a caller that needs no retired key)."""
    return load_keyring(path, None, create=create).current


@lru_cache(maxsize=4)
def _configured(path: Path, retired: Path | None, create: bool) -> Keyring:
    return load_keyring(path, retired, create=create)


def for_config(cfg: Config) -> Keyring:
    """The keyring the settings name, read once per process (:func:`reset` after the key files change)."""
    return _configured(cfg.mynumber_key_file, cfg.mynumber_retired_keys, not cfg.is_production)


def reset() -> None:
    """Forget the keyring read from the key files (a rotation installed a new key; a test changed keys)."""
    _configured.cache_clear()


def install_key(path: Path, retired: Path, new_master: bytes) -> tuple[str, str]:
    """Make ``new_master`` the current key: the current key file is first copied into ``retired`` (named by its
    key id, mode 0600), then replaced whole by the new key. Returns (retired key id, new key id). Refuses a short
    key and a key the ring already holds (a rotation must move to a key never used)."""
    if len(new_master) < MIN_KEY_BYTES:
        raise KeyringError(f"the new key holds {len(new_master)} bytes; a key is at least {MIN_KEY_BYTES}")
    ring = load_keyring(path, retired, create=False)
    new_id = key_id_of_master(new_master)
    if any(v.key_id == new_id for v in ring.vaults):
        raise KeyringError(f"the key {new_id} is already in the keyring")
    retired.mkdir(mode=0o700, parents=True, exist_ok=True)
    create_once(retired / f"{ring.key_id}.key", path.read_bytes())  # kept before the current file changes
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(new_master)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    reset()
    return ring.key_id, new_id
