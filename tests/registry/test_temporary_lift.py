"""抑止の一時解除 (標準仕様書 3.1 / j410) and the rights to set, end and lift a suppression.

j410: 「抑止が終了していない者について、抑止の一時解除ができること。また、抑止の一時解除については、庁内各システムで
誤って本解除として扱われないように、コンビニ交付システムを含む庁内各システムへのデータ連携は不要とすること。
一時解除後、一定時間経過後に自動で抑止状態に戻ること。抑止状態に戻るまでの時間を設定できること。抑止・解除、
又は一時解除できる権限は個別に設定できること。」

The passing of time is the lift's own times moved into the past (no clock is waited for, no job is run): the
suppression is in force again because every check compares the time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from jichitai import config
from jichitai.accounts import rolechanges
from jichitai.accounts.models import Staff
from jichitai.accounts.policy import allowed
from jichitai.audit.models import AuditEntry, AuditSubject
from jichitai.common.errors import ConfigurationError, JichitaiError, PermissionRefused
from jichitai.registry import access, lifts, support, suppression
from jichitai.registry.certificates.services import issue
from jichitai.registry.certificates.snapshot import (
    NEVER_FROM_JOSHUHYO_FOR_THIRD_PARTY,
    CertificateFormat,
    CertificateRequest,
)
from jichitai.registry.domain import RecordMoveWithin, SuppressedError
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.models import OutboxEvent, Suppression, TemporaryLift
from jichitai.registry.services import apply
from jichitai.tax import taxpayer
from tests.staff_login import log_in_verified

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
REASON = "本人からの申出を審査し、窓口で交付するため"


def _time_passes(lift: TemporaryLift) -> None:
    """The lift's time is over: it started ``minutes`` + 1 ago."""
    now = timezone.now()
    TemporaryLift.objects.filter(pk=lift.pk).update(starts_at=now - dt.timedelta(minutes=lifts.minutes() + 1),
                                                    ends_at=now - dt.timedelta(minutes=1))


def test_j410_a_lifted_inquiry_suppression_opens_the_record_at_the_counter_and_returns_by_itself(
        household: Any, clerk: Any, officer: Any, protect: Any) -> None:
    """Independent (j410): during the lift the counter reads the person's record (and their household, which
    照会抑止 covers); each opening is audited for the 支援措置責任者; after the set time it is refused again
    without anyone acting, and the suppression itself was never ended."""
    taro, hanako = household.atena_numbers
    row = protect(hanako, "view")
    with pytest.raises(SuppressedError):
        access.view_resident(clerk, taro)
    lift = lifts.lift_temporarily(officer, row.pk, REASON, clerk=clerk.username)
    assert lift.ends_at - lift.starts_at == dt.timedelta(minutes=30)  # the default city setting
    assert access.view_resident(clerk, taro).person.atena_number == taro
    assert access.view_resident(clerk, hanako).person.atena_number == hanako
    opened = AuditEntry.objects.filter(outcome="disclosed", detail__temporary_lift="view")
    assert {e.resource for e in opened} == {f"resident:{taro}", f"resident:{hanako}"}
    _time_passes(lift)
    for person in (taro, hanako):
        with pytest.raises(SuppressedError):
            access.view_resident(clerk, person)
    assert Suppression.objects.get(pk=row.pk).lifted_at is None


def _third_party(members: tuple[str, ...]) -> CertificateRequest:
    return CertificateRequest(CertificateFormat.KOJIN, members, third_party=True,
                              omit=NEVER_FROM_JOSHUHYO_FOR_THIRD_PARTY)


def test_j410_after_review_a_third_partys_certificate_is_issued_during_the_lift_only(
        household: Any, clerk: Any, officer: Any, protect: Any) -> None:
    """Independent (j410 with 3.4): a 支援措置 refuses a third party; the 責任者 lifts it for this request after
    審査, the counter issues it (audited ``disclosed`` with the requester), and when the time is over the same
    request is refused again."""
    hanako = household.atena_numbers[1]
    setai = household.setai_numbers[0]
    row = protect(hanako, "support")
    with pytest.raises(SuppressedError, match="第三者"):
        issue(actor=clerk, setai_number=setai, request=_third_party((hanako,)), requester_kind="third_party",
              requester_name="弁護士 一郎")
    lift = lifts.lift_temporarily(officer, row.pk, REASON, clerk=clerk.username)
    assert issue(actor=clerk, setai_number=setai, request=_third_party((hanako,)), requester_kind="third_party",
                 requester_name="弁護士 一郎").pdf
    assert AuditEntry.objects.filter(resource=f"resident:{hanako}", outcome="disclosed",
                                     detail__requester_kind="third_party").exists()
    _time_passes(lift)
    with pytest.raises(SuppressedError, match="第三者"):
        issue(actor=clerk, setai_number=setai, request=_third_party((hanako,)), requester_kind="third_party",
              requester_name="弁護士 一郎")


