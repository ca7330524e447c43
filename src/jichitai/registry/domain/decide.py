"""Deciding a 異動: a command and the current state in, the new snapshots out, or a refusal.

:func:`decide` is pure: it reads through a :class:`~jichitai.registry.domain.ledger.Ledger` and returns a
:class:`Change` (every person's snapshot before and after) without writing anything. A refusal raises
:class:`RegistryError` with the reason in Japanese, citing the item of the 住民記録システム標準仕様書.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jichitai.common.checkdigit import is_valid_my_number
from jichitai.common.fields import juminhyo_code_problem
from jichitai.registry.domain import commands as C
from jichitai.registry.domain import furigana
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.ledger import Ledger, RecordedChange, TownInfo
from jichitai.registry.domain.person import (
    ACTIVE,
    FOREIGN,
    HEAD,
    JAPANESE,
    REMOVED,
    Person,
    replace,
)
from jichitai.registry.domain.reasons import MOVE_OUTS, Group, Reason
from jichitai.registry.domain.rules import (
    check_dates,
    check_household,
    check_move_out_dates,
    check_new_person,
    check_not_blanked,
    check_standard_characters,
    coerce_changes,
)

CITY, PREFECTURE, OTHER_PREFECTURE, ABROAD = "市内", "県内", "県外", "国外"


@dataclass(frozen=True)
class Entry:
    before: Person | None
    after: Person
    origin_class: str = ""  # 市内/県内/県外/国外 for a move into this person's current address
    destination_class: str = ""  # for a move out of it


@dataclass(frozen=True)
class Change:
    """The decided 異動: what the service writes as history rows, outbox events and one audit entry."""

    command: C.Command
    reason: Reason
    moved_on: dt.date
    notified_on: dt.date | None
    entries: tuple[Entry, ...]
    cancels: str = ""
    note: str = ""
    households: tuple[str, ...] = ()  # every 世帯番号 the change touched

    @property
    def requires_approval(self) -> bool:
        """職権 changes are recorded only after 決裁 (j530)."""
        return self.reason.is_ex_officio


def area_class(code: str, ledger: Ledger) -> str:
    """市内 / 県内 / 県外 for a 全国地方公共団体コード (5 or 6 digits)."""
    if code[:5] in ledger.own_codes:
        return CITY
    if code[:2] == ledger.city_code[:2]:
        return PREFECTURE
    return OTHER_PREFECTURE


@dataclass
class _Work:
    """The people a change touches, overlaid on the ledger."""

    ledger: Ledger
    before: dict[str, Person | None] = field(default_factory=dict)
    after: dict[str, Person] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    destination: dict[str, str] = field(default_factory=dict)
    households: set[str] = field(default_factory=set)
    cancels: str = ""  # the change a 取消し cancels (j980)

    def current(self, atena: str) -> Person | None:
        if atena in self.after:
            return self.after[atena]
        return self.ledger.person(atena)

    def put(self, person: Person) -> None:
        atena = person.atena_number
        if atena not in self.before:
            self.before[atena] = self.ledger.person(atena)
            old = self.before[atena]
            if old is not None:
                self.households.add(old.setai_number)
        self.after[atena] = person
        self.households.add(person.setai_number)

    def members(self, setai: str) -> list[Person]:
        found = {p.atena_number: p for p in self.ledger.members(setai)}
        for atena, p in self.after.items():
            if p.setai_number == setai and p.is_active:
                found[atena] = p
            else:
                found.pop(atena, None)
        return sorted(found.values(), key=lambda p: (p.household_order, p.atena_number))

    def next_order(self, setai: str) -> int:
        return max((p.household_order for p in self.members(setai)), default=0) + 1


def _active(work: _Work, atena: str, action: str) -> Person:
    person = work.current(atena)
    if person is None:
        raise RegistryError(f"宛名番号 {atena} の住民は登録されていません。", code="unknown_person",
                            atena_number=atena)
    if not person.is_active:
        if person.removal_reason == Reason.DEATH:
            raise RegistryError(
                f"宛名番号 {atena} の住民は既に死亡により消除されているため、{action}できません。",
                code="already_dead" if action == "死亡の記録" else "removed", atena_number=atena,
            )
        raise RegistryError(
            f"宛名番号 {atena} の住民は既に消除されているため、{action}できません。",
            code="removed", atena_number=atena,
        )
    return person


def _town(ledger: Ledger, code: str) -> TownInfo:
    town = ledger.town(code) if code else None
    if town is None:
        raise RegistryError(
            f"町字コード「{code}」は住所辞書にありません。住所辞書に登録された町字を指定してください（標準仕様書 1.3.3）。",
            code="unknown_town", town_code=code,
        )
    return town


def _household(work: _Work, setai: str) -> list[Person]:
    members = work.members(setai)
    if not members:
        raise RegistryError(f"世帯番号 {setai} の世帯は存在しないか、世帯員がいません。", code="unknown_household",
                            setai_number=setai)
    return members


def _returning(work: _Work, holder: str, item: str) -> None:
    """4.1.1.2 (j600): 「除票データにおいて、個人番号、住民票コード…が一致する者がいた場合は、再転入者としての処理を行う
    こととし、新規入力を抑止すること」 — a new entry whose number a 除票 holds is refused, naming the 宛名番号 to use."""
    former = work.ledger.person(holder)
    if former is not None and not former.is_active:
        raise RegistryError(
            f"{item}が除票の方（宛名番号 {holder}、{former.name}）と一致します。再転入者として、その宛名番号を指定して"
            f"入力してください（従前の宛名番号を引き継ぎます。標準仕様書 4.1.1.2）。",
            code="returning_resident", field="my_number" if item == "個人番号" else "juminhyo_code",
            atena_number=holder)


def _unique_numbers(work: _Work, person: Person, seen: set[str]) -> None:
    ledger = work.ledger
    if person.my_number:
        if not is_valid_my_number(person.my_number):
            raise RegistryError("個人番号の検査用数字が正しくありません（12桁の個人番号を確認してください）。",
                                code="invalid_my_number", field="my_number")
        holder = ledger.my_number_holder(person.my_number)
        if holder and holder != person.atena_number:
            _returning(work, holder, "個人番号")
        if (holder and holder != person.atena_number) or person.my_number in seen:
            raise RegistryError(
                f"この個人番号は既に宛名番号 {holder or '（同じ届出の別の者）'} の住民に記載されています。個人番号の重複は記載できません。",
                code="duplicate_my_number", field="my_number",
            )
        seen.add(person.my_number)
    if person.juminhyo_code:
        problem = juminhyo_code_problem(person.juminhyo_code)
        if problem:
            raise RegistryError(problem, code="invalid_juminhyo_code", field="juminhyo_code")
        holder = ledger.juminhyo_code_holder(person.juminhyo_code)
        if holder and holder != person.atena_number:
            _returning(work, holder, "住民票コード")
        if holder and holder != person.atena_number:
            raise RegistryError(f"この住民票コードは既に宛名番号 {holder} の住民に記載されています。",
                                code="duplicate_juminhyo_code", field="juminhyo_code")


def _apply_relationships(work: _Work, members: Iterable[Person], relationships: Mapping[str, str]) -> None:
    for m in members:
        if m.atena_number in relationships and relationships[m.atena_number] != m.relationship:
            work.put(replace(m, relationship=relationships[m.atena_number]))


def _reassign_head(work: _Work, setai: str, remaining_head: str, relationships: Mapping[str, str]) -> None:
    """After members left ``setai``: if its 世帯主 left, name the new one (j490, j730)."""
    members = work.members(setai)
    if not members or any(m.is_head for m in members):
        _apply_relationships(work, members, relationships)
        return
    if not remaining_head and len(members) == 1:
        remaining_head = members[0].atena_number  # j490: the one remaining member becomes 世帯主 (職権)
    if not remaining_head:
        raise RegistryError(
            f"世帯番号 {setai} の世帯に世帯主がいなくなります。残る世帯員が2人以上のため、新しい世帯主を指定してください"
            "（標準仕様書 4.0.4）。",
            code="no_head", setai_number=setai,
        )
    ids = {m.atena_number for m in members}
    if remaining_head not in ids:
        raise RegistryError(f"新しい世帯主（宛名番号 {remaining_head}）はこの世帯に残る世帯員ではありません。",
                            code="head_not_member", setai_number=setai)
    _set_head(work, members, remaining_head, relationships)


def _set_head(work: _Work, members: list[Person], head: str, relationships: Mapping[str, str]) -> None:
    for m in members:
        if m.atena_number == head:
            work.put(replace(m, relationship=HEAD))
        elif m.atena_number in relationships:
            work.put(replace(m, relationship=relationships[m.atena_number]))
        else:
            raise RegistryError(
                f"世帯主の変更に伴い、世帯員（宛名番号 {m.atena_number}）の新しい続柄を指定してください（標準仕様書 4.1.4.2）。",
                code="relationship_required", atena_number=m.atena_number,
            )


def _group(work: _Work, atenas: Iterable[str], action: str) -> list[Person]:
    atenas = list(dict.fromkeys(atenas))
    if not atenas:
        raise RegistryError("異動者を1人以上指定してください（標準仕様書 4.0.1）。", code="no_persons")
    people = [_active(work, a, action) for a in atenas]
    if len({p.setai_number for p in people}) != 1:
        raise RegistryError(f"{action}する住民は同じ世帯の世帯員である必要があります。", code="mixed_households")
    return people


def _address(person: Person) -> tuple[str, str, str]:
    return (person.town_code, person.banchi, person.katagaki)


# ---- 記載 ---------------------------------------------------------------------------------------------


def _enter(work: _Work, cmd: C.Command, persons: tuple[C.NewPerson, ...], *, setai: str, town: TownInfo,
           banchi: str, katagaki: str, previous_address: str, previous_code: str, origin: str) -> None:
    ledger = work.ledger
    if not persons:
        raise RegistryError("異動者を1人以上指定してください（標準仕様書 4.0.1）。", code="no_persons")
    if setai:
        members = _household(work, setai)
        if _address(members[0]) != (town.code, banchi, katagaki):
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
            name=new.name, kana=new.kana, birth_date=new.birth_date, sex=new.sex, relationship=new.relationship,
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
        _unique_numbers(work, person, seen)
        work.put(person)
        work.origin[atena] = origin


def _move_in(work: _Work, cmd: C.RecordMoveIn) -> Reason:
    town = _town(work.ledger, cmd.town_code)
    if cmd.from_abroad:
        origin, code = ABROAD, ""
    else:
        code = cmd.previous_municipality_code
        if not (code.isdigit() and len(code) in (5, 6)):
            raise RegistryError("国内転入では転入前住所の市区町村コード（5桁または6桁）を入力してください（標準仕様書 4.1.1.1）。",
                                code="previous_address_required", field="previous_municipality_code")
        origin = area_class(code, work.ledger)
        if origin == CITY:
            raise RegistryError("転入前住所が本市内です。市内での住所の変更は転居として処理してください。",
                                code="move_in_from_city", field="previous_municipality_code")
    if not cmd.previous_address.strip():
        raise RegistryError("転入前住所を入力してください（国外からの転入は国名等）。", code="previous_address_required",
                            field="previous_address")
    reason = Reason.MOVE_IN_ABROAD if cmd.from_abroad else Reason.MOVE_IN_DOMESTIC
    _enter(work, cmd, cmd.persons, setai=cmd.setai_number, town=town, banchi=cmd.banchi, katagaki=cmd.katagaki,
           previous_address=cmd.previous_address, previous_code=code, origin=origin)
    return reason


def _birth(work: _Work, cmd: C.RecordBirth) -> Reason:
    child = cmd.child
    if child is None:
        raise RegistryError("出生子の情報を入力してください。", code="no_persons")
    if child.birth_date != cmd.moved_on:
        raise RegistryError("出生の異動日は出生子の生年月日と同じ日でなければなりません。", code="birth_date_mismatch",
                            field="moved_on")
    if not cmd.setai_number:
        raise RegistryError("出生子が入る世帯の世帯番号を指定してください。", code="household_required")
    members = _household(work, cmd.setai_number)
    town = _town(work.ledger, members[0].town_code)
    _enter(work, cmd, (child,), setai=cmd.setai_number, town=town, banchi=members[0].banchi,
           katagaki=members[0].katagaki, previous_address="", previous_code="", origin="")
    return Reason.BIRTH


def _ex_officio_entry(work: _Work, cmd: C.RecordExOfficioEntry) -> Reason:
    reason = {"": Reason.EX_OFFICIO_ENTRY, "naturalisation": Reason.EX_OFFICIO_ENTRY_NATURALISATION,
              "nationality_loss": Reason.EX_OFFICIO_ENTRY_NATIONALITY_LOSS}.get(cmd.variant)
    if reason is None:
        raise RegistryError(f"職権記載の区分「{cmd.variant}」は使用できません。", code="invalid_variant")
    wanted = {Reason.EX_OFFICIO_ENTRY_NATURALISATION: JAPANESE, Reason.EX_OFFICIO_ENTRY_NATIONALITY_LOSS: FOREIGN}
    for p in cmd.persons:
        if reason in wanted and p.resident_kind != wanted[reason]:
            raise RegistryError(f"{reason.label}は{'日本人住民' if wanted[reason] == JAPANESE else '外国人住民'}"
                                "についてのみ記載できます（標準仕様書 1.2.2）。", code="wrong_resident_kind")
    town = _town(work.ledger, cmd.town_code)
    code = cmd.previous_municipality_code
    _enter(work, cmd, cmd.persons, setai=cmd.setai_number, town=town, banchi=cmd.banchi, katagaki=cmd.katagaki,
           previous_address=cmd.previous_address, previous_code=code,
           origin=area_class(code, work.ledger) if code else "")
    return reason


# ---- 消除 ---------------------------------------------------------------------------------------------


def _remove(work: _Work, people: list[Person], cmd: C.Command, reason: Reason, *, remaining_head: str,
            relationships: Mapping[str, str], destination: str = "", destination_code: str = "",
            destination_class: str = "") -> None:
    for p in people:
        work.put(replace(p, status=REMOVED, removal_reason=reason.value, removed_on=cmd.moved_on,
                         destination_address=destination, destination_municipality_code=destination_code))
        work.destination[p.atena_number] = destination_class
    for setai in {p.setai_number for p in people}:
        _reassign_head(work, setai, remaining_head, relationships)


def _move_out(work: _Work, cmd: C.RecordMoveOut) -> Reason:
    people = [_active(work, a, "転出") for a in dict.fromkeys(cmd.atena_numbers)]
    if not people:
        raise RegistryError("異動者を1人以上指定してください（標準仕様書 4.0.1）。", code="no_persons")
    _not_leaving(people)
    check_move_out_dates(cmd.moved_on, cmd.notified_on, work.ledger.today)
    if not cmd.destination_address.strip():
        raise RegistryError("転出先住所（予定）を入力してください（標準仕様書 4.1.3.0.2）。",
                            code="destination_required", field="destination_address")
    if cmd.abroad:
        klass, reason = ABROAD, Reason.MOVE_OUT_ABROAD
    else:
        code = cmd.destination_municipality_code
        if not (code.isdigit() and len(code) in (5, 6)):
            raise RegistryError("国内転出では転出先の市区町村コード（5桁または6桁）を入力してください。",
                                code="destination_required", field="destination_municipality_code")
        klass, reason = area_class(code, work.ledger), Reason.MOVE_OUT_DOMESTIC
        if klass == CITY:
            raise RegistryError("転出先が本市内です。市内での住所の変更は転居として処理してください。",
                                code="move_out_to_city", field="destination_municipality_code")
    code = "" if cmd.abroad else cmd.destination_municipality_code  # 国外転出: no 市区町村コード
    if cmd.moved_on > work.ledger.today:
        _plan_departure(work, people, cmd, destination_code=code, destination_class=klass)
        return reason
    _remove(work, people, cmd, reason, remaining_head=cmd.remaining_head, relationships=cmd.relationships,
            destination=cmd.destination_address, destination_code=code, destination_class=klass)
    return reason


def _not_leaving(people: Iterable[Person]) -> None:
    """A 転出予定者 has a 転出届 on record: another 転出 or a 転居 contradicts it until it is cancelled."""
    for p in people:
        if p.departure_pending:
            assert p.removed_on is not None
            raise RegistryError(
                f"宛名番号 {p.atena_number} の住民には転出届（転出予定日 {p.removed_on.isoformat()}）が記録されています。"
                "転出予定日・転出先を改める場合や市内に住所を移す場合は、先にその転出を取り消してください（標準仕様書 4.6）。",
                code="departure_pending", atena_number=p.atena_number,
            )


def _plan_departure(work: _Work, people: list[Person], cmd: C.RecordMoveOut, *, destination_code: str,
                    destination_class: str) -> None:
    """A 転出 with a future 転出予定日 (j640): the people stay residents — in their household, with their 続柄
    (j50: 除票となるまでは現存者) — carrying the 転出予定日 and 転出先住所（予定）; the 消除 is :func:`_complete_move_out`
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


