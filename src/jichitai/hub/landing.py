"""Landing: everything that passes through the hub accumulates in the lake, raw → standard → lounge.

Each table keeps its own position in the feed in its Iceberg snapshot summaries (``jichitai.cursor.feed``) and
each batch's id (``jichitai.batch``), written in the same atomic commit as the rows. A process killed at any
moment therefore leaves every table either with a batch or without it; on restart each table continues from
its own position and no event is lost or counted twice (tests/hub/test_landing_kill.py does this with SIGKILL).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from django.db import transaction
from django.db.models import Max
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.table import Table

from jichitai.hub.catalogue import SUPPORT_MEASURE_KEY
from jichitai.hub.layouts import FILE_LAYOUTS
from jichitai.hub.models import ExchangedFile, FeedEvent
from jichitai.lake import catalog as lake_catalog
from jichitai.lake import landing, lounge
from jichitai.lake.pseudonym import Pseudonymiser
from jichitai.lake.schemas import LOUNGE_TABLES
from jichitai.lake.schemas import identifier as lounge_id
from jichitai.lake.tables import TABLES
from jichitai.registry import suppression
from jichitai.tax import reports

FEED_CURSOR = "feed"
# no 個人番号 and no free-text address in the raw zone: a report's recipient is known by the 個人番号 only, so the
# Shield could not tell whose address it is (受給者住所; the 宛名 items)
RAW_CELLS_LEFT_OUT = frozenset({"address", *suppression.ADDRESS_KEYS})
LAKE = "system:lake"
EVENT_TABLES = ("raw.atena_events", "standard.resident_history", "lounge.movements")
FILE_TABLES = {"kokuho-shikaku": "standard.kokuho_shikaku", "jido-teate": "standard.jido_teate",
               "kaigo-nintei": "standard.kaigo_nintei", "salary-report": "standard.salary_report",
               "pension-report": "standard.pension_report"}


def table(identifier: str, cat: SqlCatalog | None = None) -> Table:
    schema = TABLES.get(identifier)
    if schema is None:
        schema = LOUNGE_TABLES[identifier.split(".", 1)[1]]
    return lake_catalog.ensure_table(identifier, schema, cat)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _school_districts() -> dict[str, str]:
    from jichitai.registry.models import Town

    return dict(Town.objects.values_list("code", "school_district"))


# --- events -------------------------------------------------------------------------------------------------

def _raw_rows(events: list[FeedEvent], batch: str) -> pa.Table:
    now = _now()
    return pa.table({
        "cursor": [e.id for e in events], "event_id": [str(e.event_id) for e in events],
        "kind": [e.kind for e in events], "atena_number": [e.atena_number for e in events],
        "setai_number": [e.setai_number for e in events], "occurred_on": [e.occurred_on for e in events],
        "created_at": [e.created_at.astimezone(dt.UTC).replace(tzinfo=None) for e in events],
        "payload": [json.dumps(e.payload, ensure_ascii=False, sort_keys=True) for e in events],
        "_batch": [batch] * len(events), "_landed_at": [now] * len(events),
    })


def _standard_rows(events: list[FeedEvent], batch: str, schools: dict[str, str]) -> pa.Table:
    now = _now()
    cols: dict[str, list[Any]] = {name: [] for name in TABLES["standard.resident_history"].column_names}
    for e in events:
        p = e.payload
        prev = p.get("previous") or {}
        town = p.get("town_code") or None
        for name, value in (
            ("cursor", e.id), ("event_id", str(e.event_id)), ("atena_number", e.atena_number),
            ("setai_number", e.setai_number), ("kind", e.kind), ("is_subject", bool(p.get("is_subject", True))),
            ("occurred_on", e.occurred_on), ("status", p.get("status") or ""),
            ("resident_kind", p.get("resident_kind")), ("sex", p.get("sex")), ("birth_date", _date(p.get("birth_date"))),
            ("ward_code", p.get("ward_code") or None), ("town_code", town),
            ("school_district", schools.get(town or "") or None), ("postcode", p.get("postcode") or None),
            ("relationship", p.get("relationship")), ("previous_ward_code", prev.get("ward_code") or None),
            ("previous_town_code", prev.get("town_code") or None), ("origin_class", p.get("origin_class")),
            ("destination_class", p.get("destination_class")), ("ward_change", p.get("ward_change")),
            ("support_measure", p.get("support_measure")), ("_batch", batch), ("_landed_at", now),
        ):
            cols[name].append(value)
    return pa.Table.from_pydict(cols, schema=TABLES["standard.resident_history"].as_arrow())


def _withhold_protected(events: list[FeedEvent], identifier: str) -> None:
    """The lake is a system without the right to supported people's addresses, read by staff: events that show
    an address under 支援措置 or 照会抑止 (the person's, their household's, their place's, as of landing) land
    without any address item (audited). What landed before a measure is redacted by :mod:`.lakeshield`."""
    guard = suppression.shield()
    withheld = [e for e in events if e.payload.get(SUPPORT_MEASURE_KEY) or suppression.withholds_from_analysis(
        guard, {**e.payload, "atena_number": e.atena_number}, e.setai_number)]
    for e in withheld:
        e.payload = {**suppression.withhold_address(e.payload), SUPPORT_MEASURE_KEY: True}
    if withheld:
        suppression.withheld_events(LAKE, "lake.land", [{**e.payload, "atena_number": e.atena_number}
                                                        for e in withheld], guard, table=identifier)


def land_events_into(identifier: str, batch_size: int = 2000, cat: SqlCatalog | None = None,
                     pseudonymiser: Pseudonymiser | None = None, max_batches: int | None = None) -> int:
    """Land the feed events after ``identifier``'s own cursor, batch by batch. Returns events landed now."""
    t = table(identifier, cat)
    schools = _school_districts() if identifier != "raw.atena_events" else {}
    p = pseudonymiser or (Pseudonymiser.for_purpose("lounge") if identifier.startswith("lounge.") else None)
    landed = batches = 0
    while max_batches is None or batches < max_batches:
        t.refresh()
        after = landing.cursor(t, FEED_CURSOR)
        events = list(FeedEvent.objects.filter(id__gt=after).order_by("id")[:batch_size])
        if not events:
            break
        batch = f"atena:{events[0].id}-{events[-1].id}"
        _withhold_protected(events, identifier)
        if identifier == "raw.atena_events":
            data = _raw_rows(events, batch)
        else:
            data = _standard_rows(events, batch, schools)
            if identifier == "lounge.movements":
                assert p is not None
                data = lounge.movements(data, p)
        if landing.append_once(t, data, batch, {FEED_CURSOR: events[-1].id}):
            landed += len(events)
        batches += 1
    return landed


def land_events(batch_size: int = 2000, cat: SqlCatalog | None = None) -> dict[str, int]:
    return {ident: land_events_into(ident, batch_size, cat) for ident in EVENT_TABLES}


# --- files --------------------------------------------------------------------------------------------------

def _file_rows(f: ExchangedFile) -> list[dict[str, Any]]:
    from jichitai.hub.files import stored_bytes

    data = stored_bytes(f)  # unsealed in memory only, checked against the logged hash
    rows, problems = reports.parse_rows(FILE_LAYOUTS[f.layout], reports.decode(data))
    if problems and f.decided_at is None:  # a released file lands its valid rows (the operator's decision)
        raise ValueError(f"file {f.pk} no longer validates")
    return rows


def _raw_file_rows(f: ExchangedFile, rows: list[dict[str, Any]], batch: str) -> pa.Table:
    now = _now()
    return pa.table({
        "file_id": [f.pk] * len(rows), "layout": [f.layout] * len(rows), "sender": [f.system.code] * len(rows),
        "sha256": [f.sha256] * len(rows), "line": pa.array([r["line"] for r in rows], pa.int32()),
        "cells": [json.dumps({k: _jsonable(v) for k, v in r.items()
                              if "my_number" not in k and k not in RAW_CELLS_LEFT_OUT}, ensure_ascii=False)
                  for r in rows],
        "_batch": [batch] * len(rows), "_landed_at": [now] * len(rows),
    })


def _jsonable(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v


def _standard_file_rows(f: ExchangedFile, rows: list[dict[str, Any]], batch: str, identifier: str) -> pa.Table:
    schema = TABLES[identifier].as_arrow()
    now = _now()
    if f.layout in ("salary-report", "pension-report"):
        from jichitai.tax.report_intake import vault

        v = vault()
        amount = "salary_paid" if f.layout == "salary-report" else "pension_paid"
        rows = [{"income_year": r["income_year"], "payer_number": r["payer_number"],
                 "recipient_index": v.blind_index(r["my_number"]), "amount": r[amount],
                 "withholding_tax": r["withholding_tax"], "social_insurance": r.get("social_insurance"),
                 "line": r["line"]} for r in rows]
    cols = {name: [r.get(name) for r in rows] for name in schema.names if not name.startswith("_")}
    cols["file_id"] = [f.pk] * len(rows)
    cols["_batch"] = [batch] * len(rows)
    cols["_landed_at"] = [now] * len(rows)
    return pa.Table.from_pydict(cols, schema=schema)


def land_files(cat: SqlCatalog | None = None) -> int:
    """Land every accepted file (raw rows, then the standard table), once each; mark it landed."""
    done = 0
    for f in ExchangedFile.objects.filter(direction="in", status="accepted").select_related("system").order_by("pk"):
        identifier = FILE_TABLES.get(f.layout)
        if identifier is None:
            continue
        rows = _file_rows(f)
        landing.append_once(table("raw.file_rows", cat), _raw_file_rows(f, rows, f.batch_id), f.batch_id)
        landing.append_once(table(identifier, cat), _standard_file_rows(f, rows, f.batch_id, identifier), f.batch_id)
        with transaction.atomic():
            ExchangedFile.objects.filter(pk=f.pk, status="accepted").update(status="landed")
        done += 1
    return done


# --- lounge refresh -----------------------------------------------------------------------------------------

def land_towns(cat: SqlCatalog | None = None) -> list[str]:
    """The 町字 master (住所辞書: code, ward, name, kana) into ``lounge.towns``, replaced whole when it differs
    from what the table holds now (the batch id is the content's hash)."""
    from jichitai.registry.models import Town

    rows = list(Town.objects.values_list("code", "ward_code", "ward_name", "name", "kana"))
    digest = hashlib.sha256(json.dumps(sorted(rows), ensure_ascii=False).encode()).hexdigest()[:24]
    if landing.replace_unless_current(table(lounge_id("towns"), cat), lounge.towns(rows), f"towns:{digest}"):
        return [lounge_id("towns")]
    return []


def refresh_lounge(cat: SqlCatalog | None = None, pseudonymiser: Pseudonymiser | None = None,
                   mark: str = "") -> list[str]:
    """Recompute spells and the file-based lounge tables from the standard zone; one overwrite per table,
    skipped when the standard zone has not moved since the last refresh (``mark``: a reason of the caller's to
    recompute anyway, such as the standard zone's redaction by :mod:`jichitai.hub.lakeshield`)."""
    p = pseudonymiser or Pseudonymiser.for_purpose("lounge")
    history_t = table("standard.resident_history", cat)
    history = history_t.scan().to_arrow()
    files_mark = ExchangedFile.objects.filter(status="landed").aggregate(m=Max("pk"))["m"] or 0
    mark = f"refresh:{landing.cursor(history_t, FEED_CURSOR)}:{files_mark}" + (f":{mark}" if mark else "")
    changed = land_towns(cat)
    if landing.replace_once(table(lounge_id("resident_spells"), cat), lounge.resident_spells(history, p), mark):
        changed.append(lounge_id("resident_spells"))
    if landing.replace_once(table(lounge_id("births"), cat), lounge.births(history), mark):
        changed.append(lounge_id("births"))
    places = lounge.latest_places(history)
    for source, target, build in (
        ("standard.jido_teate", "child_allowance", lounge.child_allowance),
        ("standard.kaigo_nintei", "ltc_certification", lounge.ltc_certification),
        ("standard.kokuho_shikaku", "nhi_enrolment", lounge.nhi_enrolment),
    ):
        rows = table(source, cat).scan().to_arrow()
        if landing.replace_once(table(lounge_id(target), cat), build(rows, places, p), mark):
            changed.append(lounge_id(target))
    return changed


@dataclass
class CycleReport:
    relayed: int = 0
    landed: dict[str, int] = field(default_factory=dict)
    files: int = 0
    dropped: int = 0
    placed: int = 0
    refreshed: list[str] = field(default_factory=list)
    marts_refreshed: bool = False
    shielded: dict[str, Any] = field(default_factory=dict)

    @property
    def busy(self) -> bool:
        return bool(self.relayed or any(self.landed.values()) or self.files or self.dropped or self.placed)

    def as_dict(self) -> dict[str, Any]:
        return {"relayed": self.relayed, "landed": sum(self.landed.values()), "files": self.files,
                "dropped": self.dropped, "placed": self.placed, "lounge_zone": len(self.refreshed), "marts": self.marts_refreshed}


def _no_beat(phase: str) -> None:
    return None


def run_cycle(batch_size: int = 2000, cat: SqlCatalog | None = None, refresh: bool = True,
              beat: Callable[[str], None] = _no_beat) -> CycleReport:
    """One turn of ``jichitai hub run``: relay, push, take in dropped files, place each system's 宛名 差分 file
    when its last is older than ``JICHITAI_HUB_EXTRACT_MINUTES`` (``extracts.place_every``), land events and
    files, refresh the lounge zone, and the lounge's marts when the zone has moved and settled (:mod:`jichitai.lounge.freshness`).
    ``beat`` is told each step (the worker's heartbeat)."""
    from jichitai.hub import extracts, feeds, filedrop, push

    beat("中継")
    report = CycleReport(relayed=feeds.relay_all())
    beat("プッシュ配信")
    push.deliver_due()
    beat("ファイル連携の受け取り")
    drops = filedrop.take_dropped()
    report.dropped = drops.taken + drops.refused
    beat("ファイル連携の配置")
    report.placed = extracts.place_due().placed
    beat("分析基盤への蓄積")
    report.landed = land_events(batch_size, cat)
    report.files = land_files(cat)
    if refresh and (report.busy or not table(lounge_id("resident_spells"), cat).current_snapshot()):
        report.refreshed = refresh_lounge(cat)
    elif refresh:  # the 住所辞書 may change without a 異動
        report.refreshed = land_towns(cat)
    _land_outcomes_if_changed(cat)
    beat("分析基盤の支援措置対応")
    from jichitai.hub import lakeshield

    report.shielded = lakeshield.enforce(cat).as_dict()
    if refresh:
        from jichitai.lounge import freshness, services

        services.use_catalog(cat or lake_catalog.catalog())  # the lake landed into (a no-op when it is already)
        if freshness.due().refresh:
            beat("ラウンジの集計更新")
            report.marts_refreshed = freshness.refresh(trigger="hub") is not None
    return report


_outcomes_seen: dict[str, Any] = {}


def _land_outcomes_if_changed(cat: SqlCatalog | None) -> None:
    """The tax and declarations outcomes in the lounge zone, when they changed since this process last landed
    them (landing is idempotent by content in any case)."""
    from jichitai.hub import outcomes

    mark = outcomes.watermark()
    if _outcomes_seen.get("mark") != mark:
        outcomes.land_outcomes(cat)
        _outcomes_seen["mark"] = mark


def replay(identifier: str, cat: SqlCatalog | None = None) -> int:
    """Rebuild one lake table from the hub's durable store (feed events; received files checked against
    their hashes in the message log): drop it, recreate it, land everything again."""
    cat = cat or lake_catalog.catalog()
    if cat.table_exists(identifier):
        cat.drop_table(identifier)
    if identifier in EVENT_TABLES:
        return land_events_into(identifier, cat=cat)
    if identifier == "raw.file_rows" or identifier in FILE_TABLES.values():
        count = 0
        for f in ExchangedFile.objects.filter(direction="in", status__in=("accepted", "landed")).order_by("pk"):
            target = FILE_TABLES.get(f.layout)
            if target is None or (identifier != "raw.file_rows" and identifier != target):
                continue
            rows = _file_rows(f)
            data = (_raw_file_rows(f, rows, f.batch_id) if identifier == "raw.file_rows"
                    else _standard_file_rows(f, rows, f.batch_id, identifier))
            landing.append_once(table(identifier, cat), data, f.batch_id)
            count += len(rows)
        return count
    if identifier.startswith("lounge."):
        refresh_lounge(cat)
        return table(identifier, cat).scan().to_arrow().num_rows
    raise KeyError(identifier)
