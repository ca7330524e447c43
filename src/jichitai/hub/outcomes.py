"""Landing the tax and declarations contexts' outcomes in the lounge zone: every assessment version
(``lounge.tax_assessment``) and every filed declaration with its outcome (``lounge.declarations``).

Both are 全件 tables: each landing overwrites the table in one Iceberg commit, once per content (the batch id is
the SHA-256 of the rows), so landing again without a change commits nothing. Pseudonymised like every lounge
table (``pid`` = HMAC of the 宛名番号 for the purpose ``lounge``); no names, no 個人番号, no amounts per person
beyond the assessment figures the schema names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pyarrow as pa
from django.db.models import Sum

from jichitai.hub.landing import table
from jichitai.lake import landing
from jichitai.lake.pseudonym import Pseudonymiser
from jichitai.lake.schemas import arrow_schema
from jichitai.lake.schemas import identifier as lounge_id

# declarations.Status → lounge.declarations.outcome (lake.schemas.DECLARATION_OUTCOMES); drafts and
# withdrawn declarations were never filed and are left out
OUTCOME_OF_STATUS = {"auto_accepted": "auto_accepted", "returned": "returned", "clerk_accepted": "clerk_accepted",
                     "clerk_corrected": "clerk_corrected", "submitted": "pending", "clerk": "pending",
                     "pending_approval": "pending"}


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def assessment_rows(p: Pseudonymiser) -> pa.Table:
    """One row per assessment; the 区 of a person whose address the Shield covers (支援措置・照会抑止 of theirs,
    their household's or their place's) stays empty, as in every other lake table (:mod:`.lakeshield`)."""
    from jichitai.registry import suppression
    from jichitai.tax.models import Assessment

    hidden = suppression.covered_people(suppression.shield())
    cols: dict[str, list[Any]] = {name: [] for name in arrow_schema("tax_assessment").names}
    for a in Assessment.objects.order_by("id").values(
            "atena_number", "fiscal_year", "version", "ward_code", "taxable", "total_income", "taxable_income", "taxable_separate",
            "city_income_levy", "pref_income_levy", "city_per_capita", "pref_per_capita").iterator(chunk_size=5000):
        for name, value in (("pid", a["atena_number"]), ("fiscal_year", a["fiscal_year"]), ("version", a["version"]),
                            ("ward_code", "" if a["atena_number"] in hidden else a["ward_code"]),
                            ("taxable", a["taxable"]),
                            ("total_income", a["total_income"]), ("taxable_income", a["taxable_income"]),
                            ("taxable_separate", a["taxable_separate"]),
                            ("income_levy", a["city_income_levy"] + a["pref_income_levy"]),
                            ("per_capita", a["city_per_capita"] + a["pref_per_capita"])):
            cols[name].append(value)
    cols["pid"] = p.many(cols["pid"])
    return pa.Table.from_pydict(cols, schema=arrow_schema("tax_assessment"))


def unregistered_filer(owner_index: str) -> str:
    """What a filer not found in the registry is pseudonymised from: their 個人番号's blind index (so it is keyed by
    the 個人番号 vault, and ``jichitai vault rotate`` moves it: :mod:`jichitai.rotation.lake`)."""
    return f"owner:{owner_index}"


def declaration_rows(p: Pseudonymiser) -> pa.Table:
    from jichitai.declarations.models import ClerkAction, Declaration

    minutes = dict(ClerkAction.objects.values("declaration_id").annotate(m=Sum("minutes"))
                   .values_list("declaration_id", "m"))
    cols: dict[str, list[Any]] = {name: [] for name in arrow_schema("declarations").names}
    for d in (Declaration.objects.filter(status__in=list(OUTCOME_OF_STATUS), submitted_at__isnull=False)
              .order_by("id").values("id", "receipt_number", "source_ref", "atena_number", "owner_index",
                                     "fiscal_year", "channel", "pattern", "status", "submitted_at", "decided_at")
              .iterator(chunk_size=5000)):
        ref = d["receipt_number"] or d["source_ref"] or str(d["id"])
        # a filer not found in the registry still counts, under a pseudonym of the My Number's blind index
        person = d["atena_number"] or unregistered_filer(d["owner_index"])
        for name, value in (("declaration_pid", f"declaration:{ref}"), ("pid", person),
                            ("fiscal_year", d["fiscal_year"]), ("channel", d["channel"]), ("pattern", d["pattern"]),
                            ("outcome", OUTCOME_OF_STATUS[d["status"]]), ("submitted_at", _utc(d["submitted_at"])),
                            ("decided_at", _utc(d["decided_at"])), ("clerk_minutes", minutes.get(d["id"]))):
            cols[name].append(value)
    cols["declaration_pid"] = p.many(cols["declaration_pid"])
    cols["pid"] = p.many(cols["pid"])
    return pa.Table.from_pydict(cols, schema=arrow_schema("declarations"))


def _content_id(data: pa.Table) -> str:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, data.schema) as writer:
        writer.write_table(data)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()[:32]


def watermark() -> tuple[Any, ...]:
    """A cheap fingerprint of the two sources (assessments are append-only; declarations carry updated_at):
    ``jichitai hub run`` lands the outcomes again only when it changes."""
    from django.db.models import Count, Max

    from jichitai.declarations.models import ClerkAction, Declaration
    from jichitai.tax.models import Assessment

    a = Assessment.objects.aggregate(n=Count("id"), m=Max("id"))
    d = Declaration.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    c = ClerkAction.objects.aggregate(n=Count("id"))
    return a["n"], a["m"], d["n"], d["m"], c["n"]


def land_outcomes(cat: Any = None, pseudonymiser: Pseudonymiser | None = None) -> dict[str, int]:
    """Overwrite ``lounge.tax_assessment`` and ``lounge.declarations`` with the current rows, once per content.
    Returns, per table, the rows it holds now."""
    p = pseudonymiser or Pseudonymiser.for_purpose("lounge")
    out = {}
    for name, build in (("tax_assessment", assessment_rows), ("declarations", declaration_rows)):
        data = build(p)
        landing.replace_once(table(lounge_id(name), cat), data, f"outcomes:{_content_id(data)}")
        out[lounge_id(name)] = data.num_rows
    return out
