"""Protecting 個人番号 (My Number) at rest: AES-256-GCM encryption and a keyed blind index for look-ups.

The key lives in a file outside the database (``JICHITAI_MYNUMBER_KEY_FILE``); demo and test mode create one.
Two keys are derived from it with HKDF, one to encrypt and one for the blind index (HMAC-SHA256), so a leaked
index reveals nothing about the ciphertext key. The blind index lets the registry find a person by number and
detect duplicates, and lets other contexts (reports, declarations) match the same person without decrypting.
Pure apart from reading the key file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from jichitai.common.keyfile import create_once


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


SEALED = b"JSEAL1"  # the first bytes of a sealed file (a plain CSV never starts with them)


@dataclass(frozen=True)
class Vault:
    enc_key: bytes
    index_key: bytes
    file_key: bytes = b""

    @classmethod
    def from_master(cls, master: bytes) -> Vault:
        if len(master) < 32:
            raise ValueError("the My Number master key must be at least 32 bytes")
        return cls(_derive(master, b"jichitai mynumber encryption"), _derive(master, b"jichitai mynumber index"),
                   _derive(master, b"jichitai file encryption"))

    def seal(self, data: bytes, label: str) -> bytes:
        """A whole file holding 個人番号 (a received 給与支払報告書…) encrypted for storage: AES-256-GCM with
        its own derived key, bound to ``label`` (the file's record) so a sealed file cannot be swapped for
        another's."""
        nonce = os.urandom(12)
        return SEALED + nonce + AESGCM(self.file_key).encrypt(nonce, data, label.encode())

    def unseal(self, blob: bytes, label: str) -> bytes:
        """The file's bytes; raises ``cryptography.exceptions.InvalidTag`` if it was altered or swapped."""
        if not blob.startswith(SEALED):
            raise ValueError("not a sealed file")
        body = blob[len(SEALED):]
        return AESGCM(self.file_key).decrypt(body[:12], body[12:], label.encode())

    @cached_property
    def _aead(self) -> AESGCM:  # the key schedule once, not per number
        return AESGCM(self.enc_key)

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), b"mynumber")
        return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str) -> str:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
        return self._aead.decrypt(raw[:12], raw[12:], b"mynumber").decode()

    def blind_index(self, value: str) -> str:
        return hmac.new(self.index_key, value.encode(), hashlib.sha256).hexdigest()


def load_or_create(path: Path, *, create: bool) -> Vault:
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"My Number key file {path} does not exist")
        create_once(path, os.urandom(32))
    return Vault.from_master(path.read_bytes())