def _complete_move_out(work: _Work, cmd: C.CompleteMoveOut) -> Reason:
    """転出予定日の到来 (j50: 転出による消除は転出予定年月日で): the 転出予定者 become 除票 with the 消除事由 of
    their 転出届 (国内転出 / 国外転出); a household left with one member gets them as 世帯主 (j490)."""
    people = [_active(work, a, "転出予定日の到来により消除") for a in dict.fromkeys(cmd.atena_numbers)]
    if not people:
        raise RegistryError("異動者を1人以上指定してください（標準仕様書 4.0.1）。", code="no_persons")
    for p in people:
        if not p.departure_pending:
            raise RegistryError(f"宛名番号 {p.atena_number} の住民には、転出予定日の到来を待つ転出届がありません。",
                                code="no_planned_departure", atena_number=p.atena_number)
        if p.removed_on != cmd.moved_on:
            assert p.removed_on is not None
            raise RegistryError(
                f"宛名番号 {p.atena_number} の転出予定日は {p.removed_on.isoformat()} です（異動日 {cmd.moved_on.isoformat()} と"
                "一致しません）。", code="planned_date_mismatch", atena_number=p.atena_number)
    for p in people:
        code = p.destination_municipality_code
        removal = Reason.MOVE_OUT_DOMESTIC if code else Reason.MOVE_OUT_ABROAD
        work.put(replace(p, status=REMOVED, removal_reason=removal.value))
        work.destination[p.atena_number] = area_class(code, work.ledger) if code else ABROAD
    for setai in sorted({p.setai_number for p in people}):
        try:
            _reassign_head(work, setai, "", {})
        except RegistryError as exc:
            if exc.code != "no_head":
                raise
            raise RegistryError(
                f"転出予定日（{cmd.moved_on.isoformat()}）が到来しましたが、世帯番号 {setai} の世帯は世帯主が転出し、残る世帯員が"
                "2人以上のため除票にできません。先に世帯主変更を行ってください（標準仕様書 4.0.4）。",
                code="no_head", setai_number=setai,
            ) from None
    return Reason.MOVE_OUT_TAKES_EFFECT


