"""No double registration (issue 18, item 6): a confirmed 異動 is recorded once, however often its
confirmation is replayed; a 転入 matching a current resident's 基本4情報 (氏名・生年月日・性別・住所,
住民基本台帳法 第30条の9 names these four as the 本人確認情報's core) needs an explicit, audited override.

All expected values are independent of our code: one 届出 makes one record (住民基本台帳法 第8条: 住民票の記載
is made on a 届出), a replay is not a second 届出."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry.models import PendingChange, Resident, ResidentHistory
from tests.registry.counter_browser import RECEIVED
from tests.registry.ui.test_changes import MOVE_IN as MOVE_IN_FORM
from tests.registry.ui.test_changes import _token

pytestmark = pytest.mark.django_db

MOVE_IN = {
    "type": "RecordMoveIn", "moved_on": "2026-11-01", "notified_on": "2026-11-05", "town_code": "281100001",
    "banchi": "1番地", "previous_address": "大阪府大阪市北区梅田1丁目", "previous_municipality_code": "27127",
    "persons": [{"name": "青木 太郎", "kana": "アオキ タロウ", "birth_date": "1980-01-07", "sex": "M",
                 "relationship": "世帯主"}],
}


def _post(client: Any, path: str, body: Any, **headers: str) -> Any:
    return client.post(path, data=json.dumps(body, ensure_ascii=False), content_type="application/json",
                       headers=headers)


def _counts() -> tuple[int, int, int]:
    return Resident.objects.count(), ResidentHistory.objects.count(), PendingChange.objects.count()


def test_a_replayed_counter_confirmation_records_the_move_in_once(towns: Any, login_as: Any) -> None:
    client = login_as("counter")
    html = client.post("/registry/changes/move-in/", MOVE_IN_FORM).content.decode()
    commit = {"step": "commit", "token": _token(html)}
    assert client.post("/registry/changes/move-in/", commit).status_code == 302
    after_first = _counts()
    assert after_first[0] == 2
    replay = client.post("/registry/changes/move-in/", commit, follow=True)
    assert "既に記録されています" in replay.content.decode()
    assert _counts() == after_first
    # a second confirmation of the same 届出 (not a replay) meets the 基本4情報 check instead
    again = client.post("/registry/changes/move-in/", MOVE_IN_FORM).content.decode()
    assert "二重登録の疑い" in again and 'name="override_duplicate"' in again
    refused = client.post("/registry/changes/move-in/", {"step": "commit", "token": _token(again)})
    assert refused.status_code == 409 and _counts() == after_first


def test_a_replayed_ex_officio_confirmation_is_queued_once(household: Any, login_as: Any) -> None:
    client = login_as("counter")
    setai, atena = household.setai_numbers[0], household.atena_numbers[1]
    form = {"step": "confirm", **RECEIVED, "setai": setai, "moved_on": "令和8年11月20日", "atena_number": atena,
            "kind": "ex_officio", "item": "name", "value": "青木 華子"}
    html = client.post("/registry/changes/correct/", form).content.decode()
    commit = {"step": "commit", "token": _token(html), "setai": setai}
    client.post("/registry/changes/correct/", commit)
    replay = client.post("/registry/changes/correct/", commit, follow=True)
    assert "既に起案されています" in replay.content.decode()
    assert PendingChange.objects.count() == 1


def test_api_idempotency_key_answers_the_first_result_and_records_nothing_more(towns: Any, login_as: Any) -> None:
    client = login_as("counter")
    first = _post(client, "/api/registry/changes", MOVE_IN, **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201, first.content
    counts = _counts()
    again = _post(client, "/api/registry/changes", MOVE_IN, **{"Idempotency-Key": "k-1"})
    assert again.status_code == 200 and again.json() == first.json()
    assert _counts() == counts
    other = {**MOVE_IN, "banchi": "2番地"}
    reused = _post(client, "/api/registry/changes", other, **{"Idempotency-Key": "k-1"})
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    assert _counts() == counts


def test_move_in_matching_a_residents_four_basic_facts_needs_an_audited_override(towns: Any,
                                                                                login_as: Any) -> None:
    client = login_as("counter")
    assert _post(client, "/api/registry/changes", MOVE_IN).status_code == 201
    counts = _counts()
    # the same person written as a clerk might: full-width space, hiragana-free variant spacing, 全角 digits
    variant = {**MOVE_IN, "banchi": "１番地", "notified_on": "2026-11-06",
               "persons": [{**MOVE_IN["persons"][0], "name": "青木　太郎", "kana": "アオキタロウ"}]}
    refused = _post(client, "/api/registry/changes", variant)
    assert refused.status_code == 409 and refused.json()["code"] == "possible_duplicate"
    assert "氏名・生年月日・性別・住所" in refused.json()["message"]
    assert _counts() == counts
    assert AuditEntry.objects.filter(outcome="refused", detail__code="possible_duplicate").exists()
    # another person (other birth date) is not a match
    other = {**MOVE_IN, "persons": [{**MOVE_IN["persons"][0], "birth_date": "1980-01-08"}]}
    assert _post(client, "/api/registry/changes", other).status_code == 201
    overridden = _post(client, "/api/registry/changes?override_duplicate=true", variant)
    assert overridden.status_code == 201
    entry = AuditEntry.objects.get(action="registry.duplicate_override")
    assert entry.resource == f"change:{overridden.json()['change_id']}" and len(entry.detail["matched"]) == 1


def test_the_key_is_claimed_in_the_recording_transaction(towns: Any, clerk: Any) -> None:
    """The guard that holds under a race: two submissions that both passed the early check; the second's claim
    fails inside its own transaction, which records nothing (and the refusal is audited)."""
    from jichitai.registry.services import apply
    from jichitai.registry.submissions import AlreadySubmitted
    from tests.registry.conftest import move_in_command

    apply(move_in_command(), actor=clerk, once="race:1")
    counts = _counts()
    with pytest.raises(AlreadySubmitted):
        apply(move_in_command(), actor=clerk, once="race:1")
    assert _counts() == counts
    assert AuditEntry.objects.filter(outcome="refused", detail__code="already_recorded").count() == 1


# ---- the batch path and the 決裁 path meet the same check (issue 18: apply_many skipped it) ------------------

def _same_people_again(**over: Any) -> Any:
    """The household fixture's 転入 again, without the 個人番号 (which its own check would refuse first)."""
    import datetime as dt

    from jichitai.registry.domain import NewPerson
    from tests.registry.conftest import move_in_command

    return move_in_command(persons=(NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"),
                                    NewPerson("青木 花子", "アオキ ハナコ", dt.date(1982, 12, 30), "F", "妻")), **over)


