"""The Shield over what the lake already holds: rows landed before a 支援措置 or 照会抑止 started.

The landing withholds a protected address from the day the measure is in force (:mod:`jichitai.hub.landing`).
Rows landed earlier, and the snapshots that time travel reads, still held it. :func:`enforce` (run by the hub
worker every cycle, in ``jichitai hub run``) closes that:

1. It asks the one Shield (:mod:`jichitai.registry.suppression`) whom the privacy kinds cover today
   (:func:`~jichitai.registry.suppression.covered_people`: the protected people, their household's current
   members, anyone at their place) and takes a keyed fingerprint of that set. Each address-bearing table
   records in its properties the fingerprint it was last brought in line with; a table whose fingerprint
   differs is redacted now. A measure set at noon is therefore applied by the worker's next cycle.
2. Redaction rewrites the covered rows in place (an Iceberg overwrite with a row filter: copy-on-write of the
   files that hold them, one atomic commit): every address item — 区, 町字, 番地・方書 in the raw payload, 郵便番号,
   the previous address, the school district derived from the 町字 — becomes empty, as if the row had landed
   under the measure. Event tables are matched by event id: every event of a covered person, and every event
   that shows a protected household's or place's address (also someone who left that household), found in
   the hub's durable store. The lounge's recomputed tables are rebuilt from the redacted standard zone.
3. Time travel: every snapshot older than the redaction is expired — in a table where rows were rewritten, and
   in every table that is replaced whole (its older snapshots hold rows as they were) when anyone is covered —
   and the files only they referenced (data files, manifests, manifest lists) are deleted, so no "as of" read — the lounge's dashboards, an operator's
   scan — can reach the old rows. Address columns are written without min/max statistics
   (``write.metadata.metrics.column.*``), so no manifest carries a 町字 either. The lounge's saved "as of" mart
   sets, computed from the expired snapshots, are removed with them.

Data moves one way: the registry does not know this exists; this module reads the registry's Shield and the
hub's store and writes only the lake.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db.models import Q
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import AlwaysFalse, BooleanExpression, In, Or
from pyiceberg.table import Table

from jichitai.hub import landing as hub_landing
from jichitai.hub.catalogue import SUPPORT_MEASURE_KEY
from jichitai.hub.models import FeedEvent
from jichitai.lake import landing
from jichitai.lake.pseudonym import Pseudonymiser
from jichitai.lake.retention import keep_only_current
from jichitai.registry import suppression

SHIELD_PROPERTY = "jichitai.shield"
ACTION = "lake.redact"
LAKE = "system:lake"

# Address columns per table, and the value a withheld address leaves (the landing's own: '' where the column is
# required, null where it may be). raw.atena_events and raw.file_rows hold addresses inside their JSON text.
ADDRESS_COLUMNS: dict[str, dict[str, str | None]] = {
    "standard.resident_history": {
        "ward_code": None,
        "town_code": None,
        "school_district": None,
        "postcode": None,
        "previous_ward_code": None,
        "previous_town_code": None,
    },
    "standard.resident_extract": {"ward_code": "", "town_code": "", "postcode": None},
    "lounge.movements": {"ward_code": "", "town_code": "", "school_district": None},
    "lounge.resident_spells": {"ward_code": "", "town_code": "", "school_district": None},
    "lounge.births": {"ward_code": ""},
    "lounge.child_allowance": {"ward_code": "", "school_district": None},
    "lounge.ltc_certification": {"ward_code": ""},
    "lounge.nhi_enrolment": {"ward_code": ""},
    "lounge.tax_assessment": {"ward_code": ""},
}
EVENT_TABLES = ("raw.atena_events", "standard.resident_history", "lounge.movements")
RECOMPUTED = (
    "lounge.resident_spells",
    "lounge.births",
    "lounge.child_allowance",
    "lounge.ltc_certification",
    "lounge.nhi_enrolment",
)
REPLACED = (*RECOMPUTED, "standard.resident_extract", "lounge.tax_assessment")  # overwritten whole when they move
ADDRESS_TABLES = (*EVENT_TABLES, "raw.file_rows", "standard.resident_extract", *RECOMPUTED, "lounge.tax_assessment")


@dataclass(frozen=True)
class Covered:
    """Whom the lake must hold no address of: people (宛名番号), households (世帯番号), and the events showing
    a protected address."""

    people: frozenset[str]
    households: frozenset[str]
    events: frozenset[str]
    fingerprint: str


@dataclass
class Report:
    fingerprint: str = ""
    redacted: dict[str, int] = field(default_factory=dict)  # table → rows rewritten
    expired: dict[str, int] = field(default_factory=dict)  # table → snapshots expired
    deleted_files: int = 0
    forgotten_as_of: int = 0  # the lounge's saved "as of" mart sets removed with the history they came from

    def as_dict(self) -> dict[str, Any]:
        return {"redacted": sum(self.redacted.values()), "tables": len(self.expired), "files": self.deleted_files}


def covered(guard: suppression.Shield) -> Covered:
    """The covered people and households, with a keyed fingerprint of them (cheap: two registry queries)."""
    people = suppression.covered_people(guard)
    households = frozenset(guard.by_household)
    places = sorted("|".join(place) for place in guard.by_address)
    digest = Pseudonymiser.for_purpose("lake-shield")  # keyed: the fingerprint does not tell who is protected
    text = "/".join([",".join(sorted(people)), ",".join(sorted(households)), ",".join(places)])
    return Covered(people, households, frozenset(), digest(text) or "")


def covered_events(guard: suppression.Shield, who: Covered) -> Covered:
    """``who`` with the events that show a covered address: every event of a covered person, and any other that
    shows a protected household's or place's address (the hub's durable store of relayed events)."""
    towns = sorted({town for town, _, _ in guard.by_address})
    events: set[str] = set()
    if who.people or who.households:
        households = sorted(who.households)
        where = (
            Q(atena_number__in=sorted(who.people))
            | Q(setai_number__in=households)
            | Q(payload__previous__setai_number__in=households)
            | Q(payload__town_code__in=towns)
        )
        for event_id, atena, setai, payload in (
            FeedEvent.objects.filter(where)
            .values_list("event_id", "atena_number", "setai_number", "payload")
            .iterator(chunk_size=2000)
        ):
            if atena in who.people or suppression.withholds_from_analysis(
                guard, {**payload, "atena_number": atena}, setai
            ):
                events.add(str(event_id))
    return Covered(who.people, who.households, frozenset(events), who.fingerprint)


def _blank(data: pa.Table, columns: dict[str, str | None], rows: pa.Array) -> pa.Table:
    """``data`` with ``columns`` emptied on the rows where ``rows`` is true."""
    for name, empty in columns.items():
        i = data.schema.get_field_index(name)
        column = data.column(i)
        data = data.set_column(i, data.schema.field(i), pc.if_else(rows, pa.scalar(empty, column.type), column))
    return data


def withhold_extract(data: pa.Table, guard: suppression.Shield) -> tuple[pa.Table, list[str]]:
    """A 宛名 全件 extract landed in ``standard.resident_extract`` (the bulk path) as the landing withholds events:
    the address items of every covered person and household emptied. Returns the data and whose were."""
    people, households = suppression.covered_people(guard), sorted(guard.by_household)
    if not people and not households:
        return data, []
    rows = pc.or_(pc.is_in(data["atena_number"], pa.array(sorted(people), pa.string())),
                  pc.is_in(data["setai_number"], pa.array(households, pa.string())))
    rows = pc.fill_null(rows, False)
    hit = sorted(set(pc.filter(data["atena_number"], rows).to_pylist()))
    columns = {k: v for k, v in ADDRESS_COLUMNS["standard.resident_extract"].items() if k in data.column_names}
    return _blank(data, columns, rows), hit


def _in(column: str, values: Iterable[str]) -> BooleanExpression:
    wanted = sorted(values)
    # pyiceberg's In(term, literals) is typed through pydantic's generated __init__, which mypy reads wrongly
    return In(column, wanted) if wanted else AlwaysFalse()  # type: ignore[call-arg,arg-type]


def _raw_payloads(data: pa.Table) -> pa.Table:
    payloads = [
        json.dumps(
            {**suppression.withhold_address(json.loads(p)), SUPPORT_MEASURE_KEY: True},
            ensure_ascii=False,
            sort_keys=True,
        )
        for p in data.column("payload").to_pylist()
    ]
    i = data.schema.get_field_index("payload")
    return data.set_column(i, data.schema.field(i), pa.array(payloads, data.schema.field(i).type))


def _file_cells(data: pa.Table) -> pa.Table:
    cells = [
        json.dumps(
            {k: v for k, v in json.loads(c).items() if k not in hub_landing.RAW_CELLS_LEFT_OUT}, ensure_ascii=False
        )
        for c in data.column("cells").to_pylist()
    ]
    i = data.schema.get_field_index("cells")
    return data.set_column(i, data.schema.field(i), pa.array(cells, data.schema.field(i).type))


def _all_rows(data: pa.Table) -> pa.Array:
    return pa.array([True] * data.num_rows, pa.bool_())


def redact(identifier: str, t: Table, who: Covered, p: Pseudonymiser, batch: str) -> int:
    """Redact one append-only or outcome table in place. Returns the rows rewritten."""
    columns = ADDRESS_COLUMNS.get(identifier, {})
    if identifier == "raw.atena_events":
        return landing.rewrite(t, _in("event_id", who.events), _raw_payloads, batch)
    if identifier == "raw.file_rows":  # no free-text address stays in the raw zone, whoever it is
        return landing.rewrite(t, _in("layout", ["salary-report", "pension-report"]), _file_cells, batch)
    if identifier in ("standard.resident_history", "lounge.movements"):

        def fix(data: pa.Table) -> pa.Table:
            out = _blank(data, columns, _all_rows(data))
            if "support_measure" in out.column_names:
                i = out.schema.get_field_index("support_measure")
                out = out.set_column(i, out.schema.field(i), pa.array([True] * out.num_rows, pa.bool_()))
            return out

        return landing.rewrite(t, _in("event_id", who.events), fix, batch)
    if identifier == "standard.resident_extract":
        where = Or(_in("atena_number", who.people), _in("setai_number", who.households))
        return landing.rewrite(t, where, lambda d: _blank(d, columns, _all_rows(d)), batch)
    if identifier == "lounge.tax_assessment":
        pids = {x for x in p.many(sorted(who.people)) if x}
        return landing.rewrite(t, _in("pid", pids), lambda d: _blank(d, columns, _all_rows(d)), batch)
    raise KeyError(identifier)


def no_address_statistics(t: Table, identifier: str) -> None:
    """Write the table's address columns without min/max bounds in the manifests (counts only)."""
    names = (
        set(ADDRESS_COLUMNS.get(identifier, {}))
        | ({"payload"} if identifier == "raw.atena_events" else set())
        | ({"cells"} if identifier == "raw.file_rows" else set())
    )
    wanted = {f"write.metadata.metrics.column.{n}": "counts" for n in sorted(names)}
    if any(t.properties.get(k) != v for k, v in wanted.items()):
        with t.transaction() as tx:
            tx.set_properties(wanted)
        t.refresh()


def enforce(
    cat: SqlCatalog | None = None, guard: suppression.Shield | None = None, pseudonymiser: Pseudonymiser | None = None
) -> Report:
    """Bring every address-bearing lake table in line with today's Shield (see the module's docstring)."""
    from jichitai.lake import catalog as lake_catalog

    cat = cat or lake_catalog.catalog()
    guard = guard or suppression.shield()
    p = pseudonymiser or Pseudonymiser.for_purpose("lounge")
    who = covered(guard)
    report = Report(fingerprint=who.fingerprint)
    stale = [
        ident
        for ident in ADDRESS_TABLES
        if cat.table_exists(ident) and cat.load_table(ident).properties.get(SHIELD_PROPERTY) != who.fingerprint
    ]
    if not stale:
        return report
    batch = f"shield:{who.fingerprint[:16]}"
    who = covered_events(guard, who)
    for ident in stale:
        if ident not in RECOMPUTED:
            t = cat.load_table(ident)
            no_address_statistics(t, ident)
            report.redacted[ident] = redact(ident, t, who, p, batch)
    if who.people and any(ident in RECOMPUTED for ident in stale):  # rebuilt from the redacted standard zone
        for ident in RECOMPUTED:
            if cat.table_exists(ident):
                no_address_statistics(cat.load_table(ident), ident)
        hub_landing.refresh_lounge(cat, p, mark=batch)
    for ident in stale:
        t = cat.load_table(ident)
        # an append-only table's older snapshots hold only rows its current one holds: its history goes only when
        # rows were rewritten now; a replaced table's older snapshots may hold anyone's rows as they were
        if report.redacted.get(ident) or (ident in REPLACED and who.people):
            expired, files = keep_only_current(t)
            report.expired[ident] = expired
            report.deleted_files += files
        with t.transaction() as tx:
            tx.set_properties({SHIELD_PROPERTY: who.fingerprint})
    if any(ident.startswith("lounge.") for ident in report.expired):
        from jichitai.lounge import services as lounge_services

        report.forgotten_as_of = lounge_services.forget_as_of()
    if who.people:
        records = suppression.records_of(who.people)
        suppression.withheld_events(LAKE, ACTION, records, guard, tables=sorted(stale))
    return report