def _death(work: _Work, cmd: C.RecordDeath) -> Reason:
    person = _active(work, cmd.atena_number, "死亡の記録")
    if cmd.moved_on < person.birth_date:
        raise RegistryError("死亡日が生年月日より前です。", code="death_before_birth", field="moved_on")
    _remove(work, [person], cmd, Reason.DEATH, remaining_head=cmd.remaining_head, relationships=cmd.relationships)
    return Reason.DEATH


def _ex_officio_removal(work: _Work, cmd: C.RecordExOfficioRemoval) -> Reason:
    reason = {"": Reason.EX_OFFICIO_REMOVAL, "naturalisation": Reason.EX_OFFICIO_REMOVAL_NATURALISATION,
              "nationality_loss": Reason.EX_OFFICIO_REMOVAL_NATIONALITY_LOSS}.get(cmd.variant)
    if reason is None:
        raise RegistryError(f"職権消除の区分「{cmd.variant}」は使用できません。", code="invalid_variant")
    people = [_active(work, a, "職権消除") for a in dict.fromkeys(cmd.atena_numbers)]
    if not people:
        raise RegistryError("異動者を1人以上指定してください（標準仕様書 4.0.1）。", code="no_persons")
    wanted = {Reason.EX_OFFICIO_REMOVAL_NATURALISATION: FOREIGN, Reason.EX_OFFICIO_REMOVAL_NATIONALITY_LOSS: JAPANESE}
    for p in people:
        if reason in wanted and p.resident_kind != wanted[reason]:
            raise RegistryError(f"{reason.label}は{'外国人住民' if wanted[reason] == FOREIGN else '日本人住民'}"
                                "についてのみ行えます（標準仕様書 1.2.2）。", code="wrong_resident_kind")
    _remove(work, people, cmd, reason, remaining_head=cmd.remaining_head, relationships=cmd.relationships)
    return reason


