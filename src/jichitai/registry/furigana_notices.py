"""The 本籍地's notices of 氏名の振り仮名 in bulk (住基法第9条第2項): one CSV line a person, each recorded as its own
異動 「氏名の振り仮名の記載（本籍地からの通知）」 (or 「…の変更」), so the 住民票's history keeps every reading.

From 2026-05-26 the 本籍地 writes the notified 振り仮名 into every 戸籍 whose holders made no 届出 in the year
that ended on 2026-05-25 (改正法附則; the cities' pages in docs/standard-conformance.md), and notifies the 住所地
of each: tens of thousands of notices a day for a large city. They arrive as a file, not at the counter.

File (UTF-8 or Shift_JIS, header first; our layout, the national one was not found [U]):

    宛名番号,住民票コード,氏の振り仮名,名の振り仮名,戸籍記載日,通知日,本籍地

A line names the person by 宛名番号 or, when that is empty, by 住民票コード; dates in 西暦 (2026-05-26) or 8 digits.
Every line is checked before anything is written; a line at fault is reported with its number and reason and
the others are recorded (a notice for one person never holds back another's).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from jichitai.registry import services
from jichitai.registry.domain.commands import RecordFuriganaNotification
from jichitai.registry.domain.decide import decide
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.exports import csvfile
from jichitai.registry.exports.layout import RowError
from jichitai.registry.models import Resident
from jichitai.registry.workset import WorkingSet

HEADER = ("宛名番号", "住民票コード", "氏の振り仮名", "名の振り仮名", "戸籍記載日", "通知日", "本籍地")
CHUNK = 2000  # notices recorded per transaction
_ITEMS = {
    "furigana_shi": "氏の振り仮名",
    "furigana_mei": "名の振り仮名",
    "moved_on": "戸籍記載日",
    "notified_on": "通知日",
}


@dataclass
class NoticeResult:
    recorded: int = 0
    refused: list[RowError] = field(default_factory=list)


def _date(text: str) -> dt.date | None:
    text = text.strip()
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return dt.date.fromisoformat(text) if text else None


def _commands(table: list[list[str]], result: NoticeResult) -> list[tuple[int, RecordFuriganaNotification]]:
    if not table or tuple(c.strip() for c in table[0]) != HEADER:
        raise RegistryError(f"1行目（見出し）は「{','.join(HEADER)}」としてください。", code="invalid_header", line=1)
    rows = [(n, dict(zip(HEADER, (c.strip() for c in row), strict=False))) for n, row in enumerate(table[1:], 2)]
    codes = {r["住民票コード"] for _, r in rows if not r.get("宛名番号") and r.get("住民票コード")}
    by_code = dict(Resident.objects.filter(juminhyo_code__in=codes).values_list("juminhyo_code", "atena_number"))
    out: list[tuple[int, RecordFuriganaNotification]] = []
    seen: dict[str, int] = {}
    for line, r in rows:
        if len(r) != len(HEADER):
            result.refused.append(RowError(line, "", f"項目の数が{len(HEADER)}ではありません。"))
            continue
        atena = r["宛名番号"] or by_code.get(r["住民票コード"], "")
        if not atena:
            result.refused.append(
                RowError(line, "住民票コード" if r["住民票コード"] else "宛名番号", "該当する住民が見つかりません。")
            )
            continue
        if atena in seen:
            result.refused.append(
                RowError(line, "宛名番号", f"{seen[atena]}行目と同じ住民の通知です。1行にまとめてください。")
            )
            continue
        try:
            written, received = _date(r["戸籍記載日"]), _date(r["通知日"])
        except ValueError:
            result.refused.append(RowError(line, "戸籍記載日", "日付が読めません（2026-05-26 または 20260526）。"))
            continue
        if written is None:
            result.refused.append(RowError(line, "戸籍記載日", "戸籍記載日を入力してください。"))
            continue
        seen[atena] = line
        note = f"本籍地（{r['本籍地']}）からの通知" if r["本籍地"] else ""
        out.append(
            (
                line,
                RecordFuriganaNotification(
                    moved_on=written,
                    notified_on=received,
                    note=note,
                    atena_number=atena,
                    furigana_shi=r["氏の振り仮名"],
                    furigana_mei=r["名の振り仮名"],
                ),
            )
        )
    return out


def import_notices(data: bytes, *, actor: Any, encoding: str = "utf-8") -> NoticeResult:
    """Record every notice of the file that the registry accepts; report the others by line."""
    result = NoticeResult()
    commands = _commands(csvfile.decode(data, encoding), result)
    for start in range(0, len(commands), CHUNK):
        chunk = commands[start : start + CHUNK]
        good = []
        with transaction.atomic():  # each line decided against the registry as it stands, to give its reason
            ledger = WorkingSet()
            ledger.prefetch([cmd for _, cmd in chunk])
            for line, cmd in chunk:
                try:
                    decide(cmd, ledger)
                except RegistryError as exc:
                    item = _ITEMS.get(str(exc.fields.get("field", ""))) or (
                        "宛名番号" if exc.code in ("unknown_person", "removed", "already_dead") else "")
                    result.refused.append(RowError(line, item, exc.message))
                    continue
                good.append((line, cmd))
        applied = services.apply_many([cmd for _, cmd in good], actor=actor, stop_on_error=False) if good else []
        done = {a.atena_numbers[0] for a in applied}
        result.recorded += len(applied)
        result.refused += [
            RowError(line, "", "記録できませんでした（異動抑止・支援措置など。監査ログを確認してください）。")
            for line, cmd in good
            if cmd.atena_number not in done
        ]
    result.refused.sort(key=lambda e: e.line)
    return result
