"""The standard's checks that do not depend on the command: dates, a household's shape, a new person's items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from jichitai.common.moji import moji_problem
from jichitai.common.text import is_katakana_reading
from jichitai.common.wareki import to_wareki
from jichitai.registry.domain import periods
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.items import ITEMS, field_label
from jichitai.registry.domain.person import (
    CORRECTABLE,
    DATE_FIELDS,
    FEMALE,
    FOREIGN,
    JAPANESE,
    MALE,
    MINOR,
    SPOUSES,
    Person,
    is_relationship,
    relationship_generation,
    relationship_sex,
)
from jichitai.registry.domain.unknown_dates import birth_date_of

MOJI_ITEMS = tuple(k for k, item in ITEMS.items() if item.kind == "moji")


def check_dates(command: Any, today: dt.date, *, future_allowed: bool) -> None:
    """j480 (4.0.3): 異動日 only up to the processing day, except 転出 (転出予定日); 届出日 not in the future."""
    moved_on = command.moved_on
    if not isinstance(moved_on, dt.date):
        raise RegistryError("異動日を入力してください（標準仕様書 4.0.3）。", code="moved_on_required", field="moved_on")
    if moved_on > today and not future_allowed:
        raise RegistryError(
            f"異動日（{to_wareki(moved_on)}）が処理日（{to_wareki(today)}）より後です。転出以外は処理日以前の日付のみ入力できます（標準仕様書 4.0.3）。",
            code="future_move", field="moved_on",
        )
    notified = command.notified_on
    if notified is not None and notified > today:
        raise RegistryError(f"届出日（{to_wareki(notified)}）が処理日より後です。", code="future_notice",
                            field="notified_on")


def check_move_out_dates(moved_on: dt.date, notified_on: dt.date | None, today: dt.date) -> None:
    """転出の異動日 (転出予定日) against its 届出日 (the processing day when no 届出日 is given):

    - j640 (4.1.3.0.1): a 転出届 whose 届出日 is more than ``move_out_late_days`` after the 転出 is not a
      届出: it is recorded 職権 (職権消除). Without a 届出日 this is not checked;
    - 住民基本台帳法第24条 (「あらかじめ」届け出る): a 転出予定日 more than ``move_out_advance_days`` after the 届出日
      is outside the period the city accepts a 転出届 for (periods.yaml gives the city's published rule)."""
    late = periods.days("move_out_late_days", today)
    if notified_on is not None and (notified_on - moved_on).days > late:
        raise RegistryError(
            f"転出の届出日（{to_wareki(notified_on)}）が転出日（{to_wareki(moved_on)}）から{late}日を経過しています。"
            f"この転出は届出ではなく、職権消除として記載してください（標準仕様書 4.1.3.0.1）。",
            code="late_move_out", field="notified_on",
        )
    notified = notified_on or today
    advance = periods.days("move_out_advance_days", today)
    if (moved_on - notified).days > advance:
        raise RegistryError(
            f"転出予定日（{to_wareki(moved_on)}）が届出日（{to_wareki(notified)}）から{advance}日より先です。"
            f"転出届は転出予定日の{advance}日前から受け付けます（住民基本台帳法第24条、本市の受付期間）。",
            code="planned_too_far", field="moved_on",
        )


def check_standard_characters(values: Mapping[str, Any]) -> None:
    """文字要件 (標準仕様書 1.4; 行政事務標準文字, no 外字): every name and address item (domain.items kind "moji")
    holds only characters of the set, each with its variation selector; the refusal names the item and the
    character. The codec checks the same on entry; this keeps a command built in code to the same rule."""
    for key, value in values.items():
        item = ITEMS.get(key)
        if item is not None and item.kind == "moji" and isinstance(value, str) and value:
            problem = moji_problem(value, item.label)
            if problem:
                raise RegistryError(problem, code="outside_standard_characters", field=key)


def check_new_person(new: Any, moved_on: dt.date) -> None:
    """Items a person must carry to enter the registry (j10, j20), in the characters of the 文字要件."""
    if not new.name.strip():
        raise RegistryError("氏名を入力してください。", code="name_required", field="name")
    check_standard_characters({f: getattr(new, f) for f in MOJI_ITEMS if hasattr(new, f)})
    if new.kana and not is_katakana_reading(new.kana):
        raise RegistryError("氏名フリガナはカタカナで入力してください（標準仕様書 1.1.18）。", code="invalid_kana",
                            field="kana")
    if new.birth_date > moved_on:
        raise RegistryError(
            f"生年月日（{to_wareki(new.birth_date)}）が異動日（{to_wareki(moved_on)}）より後です。",
            code="birth_after_move", field="birth_date",
        )
    if new.birth_date_text:  # j80: held as every entry point reads it (the codec, the counter), else refused
        held = birth_date_of(new.resident_kind, new.birth_date, new.birth_date_text)
        if held != (new.birth_date, new.birth_date_text):
            raise RegistryError(f"生年月日「{new.birth_date_text}」は「{held[1] or to_wareki(held[0])}」と記載します。",
                                code="birth_date_text_unread", field="birth_date_text")
    if new.sex not in (MALE, FEMALE):
        raise RegistryError("性別は M（男）または F（女）で指定してください。", code="invalid_sex", field="sex")
    if new.resident_kind not in (JAPANESE, FOREIGN):
        raise RegistryError("住民種別は日本人住民または外国人住民です。", code="invalid_kind", field="resident_kind")
    if new.resident_kind == FOREIGN and not new.nationality.strip():
        raise RegistryError("外国人住民は国籍・地域を入力してください（標準仕様書 1.1.2）。", code="nationality_required",
                            field="nationality")
    if new.resident_kind == JAPANESE:
        check_koseki(new.honseki, new.hittosha)
    if new.resident_kind == JAPANESE and new.tsusho:
        raise RegistryError("通称は外国人住民についてのみ記載できます（標準仕様書 1.1.7）。", code="wrong_resident_kind",
                            field="tsusho")


# j60 (1.1.6 空欄): items that may not be blank, among those a correction can change (the rest are set by their own
# 異動: 住所 by 転居, 住民票コード by its 異動, which refuses an empty code).
NOT_BLANK_JAPANESE = {"honseki": "本籍", "hittosha": "筆頭者"}
NOT_BLANK = {"became_resident_on": "住民となった年月日"}
NOT_BLANK_FOREIGN = {"foreign_resident_on": "外国人住民となった年月日"}


def check_koseki(honseki: str, hittosha: str) -> None:
    """j60: 「戸籍の表示（本籍・筆頭者）」 is one item: both given or neither (a 本籍 of spaces is no 本籍)."""
    if bool(honseki.strip()) != bool(hittosha.strip()):
        missing, field = ("本籍", "honseki") if not honseki.strip() else ("筆頭者", "hittosha")
        raise RegistryError(f"戸籍の表示は本籍と筆頭者の両方を入力してください（{missing}が空欄です。標準仕様書 1.1.6）。",
                            code="blank_not_allowed", field=field)


def check_not_blanked(before: Person, after: Person) -> None:
    """j60 (1.1.6): a correction may fill an empty item but never empties one the standard does not let be blank:
    戸籍の表示 (本籍・筆頭者) of a 日本人住民, 住民となった年月日, a 外国人住民's 外国人住民となった年月日. (A correction
    changes one item at a time at the counter, so a record entered without 戸籍の表示 gets its 本籍 and 筆頭者 in turn.)"""
    items = {**NOT_BLANK, **(NOT_BLANK_JAPANESE if after.resident_kind == JAPANESE else NOT_BLANK_FOREIGN)}
    for key, label in items.items():
        old, new = getattr(before, key), getattr(after, key)
        if (old if not isinstance(old, str) else old.strip()) and not (new.strip() if isinstance(new, str) else new):
            raise RegistryError(f"{label}は空欄にできません（標準仕様書 1.1.6）。正しい内容に修正してください。",
                                code="blank_not_allowed", field=key)


def check_household(setai: str, members: list[Person], *, head_unset_allowed: bool = False) -> None:
    """j100/j110: a household with members has at most one 世帯主 — exactly one unless ``head_unset_allowed`` (j100:
    「世帯主未設定を許容すること」, for a household its 世帯主 left with no one named, j500) — one address, at most one
    spouse, and 続柄 consistent with sex and, when it has a 世帯主, with age relative to them."""
    if not members:
        return
    heads = [m for m in members if m.is_head]
    if not heads and not head_unset_allowed:
        raise RegistryError(
            f"世帯番号 {setai} の世帯に世帯主がいなくなります。世帯主を指定してください（標準仕様書 4.0.4）。",
            code="no_head", setai_number=setai,
        )
    if len(heads) > 1:
        raise RegistryError(f"世帯番号 {setai} の世帯に世帯主が2人以上になります。", code="two_heads",
                            setai_number=setai)
    head = heads[0] if heads else None
    addresses = {(m.town_code, m.banchi, m.katagaki) for m in members}
    if len(addresses) > 1:
        raise RegistryError(f"世帯番号 {setai} の世帯員の住所が一致しません。", code="address_mismatch",
                            setai_number=setai)
    if sum(1 for m in members if m.relationship in SPOUSES) > 1:
        raise RegistryError(f"世帯番号 {setai} の世帯に世帯主の配偶者（妻・夫）が2人以上になります。",
                            code="two_spouses", setai_number=setai)
    for m in members:
        rel = m.relationship
        where = f"宛名番号 {m.atena_number} の続柄「{rel}」"
        if not is_relationship(rel):
            raise RegistryError(f"{where}は使用できない続柄です。標準仕様書 1.1.11 の続柄（世帯主、夫・妻・子・父・母・"
                                f"兄・姉・弟・妹等を「の」で4世代までつなげたもの、縁故者、同居人）を入力してください。",
                                code="invalid_relationship", atena_number=m.atena_number)
        sex = relationship_sex(rel)
        if sex and m.sex != sex:
            raise RegistryError(f"{where}が性別と一致しません。", code="relationship_sex",
                                atena_number=m.atena_number)
        generation = relationship_generation(rel) if head is not None else 0
        if head is not None and generation < 0 and m.birth_date <= head.birth_date:
            raise RegistryError(f"{where}は世帯主より年少でなければなりませんが、生年月日が世帯主と同じかそれより前です。",
                                code="relationship_age", atena_number=m.atena_number)
        if head is not None and generation > 0 and m.birth_date >= head.birth_date:
            raise RegistryError(f"{where}は世帯主より年長でなければなりませんが、生年月日が世帯主と同じかそれより後です。",
                                code="relationship_age", atena_number=m.atena_number)


def coerce_changes(changes: Mapping[str, Any], *, minor_only: bool) -> dict[str, Any]:
    """Validate the items of a correction (j840–j860) and convert dates given as ISO text."""
    if not changes:
        raise RegistryError("修正する項目を指定してください。", code="no_change")
    allowed = MINOR if minor_only else CORRECTABLE
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in allowed:
            if minor_only and key in CORRECTABLE:
                raise RegistryError(f"項目「{field_label(key)}」は軽微な修正では修正できません。職権修正または誤記修正で行います（標準仕様書 4.2.3.2）。",
                                    code="not_minor", field=key)
            raise RegistryError(
                f"項目「{field_label(key)}」は修正では変更できません（住所は転居、世帯は世帯変更、個人番号・住民票コードはそれぞれの異動で処理します）。",
                code="not_correctable", field=key,
            )
        if key in DATE_FIELDS and isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value) if value else None
            except ValueError:
                raise RegistryError(f"項目「{field_label(key)}」の日付が正しくありません。", code="invalid_date", field=key) from None
        if key == "sex" and value not in (MALE, FEMALE):
            raise RegistryError("性別は男または女で指定してください。", code="invalid_sex", field="sex")
        if key == "birth_date" and not isinstance(value, dt.date):
            raise RegistryError("生年月日を入力してください。", code="invalid_date", field=key)
        out[key] = value
    check_standard_characters(out)
    return out
