"""Gathering the evidence for the review from the database: the registry, the reports received, the other
declarations. One set of batched queries for any number of declarations (one in the portal, all of them in
``jichitai declarations review``); the result is a :class:`CityIndex`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q

from jichitai.declarations import taxlink
from jichitai.declarations.cityindex import CityIndex, Filed
from jichitai.declarations.domain.facts import Address, KnownPerson
from jichitai.declarations.models import FINAL, OPEN_FOR_CLERK, ClaimedRelative, Declaration, Status

CHUNK = 2000
CLAIMING = (Status.SUBMITTED, *OPEN_FOR_CLERK, *FINAL)
REPORT_CLAIM_KEYS = ["spouse_my_number"] + [f"{g}{n}_my_number" for g in ("dep", "young") for n in range(1, 5)]


def chunks(items: list[str], size: int = CHUNK) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def indexes_of(data: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    """(owner index, [(relative index, role)]) from a sealed declaration record."""
    case = data.get("case") or {}
    rels = []
    if case.get("spouse") and case["spouse"].get("my_number_index"):
        rels.append((case["spouse"]["my_number_index"], "spouse"))
    for d in case.get("dependents") or []:
        if d.get("my_number_index"):
            rels.append((d["my_number_index"], "dependent"))
    return data.get("my_number_index", ""), rels


def _address(row: Any) -> Address | None:
    if row is None or row["status"] != "active":
        return None
    return Address(row["town_code"], row["banchi"], row["katagaki"])


PERSON_COLS = ("atena_number", "my_number_index", "name", "kana", "birth_date", "status", "removal_reason",
               "removed_on", "town_code", "banchi", "katagaki", "setai_number", "address_set_on")


def load_people(index: CityIndex, wanted: Iterable[str]) -> None:
    """Registry records for these blind indexes: current state, and the snapshot on 1 January (賦課期日)."""
    from jichitai.registry.models import Resident, ResidentHistory

    jan1 = dt.date(index.fiscal_year, 1, 1)
    todo = sorted({w for w in wanted if w and w not in index.people})
    for part in chunks(todo):
        current = {r["atena_number"]: r for r in Resident.objects.filter(my_number_index__in=part).values(*PERSON_COLS)}
        on_jan1: dict[str, dict[str, Any]] = {}
        history = (ResidentHistory.objects.filter(atena_number__in=list(current), moved_on__lte=jan1)
                   .order_by("atena_number", "history_no").values(*PERSON_COLS, "history_no"))
        for h in history:
            on_jan1[h["atena_number"]] = h  # the last snapshot on or before 1 January wins
        for atena, r in current.items():
            snap = on_jan1.get(atena)
            if snap is None and r["address_set_on"] and r["address_set_on"] <= jan1:
                snap = r  # no history row before 1 January (initial load): the address was set before it
            died = r["removed_on"] if r["status"] == "removed" and r["removal_reason"] == "death" else None
            index.people[r["my_number_index"]] = KnownPerson(
                atena_number=atena, my_number="", name=r["name"], kana=r["kana"], birth_date=r["birth_date"],
                died_on=died, address_jan1=_address(snap), address_now=_address(r), household=r["setai_number"],
            )


def _report_rows(qs: Any) -> Iterator[tuple[str, str, int, dict[str, Any]]]:
    yield from qs.values_list("kind", "recipient_index", "amount", "data").iterator(chunk_size=5000)


def _add_report(index: CityIndex, kind: str, recipient: str, amount: int, data: dict[str, Any]) -> None:
    def bi(key: str) -> str:
        v = data.get(key) or ""
        return v[3:] if v.startswith("bi:") else ""

    spouse = bi("spouse_my_number") if data.get("spouse") else ""
    deps = tuple(x for x in (bi(k) for k in REPORT_CLAIM_KEYS[1:]) if x)
    index.add_report(kind, recipient, amount, year_end_adjusted=bool(data.get("year_end_adjusted")),
                     spouse=spouse, dependants=deps)


def load_reports(index: CityIndex, people: list[str] | None, relatives: list[str]) -> None:
    """Reports for the income year: all of them (``people`` None: bulk review) or those of ``people`` plus
    any report that claims one of ``relatives`` (二重扶養 through 年末調整)."""
    from jichitai.tax.models import ReceivedReport

    base = ReceivedReport.objects.filter(income_year=index.fiscal_year - 1, superseded_by__isnull=True)
    seen: set[int] = set()
    if people is None:
        for kind, recipient, amount, data in _report_rows(base):
            _add_report(index, kind, recipient, amount, data)
        return
    for part in chunks(people):
        for row in base.filter(recipient_index__in=part).values_list("id", "kind", "recipient_index", "amount", "data"):
            seen.add(row[0])
            _add_report(index, *row[1:])
    for part in chunks(relatives, 200):
        values = [f"bi:{r}" for r in part]
        q = Q()
        for key in REPORT_CLAIM_KEYS:
            q |= Q(**{f"data__{key}__in": values})
        for row in base.filter(q).values_list("id", "kind", "recipient_index", "amount", "data"):
            if row[0] not in seen:
                seen.add(row[0])
                _add_report(index, *row[1:])


def load_declarations(index: CityIndex, relatives: list[str], owners: list[str]) -> None:
    """Other declarations of the year that claim the same relatives, or that these relatives filed."""
    claims = ClaimedRelative.objects.filter(fiscal_year=index.fiscal_year, declaration__status__in=CLAIMING)
    decl_ids: set[int] = set()
    for part in chunks(relatives):
        decl_ids.update(claims.filter(claimed_index__in=part).values_list("declaration_id", flat=True))
        decl_ids.update(Declaration.objects.filter(fiscal_year=index.fiscal_year, owner_index__in=part,
                                                   status__in=CLAIMING).values_list("id", flat=True))
    for part in chunks(owners):
        decl_ids.update(Declaration.objects.filter(fiscal_year=index.fiscal_year, owner_index__in=part,
                                                   status__in=CLAIMING).values_list("id", flat=True))
    for ids in chunks(sorted(decl_ids)):  # type: ignore[arg-type]
        for d in Declaration.objects.filter(id__in=ids).only("id", "data", "receipt_number", "source_ref"):
            index.add_declaration(filed_of(d))


def filed_of(d: Declaration) -> Filed:
    owner, rels = indexes_of(d.data)
    case = d.data.get("case") or {}
    income = {k: int(v or 0) for k, v in (case.get("income") or {}).items()}
    birth = d.data.get("birth_date")
    return Filed(
        ref=d.receipt_number or d.source_ref or str(d.pk), owner=owner,
        spouse=next((i for i, role in rels if role == "spouse"), ""),
        dependants=tuple(i for i, role in rels if role == "dependent"), income=income,
        birth_date=dt.date.fromisoformat(birth) if birth else None,
    )


def build(fiscal_year: int, declarations: list[Declaration], *, bulk: bool = False) -> CityIndex:
    """The evidence for these declarations (``bulk``: read every report of the year in one pass)."""
    index = CityIndex(fiscal_year=fiscal_year, income_fn=taxlink.total_income)
    owners: list[str] = []
    relatives: list[str] = []
    for d in declarations:
        owner, rels = indexes_of(d.data)
        owners.append(owner)
        relatives.extend(i for i, _ in rels)
    load_people(index, owners + relatives)
    load_reports(index, None if bulk else owners + relatives, sorted(set(relatives)))
    load_declarations(index, sorted(set(relatives)), sorted(set(owners)))
    return index
