"""支援措置 (標準仕様書 3.4, j440) as the responsible staff run it, and 抑止 past its 終了日 (3.1, j410).

j410: 「なお、抑止の終了日を経過しても、抑止は自動的に終了しないこと。」
j440: 「支援措置の期間設定は、１年とし、…例）開始年月日が令和２年４月１日の場合、終了年月日が令和３年３月31日に自動的に
設定される。」「支援措置の期間終了日の１か月前から、支援措置期間の延長処理を行えることとするともに、延長後の支援措置の
期間は、延長前の支援措置の期間の終了日の翌日から起算して１年間設定できること。」
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import call_command

from jichitai.audit.models import AuditEntry
from jichitai.common.errors import PermissionRefused
from jichitai.registry import access, support, suppression
from jichitai.registry.domain import SuppressedError
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.models import SupportRequest, Suppression
from tests.staff_login import log_in_verified

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_j440_period_is_one_year_as_the_standards_example() -> None:
    """Independent: the standard's own example, 令和2年4月1日 → 令和3年3月31日; a 29 February start ends on
    the last day of February (民法第143条第2項: no corresponding day → the month's last day)."""
    assert support.period_end(dt.date(2020, 4, 1)) == dt.date(2021, 3, 31)
    assert support.period_end(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert support.extension_opens(dt.date(2021, 3, 31)) == dt.date(2021, 2, 28)


def test_j440_a_measure_needs_an_application_and_another_support_officers_approval(
        household: Any, clerk: Any, officer: Any, make_staff: Any) -> None:
    """Consistency: the 支援措置責任者 cannot set 支援措置 directly, nor approve their own application; a clerk
    cannot approve, nor can a 決裁者 who is not the 責任者 (j410: the right to set and end is given on its own);
    the approval by another 責任者 sets it with the one-year period."""
    hanako = household.atena_numbers[1]
    with pytest.raises(RegistryError, match="決裁"):
        suppression.set_suppression(officer, hanako, "support", "DV", TODAY)
    req = support.propose(officer, "set", atena_number=hanako, reason="DV等支援措置の申出", starts_on=TODAY)
    assert req.ends_on == support.period_end(TODAY)
    with pytest.raises(RegistryError, match="起案者本人"):
        support.approve(officer, req.pk)
    with pytest.raises(PermissionRefused):
        support.approve(clerk, req.pk)
    with pytest.raises(PermissionRefused):
        support.approve(make_staff(roles=["supervisor"]), req.pk)
    assert not Suppression.objects.exists()
    assert AuditEntry.objects.filter(resource=f"support_request:{req.pk}", outcome="refused").count() == 3
    done = support.approve(make_staff(roles=["supervisor", "support_officer"]), req.pk, "確認済み")
    assert done.state == "approved" and done.suppression is not None
    assert suppression.active([hanako]) == {hanako: {"support"}}
    with pytest.raises(RegistryError, match="既に決裁済み"):
        support.reject(officer, req.pk, "重複")


def test_j410_a_measure_past_its_end_date_stays_in_force_and_is_alerted_daily(
        household: Any, clerk: Any, officer: Any, protect: Any) -> None:
    """Independent (j410): past its 終了日 the measure still refuses the third party, the daily job alerts
    once a day until someone acts, and only an approved extension or end stops the alerts."""
    hanako = household.atena_numbers[1]
    row = protect(hanako, starts_on=TODAY - dt.timedelta(days=400), ends_on=TODAY - dt.timedelta(days=35))
    with pytest.raises(SuppressedError):
        suppression.ensure_issuance_allowed(clerk, [hanako], "third_party")
    assert [s.pk for s in support.alert_overdue()] == [row.pk]
    assert support.alert_overdue() == []  # once a day
    assert [s.pk for s in support.alert_overdue(TODAY + dt.timedelta(days=1))] == [row.pk]  # and the next day
    assert AuditEntry.objects.filter(action="registry.suppression.overdue", outcome="alert").count() == 2
    assert [s.pk for s in support.overview(officer).overdue] == [row.pk]
    # extended: one year from the day after the old 終了日, then no longer overdue
    req = support.propose(clerk, "extend", suppression_id=row.pk, reason="継続の申出")
    assert req.ends_on == support.period_end(row.ends_on + dt.timedelta(days=1))
    support.approve(officer, req.pk)
    assert support.overdue() == [] and support.alert_overdue() == []


def test_j440_extension_opens_one_month_before_the_end(household: Any, clerk: Any, protect: Any) -> None:
    hanako = household.atena_numbers[1]
    row = protect(hanako, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=60))
    with pytest.raises(RegistryError, match="1か月前"):
        support.propose(clerk, "extend", suppression_id=row.pk, reason="継続")
    support.propose(clerk, "extend", suppression_id=row.pk, reason="継続",
                    today=support.extension_opens(row.ends_on))


def test_j440_ending_a_measure_needs_approval_and_then_the_address_is_no_longer_withheld(
        household: Any, clerk: Any, officer: Any, protect: Any) -> None:
    taro, hanako = household.atena_numbers
    row = protect(hanako)
    with pytest.raises(RegistryError, match="決裁"):
        suppression.lift(officer, row.pk)
    req = support.propose(clerk, "lift", suppression_id=row.pk, reason="本人からの終了の申出")
    with pytest.raises(SuppressedError):
        suppression.ensure_issuance_allowed(clerk, [taro], "third_party")  # still in force until 決裁
    support.approve(officer, req.pk)
    suppression.ensure_issuance_allowed(clerk, [taro], "third_party")
    assert SupportRequest.objects.get(pk=req.pk).state == "approved"


def test_j440_attempts_list_shows_every_touch_of_a_protected_person(
        household: Any, clerk: Any, officer: Any, protect: Any, make_staff: Any) -> None:
    """3.4 (支援措置責任者): refusals on the co-resident, reads of the protected person; auditors see it too,
    clerks do not."""
    taro, hanako = household.atena_numbers
    protect(hanako)
    access.view_resident(clerk, hanako)  # staff may read; the read is listed
    with pytest.raises(SuppressedError):
        suppression.ensure_issuance_allowed(clerk, [taro], "third_party")
    listed = support.attempts(make_staff(roles=["auditor"]))
    assert {(a.resource, a.outcome) for a in listed} >= {(f"resident:{hanako}", "ok"), (f"resident:{taro}", "refused")}
    refusal = next(a for a in listed if a.outcome == "refused")
    assert refusal.detail["protected_by"] == [hanako]
    with pytest.raises(PermissionRefused):
        support.attempts(clerk)


def test_j410_daily_command_reports_overdue_measures(household: Any, protect: Any, capsys: Any) -> None:
    protect(household.atena_numbers[1], ends_on=TODAY - dt.timedelta(days=1), starts_on=TODAY - dt.timedelta(days=30))
    call_command("support_alerts")
    out = capsys.readouterr().out
    assert "抑止は継続中" in out and "本日新たに通知 1 件" in out


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, data=json.dumps(body, ensure_ascii=False), content_type="application/json")


