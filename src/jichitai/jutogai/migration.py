"""移行 (共通機能標準仕様書 §2.3): the 住登外者 each system kept until now, loaded from CSV **without renumbering**,
with duplicates found and reported first — among the file's rows, against the 住登外者 already held and against
the residents (住民の宛名番号) — and the sequence of new numbers moved past the migrated ones (a new number never
equals a migrated one).

Columns (UTF-8 or CP932, header row): 住登外者宛名番号, 氏名, 氏名フリガナ, 生年月日 (YYYY-MM-DD or YYYYMMDD, blank
when unknown), 性別 (男/女/1/2/blank), 郵便番号, 住所, and optionally 住民であったときの宛名番号 and 移行元システム.

What each row becomes (one line of the report each, except ``loaded``):
- ``loaded``: a new 住登外者 with its number, history row 1 「移行」;
- ``duplicate``: the same person (氏名 or フリガナ, 生年月日, 性別) as a 住登外者 already held or earlier in the file:
  loaded as 統合済み pointing at that one (its number stays valid: systems hold it);
- ``resident``: the same person as a current resident: not loaded (住民は住民の宛名番号を使う);
- ``collision``: the number is a resident's 宛名番号, or a 住登外者's for someone else: not loaded;
- ``already``: the same number for the same person is held (a re-run): nothing changes;
- ``invalid``: an item is wrong (the item and the reason are named): not loaded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.common import csvout
from jichitai.dbcopy import copy_rows
from jichitai.jutogai import numbering
from jichitai.jutogai.errors import JutogaiError
from jichitai.jutogai.facts import Facts, address_key, checked
from jichitai.jutogai.models import ACTIVE, MERGED, Jutogaisha, JutogaishaHistory
from jichitai.registry.store import name_keys

HEADERS = {"住登外者宛名番号": "number", "氏名": "name", "氏名フリガナ": "kana", "生年月日": "birth_date", "性別": "sex",
           "郵便番号": "postcode", "住所": "address", "住民であったときの宛名番号": "former_atena_number",
           "移行元システム": "source"}
REQUIRED = ("住登外者宛名番号", "氏名", "生年月日", "性別", "住所")
CHUNK = 5000
Key = tuple[str, dt.date | None, str]  # (folded 氏名 or フリガナ, 生年月日, 性別)


@dataclass
class Report:
    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("loaded", "duplicate", "resident", "collision", "already", "invalid"), 0))
    lines: list[dict[str, Any]] = field(default_factory=list)  # one per row not simply loaded

    def note(self, line: int, outcome: str, number: str, message: str, **extra: Any) -> None:
        self.counts[outcome] += 1
        if outcome != "loaded":
            self.lines.append({"line": line, "outcome": outcome, "number": number, "message": message, **extra})

    def csv(self) -> str:
        out = io.StringIO()
        w = csvout.writer(out, for_people=True)  # the migration report a clerk opens
        w.writerow(["行", "結果", "住登外者宛名番号", "内容", "対応する番号"])
        labels = {"duplicate": "重複（統合済みとして移行）", "resident": "住民と重複（移行せず）",
                  "collision": "番号の衝突（移行せず）", "already": "移行済み", "invalid": "誤り（移行せず）"}
        for item in self.lines:
            w.writerow([item["line"], labels[item["outcome"]], item["number"], item["message"], item.get("other", "")])
        return out.getvalue()


def _date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return dt.date.fromisoformat(text)


def read(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row by our names) from a CSV in UTF-8 (with or without BOM) or CP932."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp932")
    reader = csv.DictReader(io.StringIO(text))
    missing = [h for h in REQUIRED if h not in (reader.fieldnames or [])]
    if missing:
        raise JutogaiError(f"見出し行に {'・'.join(missing)} がありません。", code="bad_header", field="header")
    for n, row in enumerate(reader, start=2):
        yield n, {HEADERS[k]: (v or "").strip() for k, v in row.items() if k in HEADERS}


def _keys_of(facts: Facts) -> list[Key]:
    return [(k, facts.birth_date, facts.sex) for k in (facts.name_key, facts.kana_key) if k]


def run(data: bytes, *, actor: Any, progress: Callable[[int], None] | None = None) -> Report:
    """Load the CSV ``data``; each chunk of rows in its own transaction (a stopped run is completed by running it
    again: rows loaded already answer ``already``)."""
    report = Report()
    seen: dict[Key, str] = {}  # the file's people so far → their number
    chunk: list[tuple[int, dict[str, str]]] = []
    highest = 0
    for item in read(data):
        chunk.append(item)
        if len(chunk) >= CHUNK:
            highest = max(highest, _load(chunk, report, seen, actor))
            if progress:
                progress(len(chunk))
            chunk = []
    if chunk:
        highest = max(highest, _load(chunk, report, seen, actor))
        if progress:
            progress(len(chunk))
    if highest:
        numbering.move_past(highest)
    audit.record(actor, "jutogai.migrate", "jutogai:migration", rows=report.rows, counts=report.counts)
    return report


def _load(chunk: list[tuple[int, dict[str, str]]], report: Report, seen: dict[Key, str], actor: Any) -> int:
    from jichitai.registry.domain.person import ACTIVE as RESIDENT
    from jichitai.registry.models import Resident

    parsed: list[tuple[int, dict[str, str], Facts]] = []
    for line, row in chunk:
        report.rows += 1
        number = row.get("number", "")
        try:
            if not number or len(number) > 15 or not number.isascii() or not number.isalnum():
                raise JutogaiError("住登外者宛名番号は15桁以内の半角英数字で入力してください。", field="number")
            try:
                birth = _date(row.get("birth_date", ""))
            except ValueError:
                raise JutogaiError("生年月日は YYYY-MM-DD または YYYYMMDD で入力してください。", field="birth_date") from None
            facts = checked(row.get("name", ""), row.get("kana", ""), birth, row.get("sex", ""), row.get("address", ""),
                            row.get("postcode", ""))
            if not facts.name_key:
                raise JutogaiError("氏名がありません。", field="name")
        except JutogaiError as exc:
            report.note(line, "invalid", number, f"{exc.fields.get('field', '')}: {exc.message}")
            continue
        parsed.append((line, row, facts))
    numbers = [row["number"] for _, row, _ in parsed]
    held = {p.number: p for p in Jutogaisha.objects.filter(pk__in=numbers)}
    resident_numbers = set(Resident.objects.filter(pk__in=numbers).values_list("pk", flat=True))
    keys = {k for _, _, f in parsed for k in _keys_of(f)}
    names = {k[0] for k in keys}
    births = {k[1] for k in keys if k[1]}
    known: dict[Key, str] = {}
    for n, nk, kk, b, s in (Jutogaisha.objects.filter(status=ACTIVE, birth_date__in=births)
                            .filter(name_key__in=names).values_list("number", "name_key", "kana_key", "birth_date", "sex")
                            .union(Jutogaisha.objects.filter(status=ACTIVE, birth_date__in=births, kana_key__in=names)
                                   .values_list("number", "name_key", "kana_key", "birth_date", "sex"))):
        for k in (nk, kk):
            if k:
                known.setdefault((k, b, s), n)
    residents: dict[Key, tuple[str, str]] = {}
    base = Resident.objects.filter(birth_date__in=births)
    for a, nk, kk, b, s, st in (base.filter(name_key__in=names).values_list(
            "atena_number", "name_key", "kana_key", "birth_date", "sex", "status")
            .union(base.filter(kana_key__in=names).values_list(
                "atena_number", "name_key", "kana_key", "birth_date", "sex", "status"))):
        for k in (nk, kk):
            if k:
                residents.setdefault((k, b, s), (a, st))
    people, history, highest, now, today = [], [], 0, timezone.now(), timezone.localdate()
    label = audit.actor_label(actor)[:100]
    for line, row, facts in parsed:
        number = row["number"]
        mine = _keys_of(facts)
        if number in held:
            same = held[number].name_key == facts.name_key and held[number].birth_date == facts.birth_date
            report.note(line, "already" if same else "collision", number,
                        "移行済みです。" if same else "この番号は別の住登外者に使われています。")
            continue
        if number in resident_numbers:
            report.note(line, "collision", number, "この番号は住民の宛名番号です。", other=number)
            continue
        resident = next((residents[key] for key in mine if key in residents), None)
        if resident is not None and resident[1] == RESIDENT:
            report.note(line, "resident", number, "住民と同じ人です（住民の宛名番号を使ってください）。", other=resident[0])
            continue
        former = row.get("former_atena_number", "") or (resident[0] if resident is not None else "")
        first = next((known.get(key) or seen.get(key) for key in mine if known.get(key) or seen.get(key)), None)
        status, merged_into = (MERGED, first) if first else (ACTIVE, "")
        if first:
            report.note(line, "duplicate", number, "同じ人が先に登録されています。統合済みとして移行しました。", other=first)
        else:
            report.note(line, "loaded", number, "")
            for key in mine:
                seen.setdefault(key, number)
        held[number] = Jutogaisha(number=number, name_key=facts.name_key, birth_date=facts.birth_date)
        values = {"number": number, "name": facts.name, "kana": facts.kana, "birth_date": facts.birth_date,
                  "sex": facts.sex, "postcode": facts.postcode, "address": facts.address, "municipality_code": "",
                  "former_atena_number": former[:15], "status": status, "merged_into": merged_into}
        people.append({**values, "source": (row.get("source") or "移行")[:60], "history_no": 1,
                       **name_keys(facts.name, facts.kana), "address_key": address_key(facts.address),
                       "created_at": now, "updated_at": now})
        history.append({**values, "history_no": 1, "reason": "migrated", "changed_on": today, "entered_by": label,
                        "note": f"移行（{(row.get('source') or '移行元不明')[:40]}）", "recorded_at": now})
        highest = max(highest, numbering.serial_of(number) or 0)
    with transaction.atomic():
        copy_rows(Jutogaisha, people, batch_size=2000)
        copy_rows(JutogaishaHistory, history, batch_size=2000)
    return highest