def test_j410_a_lifted_change_suppression_lets_the_change_through_and_nothing_of_the_lift_leaves_the_registry(
        household: Any, clerk: Any, officer: Any, protect: Any, make_staff: Any) -> None:
    """Independent (j410: 「一時解除については…庁内各システムへのデータ連携は不要とすること」): a 異動抑止 lifted lets the
    counter record the 転居; the 支援措置 lifted at the same time still marks both events for the hub (the outbox
    is read by every other system), and the tax office's page stays refused under the lifted 照会抑止."""
    taro, hanako = household.atena_numbers
    stop = suppression.set_suppression(officer, taro, "change", "調査中", TODAY)
    support_row = protect(hanako, "support")
    view_row = protect(hanako, "view")
    move = RecordMoveWithin(moved_on=TODAY, atena_numbers=(taro, hanako), town_code="281100002", banchi="8番地")
    with pytest.raises(SuppressedError, match="異動抑止"):
        apply(move, actor=clerk)
    for row in (stop, support_row, view_row):
        lifts.lift_temporarily(officer, row.pk, REASON, clerk=clerk.username)
    apply(move, actor=clerk)
    flags = dict(OutboxEvent.objects.filter(kind="move_within").values_list("atena_number", "payload__support_measure"))
    assert flags == {taro: True, hanako: True}
    assert not any("lift" in json.dumps(p) for p in OutboxEvent.objects.values_list("payload", flat=True))
    with pytest.raises(SuppressedError):  # another business (個人住民税) is not told of the lift
        taxpayer.taxpayer(make_staff(roles=["tax_reviewer"], department="shiminzei"), hanako)


def test_j410_only_the_support_officer_lifts_with_a_reason_and_each_attempt_is_listed(
        household: Any, clerk: Any, officer: Any, protect: Any, make_staff: Any) -> None:
    """Independent (j410: 「一時解除できる権限は個別に設定できること」, 「抑止が終了していない者について」): a clerk, a
    決裁者 who is not the 支援措置責任者 and a 責任者 of another 課 are refused (audited); a lift needs a reason,
    an ended suppression cannot be lifted and a running lift is not stacked; the 責任者's list shows the lift
    with its reason and the refused attempts."""
    hanako = household.atena_numbers[1]
    row = protect(hanako, "support")
    for someone in (clerk, make_staff(roles=["supervisor"]),
                    make_staff(roles=["supervisor", "support_officer"], department="shiminzei")):
        with pytest.raises(PermissionRefused, match="一時解除の権限"):
            lifts.lift_temporarily(someone, row.pk, REASON, clerk=clerk.username)
    with pytest.raises(RegistryError, match="目的・理由") as blank:
        lifts.lift_temporarily(officer, row.pk, "  ", clerk=clerk.username)
    assert blank.value.code == "reason_required"
    lifts.lift_temporarily(officer, row.pk, REASON, clerk=clerk.username)
    with pytest.raises(RegistryError, match="既に一時解除中です（令和") as twice:
        lifts.lift_temporarily(officer, row.pk, REASON, clerk=clerk.username)
    assert twice.value.code == "already_lifted_temporarily"
    ended = protect(household.atena_numbers[0], "issuance")
    suppression.lift(officer, ended.pk)
    with pytest.raises(RegistryError, match="一時解除できません"):
        lifts.lift_temporarily(officer, ended.pk, REASON, clerk=clerk.username)
    listed = support.attempts(officer)
    done = [a for a in listed if a.action == lifts.LIFT and a.outcome == "ok"]
    assert len(done) == 1 and done[0].detail["reason"] == REASON and done[0].resource == f"resident:{hanako}"
    assert len([a for a in listed if a.action == lifts.LIFT and a.outcome == "refused"]) == 3
    assert TemporaryLift.objects.count() == 1


