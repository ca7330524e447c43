"""UUID version 7 (RFC 9562 §5.7) for the ids of 異動 and outbox events; version 5 (§5.5) for a generator's ids."""

from __future__ import annotations

import datetime as dt
import uuid

from jichitai.common.ids import uuid5, uuid7


def test_layout_of_rfc_9562_version_7() -> None:
    at = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
    u = uuid7(int(at.timestamp() * 1_000_000_000))
    assert u.version == 7 and u.variant == uuid.RFC_4122
    assert u.int >> 80 == int(at.timestamp() * 1000)  # unix_ts_ms, the first 48 bits


def test_ids_made_later_sort_later_and_are_unique() -> None:
    ids = [uuid7(1_800_000_000_000_000_000 + n * 1_000_000) for n in range(1000)]  # one a millisecond
    assert ids == sorted(ids)
    same_ms = {uuid7(1_800_000_000_000_000_000) for _ in range(10_000)}
    assert len(same_ms) == 10_000  # 74 random bits within a millisecond


def test_an_ordinary_uuid() -> None:
    u = uuid7()
    assert uuid.UUID(str(u)) == u and hash(u) == hash(uuid.UUID(int=u.int)) and u.is_safe == uuid.SafeUUID.unknown


def test_version_5_is_the_standard_librarys() -> None:
    names = ["", "outbox", "jichitai-synth:2026:1", "髙橋﨑", *(f"jichitai-synth:7:{n}" for n in range(2000))]
    for namespace in (uuid.NAMESPACE_URL, uuid.NAMESPACE_DNS, uuid.UUID(int=2**128 - 1), uuid.UUID(int=0)):
        for name in names:
            ours, theirs = uuid5(namespace, name), uuid.uuid5(namespace, name)
            assert ours == theirs and str(ours) == str(theirs) and hash(ours) == hash(theirs)
            assert ours.version == 5 and ours.variant == uuid.RFC_4122