# ---- 修正: 転居 and household changes ---------------------------------------------------------------


def _join(work: _Work, people: list[Person], into: str, relationships: Mapping[str, str],
          **changes: Any) -> None:
    for p in people:
        rel = relationships.get(p.atena_number)
        if rel is None:
            raise RegistryError(f"世帯員（宛名番号 {p.atena_number}）の異動先世帯での続柄を指定してください。",
                                code="relationship_required", atena_number=p.atena_number)
        work.put(replace(p, setai_number=into, relationship=rel, household_order=work.next_order(into), **changes))


def _new_household(work: _Work, people: list[Person], setai: str, new_head: str,
                   relationships: Mapping[str, str], **changes: Any) -> None:
    ids = [p.atena_number for p in people]
    if not new_head and len(people) == 1:
        new_head = ids[0]
    if new_head not in ids:
        raise RegistryError("新しい世帯の世帯主を異動者の中から指定してください。", code="head_required", field="new_head")
    ordered = sorted(people, key=lambda p: p.atena_number != new_head)
    for order, p in enumerate(ordered, start=1):
        rel = HEAD if p.atena_number == new_head else relationships.get(p.atena_number)
        if rel is None:
            raise RegistryError(f"世帯員（宛名番号 {p.atena_number}）の新しい世帯での続柄を指定してください（標準仕様書 4.1.4.2）。",
                                code="relationship_required", atena_number=p.atena_number)
        work.put(replace(p, setai_number=setai, relationship=rel, household_order=order, **changes))