def test_j410_the_time_until_the_suppression_returns_is_a_city_setting_checked_at_start(officer: Any,
                                                                                      household: Any, clerk: Any,
                                                                                      protect: Any) -> None:
    """Independent (j410: 「抑止状態に戻るまでの時間を設定できること」): JICHITAI_SUPPRESSION_LIFT_MINUTES, 30 by
    default; a value outside 1–480 or not a number stops the start, naming the variable; a lift lasts what
    the setting says."""
    assert config.load({}).suppression_lift_minutes == 30
    assert config.load({"JICHITAI_SUPPRESSION_LIFT_MINUTES": "15"}).suppression_lift_minutes == 15
    for bad in ("0", "481", "-5", "abc"):
        with pytest.raises(ConfigurationError) as info:
            config.load({"JICHITAI_SUPPRESSION_LIFT_MINUTES": bad})
        assert info.value.fields["variable"] == "JICHITAI_SUPPRESSION_LIFT_MINUTES"
    kept = settings.CONFIG  # type: ignore[attr-defined]
    settings.CONFIG = dataclasses.replace(kept, suppression_lift_minutes=5)  # type: ignore[attr-defined]
    try:
        lift = lifts.lift_temporarily(officer, protect(household.atena_numbers[1], "view").pk, REASON, clerk=clerk.username)
    finally:
        settings.CONFIG = kept  # type: ignore[attr-defined]
    assert lift.ends_at - lift.starts_at == dt.timedelta(minutes=5)


def _post(client: Any, path: str, body: Any) -> Any:
    return client.post(path, data=json.dumps(body, ensure_ascii=False), content_type="application/json")


def test_j410_the_api_lifts_for_the_support_officer_only_and_refuses_bad_input_in_japanese(
        household: Any, protect: Any, login_as: Any, make_staff: Any, client: Any, clerk: Any) -> None:
    """Consistency: the API is the same service as the page (201 with the time it returns; 403 for a 決裁者
    without the right; a reason of the wrong type or an unknown suppression is a 4xx naming the field)."""
    row = protect(household.atena_numbers[1], "support")
    path = f"/api/registry/support/suppressions/{row.pk}/lift"
    boss = login_as("supervisor")
    assert _post(boss, path, {"reason": REASON, "clerk": clerk.username}).status_code == 403
    log_in_verified(client, make_staff(roles=["supervisor", "support_officer"]))
    bad = _post(client, path, {"reason": {"x": 1}, "clerk": clerk.username})
    assert bad.status_code in (400, 422) and "reason" in json.dumps(bad.json(), ensure_ascii=False)
    unknown = _post(client, "/api/registry/support/suppressions/999999/lift", {"reason": REASON, "clerk": clerk.username})
    assert unknown.status_code == 400 and "抑止設定はありません" in unknown.json()["message"]
    done = _post(client, path, {"reason": REASON, "clerk": clerk.username})
    assert done.status_code == 201, done.content
    body = done.json()
    assert body["kind"] == "support" and body["reason"] == REASON
    assert dt.datetime.fromisoformat(body["ends_at"]) - dt.datetime.fromisoformat(body["starts_at"]) == \
        dt.timedelta(minutes=30)
    ended = _post(client, f"{path}/end", {})
    assert ended.status_code == 200 and dt.datetime.fromisoformat(ended.json()["ends_at"]) < \
        dt.datetime.fromisoformat(body["ends_at"])
    again = _post(client, f"{path}/end", {})
    assert again.status_code == 400 and "一時解除中ではありません" in again.json()["message"]
    other = Client()
    log_in_verified(other, make_staff(roles=["supervisor"]))
    assert _post(other, f"{path}/end", {}).status_code == 403


def test_j410_a_lift_ended_early_puts_the_suppression_back_at_once(household: Any, clerk: Any, officer: Any,
                                                                   protect: Any, make_staff: Any) -> None:
    """Consistency: the task done, the 責任者 ends the lift before its time (audited); the counter is refused at
    once; a 決裁者 without the right cannot end it, nor can anyone end a lift that is not running."""
    hanako = household.atena_numbers[1]
    row = protect(hanako, "view")
    lifts.lift_temporarily(officer, row.pk, REASON, clerk=clerk.username)
    access.view_resident(clerk, hanako)
    with pytest.raises(PermissionRefused):
        lifts.end_now(make_staff(roles=["supervisor"]), row.pk)
    lifts.end_now(officer, row.pk)
    with pytest.raises(SuppressedError):
        access.view_resident(clerk, hanako)
    with pytest.raises(RegistryError, match="一時解除中ではありません"):
        lifts.end_now(officer, row.pk)
    assert AuditEntry.objects.filter(action=lifts.LIFT, outcome="ok", detail__ended=True).count() == 1


