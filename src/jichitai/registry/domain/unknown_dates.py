"""不詳日 and 暦上日以外 in the register's items (標準仕様書 1.1.8, j80): one reading for every entry point.

The counter's forms, the API (through the command codec) and 修正 hand a 生年月日 given as a day, a text or both to
:func:`birth_date_of`; it answers the internal day and the normalised text the register holds side by side.
"""

from __future__ import annotations

import datetime as dt

from jichitai.common.recorded_date import EITHER, SEIREKI, WAREKI, UnreadableDate, parse
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.person import FOREIGN


def moved_on_of(day: dt.date, text: str, *, field: str = "moved_on_text") -> tuple[dt.date, str]:
    """(internal day, text) of a 出生・死亡・失踪 異動日 given as words beside its internal day ``day`` (和暦 or 西暦,
    j80: 「和暦・西暦どちらを用いても差し支えない」); words that are an ordinary date must name ``day`` itself."""
    held = worded_date_of(day, text, label="異動日", field=field)
    assert held[0] is not None
    return held[0], held[1]


def worded_date_of(day: dt.date | None, text: str, *, label: str, field: str) -> tuple[dt.date | None, str]:
    """(internal day, text) of a 住民となった年月日, 住所を定めた年月日, 外国人住民となった年月日 or 異動日 (和暦 or 西暦,
    j80): the words read with ``day`` as the internal day (else the first day of their period); no words, ``day``."""
    if not text.strip():
        return day, ""
    try:
        held = parse(text, calendar_rule=EITHER, internal=day)
    except UnreadableDate as exc:
        raise RegistryError(f"{label}: {exc.message}", code=exc.code, field=field, reason=exc.message) from None
    return held.day, held.text


def birth_date_of(resident_kind: str, day: dt.date | None, text: str, *,
                  field: str = "birth_date_text") -> tuple[dt.date, str]:
    """(internal day, text) of a 生年月日: ``text`` read in 和暦 for a 日本人住民 and in 西暦 for a 外国人住民 (j80's
    last line, j90), ``day`` the internal day a clerk chose (else the first day of the period). A text that is an
    ordinary date gives that day and no text."""
    if not text.strip():
        if day is None:
            raise RegistryError("生年月日を入力してください。", code="birth_date_required", field="birth_date")
        return day, ""
    rule = SEIREKI if resident_kind == FOREIGN else WAREKI
    try:
        held = parse(text, calendar_rule=rule, internal=day)
    except UnreadableDate as exc:
        raise RegistryError(f"生年月日: {exc.message}", code=exc.code, field=field, reason=exc.message) from None
    return held.day, held.text
