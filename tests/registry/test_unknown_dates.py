"""不詳日 and 暦上日以外 生年月日 held in the register (標準仕様書 1.1.8, j80): the API, the counter and 修正 take them,
the current row and the 異動履歴 keep the text beside the internal day (「内部的には日付を保有しておくこと」)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from jichitai.registry.models import Resident, ResidentHistory
from tests.registry.ui.test_changes import MOVE_IN as COUNTER_MOVE_IN

pytestmark = pytest.mark.django_db

MOVE_IN: dict[str, Any] = {
    "type": "RecordMoveIn", "moved_on": "2026-11-01", "notified_on": "2026-11-05", "town_code": "281100001",
    "banchi": "1番地", "previous_address": "大阪府大阪市北区梅田1丁目", "previous_municipality_code": "27127",
    "persons": [{"name": "青木 太郎", "kana": "アオキ タロウ", "birth_date_text": "昭和２０年頃", "sex": "M",
                 "relationship": "世帯主"}],
}


def _post(client: Any, body: dict[str, Any]) -> Any:
    return client.post("/api/registry/changes", data=json.dumps(body, ensure_ascii=False),
                       content_type="application/json")


def _person(**items: Any) -> dict[str, Any]:
    return {**MOVE_IN, "persons": [{**MOVE_IN["persons"][0], **items}]}


def test_the_api_takes_a_birth_date_given_only_as_words(towns: Any, login_as: Any) -> None:
    """Independent (j80 「令和○○年頃」 form, 昭和20年 = 1945): held as 昭和20年頃 with an internal day (the first day of
    the period, the module's stated rule), in the current row, the 異動履歴 and the API's answer."""
    client = login_as("counter")
    response = _post(client, MOVE_IN)
    assert response.status_code == 201, response.content
    atena = response.json()["atena_numbers"][0]
    row = Resident.objects.get(atena_number=atena)
    assert (row.birth_date, row.birth_date_text) == (dt.date(1945, 1, 1), "昭和20年頃")
    history = ResidentHistory.objects.get(atena_number=atena)
    assert (history.birth_date, history.birth_date_text) == (dt.date(1945, 1, 1), "昭和20年頃")
    shown = client.get(f"/api/registry/residents/{atena}").json()["resident"]
    assert shown["birth_date_text"] == "昭和20年頃" and shown["birth_date"] == "1945-01-01"


def test_the_api_takes_a_day_beside_the_words_and_a_day_off_the_calendar(towns: Any, login_as: Any) -> None:
    """Independent (j80: 2月29日 of a common year; 「令和○○年○月頃」 with an internal day inside that month)."""
    client = login_as("counter")
    leap = _post(client, _person(birth_date_text="平成11年2月29日")).json()["atena_numbers"][0]  # 1999: common year
    row = Resident.objects.get(atena_number=leap)
    assert (row.birth_date, row.birth_date_text) == (dt.date(1999, 2, 28), "平成11年2月29日")
    chosen = _post(client, _person(name="青木 次郎", birth_date="1960-06-15", birth_date_text="昭和35年6月頃"))
    row = Resident.objects.get(atena_number=chosen.json()["atena_numbers"][0])
    assert (row.birth_date, row.birth_date_text) == (dt.date(1960, 6, 15), "昭和35年6月頃")


def test_the_api_refuses_words_it_cannot_read_in_japanese_naming_them(towns: Any, login_as: Any) -> None:
    """Independent (j80: only the listed forms; 1.1.1 の生年月日 in 和暦; 年月日不詳 needs the internal day)."""
    client = login_as("counter")
    for words, says in (("昔のこと", "「昔のこと」は年月日として読めません"), ("1945年頃", "和暦"),
                        ("年月日不詳", "内部で使う日付")):
        response = _post(client, _person(birth_date_text=words))
        assert response.status_code == 400, response.content
        body = response.json()
        assert says in body["message"] and body["fields"]["field"] == "persons[0].birth_date_text"
    outside = _post(client, _person(birth_date="1961-01-01", birth_date_text="昭和35年6月頃")).json()
    assert "期間" in outside["message"]
    assert not Resident.objects.exists()
    foreign = _person(birth_date_text="1990年頃", resident_kind="foreign", nationality="韓国")
    assert _post(client, foreign).status_code == 201  # a foreign resident's 生年月日 in 西暦 (j90)


def test_the_counter_takes_the_words_and_shows_them_before_recording(towns: Any, login_as: Any) -> None:
    """Independent (j80 「令和○○年○月上旬」, 「年月日不詳」 with the day the clerk gives)."""
    client = login_as("counter")
    typed = {**COUNTER_MOVE_IN, "p1-birth_date": "昭和６３年５月上旬", "p2-birth_date": "年月日不詳",
             "p2-birth_date_internal": "1992-06-07"}
    html = client.post("/registry/changes/move-in/", typed).content.decode()
    assert "昭和63年5月上旬" in html and "年月日不詳" in html and "まだ記録されていません" in html
    token = html.split('name="token" value="')[1].split('"')[0]
    client.post("/registry/changes/move-in/", {"step": "commit", "token": token})
    held = dict(Resident.objects.values_list("name", "birth_date_text"))
    assert held == {"山田 一郎": "昭和63年5月上旬", "山田 春子": "年月日不詳"}
    assert Resident.objects.get(name="山田 春子").birth_date == dt.date(1992, 6, 7)
    page = client.get(f"/registry/residents/{Resident.objects.get(name='山田 一郎').atena_number}/").content.decode()
    assert "昭和63年5月上旬" in page and "昭和63年5月1日" not in page


def test_the_counter_refuses_unreadable_words_keeping_what_was_typed(towns: Any, login_as: Any) -> None:
    """Independent (j80 list; house rule: an error in Japanese that keeps the input)."""
    client = login_as("counter")
    html = client.post("/registry/changes/move-in/", {**COUNTER_MOVE_IN, "p1-birth_date": "1990年頃"}).content.decode()
    assert "和暦" in html and 'value="1990年頃"' in html
    assert not Resident.objects.exists()


def test_a_correction_replaces_the_words_or_clears_them(towns: Any, login_as: Any, clerk: Any,
                                                       supervisor: Any) -> None:
    """Independent (j80): a 誤記修正 to 「昭和20年8月頃」 holds it; one to a plain day leaves no words beside it; the
    異動履歴 keeps each."""
    from jichitai.registry import approval
    from jichitai.registry.domain.commands import CorrectRecord

    atena = _post(login_as("counter"), MOVE_IN).json()["atena_numbers"][0]

    def correct(on: int, changes: dict[str, str]) -> Resident:
        command = CorrectRecord(moved_on=dt.date(2026, 11, on), atena_number=atena, kind="clerical", changes=changes)
        approval.approve(approval.propose(command, actor=clerk).pk, actor=supervisor)
        return Resident.objects.get(atena_number=atena)

    row = correct(10, {"birth_date_text": "昭和20年8月頃"})
    assert (row.birth_date, row.birth_date_text) == (dt.date(1945, 8, 1), "昭和20年8月頃")
    row = correct(11, {"birth_date": "1945-08-15"})
    assert (row.birth_date, row.birth_date_text) == (dt.date(1945, 8, 15), "")
    texts = list(ResidentHistory.objects.filter(atena_number=atena).order_by("history_no")
                 .values_list("birth_date_text", flat=True))
    assert texts == ["昭和20年頃", "昭和20年8月頃", ""]


def _household_with_unknown_births(clerk: Any) -> Any:
    from jichitai.registry.domain.commands import NewPerson
    from jichitai.registry.services import apply
    from tests.registry.conftest import move_in_command

    return apply(move_in_command(persons=(
        NewPerson("青木 太郎", "アオキ タロウ", dt.date(1945, 1, 1), "M", "世帯主", birth_date_text="昭和20年頃"),
        NewPerson("青木 花子", "アオキ ハナコ", dt.date(1912, 7, 30), "F", "母", birth_date_text="明治45年7月30日"),
    )), actor=clerk, terminal="T01")


def test_certificates_print_the_words_never_a_made_up_day(towns: Any, clerk: Any, tmp_path: Any) -> None:
    """Independent (j80: 「令和○○年頃」 and 明治45年7月30日 as the 戸籍 has them; j1000 住民票の写し and 記載事項証明書):
    the PDF's text says 昭和20年頃 and 明治45年7月30日, not the internal 昭和20年1月1日 nor 大正元年7月30日."""
    from jichitai.registry.certificates.services import issue
    from jichitai.registry.certificates.snapshot import CertificateFormat, CertificateKind, CertificateRequest, Item
    from tests.registry.certificates.factories import pdf_pages

    household = _household_with_unknown_births(clerk)
    members = tuple(household.atena_numbers)
    for request in (CertificateRequest(CertificateFormat.SETAI_RENKI, members),
                    CertificateRequest.of_items(CertificateKind.KISAI_JIKO, CertificateFormat.SETAI_RENKI, members,
                                                frozenset({Item.BIRTH_DATE}))):
        issued = issue(actor=clerk, setai_number=household.setai_numbers[0], request=request, requester_kind="self")
        text = "".join("".join(pdf_pages(issued.pdf, tmp_path)).split())
        assert "昭和20年頃" in text and "明治45年7月30日" in text, text
        assert "昭和20年1月1日" not in text and "大正元年7月30日" not in text


def test_the_domain_refuses_words_that_are_not_held_as_read(towns: Any, clerk: Any) -> None:
    """Independent (j80): a batch or import handing the domain words it would read differently, or a day outside
    them, is refused rather than held inconsistent."""
    from jichitai.registry.domain.commands import NewPerson
    from jichitai.registry.domain.errors import RegistryError
    from jichitai.registry.services import apply
    from tests.registry.conftest import move_in_command

    for day, words in ((dt.date(1950, 1, 1), "昭和20年頃"), (dt.date(1945, 1, 1), "昭和２０年頃"),
                       (dt.date(1945, 1, 1), "1945年頃")):
        with pytest.raises(RegistryError):
            apply(move_in_command(persons=(NewPerson("青木 太郎", "アオキ タロウ", day, "M", "世帯主",
                                                     birth_date_text=words),)), actor=clerk)
    assert not Resident.objects.exists()


def test_the_standard_csv_carries_the_words_and_the_import_reads_them_back(towns: Any, clerk: Any) -> None:
    """Independent (j80 「他システムとは「不詳」のまま連携」, 「内部的には日付を保有」): 生年月日 is the internal day and
    生年月日_不詳表記 the words; export → import into an empty registry → export gives the same bytes, and a file whose
    words disagree with its day is refused naming the item."""
    from jichitai.registry.exports import csvfile, services
    from jichitai.registry.exports.layout import HEADER
    from jichitai.registry.services import SystemActor
    from tests.registry.exports.test_roundtrip import empty_registry

    operator = SystemActor("test-migration")
    _household_with_unknown_births(clerk)
    first = services.export(actor=operator, include_my_number=True, include_protected=True)
    table = csvfile.decode(first.data)
    words = {r[HEADER.index("氏名")]: (r[HEADER.index("生年月日")], r[HEADER.index("生年月日_不詳表記")])
             for r in table[1:]}
    assert words == {"青木 太郎": ("1945-01-01", "昭和20年頃"), "青木 花子": ("1912-07-30", "明治45年7月30日")}
    empty_registry()
    services.import_csv(first.data, actor=operator)
    assert services.export(actor=operator, include_my_number=True, include_protected=True).data == first.data
    assert Resident.objects.get(name="青木 太郎").birth_date_text == "昭和20年頃"

    table[1][HEADER.index("生年月日")] = "1950-01-01"  # outside 昭和20年頃 (whichever row is first)
    table[1][HEADER.index("生年月日_不詳表記")] = "昭和20年頃"
    empty_registry()
    with pytest.raises(services.ImportRejected) as refused:
        services.import_csv(csvfile.encode(table[0], table[1:]), actor=operator)
    assert (2, "生年月日_不詳表記") in {(e.line, e.item) for e in refused.value.errors}
    assert not Resident.objects.exists()


# ---- 死亡 異動日 (j80: 「1.2.2（異動事由）に規定する項目のうち出生、死亡又は失踪に係る異動日」) ------------------------


def test_the_codec_reads_a_death_day_given_as_words_beside_its_internal_day() -> None:
    """Independent (j80 「推定令和○○年○月」 and 「…から…までの間」 forms; 和暦・西暦どちらでも for a 異動日)."""
    from jichitai.registry.domain.codec import from_dict
    from jichitai.registry.domain.errors import RegistryError

    body = {"type": "RecordDeath", "moved_on": "2026-06-05", "atena_number": "000000000000019",
            "moved_on_text": "推定令和８年６月"}
    command = from_dict(body)
    assert (command.moved_on, command.moved_on_text) == (dt.date(2026, 6, 5), "推定令和8年6月")  # type: ignore[attr-defined]
    between = from_dict({**body, "moved_on_text": "2026年6月1日から6月10日頃までの間"})
    assert between.moved_on_text == "2026年6月1日から6月10日頃までの間"  # type: ignore[attr-defined]
    with pytest.raises(RegistryError) as refused:
        from_dict({**body, "moved_on_text": "推定令和8年7月"})
    assert "期間" in refused.value.message and refused.value.fields["field"] == "moved_on_text"


def test_a_death_day_in_words_is_held_printed_and_sent_as_words(towns: Any, clerk: Any, tmp_path: Any) -> None:
    """Independent (j80: the 死亡 異動日 as a 不詳日, 「他システムとは「不詳」のまま連携」 with the internal day kept):
    the 除票 row and its 異動履歴 hold 推定令和8年6月 beside 2026-06-01; the 除票の写し prints the words, not
    令和8年6月1日; the standard CSV carries both (the 宛名 feed: tests/hub/test_unknown_birth_date_feed.py)."""
    from jichitai.registry.certificates.services import issue
    from jichitai.registry.certificates.snapshot import CertificateFormat, CertificateKind, CertificateRequest
    from jichitai.registry.domain import RecordDeath
    from jichitai.registry.exports import csvfile, services
    from jichitai.registry.exports.layout import HEADER
    from jichitai.registry.services import SystemActor, apply
    from tests.registry.certificates.factories import pdf_pages
    from tests.registry.conftest import move_in_command

    household = apply(move_in_command(moved_on=dt.date(2026, 5, 1), notified_on=dt.date(2026, 5, 1)), actor=clerk)
    hanako = household.atena_numbers[1]
    apply(RecordDeath(moved_on=dt.date(2026, 6, 1), atena_number=hanako, moved_on_text="推定令和8年6月"), actor=clerk)
    row = Resident.objects.get(atena_number=hanako)
    assert (row.status, row.removed_on, row.removed_on_text) == ("removed", dt.date(2026, 6, 1), "推定令和8年6月")
    assert ResidentHistory.objects.filter(atena_number=hanako, reason="death",
                                          removed_on_text="推定令和8年6月").exists()

    request = CertificateRequest(CertificateFormat.SETAI_RENKI, (hanako,), kind=CertificateKind.JOSHUHYO)
    issued = issue(actor=clerk, setai_number=household.setai_numbers[0], request=request, requester_kind="household")
    text = "".join("".join(pdf_pages(issued.pdf, tmp_path)).split())
    assert "消除事由死亡" in text and "消除年月日推定令和8年6月" in text and "令和8年6月1日" not in text

    table = csvfile.decode(services.export(actor=SystemActor("test"), include_protected=True).data)
    dead = next(r for r in table[1:] if r[HEADER.index("宛名番号")] == hanako)
    assert (dead[HEADER.index("消除の異動年月日")], dead[HEADER.index("消除の異動年月日_不詳表記")]) == (
        "2026-06-01", "推定令和8年6月")


def test_the_domain_refuses_death_words_its_day_is_outside(towns: Any, clerk: Any) -> None:
    """Independent (j80 「内部的には日付を保有」: the internal day lies in the period the words name)."""
    from jichitai.registry.domain import RecordDeath
    from jichitai.registry.domain.errors import RegistryError
    from jichitai.registry.services import apply
    from tests.registry.conftest import move_in_command

    household = apply(move_in_command(moved_on=dt.date(2026, 5, 1), notified_on=dt.date(2026, 5, 1)), actor=clerk)
    with pytest.raises(RegistryError) as refused:
        apply(RecordDeath(moved_on=dt.date(2026, 7, 1), atena_number=household.atena_numbers[1],
                          moved_on_text="推定令和8年6月"), actor=clerk)
    assert "期間" in refused.value.message
    assert Resident.objects.filter(status="removed").count() == 0


def test_the_counter_records_a_death_day_in_words(household: Any, login_as: Any) -> None:
    """Independent (j80 「令和○○年○○月○日から○○月○日頃までの間」 for a 死亡): the confirmation shows the words, the
    record holds them; words whose period leaves out the 死亡日 typed are refused in Japanese, nothing recorded."""
    from tests.registry.counter_browser import RECEIVED

    client = login_as("counter")
    setai, hanako = household.setai_numbers[0], household.atena_numbers[1]
    typed = {"step": "confirm", **RECEIVED, "setai": setai, "moved_on": "令和8年11月20日",
             "notified_on": "令和8年11月25日", "atena_number": hanako,
             "moved_on_text": "令和8年11月18日から11月21日頃までの間"}
    bad = client.post("/registry/changes/death/", {**typed, "moved_on_text": "令和8年10月頃"}).content.decode()
    assert "期間" in bad and "令和8年10月頃" in bad
    html = client.post("/registry/changes/death/", typed).content.decode()
    assert "まだ記録されていません" in html and "令和8年11月18日から11月21日頃までの間" in html
    token = html.split('name="token" value="')[1].split('"')[0]
    client.post("/registry/changes/death/", {"step": "commit", "token": token, "setai": setai})
    row = Resident.objects.get(atena_number=hanako)
    assert (row.removed_on, row.removed_on_text) == (dt.date(2026, 11, 20), "令和8年11月18日から11月21日頃までの間")
    page = client.get(f"/registry/residents/{hanako}/").content.decode()
    assert "令和8年11月18日から11月21日頃までの間" in page


# ---- 住民となった年月日, 住所を定めた年月日, 外国人住民となった年月日 (j80), set by a 修正 ----------------------------


def test_a_correction_gives_the_other_dates_words_and_a_later_move_drops_stale_ones(
        towns: Any, clerk: Any, supervisor: Any, tmp_path: Any) -> None:
    """Independent (j80: 住民となった年月日 and 住所を定めた年月日 may be a 不詳日, 「平成○○年頃」 form, 和暦 or 西暦): a
    誤記修正 holds the words beside the internal day; the 住民票の写し prints them and the standard CSV carries them;
    a 転居 sets a new 住所を定めた年月日, so its old words go, while 住民となった年月日's stay."""
    from jichitai.registry import approval
    from jichitai.registry.certificates.services import issue
    from jichitai.registry.certificates.snapshot import CertificateFormat, CertificateRequest
    from jichitai.registry.domain import RecordMoveWithin
    from jichitai.registry.domain.commands import CorrectRecord
    from jichitai.registry.exports import csvfile, services
    from jichitai.registry.exports.layout import HEADER
    from jichitai.registry.services import SystemActor, apply
    from tests.registry.certificates.factories import pdf_pages
    from tests.registry.conftest import move_in_command

    household = apply(move_in_command(), actor=clerk)
    taro = household.atena_numbers[0]
    command = CorrectRecord(moved_on=dt.date(2026, 11, 10), atena_number=taro, kind="clerical", changes={
        "became_resident_on_text": "1990年頃", "address_set_on_text": "平成2年4月頃"})
    approval.approve(approval.propose(command, actor=clerk).pk, actor=supervisor)
    row = Resident.objects.get(atena_number=taro)
    assert (row.became_resident_on, row.became_resident_on_text) == (dt.date(1990, 1, 1), "1990年頃")
    assert (row.address_set_on, row.address_set_on_text) == (dt.date(1990, 4, 1), "平成2年4月頃")

    request = CertificateRequest(CertificateFormat.SETAI_RENKI, (taro,))
    issued = issue(actor=clerk, setai_number=household.setai_numbers[0], request=request, requester_kind="self")
    text = "".join("".join(pdf_pages(issued.pdf, tmp_path)).split())
    assert "1990年頃" in text and "平成2年4月頃" in text  # the labels wrap on the form: the words, not the days
    assert "平成2年1月1日" not in text and "平成2年4月1日" not in text
    table = csvfile.decode(services.export(actor=SystemActor("test"), include_protected=True).data)
    mine = next(r for r in table[1:] if r[HEADER.index("宛名番号")] == taro)
    assert mine[HEADER.index("住所を定めた年月日_不詳表記")] == "平成2年4月頃"
    assert mine[HEADER.index("住民となった年月日_不詳表記")] == "1990年頃"

    apply(RecordMoveWithin(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 20),
                           atena_numbers=tuple(household.atena_numbers), town_code="281100002", banchi="3番地"),
          actor=clerk)
    row = Resident.objects.get(atena_number=taro)
    assert (row.address_set_on, row.address_set_on_text) == (dt.date(2026, 11, 20), "")
    assert row.became_resident_on_text == "1990年頃"


def test_a_correction_with_unreadable_words_for_those_dates_is_refused(towns: Any, clerk: Any) -> None:
    """Independent (j80 list): refused in Japanese naming the item and what was typed."""
    from jichitai.registry import approval
    from jichitai.registry.domain.commands import CorrectRecord
    from jichitai.registry.domain.errors import RegistryError
    from jichitai.registry.services import apply
    from tests.registry.conftest import move_in_command

    taro = apply(move_in_command(), actor=clerk).atena_numbers[0]
    with pytest.raises(RegistryError) as refused:
        approval.propose(CorrectRecord(moved_on=dt.date(2026, 11, 10), atena_number=taro, kind="clerical",
                                       changes={"address_set_on_text": "むかし"}), actor=clerk)
    assert "住所を定めた年月日" in refused.value.message and "「むかし」" in refused.value.message