def test_the_support_officer_role_cannot_be_taken_by_an_administrator(make_staff: Any) -> None:
    """Independent (10.3 separation of duties, issue 18 item 3): the right to set, end and lift suppressions
    comes with the 支援措置責任者 role, which an administrator can neither give themselves nor hold."""
    a = make_staff(roles=["sysadmin"], department="joho")
    b = make_staff(roles=["sysadmin"], department="joho")
    with pytest.raises(JichitaiError) as own:
        rolechanges.propose(a, a, {"sysadmin", "support_officer"}, "支援措置も担当")
    assert own.value.code == "own_roles"
    with pytest.raises(JichitaiError) as both:
        rolechanges.propose(b, a, {"sysadmin", "support_officer"}, "支援措置も担当")
    assert both.value.code == "incompatible_roles"
    assert not allowed(a, "registry.suppression.manage") and not allowed(a, lifts.LIFT)


def test_the_demo_names_a_support_officer_and_the_other_supervisor_is_not_one(db: Any) -> None:
    """Consistency: the demo shows the rights at work: 支援 (市民課, 支援措置責任者) sets, ends and lifts; 決裁
    (市民課 決裁者) approves 異動 but no longer manages suppressions."""
    call_command("seed_demo_staff", stdout=io.StringIO())
    shien, kessai = Staff.objects.get(username="shien"), Staff.objects.get(username="kessai")
    assert allowed(shien, "registry.suppression.manage") and allowed(shien, lifts.LIFT)
    assert not allowed(kessai, "registry.suppression.manage") and not allowed(kessai, lifts.LIFT)
    assert allowed(kessai, "registry.approve")


# ---- one clerk, one purpose ----------------------------------------------------------------------------------


def test_j410_a_lift_opens_the_record_to_the_named_clerk_only_not_to_a_colleague_at_the_next_counter(
        household: Any, clerk: Any, officer: Any, protect: Any, make_staff: Any) -> None:
    """Independent (j410: the lift is a counter's exception for the business examined, 「庁内各システムへのデータ連携は
    不要とすること」; j440: the 責任者 releases the error for the 交付 examined): the lift names the clerk who does
    the business; a colleague at the next counter, holding the same rights, is still refused the view, the search
    row, the 異動 and the third party's certificate (each refusal audited on the person), while the named clerk
    does them; when the time is over the named clerk is refused too."""
    taro, hanako = household.atena_numbers
    setai = household.setai_numbers[0]
    colleague = make_staff(roles=["counter"])
    rows = [protect(hanako, "view"), protect(hanako, "support"),
            suppression.set_suppression(officer, taro, "change", "調査中", TODAY)]
    done = [lifts.lift_temporarily(officer, row.pk, REASON, clerk=clerk.username) for row in rows]
    assert {lift.clerk_id for lift in done} == {clerk.pk}
    move = RecordMoveWithin(moved_on=TODAY, atena_numbers=(taro, hanako), town_code="281100002", banchi="8番地")

    with pytest.raises(SuppressedError):
        access.view_resident(colleague, hanako)
    assert AuditEntry.objects.filter(actor=f"staff:{colleague.username}", resource=f"resident:{hanako}",
                                     outcome="refused").exists()
    hidden = suppression.screen_rows(colleague, [{"atena_number": hanako, "setai_number": setai}], via="search",
                                     counter=True)
    assert hidden[0]["hidden"] is True
    with pytest.raises(SuppressedError, match="第三者"):
        issue(actor=colleague, setai_number=setai, request=_third_party((hanako,)), requester_kind="third_party",
              requester_name="弁護士 一郎")
    with pytest.raises(SuppressedError, match="異動抑止"):
        apply(move, actor=colleague)
    assert not AuditEntry.objects.filter(actor=f"staff:{colleague.username}", outcome="disclosed").exists()

    assert access.view_resident(clerk, hanako).person.atena_number == hanako
    assert suppression.screen_rows(clerk, [{"atena_number": hanako, "setai_number": setai}], via="search",
                                   counter=True)[0]["hidden"] is False
    assert issue(actor=clerk, setai_number=setai, request=_third_party((hanako,)), requester_kind="third_party",
                 requester_name="弁護士 一郎").pdf
    apply(move, actor=clerk)
    assert AuditEntry.objects.filter(actor=f"staff:{clerk.username}", resource=f"resident:{hanako}",
                                     outcome="disclosed").exists()

    for lift in done:
        _time_passes(lift)
    with pytest.raises(SuppressedError):
        access.view_resident(clerk, hanako)
    with pytest.raises(SuppressedError, match="第三者"):
        issue(actor=clerk, setai_number=setai, request=_third_party((hanako,)), requester_kind="third_party",
              requester_name="弁護士 一郎")


