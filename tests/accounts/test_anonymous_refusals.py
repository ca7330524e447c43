"""Anonymous API refusals cannot flood the audit chain (issue 18, item 9 left over): each is still a signal
(the first of a minute per address and refusal is written at once, the rest are counted and reported by the
next entry), but a flood writes at most one entry a minute per address and code, and a bounded number over
all addresses. Consistency tests (the bounds are our own choice, docs/security.md)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jichitai.accounts import anonymous
from jichitai.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _entries() -> Any:
    return AuditEntry.objects.filter(action="api.request", actor="anonymous", outcome="refused")


def test_a_flood_of_anonymous_refusals_writes_one_entry_a_minute_and_keeps_the_count(client: Client,
                                                                                      a_minute_passes: Any) -> None:
    for _ in range(30):
        assert client.get("/api/registry/residents", {"kana": "ア"}, REMOTE_ADDR="198.51.100.7").status_code == 401
    assert _entries().count() == 1  # the signal, at once
    first = _entries().get()
    assert first.detail["address"] == "198.51.100.7" and first.detail["code"] == "http_401"
    a_minute_passes()
    client.get("/api/registry/residents", REMOTE_ADDR="198.51.100.7")
    latest = _entries().order_by("-seq").first()
    assert _entries().count() == 2 and latest.detail["folded"] == 29  # nothing lost: 29 counted, reported


def test_another_address_is_recorded_at_once(client: Client) -> None:
    client.get("/api/registry/residents", REMOTE_ADDR="198.51.100.7")
    client.get("/api/registry/residents", REMOTE_ADDR="198.51.100.8")
    assert {e.detail["address"] for e in _entries()} == {"198.51.100.7", "198.51.100.8"}


def test_many_addresses_are_bounded_over_all(client: Client, monkeypatch: Any, a_minute_passes: Any) -> None:
    monkeypatch.setattr(anonymous, "GLOBAL_PER_WINDOW", 5)
    for n in range(12):
        client.get("/api/registry/residents", REMOTE_ADDR=f"203.0.113.{n}")
    assert _entries().count() == 5
    a_minute_passes()
    client.get("/api/registry/residents", REMOTE_ADDR="203.0.113.200")
    assert _entries().order_by("-seq").first().detail["folded_globally"] == 7


def test_a_staff_members_refusals_are_each_audited(login_as: Any) -> None:
    analyst = login_as("analyst")
    for _ in range(3):
        analyst.post("/api/registry/changes", data="{not json", content_type="application/json")
    assert AuditEntry.objects.filter(action="api.request", actor=f"staff:{analyst.staff.username}").count() == 3