def test_j440_api_applies_approves_and_refuses_bad_input_in_japanese(household: Any, login_as: Any,
                                                                     make_staff: Any, client: Any) -> None:
    hanako = household.atena_numbers[1]
    counter = login_as("counter")
    bad = _post(counter, "/api/registry/support/requests", {"action": "set", "reason": {"x": 1}, "atena_number": hanako})
    assert bad.status_code in (400, 422) and "reason" in json.dumps(bad.json(), ensure_ascii=False)
    assert not SupportRequest.objects.exists()
    made = _post(counter, "/api/registry/support/requests",
                 {"action": "set", "reason": "DV等支援措置の申出", "atena_number": hanako, "starts_on": "2026-04-01"})
    assert made.status_code == 201, made.content
    assert made.json()["ends_on"] == "2027-03-31"
    refused = _post(counter, f"/api/registry/support/requests/{made.json()['request_id']}/approve", {})
    assert refused.status_code == 403
    log_in_verified(client, make_staff(roles=["supervisor", "support_officer"]))
    approved = _post(client, f"/api/registry/support/requests/{made.json()['request_id']}/approve", {"note": "可"})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    summary = client.get("/api/registry/support/").json()
    assert [s["atena_number"] for s in summary["in_force"]] == [hanako]


def test_j440_the_persons_page_alerts_a_month_before_the_end_and_after_it(household: Any, protect: Any,
                                                                          login_as: Any) -> None:
    """3.4: 「１か月以内に支援措置の期間が終了する旨のアラート」 on the person's page; past the end (3.1, j410) it says
    the measure is still in force."""
    hanako = household.atena_numbers[1]
    row = protect(hanako, starts_on=TODAY - dt.timedelta(days=340), ends_on=TODAY + dt.timedelta(days=10))
    client = login_as("supervisor")
    assert "1か月以内に支援措置の期間が終了します" in client.get(f"/registry/residents/{hanako}/").content.decode()
    Suppression.objects.filter(pk=row.pk).update(ends_on=TODAY - dt.timedelta(days=1))
    page = client.get(f"/registry/residents/{hanako}/").content.decode()
    assert "終了日を過ぎていますが、抑止は継続しています" in page