def _move_within(work: _Work, cmd: C.RecordMoveWithin) -> Reason:
    people = _group(work, cmd.atena_numbers, "転居")
    _not_leaving(people)
    town = _town(work.ledger, cmd.town_code)
    old_setai = people[0].setai_number
    destination = (town.code, cmd.banchi, cmd.katagaki)
    if _address(people[0]) == destination:
        raise RegistryError("転居先の住所が現在の住所と同じです（同一住所への転居は行えません）。", code="same_address")
    changes: dict[str, Any] = dict(town_code=town.code, ward_code=town.ward_code, banchi=cmd.banchi,
                                   katagaki=cmd.katagaki,
                   postcode=town.postcode, address_set_on=cmd.moved_on, notified_on=cmd.notified_on)
    members = work.members(old_setai)
    whole = {p.atena_number for p in people} == {m.atena_number for m in members}
    if cmd.setai_number:
        target = _household(work, cmd.setai_number)
        if _address(target[0]) != destination:
            raise RegistryError(f"転居先の世帯（世帯番号 {cmd.setai_number}）の住所と転居先住所が一致しません。",
                                code="address_mismatch")
        _join(work, people, cmd.setai_number, cmd.relationships, **changes)
    elif whole:
        # j130: between wards of a 指定都市 the household takes a new 世帯番号; 宛名番号 are kept.
        setai = work.ledger.new_setai_number() if town.ward_code != people[0].ward_code else old_setai
        for p in people:
            work.put(replace(p, setai_number=setai, relationship=cmd.relationships.get(p.atena_number,
                                                                                      p.relationship), **changes))
    else:
        _new_household(work, people, work.ledger.new_setai_number(), cmd.new_head, cmd.relationships, **changes)
    for p in people:
        work.origin[p.atena_number] = CITY
    _reassign_head(work, old_setai, cmd.remaining_head, cmd.relationships)
    return Reason.MOVE_WITHIN


def _split(work: _Work, cmd: C.SplitHousehold) -> Reason:
    people = _group(work, cmd.atena_numbers, "世帯分離")
    setai = people[0].setai_number
    if len(people) == len(work.members(setai)):
        raise RegistryError("世帯員全員を分離することはできません。", code="split_all")
    _new_household(work, people, work.ledger.new_setai_number(), cmd.new_head, cmd.relationships)
    _reassign_head(work, setai, cmd.remaining_head, cmd.relationships)
    return Reason.HOUSEHOLD_SPLIT


def _same_address(a: list[Person], b: list[Person], label: str) -> None:
    if _address(a[0]) != _address(b[0]):
        raise RegistryError(f"{label}は同一住所の世帯の間でのみ行えます（住所の異動を伴う場合は転居として処理します。標準仕様書 4.1.4.1）。",
                            code="address_mismatch")


