"""Time-ordered identifiers (UUID version 7, RFC 9562 §5.7): the ids of 異動 and of outbox events; and name-based
ones (version 5, §5.5) for what a generator must number the same on every run.

Each new id sorts after the ones made before it (to the millisecond, then at random), so the btree indexes of
the history and the outbox take each new key at their right-hand end instead of at a random leaf: the pages a
batch of 異動 touches stay few. Python 3.14 has ``uuid.uuid7``; this is the same layout. Pure.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid

_VERSION = 0x7 << 76
_VARIANT = 0b10 << 62


def uuid7(now_ns: int | None = None) -> uuid.UUID:
    """48 bits of Unix milliseconds, the version, 12 random bits, the variant, 62 random bits."""
    ms = (time.time_ns() if now_ns is None else now_ns) // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    out = _new(uuid.UUID)  # UUID(int=…) checks its argument's range at length; this value is 128 bits by layout
    _set(out, "int", (ms & (1 << 48) - 1) << 80 | _VERSION | (rand >> 62 & 0xFFF) << 64 | _VARIANT
         | rand & (1 << 62) - 1)
    _set(out, "is_safe", uuid.SafeUUID.unknown)
    return out


_new = object.__new__
_set = object.__setattr__  # a UUID is immutable: its own __setattr__ refuses


_V5 = 0x5 << 76
_KEEP = ~(0xF << 76 | 0b11 << 62) & (1 << 128) - 1


def uuid5(namespace: uuid.UUID, name: str) -> uuid.UUID:
    """``uuid.uuid5(namespace, name)`` (SHA-1 of the namespace and the name, version and variant set), without its
    range checks: half the time (1.7 µs against 3.5 measured), for the 3 million ids of a Kobe-sized base load."""
    digest = int.from_bytes(hashlib.sha1(namespace.bytes + name.encode()).digest()[:16], "big")  # noqa: S324 (RFC 9562)
    out = _new(uuid.UUID)
    _set(out, "int", digest & _KEEP | _V5 | _VARIANT)
    _set(out, "is_safe", uuid.SafeUUID.unknown)
    return out
