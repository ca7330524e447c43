"""A 転出 with a future 転出予定日 on PostgreSQL, through services.apply and the daily run (j50, j480/j640, j1000,
j1080, j980): the person stays a resident — in the household, on the 住民票の写し without the 転出届's items —
until the run on the 転出予定日 records the 除票."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from jichitai.audit.models import AuditEntry
from jichitai.registry import departures
from jichitai.registry.certificates.services import issue
from jichitai.registry.certificates.snapshot import CertificateFormat, CertificateRequest
from jichitai.registry.domain import CancelChange, NewPerson, RecordBirth, RecordMoveOut, RegistryError
from jichitai.registry.history import household_as_of, residents_as_of
from jichitai.registry.models import Household, OutboxEvent, Resident, ResidentHistory
from jichitai.registry.services import apply
from tests.registry.certificates.factories import pdf_pages

pytestmark = pytest.mark.django_db

KYOTO = dict(destination_address="京都府京都市左京区吉田本町", destination_municipality_code="26103")


def _plan(atena: str, planned: dt.date, clerk: Any) -> Any:
    return apply(RecordMoveOut(moved_on=planned, notified_on=timezone.localdate(), atena_numbers=(atena,), **KYOTO),
                 actor=clerk, terminal="T01")


def _on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """The processing day becomes ``day`` (the registry reads today through django.utils.timezone.localdate)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def test_resident_until_the_planned_day_then_removed_by_the_daily_run(
        household: Any, clerk: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    taro, hanako = household.atena_numbers
    setai = household.setai_numbers[0]
    planned = timezone.localdate() + dt.timedelta(days=10)
    move_out = _plan(hanako, planned, clerk)

    # the 転出届 is recorded (国内転出, 異動日 = 転出予定日) and 花子 is still a resident of the household
    row = Resident.objects.get(pk=hanako)
    assert (row.status, row.removed_on, row.relationship, row.destination_address) == (
        "active", planned, "妻", KYOTO["destination_address"])
    assert Household.objects.get(pk=setai).member_count == 2
    hist = ResidentHistory.objects.get(change_id=move_out.change_id)
    assert (hist.reason, hist.moved_on, hist.status) == ("move_out_domestic", planned, "active")
    event = OutboxEvent.objects.get(change_id=move_out.change_id)
    assert (event.kind, event.occurred_on, event.payload["status"]) == ("move_out_domestic", planned, "active")
    assert hanako in {r["atena_number"] for r in residents_as_of(planned - dt.timedelta(days=1))}  # j1080
    assert [r["atena_number"] for r in household_as_of(setai, planned - dt.timedelta(days=1))] == [taro, hanako]

    # j1000: before the 転出予定日 the 住民票の写し shows her, without what the 転出届 recorded
    issued = issue(actor=clerk, setai_number=setai, request=CertificateRequest(
        CertificateFormat.SETAI_RENKI, (taro, hanako)), requester_kind="self")
    text = "".join("".join(pdf_pages(issued.pdf, tmp_path)).split())
    assert "青木花子" in text and "京都" not in text and "転出" not in text

    # nothing is due before the day
    assert departures.due() == []
    _on(monkeypatch, planned)
    out = StringIO()
    call_command("departures", stdout=out)
    assert "1 人を除票にしました" in out.getvalue()
    row = Resident.objects.get(pk=hanako)
    assert (row.status, row.removal_reason, row.removed_on) == ("removed", "move_out_domestic", planned)
    assert Household.objects.get(pk=setai).member_count == 1
    assert hanako not in {r["atena_number"] for r in residents_as_of(planned)}  # j50: 消除 on the 転出予定日
    assert hanako in {r["atena_number"] for r in residents_as_of(planned - dt.timedelta(days=1))}
    kinds = list(OutboxEvent.objects.filter(atena_number=hanako).order_by("id").values_list("kind", flat=True))
    assert kinds == ["move_in_domestic", "move_out_domestic", "move_out_takes_effect"]
    last = ResidentHistory.objects.filter(atena_number=hanako).order_by("-history_no").first()
    assert last is not None and (last.moved_on, last.processed_on, last.entered_by) == (
        planned, planned, "system:departures")
    assert departures.make_effective().applied == []  # a second run the same day finds nothing


def test_departing_head_hands_over_to_the_one_member_left(household: Any, clerk: Any,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """j490: the one remaining member becomes 世帯主 on the day the 世帯主 leaves."""
    taro, hanako = household.atena_numbers
    planned = timezone.localdate() + dt.timedelta(days=3)
    _plan(taro, planned, clerk)
    assert Resident.objects.get(pk=hanako).relationship == "妻"
    _on(monkeypatch, planned)
    outcome = departures.make_effective()
    assert outcome.removed == [taro] and outcome.refused == []
    assert Resident.objects.get(pk=hanako).relationship == "世帯主"
    assert Household.objects.get(pk=household.setai_numbers[0]).head_atena_number == hanako


def test_a_refused_removal_is_listed_and_audited(household: Any, clerk: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A birth after the 世帯主's 転出届 leaves two behind him: the day's run refuses (j490), says why, and he stays
    a resident until a 世帯主変更."""
    taro, _ = household.atena_numbers
    today = timezone.localdate()
    planned = today + dt.timedelta(days=5)
    _plan(taro, planned, clerk)
    apply(RecordBirth(moved_on=today, notified_on=today, setai_number=household.setai_numbers[0],
                      child=NewPerson("青木 三郎", "アオキ サブロウ", today, "M", "子")), actor=clerk)
    _on(monkeypatch, planned)
    err = StringIO()
    call_command("departures", stdout=StringIO(), stderr=err)
    assert "未処理" in err.getvalue() and "世帯主変更" in err.getvalue()
    assert Resident.objects.get(pk=taro).status == "active"
    assert AuditEntry.objects.filter(action="registry.change", outcome="refused",
                                     detail__code="no_head").exists()


def test_planned_day_beyond_the_span_is_refused_and_writes_nothing(household: Any, clerk: Any) -> None:
    hanako = household.atena_numbers[1]
    rows = ResidentHistory.objects.count()
    with pytest.raises(RegistryError) as info:
        _plan(hanako, timezone.localdate() + dt.timedelta(days=15), clerk)
    assert info.value.code == "planned_too_far" and "14日" in info.value.message
    assert ResidentHistory.objects.count() == rows and Resident.objects.get(pk=hanako).removed_on is None


def test_cancel_before_the_day_returns_her(household: Any, clerk: Any) -> None:
    """j980: 異動取消（増） restores the record as before the 転出届."""
    hanako = household.atena_numbers[1]
    planned = timezone.localdate() + dt.timedelta(days=7)
    move_out = _plan(hanako, planned, clerk)
    cancel = apply(CancelChange(moved_on=timezone.localdate(), change_id=move_out.change_id), actor=clerk)
    assert cancel.reason == "cancel_increase"
    row = Resident.objects.get(pk=hanako)
    assert (row.status, row.removed_on, row.destination_address) == ("active", None, "")
    assert hanako in {r["atena_number"] for r in residents_as_of(planned)}
    assert departures.due() == []


def test_cancel_after_the_day_cancels_the_removal(household: Any, clerk: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """j980: a 転出 cancelled after its 転出予定日 came: she is back, and "as of" any day she never left."""
    hanako = household.atena_numbers[1]
    planned = timezone.localdate() + dt.timedelta(days=2)
    move_out = _plan(hanako, planned, clerk)
    _on(monkeypatch, planned)
    departures.make_effective()
    later = planned + dt.timedelta(days=1)
    _on(monkeypatch, later)
    cancel = apply(CancelChange(moved_on=later, change_id=move_out.change_id), actor=clerk)
    effect = ResidentHistory.objects.get(atena_number=hanako, reason="move_out_takes_effect")
    assert cancel.change.cancels == str(effect.change_id)
    row = Resident.objects.get(pk=hanako)
    assert (row.status, row.removed_on, row.relationship) == ("active", None, "妻")
    assert Household.objects.get(pk=household.setai_numbers[0]).member_count == 2
    assert hanako in {r["atena_number"] for r in residents_as_of(planned)}