def _merge(work: _Work, cmd: C.MergeHousehold) -> Reason:
    if cmd.setai_number == cmd.into_setai_number:
        raise RegistryError("同じ世帯どうしは合併できません。", code="same_household")
    source = _household(work, cmd.setai_number)
    target = _household(work, cmd.into_setai_number)
    _same_address(source, target, "世帯合併")
    _join(work, source, cmd.into_setai_number, cmd.relationships)
    return Reason.HOUSEHOLD_MERGE


def _change_household(work: _Work, cmd: C.ChangeHousehold) -> Reason:
    people = _group(work, cmd.atena_numbers, "世帯変更")
    setai = people[0].setai_number
    if setai == cmd.into_setai_number:
        raise RegistryError("異動先の世帯が現在の世帯と同じです。", code="same_household")
    target = _household(work, cmd.into_setai_number)
    _same_address(people, target, "世帯変更")
    _join(work, people, cmd.into_setai_number, cmd.relationships)
    _reassign_head(work, setai, cmd.remaining_head, cmd.relationships)
    return Reason.HOUSEHOLD_CHANGE


def _head_change(work: _Work, cmd: C.ChangeHouseholdHead) -> Reason:
    members = _household(work, cmd.setai_number)
    current = next((m for m in members if m.is_head), None)
    if cmd.new_head not in {m.atena_number for m in members}:
        raise RegistryError(f"新しい世帯主（宛名番号 {cmd.new_head}）はこの世帯の世帯員ではありません。",
                            code="head_not_member")
    if current is not None and current.atena_number == cmd.new_head:
        raise RegistryError("指定された者は既に世帯主です。", code="already_head")
    _set_head(work, members, cmd.new_head, cmd.relationships)
    return Reason.HEAD_CHANGE


# ---- 修正: items ------------------------------------------------------------------------------------


def _correct(work: _Work, cmd: C.CorrectRecord) -> Reason:
    reason = {"ex_officio": Reason.EX_OFFICIO_CORRECTION, "minor": Reason.MINOR_CORRECTION,
              "clerical": Reason.CLERICAL_CORRECTION}.get(cmd.kind)
    if reason is None:
        raise RegistryError(f"修正の区分「{cmd.kind}」は使用できません。", code="invalid_variant")
    person = work.current(cmd.atena_number)
    if person is None:
        raise RegistryError(f"宛名番号 {cmd.atena_number} の住民は登録されていません。", code="unknown_person")
    if not person.is_active and reason != Reason.CLERICAL_CORRECTION:
        raise RegistryError(f"宛名番号 {cmd.atena_number} の住民は既に消除されています。除票の記載の誤りは誤記修正で行います。",
                            code="removed")
    values = coerce_changes(cmd.changes, minor_only=reason == Reason.MINOR_CORRECTION)
    if all(getattr(person, k) == v for k, v in values.items()):
        raise RegistryError("修正内容が現在の記載と同じです。", code="no_change")
    updated = replace(person, **values)
    check_not_blanked(person, updated)
    if "birth_date" in values and person.became_resident_on and updated.birth_date > cmd.moved_on:
        raise RegistryError("生年月日が異動日より後です。", code="birth_after_move", field="birth_date")
    work.put(updated)
    return reason


def _my_number(work: _Work, cmd: C.ChangeMyNumber) -> Reason:
    reason = {"change_request": Reason.MY_NUMBER_CHANGE_REQUEST,
              "ex_officio_correction": Reason.MY_NUMBER_EX_OFFICIO_CORRECTION,
              "ex_officio_entry": Reason.MY_NUMBER_EX_OFFICIO_ENTRY}.get(cmd.kind)
    if reason is None:
        raise RegistryError(f"個人番号の異動の区分「{cmd.kind}」は使用できません。", code="invalid_variant")
    person = _active(work, cmd.atena_number, "個人番号を変更")
    if reason == Reason.MY_NUMBER_EX_OFFICIO_ENTRY and person.my_number:
        raise RegistryError("既に個人番号が記載されています。変更は個人番号の変更請求または職権修正で行います（標準仕様書 4.4）。",
                            code="my_number_present")
    if reason != Reason.MY_NUMBER_EX_OFFICIO_ENTRY and not person.my_number:
        raise RegistryError("個人番号が記載されていません。個人番号の職権記載で行います（標準仕様書 4.4）。",
                            code="my_number_absent")
    if person.my_number == cmd.my_number:
        raise RegistryError("新しい個人番号が現在の個人番号と同じです。", code="no_change")
    updated = replace(person, my_number=cmd.my_number)
    _unique_numbers(work, updated, set())
    if not cmd.my_number:
        raise RegistryError("個人番号を入力してください。", code="invalid_my_number")
    work.put(updated)
    return reason


