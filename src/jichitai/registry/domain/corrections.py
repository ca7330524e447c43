"""修正 of a person's items: 職権修正・軽微な修正・誤記修正, 個人番号, 住民票コード, 旧氏, 通称 and the 本籍地's
氏名の振り仮名 notice.
"""

from __future__ import annotations

from jichitai.common.fields import juminhyo_code_problem
from jichitai.registry.domain import commands as C
from jichitai.registry.domain import furigana
from jichitai.registry.domain import work as W
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.items import field_label
from jichitai.registry.domain.person import (
    FOREIGN,
    WORDED_DATES,
    replace,
)
from jichitai.registry.domain.reasons import Reason
from jichitai.registry.domain.rules import (
    check_not_blanked,
    coerce_changes,
)
from jichitai.registry.domain.unknown_dates import birth_date_of, worded_date_of

_WORDED_BY_CORRECTION = ("became_resident_on", "address_set_on", "foreign_resident_on")

# ---- 修正: items ------------------------------------------------------------------------------------


def correct(work: W.Work, cmd: C.CorrectRecord) -> Reason:
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
    if "birth_date" in values or "birth_date_text" in values:  # a new day alone is an ordinary day (no text)
        values["birth_date"], values["birth_date_text"] = birth_date_of(
            person.resident_kind, values.get("birth_date"), values.get("birth_date_text") or "")
    for day, words in WORDED_DATES.items():  # j80: 住民となった年月日, 住所を定めた年月日, 外国人住民となった年月日
        if day in _WORDED_BY_CORRECTION and (day in values or words in values):
            values[day], values[words] = worded_date_of(values.get(day), values.get(words) or "",
                                                        label=field_label(day), field=words)
    if all(getattr(person, k) == v for k, v in values.items()):
        raise RegistryError("修正内容が現在の記載と同じです。", code="no_change")
    updated = replace(person, **values)
    check_not_blanked(person, updated)
    if "birth_date" in values and person.became_resident_on and updated.birth_date > cmd.moved_on:
        raise RegistryError("生年月日が異動日より後です。", code="birth_after_move", field="birth_date")
    work.put(updated)
    return reason


def my_number(work: W.Work, cmd: C.ChangeMyNumber) -> Reason:
    reason = {"change_request": Reason.MY_NUMBER_CHANGE_REQUEST,
              "ex_officio_correction": Reason.MY_NUMBER_EX_OFFICIO_CORRECTION,
              "ex_officio_entry": Reason.MY_NUMBER_EX_OFFICIO_ENTRY}.get(cmd.kind)
    if reason is None:
        raise RegistryError(f"個人番号の異動の区分「{cmd.kind}」は使用できません。", code="invalid_variant")
    person = W.active(work, cmd.atena_number, "個人番号を変更")
    if reason == Reason.MY_NUMBER_EX_OFFICIO_ENTRY and person.my_number:
        raise RegistryError("既に個人番号が記載されています。変更は個人番号の変更請求または職権修正で行います（標準仕様書 4.4）。",
                            code="my_number_present")
    if reason != Reason.MY_NUMBER_EX_OFFICIO_ENTRY and not person.my_number:
        raise RegistryError("個人番号が記載されていません。個人番号の職権記載で行います（標準仕様書 4.4）。",
                            code="my_number_absent")
    if person.my_number == cmd.my_number:
        raise RegistryError("新しい個人番号が現在の個人番号と同じです。", code="no_change")
    updated = replace(person, my_number=cmd.my_number)
    W.unique_numbers(work, updated, set())
    if not cmd.my_number:
        raise RegistryError("個人番号を入力してください。", code="invalid_my_number")
    work.put(updated)
    return reason


def juminhyo_code(work: W.Work, cmd: C.ChangeJuminhyoCode) -> Reason:
    reason = {"change_request": Reason.JUMINHYO_CODE_CHANGE_REQUEST,
              "ex_officio_entry": Reason.JUMINHYO_CODE_EX_OFFICIO_ENTRY}.get(cmd.kind)
    if reason is None:
        raise RegistryError(f"住民票コードの異動の区分「{cmd.kind}」は使用できません。", code="invalid_variant")
    person = W.active(work, cmd.atena_number, "住民票コードを変更")
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
    W.unique_numbers(work, updated, set())
    work.put(updated)
    return reason


def kyuuji(work: W.Work, cmd: C.RecordKyuuji) -> Reason:
    person = W.active(work, cmd.atena_number, "旧氏を記載")
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


def tsusho(work: W.Work, cmd: C.RecordTsusho) -> Reason:
    person = W.active(work, cmd.atena_number, "通称を記載")
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


def furigana_notice(work: W.Work, cmd: C.RecordFuriganaNotification) -> Reason:
    """住基法第9条第2項: the 本籍地 notifies what its 戸籍 now holds; the 住民票 follows (a new history row, the
    earlier 振り仮名 kept in the row before it)."""
    person = W.active(work, cmd.atena_number, "氏名の振り仮名を記載")
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
