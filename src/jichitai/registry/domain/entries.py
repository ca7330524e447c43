"""記載 and 消除: the 異動 that bring a person onto the register (転入, 出生, 職権記載) and take them off it
(転出 and its taking effect, 死亡, 職権消除), decided over a :class:`~jichitai.registry.domain.work.Work`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from jichitai.common.wareki import to_wareki
from jichitai.registry.domain import commands as C
from jichitai.registry.domain import work as W
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.ledger import TownInfo
from jichitai.registry.domain.person import (
    ACTIVE,
    FOREIGN,
    JAPANESE,
    REMOVED,
    Person,
    replace,
)
from jichitai.registry.domain.reasons import Reason
from jichitai.registry.domain.rules import (
    check_move_out_dates,
    check_new_person,
)
from jichitai.registry.domain.unknown_dates import moved_on_of

# ---- 記載 ---------------------------------------------------------------------------------------------


def _enter(work: W.Work, cmd: C.Command, persons: tuple[C.NewPerson, ...], *, setai: str, town: TownInfo,
           banchi: str, katagaki: str, previous_address: str, previous_code: str, origin: str) -> None:
    ledger = work.ledger
    if not persons:
        raise RegistryError("異動者を1人以上指定してください（標準仕様書 4.0.1）。", code="no_persons")
    if setai:
        members = W.household(work, setai)
        if W.address(members[0]) != (town.code, banchi, katagaki):
            raise RegistryError(f"世帯番号 {setai} の世帯の住所と届出の住所が一致しません。", code="address_mismatch",
                                setai_number=setai)
    else:
        setai = ledger.new_setai_number()
    seen: set[str] = set()
    for new in persons:
        check_new_person(new, cmd.moved_on)
        if new.atena_number:  # 再転入 (j600): the person's 除票 is reused with the same 宛名番号
            old = ledger.person(new.atena_number)
            if old is None:
                raise RegistryError(f"宛名番号 {new.atena_number} の除票はありません。", code="unknown_person")
            if old.is_active:
                raise RegistryError(f"宛名番号 {new.atena_number} の住民は現在も住民として記載されています。",
                                    code="already_active")
        atena = new.atena_number or ledger.new_atena_number()
        person = Person(
            atena_number=atena, setai_number=setai, status=ACTIVE, resident_kind=new.resident_kind,
            name=new.name, kana=new.kana, birth_date=new.birth_date, birth_date_text=new.birth_date_text,
            sex=new.sex, relationship=new.relationship,
            household_order=work.next_order(setai), kyuuji=new.kyuuji, kyuuji_kana=new.kyuuji_kana,
            tsusho=new.tsusho, tsusho_kana=new.tsusho_kana, honseki=new.honseki, hittosha=new.hittosha,
            became_resident_on=cmd.moved_on, town_code=town.code, ward_code=town.ward_code, banchi=banchi,
            katagaki=katagaki, postcode=town.postcode, address_set_on=cmd.moved_on, notified_on=cmd.notified_on,
            previous_address=previous_address, previous_municipality_code=previous_code,
            my_number=new.my_number, juminhyo_code=new.juminhyo_code, nationality=new.nationality,
            foreign_resident_on=cmd.moved_on if new.resident_kind == FOREIGN else None,
            article_30_45=new.article_30_45, residence_status=new.residence_status,
            residence_period=new.residence_period, residence_until=new.residence_until,
            residence_card_number=new.residence_card_number, note=cmd.note,
        )
        W.unique_numbers(work, person, seen)
        work.put(person)
        work.origin[atena] = origin


def move_in(work: W.Work, cmd: C.RecordMoveIn) -> Reason:
    town = W.town(work.ledger, cmd.town_code)
    if cmd.from_abroad:
        origin, code = W.ABROAD, ""
    else:
        code = cmd.previous_municipality_code
        if not (code.isdigit() and len(code) in (5, 6)):
            raise RegistryError("国内転入では転入前住所の市区町村コード（5桁または6桁）を入力してください（標準仕様書 4.1.1.1）。",
                                code="previous_address_required", field="previous_municipality_code")
        origin = W.area_class(code, work.ledger)
        if origin == W.CITY:
            raise RegistryError("転入前住所が本市内です。市内での住所の変更は転居として処理してください。",
                                code="move_in_from_city", field="previous_municipality_code")
    if not cmd.previous_address.strip():
        raise RegistryError("転入前住所を入力してください（国外からの転入は国名等）。", code="previous_address_required",
                            field="previous_address")
    reason = Reason.MOVE_IN_ABROAD if cmd.from_abroad else Reason.MOVE_IN_DOMESTIC
    _enter(work, cmd, cmd.persons, setai=cmd.setai_number, town=town, banchi=cmd.banchi, katagaki=cmd.katagaki,
           previous_address=cmd.previous_address, previous_code=code, origin=origin)
    return reason


def birth(work: W.Work, cmd: C.RecordBirth) -> Reason:
    child = cmd.child
    if child is None:
        raise RegistryError("出生子の情報を入力してください。", code="no_persons")
    if child.birth_date != cmd.moved_on:
        raise RegistryError("出生の異動日は出生子の生年月日と同じ日でなければなりません。", code="birth_date_mismatch",
                            field="moved_on")
    if not cmd.setai_number:
        raise RegistryError("出生子が入る世帯の世帯番号を指定してください。", code="household_required")
    members = W.household(work, cmd.setai_number)
    town = W.town(work.ledger, members[0].town_code)
    _enter(work, cmd, (child,), setai=cmd.setai_number, town=town, banchi=members[0].banchi,
           katagaki=members[0].katagaki, previous_address="", previous_code="", origin="")
    return Reason.BIRTH


def ex_officio_entry(work: W.Work, cmd: C.RecordExOfficioEntry) -> Reason:
    reason = {"": Reason.EX_OFFICIO_ENTRY, "naturalisation": Reason.EX_OFFICIO_ENTRY_NATURALISATION,
              "nationality_loss": Reason.EX_OFFICIO_ENTRY_NATIONALITY_LOSS}.get(cmd.variant)
    if reason is None:
        raise RegistryError(f"職権記載の区分「{cmd.variant}」は使用できません。", code="invalid_variant")
    wanted = {Reason.EX_OFFICIO_ENTRY_NATURALISATION: JAPANESE, Reason.EX_OFFICIO_ENTRY_NATIONALITY_LOSS: FOREIGN}
    for p in cmd.persons:
        if reason in wanted and p.resident_kind != wanted[reason]:
            raise RegistryError(f"{reason.label}は{'日本人住民' if wanted[reason] == JAPANESE else '外国人住民'}"
                                "についてのみ記載できます（標準仕様書 1.2.2）。", code="wrong_resident_kind")
    town = W.town(work.ledger, cmd.town_code)
    code = cmd.previous_municipality_code
    _enter(work, cmd, cmd.persons, setai=cmd.setai_number, town=town, banchi=cmd.banchi, katagaki=cmd.katagaki,
           previous_address=cmd.previous_address, previous_code=code,
           origin=W.area_class(code, work.ledger) if code else "")
    return reason


# ---- 消除 ---------------------------------------------------------------------------------------------


def _remove(work: W.Work, people: list[Person], cmd: C.Command, reason: Reason, *, remaining_head: str,
            relationships: Mapping[str, str], without_head: bool = False, destination: str = "",
            destination_code: str = "", destination_class: str = "") -> None:
    moved_out = cmd.moved_on if reason in (Reason.MOVE_OUT_DOMESTIC, Reason.MOVE_OUT_ABROAD) else None
    for p in people:
        work.put(replace(p, status=REMOVED, removal_reason=reason.value, removed_on=cmd.moved_on,
                         destination_address=destination, destination_municipality_code=destination_code,
                         moved_out_on=moved_out))
        work.destination[p.atena_number] = destination_class
    for setai in {p.setai_number for p in people}:
        W.reassign_head(work, setai, remaining_head, relationships, without_head=without_head)


def move_out(work: W.Work, cmd: C.RecordMoveOut) -> Reason:
    people = [W.active(work, a, "転出") for a in dict.fromkeys(cmd.atena_numbers)]
    if not people:
        raise RegistryError("異動者を1人以上指定してください（標準仕様書 4.0.1）。", code="no_persons")
    W.not_leaving(people)
    check_move_out_dates(cmd.moved_on, cmd.notified_on, work.ledger.today)
    if not cmd.destination_address.strip():
        raise RegistryError("転出先住所（予定）を入力してください（標準仕様書 4.1.3.0.2）。",
                            code="destination_required", field="destination_address")
    if cmd.abroad:
        klass, reason = W.ABROAD, Reason.MOVE_OUT_ABROAD
    else:
        code = cmd.destination_municipality_code
        if not (code.isdigit() and len(code) in (5, 6)):
            raise RegistryError("国内転出では転出先の市区町村コード（5桁または6桁）を入力してください。",
                                code="destination_required", field="destination_municipality_code")
        klass, reason = W.area_class(code, work.ledger), Reason.MOVE_OUT_DOMESTIC
        if klass == W.CITY:
            raise RegistryError("転出先が本市内です。市内での住所の変更は転居として処理してください。",
                                code="move_out_to_city", field="destination_municipality_code")
    code = "" if cmd.abroad else cmd.destination_municipality_code  # 国外転出: no 市区町村コード
    if cmd.moved_on > work.ledger.today:
        _plan_departure(work, people, cmd, destination_code=code, destination_class=klass)
        return reason
    _remove(work, people, cmd, reason, remaining_head=cmd.remaining_head, relationships=cmd.relationships,
            without_head=cmd.without_head,
            destination=cmd.destination_address, destination_code=code, destination_class=klass)
    return reason


def _plan_departure(work: W.Work, people: list[Person], cmd: C.RecordMoveOut, *, destination_code: str,
                    destination_class: str) -> None:
    """A 転出 with a future 転出予定日 (j640): the people stay residents — in their household, with their 続柄
    (j50: 除票となるまでは現存者) — carrying the 転出予定日 and 転出先住所（予定）; the 消除 is :func:`complete_move_out`
    on that day. Whoever heads the household then must follow from the record alone: a 世帯主 leaving two or
    more members behind is refused (j490: 世帯主変更 first), and no 続柄 changes are taken now."""
    leaving = {p.atena_number for p in people}
    for setai in sorted({p.setai_number for p in people}):
        members = work.members(setai)
        staying = [m for m in members if m.atena_number not in leaving]
        if any(m.is_head for m in members if m.atena_number in leaving) and len(staying) >= 2:
            raise RegistryError(
                f"世帯主が転出予定日に世帯番号 {setai} の世帯からいなくなり、残る世帯員が2人以上です。"
                "転出予定日が処理日より後の転出は、先に世帯主変更を行ってから届け出てください（標準仕様書 4.0.4）。",
                code="head_change_first", setai_number=setai,
            )
        if cmd.remaining_head and staying and cmd.remaining_head not in {m.atena_number for m in staying}:
            raise RegistryError(f"新しい世帯主（宛名番号 {cmd.remaining_head}）はこの世帯に残る世帯員ではありません。",
                                code="head_not_member", setai_number=setai)
    if cmd.relationships:
        raise RegistryError(
            "転出予定日までは世帯員の続柄を変えません（標準仕様書 1.1.5: 除票となるまでは残存世帯員とともに続柄を管理）。"
            "続柄の変更は転出予定日の到来後に世帯主変更または修正で行ってください。",
            code="relationships_at_planned_departure", field="relationships",
        )
    for p in people:
        work.put(replace(p, removed_on=cmd.moved_on, destination_address=cmd.destination_address,
                         destination_municipality_code=destination_code))
        work.destination[p.atena_number] = destination_class


def complete_move_out(work: W.Work, cmd: C.CompleteMoveOut) -> Reason:
    """転出予定日の到来 (j50: 転出による消除は転出予定年月日で): the 転出予定者 become 除票 with the 消除事由 of
    their 転出届 (国内転出 / 国外転出); a household left with one member gets them as 世帯主 (j490)."""
    people = [W.active(work, a, "転出予定日の到来により消除") for a in dict.fromkeys(cmd.atena_numbers)]
    if not people:
        raise RegistryError("異動者を1人以上指定してください（標準仕様書 4.0.1）。", code="no_persons")
    for p in people:
        if not p.departure_pending:
            raise RegistryError(f"宛名番号 {p.atena_number} の住民には、転出予定日の到来を待つ転出届がありません。",
                                code="no_planned_departure", atena_number=p.atena_number)
        if p.removed_on != cmd.moved_on:
            assert p.removed_on is not None
            raise RegistryError(
                f"宛名番号 {p.atena_number} の転出予定日は {to_wareki(p.removed_on)} です（異動日 {to_wareki(cmd.moved_on)} と"
                "一致しません）。", code="planned_date_mismatch", atena_number=p.atena_number)
    _take_effect(work, people, cmd.moved_on)
    return Reason.MOVE_OUT_TAKES_EFFECT


def _take_effect(work: W.Work, people: list[Person], moved_out_on: dt.date) -> None:
    """The 転出予定者 become 除票 on ``moved_out_on`` (their 転出予定年月日 ``removed_on`` kept), with the 消除事由
    of their 転出届; the households they leave get a 世帯主 as j490 says, or the 消除 is refused."""
    for p in people:
        code = p.destination_municipality_code
        removal = Reason.MOVE_OUT_DOMESTIC if code else Reason.MOVE_OUT_ABROAD
        work.put(replace(p, status=REMOVED, removal_reason=removal.value, moved_out_on=moved_out_on))
        work.destination[p.atena_number] = W.area_class(code, work.ledger) if code else W.ABROAD
    for setai in sorted({p.setai_number for p in people}):
        try:
            W.reassign_head(work, setai, "", {})
        except RegistryError as exc:
            if exc.code != "no_head":
                raise
            raise RegistryError(
                f"転出（{to_wareki(moved_out_on)}）により世帯番号 {setai} の世帯は世帯主が転出し、残る世帯員が"
                "2人以上のため除票にできません。先に世帯主変更を行ってください（標準仕様書 4.0.4）。",
                code="no_head", setai_number=setai,
            ) from None


def move_in_notice_day(work: W.Work, cmd: C.ApplyMoveInNoticeDay) -> Reason:
    """j50: 「転出による消除については、転出予定年月日又は転入通知に記載された転入日のいずれか早い日で消除すること」.
    A 転出予定者 (the 転出予定日 not come) is removed now on the 転入日; a 除票 of a 国内転出 gets its 転出年月日
    corrected to it (a 修正 of its own, the earlier rows kept). The 転出予定年月日 and 転出先住所（予定）stay (j680)."""
    person = work.current(cmd.atena_number)
    if person is None:
        raise RegistryError(f"宛名番号 {cmd.atena_number} の住民は登録されていません。", code="unknown_person")
    planned = person.removed_on
    if person.departure_pending and person.destination_municipality_code:
        assert planned is not None
        _not_earlier(cmd.moved_on, planned)
        _take_effect(work, [person], cmd.moved_on)
        return Reason.MOVE_OUT_TAKES_EFFECT
    if person.status != REMOVED or person.removal_reason != Reason.MOVE_OUT_DOMESTIC.value or planned is None:
        raise RegistryError(f"宛名番号 {cmd.atena_number} の方は国内転出の記録がないため、転入通知の転入日で消除日を"
                            "定めることはできません（標準仕様書 1.1.5）。", code="not_moved_out", field="atena_number")
    _not_earlier(cmd.moved_on, person.moved_out_on or planned)
    work.put(replace(person, moved_out_on=cmd.moved_on))
    return Reason.MOVE_OUT_DAY_BY_NOTICE


def _not_earlier(notice_day: dt.date, removal_day: dt.date) -> None:
    if notice_day >= removal_day:
        raise RegistryError(f"転入通知の転入日（{to_wareki(notice_day)}）が消除日（{to_wareki(removal_day)}）より前ではないため、"
                            "消除日は変わりません（標準仕様書 1.1.5: いずれか早い日で消除）。", code="not_earlier",
                            field="moved_out_on")


def death(work: W.Work, cmd: C.RecordDeath) -> Reason:
    person = W.active(work, cmd.atena_number, "死亡の記録")
    if cmd.moved_on < person.birth_date:
        raise RegistryError("死亡日が生年月日より前です。", code="death_before_birth", field="moved_on")
    words = ""
    if cmd.moved_on_text:  # j80: held as every entry point reads it (the codec), else refused
        held = moved_on_of(cmd.moved_on, cmd.moved_on_text)
        if held != (cmd.moved_on, cmd.moved_on_text):
            raise RegistryError(f"死亡日「{cmd.moved_on_text}」は「{held[1] or to_wareki(held[0])}」と記載します。",
                                code="moved_on_text_unread", field="moved_on_text")
        words = held[1]
    _remove(work, [person], cmd, Reason.DEATH, remaining_head=cmd.remaining_head, relationships=cmd.relationships,
            without_head=cmd.without_head)
    if words:
        removed = work.current(person.atena_number)
        assert removed is not None
        work.put(replace(removed, removed_on_text=words))
    return Reason.DEATH


def ex_officio_removal(work: W.Work, cmd: C.RecordExOfficioRemoval) -> Reason:
    reason = {"": Reason.EX_OFFICIO_REMOVAL, "naturalisation": Reason.EX_OFFICIO_REMOVAL_NATURALISATION,
              "nationality_loss": Reason.EX_OFFICIO_REMOVAL_NATIONALITY_LOSS}.get(cmd.variant)
    if reason is None:
        raise RegistryError(f"職権消除の区分「{cmd.variant}」は使用できません。", code="invalid_variant")
    people = [W.active(work, a, "職権消除") for a in dict.fromkeys(cmd.atena_numbers)]
    if not people:
        raise RegistryError("異動者を1人以上指定してください（標準仕様書 4.0.1）。", code="no_persons")
    wanted = {Reason.EX_OFFICIO_REMOVAL_NATURALISATION: FOREIGN, Reason.EX_OFFICIO_REMOVAL_NATIONALITY_LOSS: JAPANESE}
    for p in people:
        if reason in wanted and p.resident_kind != wanted[reason]:
            raise RegistryError(f"{reason.label}は{'外国人住民' if wanted[reason] == FOREIGN else '日本人住民'}"
                                "についてのみ行えます（標準仕様書 1.2.2）。", code="wrong_resident_kind")
    _remove(work, people, cmd, reason, remaining_head=cmd.remaining_head, relationships=cmd.relationships,
            without_head=cmd.without_head)
    return reason