def _juminhyo_code(work: _Work, cmd: C.ChangeJuminhyoCode) -> Reason:
    reason = {"change_request": Reason.JUMINHYO_CODE_CHANGE_REQUEST,
              "ex_officio_entry": Reason.JUMINHYO_CODE_EX_OFFICIO_ENTRY}.get(cmd.kind)
    if reason is None:
        raise RegistryError(f"住民票コードの異動の区分「{cmd.kind}」は使用できません。", code="invalid_variant")
    person = _active(work, cmd.atena_number, "住民票コードを変更")
    code = cmd.juminhyo_code
    problem = juminhyo_code_problem(code) if code else "住民票コードは11桁の数字です。"
    if problem:
        raise RegistryError(problem, code="invalid_juminhyo_code", field="juminhyo_code")
    if reason == Reason.JUMINHYO_CODE_EX_OFFICIO_ENTRY and person.juminhyo_code:
        raise RegistryError("既に住民票コードが記載されています。変更は住民票コードの変更請求で行います（標準仕様書 4.3.2）。",
                            code="juminhyo_code_present")
    if person.juminhyo_code == code:
        raise RegistryError("新しい住民票コードが現在の住民票コードと同じです。", code="no_change")
    updated = replace(person, juminhyo_code=code)
    _unique_numbers(work, updated, set())
    work.put(updated)
    return reason


def _kyuuji(work: _Work, cmd: C.RecordKyuuji) -> Reason:
    person = _active(work, cmd.atena_number, "旧氏を記載")
    if cmd.action == "entry":
        if person.kyuuji:
            raise RegistryError("既に旧氏が記載されています。旧氏の変更で行います（標準仕様書 1.1.7）。", code="kyuuji_present")
        reason = Reason.KYUUJI_ENTRY
    elif cmd.action == "change":
        if not person.kyuuji:
            raise RegistryError("旧氏が記載されていないため変更できません。", code="kyuuji_absent")
        reason = Reason.KYUUJI_CHANGE
    elif cmd.action == "deletion":
        if not person.kyuuji:
            raise RegistryError("旧氏が記載されていないため削除できません。", code="kyuuji_absent")
        work.put(replace(person, kyuuji="", kyuuji_kana=""))
        return Reason.KYUUJI_DELETION
    else:
        raise RegistryError(f"旧氏の異動の区分「{cmd.action}」は使用できません。", code="invalid_variant")
    if not cmd.kyuuji.strip():
        raise RegistryError("旧氏を入力してください。", code="kyuuji_required", field="kyuuji")
    if cmd.kyuuji == person.kyuuji:
        raise RegistryError("新しい旧氏が現在の旧氏と同じです。", code="no_change")
    work.put(replace(person, kyuuji=cmd.kyuuji, kyuuji_kana=cmd.kyuuji_kana))
    return reason


def _tsusho(work: _Work, cmd: C.RecordTsusho) -> Reason:
    person = _active(work, cmd.atena_number, "通称を記載")
    if person.resident_kind != FOREIGN:
        raise RegistryError("通称は外国人住民についてのみ記載できます（標準仕様書 1.1.7）。", code="wrong_resident_kind")
    if cmd.action == "entry":
        if person.tsusho:
            raise RegistryError("既に通称が記載されています。通称の削除の後に記載してください。", code="tsusho_present")
        if not cmd.tsusho.strip():
            raise RegistryError("通称を入力してください。", code="tsusho_required", field="tsusho")
        work.put(replace(person, tsusho=cmd.tsusho, tsusho_kana=cmd.tsusho_kana))
        return Reason.TSUSHO_ENTRY
    if cmd.action == "deletion":
        if not person.tsusho:
            raise RegistryError("通称が記載されていないため削除できません。", code="tsusho_absent")
        work.put(replace(person, tsusho="", tsusho_kana=""))
        return Reason.TSUSHO_DELETION
    raise RegistryError(f"通称の異動の区分「{cmd.action}」は使用できません。", code="invalid_variant")


def _furigana(work: _Work, cmd: C.RecordFuriganaNotification) -> Reason:
    """住基法第9条第2項: the 本籍地 notifies what its 戸籍 now holds; the 住民票 follows (a new history row, the
    earlier 振り仮名 kept in the row before it)."""
    person = _active(work, cmd.atena_number, "氏名の振り仮名を記載")
    if person.resident_kind == FOREIGN:
        raise RegistryError("外国人住民の住民票には氏名の振り仮名を記載しません（戸籍がないため、本籍地からの通知もありません）。",
                            code="wrong_resident_kind")
    values = {}
    for item, raw in ((furigana.SHI, cmd.furigana_shi), (furigana.MEI, cmd.furigana_mei)):
        text = furigana.normalise(raw)
        problem = furigana.problem(item, text) if text else None
        if problem:
            raise RegistryError(problem, code="invalid_furigana", field=item)
        if text:
            values[item] = text
    if not values:
        raise RegistryError("氏の振り仮名または名の振り仮名を入力してください。", code="furigana_required",
                            field=furigana.SHI)
    if all(getattr(person, k) == v for k, v in values.items()):
        raise RegistryError("通知された振り仮名は現在の記載と同じです。", code="no_change", field=furigana.SHI)
    had = person.furigana_shi or person.furigana_mei
    work.put(replace(person, **values))
    return Reason.FURIGANA_CHANGE if had else Reason.FURIGANA_ENTRY


# ---- 異動の取消し ------------------------------------------------------------------------------------