def test_apply_many_refuses_a_move_in_matching_a_residents_four_basic_facts(household: Any, clerk: Any) -> None:
    """Independent (第8条: one 届出, one record): the bulk path (hub intake, departures, the synthetic city) is
    checked as the counter is: refused in a batch that stops, skipped and audited in one that goes on."""
    from jichitai.registry.services import apply_many
    from jichitai.registry.submissions import PossibleDuplicate

    counts = _counts()
    with pytest.raises(PossibleDuplicate):
        apply_many([_same_people_again()], actor=clerk)
    assert _counts() == counts
    assert apply_many([_same_people_again()], actor=clerk, stop_on_error=False) == []
    assert _counts() == counts
    assert AuditEntry.objects.filter(outcome="refused", detail__code="possible_duplicate").count() >= 2
    [applied] = apply_many([_same_people_again()], actor=clerk, override_duplicate=True)
    entry = AuditEntry.objects.get(action="registry.duplicate_override")
    assert entry.resource == f"change:{applied.change_id}"
    assert sorted(entry.detail["matched"]) == sorted(household.atena_numbers)


def test_apply_many_refuses_the_same_person_entered_twice_in_one_batch(towns: Any, clerk: Any) -> None:
    """Independent: two 転入 of the same four facts in one batch (a file sent twice in one delivery) record
    one person; the second is compared with the first although neither was in the registry before."""
    from jichitai.registry.services import apply_many

    applied = apply_many([_same_people_again(), _same_people_again()], actor=clerk, stop_on_error=False)
    assert len(applied) == 1 and Resident.objects.count() == 2