def test_j410_the_lift_leaves_every_other_path_suppressed_even_for_the_named_clerk(
        household: Any, clerk: Any, officer: Any, protect: Any) -> None:
    """Independent (j410: 「一時解除については…庁内各システムへのデータ連携は不要とすること」): a lift naming the
    clerk sets nothing aside in any read that is not that clerk's counter check — the Shield every feed, file,
    export, the lake and the tax office read (no clerk), and the clerk's own read outside the counter."""
    hanako = household.atena_numbers[1]
    row = protect(hanako, "support")
    lifts.lift_temporarily(officer, row.pk, REASON, clerk=clerk.username)
    assert "support" in suppression.shield().by_person[hanako]
    assert suppression.shield(clerk=clerk).by_person.get(hanako, frozenset()) == frozenset()
    assert suppression.active([hanako]) == {hanako: {"support"}}
    assert suppression.active([hanako], clerk=clerk) == {}
    assert suppression.in_force_rows([hanako]) == [(hanako, "support", False)]
    with pytest.raises(SuppressedError):  # the ensure at the counter without counter=True: not the counter's check
        suppression.ensure_issuance_allowed(clerk, [hanako], "third_party")


def test_j410_the_lifter_cannot_name_themselves_nor_a_clerk_without_the_business_right(
        household: Any, clerk: Any, officer: Any, protect: Any, make_staff: Any) -> None:
    """Independent (j410: 「抑止・解除、又は一時解除できる権限は個別に設定できること」, j440: the 責任者 examines and
    releases, 10.3 事務分掌): the 支援措置責任者 cannot name themselves (the policy grants
    ``registry.suppression.lift_for_self`` to no role; refused and audited with the clerk in words); a member of
    staff without the right of the business the suppression stops, an unknown or a retired 職員番号 cannot be
    named; the screen's list offers the clerks by name and 所属 and never the 責任者."""
    row = protect(household.atena_numbers[1], "view")
    with pytest.raises(PermissionRefused, match="自分を担当職員とする一時解除はできません"):
        lifts.lift_temporarily(officer, row.pk, REASON, clerk=officer.username)
    own = AuditEntry.objects.get(action=lifts.LIFT, outcome="refused", detail__code="own_lift")
    assert own.detail["clerk_name"] == f"{officer.full_name}（shimin課）"
    assert not allowed(officer, lifts.FOR_SELF)
    taxman = make_staff(roles=["tax_reviewer"], department="shiminzei")
    with pytest.raises(RegistryError, match="権限がないため") as no_right:
        lifts.lift_temporarily(officer, row.pk, REASON, clerk=taxman.username)
    assert no_right.value.code == "clerk_without_right"
    retired = make_staff(roles=["counter"], is_active=False)
    for nobody in ("nosuchclerk", retired.username, ""):
        with pytest.raises(RegistryError, match="担当職員を選んでください") as unknown:
            lifts.lift_temporarily(officer, row.pk, REASON, clerk=nobody)
        assert unknown.value.code == "clerk_required"
    assert TemporaryLift.objects.count() == 0
    offered = dict(lifts.clerks(officer))
    assert offered[clerk.username] == f"{clerk.full_name}（shimin課）"
    assert officer.username not in offered and taxman.username not in offered and retired.username not in offered


def test_j410_the_lift_names_the_clerk_in_words_in_the_audit_and_on_the_overview(
        household: Any, clerk: Any, officer: Any, protect: Any) -> None:
    """Consistency: the lift's audit entry names the clerk as the log names actors (``staff:…``) and in words
    (氏名 and 所属課); ending it early names them again; the 責任者's overview carries the clerk."""
    row = protect(household.atena_numbers[1], "view")
    lift = lifts.lift_temporarily(officer, row.pk, REASON, clerk=clerk.username)
    entry = AuditEntry.objects.get(action=lifts.LIFT, outcome="ok")
    assert entry.detail["clerk"] == f"staff:{clerk.username}"
    assert entry.detail["clerk_name"] == f"{clerk.full_name}（shimin課）"
    assert lifts.running_by_suppression()[row.pk].clerk == clerk
    lifts.end_now(officer, row.pk)
    ended = AuditEntry.objects.get(action=lifts.LIFT, outcome="ok", detail__ended=True)
    assert ended.detail["clerk_name"] == entry.detail["clerk_name"]
    assert lift.pk == TemporaryLift.objects.get().pk