CANCEL_REASONS = frozenset({Reason.CANCEL_INCREASE, Reason.CANCEL_DECREASE, Reason.CANCEL_CORRECTION})


def _cancel(work: _Work, cmd: C.CancelChange) -> Reason:
    ledger = work.ledger
    recorded = ledger.change(cmd.change_id) if cmd.change_id else None
    if recorded is None:
        raise RegistryError("取り消す異動が異動履歴に見つかりません。", code="unknown_change", change_id=cmd.change_id)
    if recorded.cancelled:
        raise RegistryError("この異動は既に取り消されています（同じ異動を二度取り消すことはできません）。",
                            code="already_cancelled", change_id=cmd.change_id)
    if recorded.reason in CANCEL_REASONS:
        raise RegistryError("異動の取消しそのものは取り消せません。必要な異動をあらためて処理してください。",
                            code="cancel_of_cancel", change_id=cmd.change_id)
    recorded = _taken_effect(ledger, recorded)
    for _before, after in recorded.entries:
        latest = ledger.latest_change_id(after.atena_number)
        if latest != recorded.change_id:
            raise RegistryError(
                f"宛名番号 {after.atena_number} の住民にはこの異動より後の異動があるため取り消せません。後の異動から順に取り消してください（標準仕様書 4.6）。",
                code="later_change_exists", atena_number=after.atena_number,
            )
    group = recorded.reason.group
    reason = {Group.ENTRY: Reason.CANCEL_DECREASE, Group.REMOVAL: Reason.CANCEL_INCREASE,
              Group.CORRECTION: Reason.CANCEL_CORRECTION}[group]
    seen: set[str] = set()
    for before, after in recorded.entries:
        if before is None:  # the change created this person: 取消し(減) leaves a 除票
            restored = replace(after, status=REMOVED, removal_reason=reason.value, removed_on=recorded.moved_on)
        else:
            restored = before
            if recorded.reason == Reason.MOVE_OUT_TAKES_EFFECT and restored.departure_pending:
                # the 転出 is cancelled with its 消除: back to before the 転出届 (j980)
                restored = replace(restored, removed_on=None, destination_address="", destination_municipality_code="")
            if restored.is_active:
                _unique_numbers(work, restored, seen)
        work.put(restored)
    work.cancels = recorded.change_id
    return reason


def _taken_effect(ledger: Ledger, recorded: RecordedChange) -> RecordedChange:
    """The 取消し of a 転出 whose 転出予定日 has come (j980: 転出予定年月日の到来後の転出 also) cancels its 消除
    (:class:`~jichitai.registry.domain.commands.CompleteMoveOut`), which returns everyone to before the 転出届."""
    if recorded.reason not in MOVE_OUTS:
        return recorded
    later = {ledger.latest_change_id(after.atena_number) for _before, after in recorded.entries}
    later.discard(recorded.change_id)
    if len(later) != 1:
        return recorded
    effect = ledger.change(later.pop() or "")
    if effect is None or effect.reason != Reason.MOVE_OUT_TAKES_EFFECT or effect.cancelled:
        return recorded
    return effect


HANDLERS: dict[type[C.Command], Callable[[_Work, Any], Reason]] = {
    C.RecordMoveIn: _move_in, C.RecordBirth: _birth, C.RecordExOfficioEntry: _ex_officio_entry,
    C.RecordMoveOut: _move_out, C.CompleteMoveOut: _complete_move_out, C.RecordDeath: _death, C.RecordExOfficioRemoval: _ex_officio_removal,
    C.RecordMoveWithin: _move_within, C.SplitHousehold: _split, C.MergeHousehold: _merge,
    C.ChangeHousehold: _change_household, C.ChangeHouseholdHead: _head_change, C.CorrectRecord: _correct,
    C.ChangeMyNumber: _my_number, C.ChangeJuminhyoCode: _juminhyo_code, C.RecordKyuuji: _kyuuji,
    C.RecordTsusho: _tsusho, C.RecordFuriganaNotification: _furigana, C.CancelChange: _cancel,
}


def decide(command: C.Command, ledger: Ledger) -> Change:
    """The new snapshots for ``command``, or :class:`RegistryError`. Reads only; writes nothing."""
    handler = HANDLERS.get(type(command))
    if handler is None:
        raise RegistryError(f"異動の種類「{type(command).__name__}」は扱えません。", code="unknown_command")
    check_dates(command, ledger.today, future_allowed=isinstance(command, C.RecordMoveOut))
    check_standard_characters({f.name: getattr(command, f.name) for f in dataclasses.fields(command)})
    work = _Work(ledger)
    reason = handler(work, command)
    for setai in sorted(work.households):
        check_household(setai, work.members(setai))
    entries = tuple(
        Entry(work.before[a], p, work.origin.get(a, ""), work.destination.get(a, ""))
        for a, p in work.after.items()
        if work.before[a] != p
    )
    if not entries:
        raise RegistryError("この異動で変わる記載がありません。", code="no_change")
    return Change(command=command, reason=reason, moved_on=command.moved_on, notified_on=command.notified_on,
                  entries=entries, cancels=work.cancels,
                  note=command.note, households=tuple(sorted(work.households)))
