"""Standard CSV out of and into the registry: 全件 (every person's current record), 差分 (every history row
since a point), and the import of a 全件 file into an empty registry as a migration.

Exports (宛名連携 j1190, 中間標準レイアウト出力 j1410) are audited. 個人番号 goes out only when asked
(``include_my_number``); the addresses covered by 支援措置 — the person's, their household's, their place's,
also in the history rows of a 差分 (:class:`jichitai.registry.suppression.Shield`) — are withheld (blank address
items, each audited) unless the caller has the right (``include_protected``, a migration).

The import (CSV取込 j1430, as a migration from another standard-compliant system) validates every row and the
file as a whole (duplicates, the address dictionary, each household's shape with the domain's own
``check_household``) and loads nothing unless the whole file is valid. It writes each person with one history
row (履歴番号 1) carrying the file's 異動事由/異動年月日/異動届出年月日, the households, and moves the number
sequences past the imported numbers. It writes no outbox events: a migration is not a 異動, and the hub takes
its baseline from the 全件 file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.common.ids import uuid7
from jichitai.registry import mailing_codes, numbering, suppression
from jichitai.registry.certificates import certifiers
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.person import ACTIVE, HEAD, Person
from jichitai.registry.domain.rules import check_household
from jichitai.registry.exports import csvfile
from jichitai.registry.exports.layout import (
    HEADER,
    AddressWords,
    LastChange,
    ParsedRow,
    RowError,
    check_header,
    parse_row,
    row_of,
)
from jichitai.registry.models import Household, MailingCodeSetting, NumberSeries, Resident, ResidentHistory, Town
from jichitai.registry.store import row_values, search_values, to_person
from jichitai.registry.suppression import Shield

CHUNK = 2000
KINDS = {"full": "全件", "diff": "差分"}


@dataclass(frozen=True)
class Exported:
    data: bytes
    rows: int
    last_history_id: int      # the cursor for the next 差分
    withheld: int             # people whose address was withheld (支援措置)


class ImportRejected(RegistryError):
    code = "import_rejected"

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"取込ファイルに {len(errors)} 件の誤りがあります。何も取り込んでいません。",
                         errors=[str(e) for e in errors])
        self.errors = errors


@dataclass(frozen=True)
class Imported:
    residents: int
    households: int


# ---- export --------------------------------------------------------------------------------------------


class _Words:
    """住所_都道府県 / 住所_市区郡町村名 / 住所_町字 from the address dictionary."""

    def __init__(self) -> None:
        self.prefecture, self.city = certifiers.city()
        self.towns = {t.code: t for t in Town.objects.all()}

    def of(self, town_code: str) -> AddressWords:
        town = self.towns.get(town_code)
        if town is None:
            return AddressWords()
        return AddressWords(self.prefecture, f"{self.city}{town.ward_name}", town.name)


def _outgoing(person: Person, include_my_number: bool, withhold: bool) -> Person:
    if not include_my_number and person.my_number:
        person = replace(person, my_number="")
    if withhold:
        person = replace(person, town_code="", ward_code="", banchi="", katagaki="", postcode="")
    return person


def _full_rows(include_my_number: bool, guard: Shield | None, counter: dict[str, Any]) -> Iterator[list[str]]:
    city_code = settings.CONFIG.city_code
    words = _Words()
    atenas = list(Resident.objects.order_by("atena_number").values_list("atena_number", flat=True))
    unset = _head_unset()
    codes = mailing_codes.all_codes()
    for start in range(0, len(atenas), CHUNK):
        chunk = atenas[start:start + CHUNK]
        residents = {r.atena_number: r for r in Resident.objects.filter(atena_number__in=chunk)}
        changes = {}
        for h in ResidentHistory.objects.filter(atena_number__in=chunk).only(
                "atena_number", "history_no", "reason", "moved_on", "change_notified_on"):
            if residents[h.atena_number].history_no == h.history_no:
                changes[h.atena_number] = LastChange(h.reason, h.moved_on, h.change_notified_on)
        for atena in chunk:
            person = to_person(residents[atena])
            withhold = guard is not None and guard.withholds_address(person)
            if withhold:
                counter["withheld"].append(person)
            yield row_of(_outgoing(person, include_my_number, withhold), changes[atena],
                         AddressWords() if withhold else words.of(person.town_code), city_code,
                         head_unset=person.is_active and person.setai_number in unset,
                         mailing_code=codes.get(atena, ""))


def _diff_rows(after_id: int, since: dt.datetime | None, include_my_number: bool, guard: Shield | None,
               counter: dict[str, Any]) -> Iterator[list[str]]:
    city_code = settings.CONFIG.city_code
    words = _Words()
    rows = ResidentHistory.objects.filter(pk__gt=after_id)
    if since is not None:
        rows = rows.filter(recorded_at__gt=since)
    unset = _head_unset()
    codes = mailing_codes.all_codes()  # as they stand at the export (as 世帯主未設定 does)
    for h in rows.order_by("pk").iterator(chunk_size=CHUNK):
        counter["last_id"] = h.pk
        withhold = guard is not None and guard.withholds_address(h)
        if withhold:
            counter["withheld"].append(h)
        yield row_of(_outgoing(to_person(h), include_my_number, withhold),
                     LastChange(h.reason, h.moved_on, h.change_notified_on),
                     AddressWords() if withhold else words.of(h.town_code), city_code,
                     head_unset=h.status == ACTIVE and h.setai_number in unset,
                     mailing_code=codes.get(h.atena_number, ""))


def _head_unset() -> set[str]:
    """The households without a 世帯主 (j100) as the registry stands at the export (a 差分 row says so of its
    household now, not at the time of its 異動)."""
    return set(Household.objects.filter(head_atena_number="", member_count__gt=0)
               .values_list("setai_number", flat=True))


def export(*, actor: Any, kind: str = "full", encoding: str = "utf-8", include_my_number: bool = False,
           include_protected: bool = False, after_id: int = 0, since: dt.datetime | None = None) -> Exported:
    """全件 (``kind="full"``) or 差分 (``kind="diff"``: history rows with id > ``after_id`` and, when given,
    recorded after ``since``). Raises :class:`~jichitai.registry.exports.csvfile.UnwritableCharacters` with
    every character CP932 cannot hold, writing nothing."""
    if kind not in KINDS:
        raise RegistryError("出力区分は全件（full）または差分（diff）です。", code="export_kind")
    counter: dict[str, Any] = {"withheld": [], "last_id": after_id}
    guard = None if include_protected else suppression.shield()
    rows = list(_full_rows(include_my_number, guard, counter) if kind == "full"
                else _diff_rows(after_id, since, include_my_number, guard, counter))
    if kind == "full":
        last = ResidentHistory.objects.order_by("-pk").values_list("pk", flat=True).first()
        counter["last_id"] = last or 0
    detail = {"kind": kind, "encoding": encoding, "rows": len(rows), "my_number": include_my_number,
              "protected_included": include_protected, "after_id": after_id}
    try:
        data = csvfile.encode(HEADER, rows, encoding)
    except csvfile.UnwritableCharacters as exc:
        audit.record(actor, "registry.export", f"export:{kind}", "failed", **detail, unwritable=len(exc.problems))
        raise
    if guard is not None and counter["withheld"]:
        suppression.withheld_events(actor, "registry.export", counter["withheld"], guard, export=kind)
    audit.record(actor, "registry.export", f"export:{kind}", "ok", **detail,
                 sha256=hashlib.sha256(data).hexdigest(), last_history_id=counter["last_id"],
                 withheld=len(counter["withheld"]))
    return Exported(data, len(rows), counter["last_id"], len(counter["withheld"]))


# ---- import --------------------------------------------------------------------------------------------


def validate(table: list[list[str]]) -> tuple[list[ParsedRow], list[RowError]]:
    """Every row on its own, then the file as a whole. Returns the parsed rows and every error found."""
    if not table:
        return [], [RowError(1, "", "ファイルが空です。")]
    errors = check_header(table[0])
    if errors:
        return [], errors
    today = timezone.localdate()
    parsed = [parse_row(line, values, today) for line, values in enumerate(table[1:], start=2)]
    for p in parsed:
        errors += p.errors
    errors += _file_checks(parsed)
    return parsed, sorted(errors, key=lambda e: (e.line, e.item))


def _file_checks(parsed: list[ParsedRow]) -> list[RowError]:
    errors: list[RowError] = []
    city_code = settings.CONFIG.city_code
    words = _Words()
    seen: dict[tuple[str, str], int] = {}
    for p in parsed:
        person = p.person
        if p.city_code and p.city_code != city_code:
            errors.append(RowError(p.line, "市区町村コード", f"「{p.city_code}」はこの団体（{city_code}）のコードではありません。"))
        for item, value in (("宛名番号", person.atena_number), ("個人番号", person.my_number),
                            ("住民票コード", person.juminhyo_code)):
            if not value:
                continue
            first = seen.setdefault((item, value), p.line)
            if first != p.line:
                errors.append(RowError(p.line, item, f"{first}行目と重複しています。"))
        if person.town_code:
            town = words.towns.get(person.town_code)
            if town is None:
                errors.append(RowError(p.line, "住所_町字コード", f"町字コード「{person.town_code}」は住所辞書にありません。"))
            else:
                expected = words.of(person.town_code)
                if town.ward_code != person.ward_code:
                    errors.append(RowError(p.line, "指定都市_行政区等コード",
                                           f"町字コード {town.code} の行政区コードは {town.ward_code} です。"))
                for item, got, want in (("住所_都道府県", p.address.prefecture, expected.prefecture),
                                        ("住所_市区郡町村名", p.address.municipality, expected.municipality),
                                        ("住所_町字", p.address.town, expected.town)):
                    if got != want:
                        errors.append(RowError(p.line, item, f"「{got}」は住所辞書の「{want}」と一致しません。"))
        elif person.status == ACTIVE:
            errors.append(RowError(p.line, "住所_町字コード", "住民の住所の町字コードが空です。"))
        if person.became_resident_on and person.became_resident_on < person.birth_date:
            errors.append(RowError(p.line, "住民となった年月日", "生年月日より前の日付です。"))
        if p.change.moved_on < person.birth_date:
            errors.append(RowError(p.line, "異動年月日", "生年月日より前の日付です。"))
    errors += _household_checks(parsed)
    return errors


def _household_checks(parsed: list[ParsedRow]) -> list[RowError]:
    """The domain's household rules (one 世帯主, one address, 続柄 consistent) on each household's residents."""
    errors = []
    households: dict[str, list[ParsedRow]] = defaultdict(list)
    for p in parsed:
        if p.person.status == ACTIVE and not p.errors:
            households[p.person.setai_number].append(p)
    for setai, rows in households.items():
        unset = {r.head_unset for r in rows}
        if len(unset) > 1:
            errors.append(RowError(rows[0].line, "世帯主未設定", f"世帯番号 {setai} の世帯員で「世帯主未設定」が一致しません。"))
            continue
        try:
            check_household(setai, [r.person for r in rows], head_unset_allowed=unset == {True})
            if unset == {True} and any(r.person.is_head for r in rows):
                raise RegistryError(f"世帯番号 {setai} の世帯は「世帯主未設定」ですが、続柄が世帯主の世帯員がいます。",
                                    code="head_unset_with_head")
        except RegistryError as exc:
            at = exc.fields.get("atena_number")
            line = next((r.line for r in rows if r.person.atena_number == at), rows[0].line)
            item = "続柄表記" if at else "世帯番号"
            errors.append(RowError(line, item, exc.message))
    return errors


def import_csv(data: bytes, *, actor: Any, encoding: str = "utf-8") -> Imported:
    """Load a 全件 file into an empty registry, all or nothing. Raises :class:`ImportRejected` listing every
    error with its line and item."""
    digest = hashlib.sha256(data).hexdigest()
    if Resident.objects.exists() or ResidentHistory.objects.exists():
        raise RegistryError("住民記録が空ではないため取り込めません。移行の取込は空の住民記録にのみ行えます。",
                            code="registry_not_empty")
    table = csvfile.decode(data, encoding)
    parsed, errors = validate(table)
    if errors:
        audit.record(actor, "registry.import", "import:csv", "refused", sha256=digest, errors=len(errors))
        raise ImportRejected(errors)
    with transaction.atomic():
        _load(parsed, actor)
        households = _write_households(p.person for p in parsed)
        _advance("atena", (p.person.atena_number for p in parsed))
        _advance("setai", (p.person.setai_number for p in parsed))
        audit.record(actor, "registry.import", "import:csv", "ok", sha256=digest, residents=len(parsed),
                     households=households)
    return Imported(len(parsed), households)


def _load(parsed: list[ParsedRow], actor: Any) -> None:
    today = timezone.localdate()
    entered_by = audit.actor_label(actor)[:100]
    for start in range(0, len(parsed), CHUNK):
        residents, histories = [], []
        for p in parsed[start:start + CHUNK]:
            values = row_values(p.person)
            change_id = uuid7()
            residents.append(Resident(**values, **search_values(p.person), history_no=1, last_change_id=change_id))
            histories.append(ResidentHistory(
                **values, history_no=1, change_id=change_id, reason=p.change.reason, moved_on=p.change.moved_on,
                processed_on=today, change_notified_on=p.change.notified_on, entered_by=entered_by,
                terminal="migration", is_subject=True, change_note="移行（標準CSV取込）",
            ))
        Resident.objects.bulk_create(residents)
        ResidentHistory.objects.bulk_create(histories)
        MailingCodeSetting.objects.bulk_create(  # j190: the code the file carries, set by the migration
            MailingCodeSetting(atena_number=p.person.atena_number, code=p.mailing_code, set_by=entered_by,
                               set_at=timezone.now()) for p in parsed[start:start + CHUNK] if p.mailing_code)


def _write_households(people: Iterable[Person]) -> int:
    members: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        members[person.setai_number].append(person)
    today = timezone.localdate()
    rows = []
    for setai, group in members.items():
        active = [m for m in group if m.status == ACTIVE]
        head = next((m for m in active if m.relationship == HEAD), None)
        where = head or (active or group)[0]
        rows.append(Household(setai_number=setai, ward_code=where.ward_code, town_code=where.town_code,
                              banchi=where.banchi, katagaki=where.katagaki,
                              head_atena_number=head.atena_number if head else "", member_count=len(active),
                              version=1, created_on=today))
    Household.objects.bulk_create(rows, batch_size=CHUNK)
    return len(rows)


def _advance(name: str, numbers: Iterable[str]) -> None:
    """Move the serial of 宛名番号/世帯番号 past the imported numbers so new ones never collide."""
    top = max((int(n[:-1]) for n in numbers if n), default=0)
    if not top:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            seq = numbering.SEQUENCES[name]
            cur.execute("SELECT setval(%s, GREATEST(%s, COALESCE(pg_sequence_last_value(%s::regclass), 0)))",
                        [seq, top, seq])
        return
    series, _ = NumberSeries.objects.get_or_create(name=name)
    if series.last < top:
        NumberSeries.objects.filter(name=name).update(last=top)