def test_an_ex_officio_entry_overridden_when_drafted_is_recorded_when_approved(household: Any, clerk: Any,
                                                                              supervisor: Any) -> None:
    """The drafter's confirmation that a 職権記載 matching a resident is another person travels with the draft:
    the 決裁 records it (and audits the override again, on the change), without it the 決裁 refuses."""
    import datetime as dt

    from jichitai.registry import approval
    from jichitai.registry.domain import NewPerson, RecordExOfficioEntry
    from jichitai.registry.submissions import PossibleDuplicate
    from jichitai.registry.views.workflow import propose_change

    entry = RecordExOfficioEntry(moved_on=dt.date(2026, 11, 20), town_code="281100001", banchi="1番地",
                                 persons=(NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"),))
    with pytest.raises(PossibleDuplicate):
        propose_change(entry, actor=clerk)
    pending = propose_change(entry, actor=clerk, override_duplicate=True)
    applied = approval.approve(pending.pk, actor=supervisor)
    assert AuditEntry.objects.filter(action="registry.duplicate_override",
                                     resource=f"change:{applied.change_id}").exists()
    blind = approval.propose(entry, actor=clerk)  # drafted without the check (an older draft): the 決裁 refuses
    with pytest.raises(PossibleDuplicate):
        approval.approve(blind.pk, actor=supervisor)


def test_j410_the_duplicate_warning_reveals_no_suppressed_match_to_a_clerk_without_the_right(
        household: Any, protect: Any, login_as: Any) -> None:
    """3.1 (j410): a clerk types 花子's four facts (perhaps to learn whether she lives at this address): under
    照会抑止 the confirmation shows no warning and the API records as for anyone else — exactly what a 転入 of
    nobody known would show; the match is audited on 花子 for the 支援措置責任者 to resolve."""
    hanako = household.atena_numbers[1]
    protect(hanako, "view")
    client = login_as("counter")
    typed = {**MOVE_IN, "persons": [{"name": "青木 花子", "kana": "アオキ ハナコ", "birth_date": "1982-12-30",
                                     "sex": "F", "relationship": "世帯主"}]}
    answer = _post(client, "/api/registry/changes", typed)
    assert answer.status_code == 201, answer.content
    assert hanako not in answer.content.decode()
    entry = AuditEntry.objects.get(action="registry.duplicate_check", resource=f"resident:{hanako}")
    assert entry.outcome == "withheld" and hanako in entry.detail["protected_by"]
    from tests.registry.counter_browser import RECEIVED

    form = {"step": "confirm", **RECEIVED, "moved_on": "令和8年11月2日", "notified_on": "2026-11-05",
            "previous_address": "大阪府大阪市北区梅田1丁目", "previous_municipality_code": "27127",
            "town_code": "281100001", "banchi": "1番地", "p1-name": "青木 花子", "p1-kana": "アオキ ハナコ",
            "p1-birth_date": "1982-12-30", "p1-sex": "F", "p1-relationship": "世帯主", "p1-resident_kind": "japanese"}
    html = client.post("/registry/changes/move-in/", form).content.decode()
    assert "入力内容の確認" in html or "確認" in html
    assert "二重登録の疑い" not in html and hanako not in html and "照会抑止" not in html


def test_j440_a_supported_match_is_named_to_staff_and_listed_for_the_support_officer(
        household: Any, protect: Any, login_as: Any) -> None:
    """3.4: 支援措置 alone does not hide a record from staff (their work needs it): the warning names the match,
    and the 支援措置責任者's list shows that someone typed her four facts."""
    hanako = household.atena_numbers[1]
    protect(hanako)
    client = login_as("counter")
    typed = {**MOVE_IN, "persons": [{"name": "青木 花子", "kana": "アオキ ハナコ", "birth_date": "1982-12-30",
                                     "sex": "F", "relationship": "世帯主"}]}
    refused = _post(client, "/api/registry/changes", typed)
    assert refused.status_code == 409 and hanako in refused.json()["message"]
    assert AuditEntry.objects.filter(action="registry.duplicate_check", resource=f"resident:{hanako}",
                                     outcome="ok", detail__code="suppressed").exists()
