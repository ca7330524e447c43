"""Hash chains and Ed25519 seals, reusable by the audit trail and the hub's message log.

Pure apart from the key file: canonical JSON of an entry, the chained hash, key loading, signing, verifying.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from jichitai.common.keyfile import create_once

GENESIS = "0" * 64


def canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def chained_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(fields)).hexdigest()


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def key_id(self) -> str:
        raw = self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return hashlib.sha256(raw).hexdigest()[:16]

    def sign(self, message: bytes) -> str:
        return self.private.sign(message).hex()


def load_or_create_key(path: Path, *, create: bool) -> SigningKey:
    """Load the PEM key at ``path``; in demo and test mode create it (mode 0600) when it does not exist."""
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"signing key {path} does not exist")
        key = Ed25519PrivateKey.generate()
        create_once(path, key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ))
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return SigningKey(loaded)


def seal_message(chain: str, seq: int, head_hash: str, at: str) -> bytes:
    return canonical({"chain": chain, "seq": seq, "head": head_hash, "at": at})


def verify_signature(public: Ed25519PublicKey, message: bytes, signature_hex: str) -> bool:
    try:
        public.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True