def test_j410_a_lift_for_the_drafter_does_not_cover_the_approver_who_records_the_ex_officio_change(
        household: Any, clerk: Any, supervisor: Any, officer: Any, make_staff: Any) -> None:
    """Independent (j410: the 異動抑止 stops 「異動入力…などの処理」 until a 一時解除; j530: 「異動入力した内容は
    仮登録状態として、審査後の、決裁により本登録とする」, 本登録 being 「法上、住民票（原票）に記載されている状態」): the
    職権異動 is entered by the drafter but written into the 住民票 by the 決裁. Under a 異動抑止 lifted for the drafter
    the draft is made; the 決裁者, whom the lift does not name, is refused in Japanese (naming whom the lift names
    and whom it must name), audited on the person, nothing recorded, the draft still waiting. A lift naming the
    決裁者 lets the same draft be approved (入力者 the drafter, the 決裁者 in the audit entry); after it, a 決裁 with
    no lift running is refused by the suppression itself."""
    from jichitai.registry import approval
    from jichitai.registry.domain import CorrectRecord
    from jichitai.registry.models import ResidentHistory

    taro = household.atena_numbers[0]
    stop = suppression.set_suppression(officer, taro, "change", "調査中", TODAY)

    def correction(honseki: str) -> CorrectRecord:
        return CorrectRecord(moved_on=TODAY, atena_number=taro, kind="ex_officio", changes={"honseki": honseki})

    with pytest.raises(SuppressedError, match="異動抑止"):  # 起案 (異動入力) without a lift
        approval.propose(correction("兵庫県神戸市中央区加納町6丁目5番1号"), actor=clerk)
    for_drafter = lifts.lift_temporarily(officer, stop.pk, REASON, clerk=clerk.username)
    pending = approval.propose(correction("兵庫県神戸市中央区加納町6丁目5番1号"), actor=clerk)

    with pytest.raises(RegistryError) as info:
        approval.approve(pending.pk, actor=supervisor)
    assert info.value.code == "lift_names_another_clerk"
    assert lifts.staff_words(clerk) in info.value.message and lifts.staff_words(supervisor) in info.value.message
    assert "決裁" in info.value.message and taro in info.value.message
    assert ResidentHistory.objects.filter(reason="ex_officio_correction").count() == 0
    pending.refresh_from_db()
    assert pending.state == "pending"
    refused = AuditEntry.objects.get(action="registry.approve", outcome="refused", detail__code="lift_names_another_clerk")
    assert (refused.actor, refused.resource) == (f"staff:{supervisor.username}", f"pending:{pending.pk}")
    assert refused.detail["subjects"] == [taro] and refused.detail["clerks"] == [f"staff:{clerk.username}"]
    assert AuditEntry.objects.filter(pk__in=AuditSubject.objects.filter(subject=taro).values("seq"),
                                     detail__code="lift_names_another_clerk").exists()  # under 太郎 for the auditor

    lifts.end_now(officer, stop.pk)
    lifts.lift_temporarily(officer, stop.pk, "決裁者が職権で本籍を訂正するため", clerk=supervisor.username)
    applied = approval.approve(pending.pk, actor=supervisor, note="戸籍照合済み")
    row = ResidentHistory.objects.get(reason="ex_officio_correction")
    assert row.honseki.startswith("兵庫県") and row.entered_by == f"staff:{clerk.username}"
    entry = AuditEntry.objects.get(action="registry.change", outcome="ok", resource=f"change:{applied.change_id}")
    assert entry.detail["approved_by"] == f"staff:{supervisor.username}"
    assert for_drafter.clerk_id == clerk.pk

    # the lift for the 決裁者 is over: a second draft (made under a lift for the drafter) meets the suppression
    lifts.end_now(officer, stop.pk)
    lifts.lift_temporarily(officer, stop.pk, REASON, clerk=clerk.username)
    second = approval.propose(correction("兵庫県神戸市中央区加納町6丁目5番2号"), actor=clerk)
    lifts.end_now(officer, stop.pk)
    with pytest.raises(SuppressedError, match="異動抑止"):
        approval.approve(second.pk, actor=supervisor)
    assert ResidentHistory.objects.filter(reason="ex_officio_correction").count() == 1
