"""Gathering the evidence for the review from the database: the registry, the reports received, the other
declarations; the result is a :class:`CityIndex`.

Two ways in, both set-based: :func:`build` for a few declarations (the portal's one, the clerk's screen) reads
only the rows about those people; :func:`for_year` for the bulk review (``jichitai declarations review``) reads
the year once — every filed declaration's claims, the reports about any filer or claimed relative, the registry
records of everyone involved — before any decision is written, so that every declaration of the run is judged
on the same evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.fields.json import KT

from jichitai.dbcopy import ANY_TEXT, keys_text
from jichitai.declarations import taxlink
from jichitai.declarations.cityindex import CityIndex, Filed
from jichitai.declarations.domain.facts import Address, KnownPerson
from jichitai.declarations.models import FINAL, OPEN_FOR_CLERK, ClaimedRelative, Declaration, Status

CHUNK = 2000
PEOPLE_CHUNK = 5000
CLAIMING = (Status.SUBMITTED, *OPEN_FOR_CLERK, *FINAL)
REPORT_CLAIM_KEYS = ["spouse_my_number"] + [f"{g}{n}_my_number" for g in ("dep", "young") for n in range(1, 5)]
FINAL_RETURN_CLAIM_KEYS = ["spouse_my_number"] + [f"rel{n}_my_number" for n in range(1, 5)]


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
               "removed_on", "town_code", "banchi", "katagaki", "setai_number", "address_set_on", "relationship",
               "sex")
SNAPSHOT_COLS = ("atena_number", "status", "town_code", "banchi", "katagaki", "setai_number",
                 "relationship")  # the 1月1日 address and household (賦課期日, and 12月31日 as near as held)


def load_people(index: CityIndex, wanted: Iterable[str]) -> None:
    """Registry records for these blind indexes: current state, and the snapshot on 1 January (賦課期日)."""
    jan1 = dt.date(index.fiscal_year, 1, 1)
    todo = sorted({w for w in wanted if w and w not in index.looked_up})
    index.looked_up.update(todo)
    rows = _people_sql(todo, jan1) if connection.vendor == "postgresql" else _people_orm(todo, jan1)
    for r, snap in rows:
        if snap is None and r["address_set_on"] and r["address_set_on"] <= jan1:
            snap = r  # no history row before 1 January (initial load): the address was set before it
        died = r["removed_on"] if r["status"] == "removed" and r["removal_reason"] == "death" else None
        index.people[r["my_number_index"]] = KnownPerson(
            atena_number=r["atena_number"], my_number="", name=r["name"], kana=r["kana"],
            birth_date=r["birth_date"], died_on=died, address_jan1=_address(snap), address_now=_address(r),
            # the household on 1月1日 (the day after the 12月31日 the law judges on), else the current one
            household=(snap or r)["setai_number"], relationship=(snap or r)["relationship"] or "",
            sex=r["sex"] or "",
        )


def load_households(index: CityIndex) -> None:
    """The members of every filer's household (世帯) on 1月1日 of the 年度, and the other systems' rows (障害者手帳,
    国保税) of everyone known: what the status, disability, 社会保険料 and birth rules compare with."""
    from jichitai.declarations import cityrecords
    from jichitai.registry.history import households_as_of
    from jichitai.registry.models import Town

    if not index.town_names:
        index.town_names = {code: f"{ward} {name}".strip()
                            for code, ward, name in Town.objects.values_list("code", "ward_name", "name")}

    filers = set(index.filed) | index.owners
    wanted = sorted({p.household for idx, p in index.people.items() if p.household and idx in filers}
                    - set(index.households))
    jan1 = dt.date(index.fiscal_year, 1, 1)
    for r in households_as_of(wanted, jan1):
        index.households.setdefault(r["setai_number"], []).append((r["atena_number"], KnownPerson(
            atena_number=r["atena_number"], my_number="", name=r["name"], kana=r["kana"],
            birth_date=r["birth_date"], address_now=Address(r["town_code"], r["banchi"], r["katagaki"]),
            household=r["setai_number"], relationship=r["relationship"] or "", sex=r["sex"] or "")))
    for setai in wanted:
        index.households.setdefault(setai, [])
    atenas = {p.atena_number for p in index.people.values()}
    atenas |= {p.atena_number for members in index.households.values() for _, p in members}
    disabilities, kokuho, consulted = cityrecords.load(atenas, index.fiscal_year - 1)
    index.disabilities.update(disabilities)
    index.kokuho_tax.update(kokuho)
    index.welfare_data = index.welfare_data or consulted
    load_member_incomes(index, [(atena, p.birth_date) for members in index.households.values()
                                for atena, p in members if atena not in index.member_income])


def load_member_incomes(index: CityIndex, members: list[tuple[str, dt.date | None]]) -> None:
    """What the ひとり親 rule (ST02) needs of every household member (所得税法施行令第11条の2: a child of 総所得金額等
    58万円以下 who is nobody else's 同一生計配偶者 or 扶養親族): their own reports (給与支払報告書・公的年金等支払報告書),
    their own 住民税申告 and 確定申告書 (国税連携), and every report, declaration or 確定申告書 that claims them, found
    by the registry's 個人番号索引; the incomes computed by the tax engine in one call. A member with none of these
    has no income here (the city cannot know it)."""
    from jichitai.registry.models import Resident

    wanted = sorted({atena for atena, _ in members} - set(index.member_index))
    for part in chunks(wanted, PEOPLE_CHUNK):
        index.member_index.update(Resident.objects.filter(atena_number__in=part).exclude(my_number_index="")
                                  .values_list("atena_number", "my_number_index"))
    found = sorted({index.member_index[a] for a in wanted if a in index.member_index})
    if found:
        if connection.vendor == "postgresql":
            load_reports_about(index, set(found))
        else:
            load_reports(index, found, found)
        load_declarations(index, found, [])
        load_final_returns_about(index, found)
        load_people(index, sorted(index.claimants_of(found)))  # who claims them, for the clerk's text
    index.prime_members(taxlink.total_incomes)


def load_final_returns_about(index: CityIndex, wanted: list[str]) -> None:
    """The 確定申告書 (国税連携) of the income year filed by one of ``wanted`` or claiming one of them as spouse or
    dependant: their income (:func:`jichitai.tax.assessment.returns.case_from_final_return`) and claims."""
    from jichitai.tax.assessment.returns import case_from_final_return
    from jichitai.tax.models import FinalReturn

    base = FinalReturn.objects.filter(income_year=index.fiscal_year - 1).order_by("filed_on", "id")
    rows: dict[str, dict[str, Any]] = {}  # the latest return of each filer (a 修正申告 replaces the earlier one)
    for part in chunks(wanted, 200):
        q = Q(recipient_index__in=part)
        values = [f"bi:{w}" for w in part]
        for key in FINAL_RETURN_CLAIM_KEYS:
            q |= Q(**{f"data__{key}__in": values})
        rows.update(base.filter(q).values_list("recipient_index", "data"))
    for owner, data in rows.items():
        case, _ = case_from_final_return(index.fiscal_year, "", "", data)
        income = {k: int(v or 0) for k, v in case["income"].items() if v}
        index.add_final_return(owner, income, spouse=_bi(data.get("spouse_my_number")) if case["spouse"] else "",
                               dependants=tuple(x for x in (_bi(data.get(k)) for k in FINAL_RETURN_CLAIM_KEYS[1:])
                                                if x))


Row = dict[str, Any]


def _people_sql(todo: list[str], jan1: dt.date) -> Iterator[tuple[Row, Row | None]]:
    """PostgreSQL: every person in one query (the indexes as one text parameter), each with the last history
    snapshot on or before 1 January (``LATERAL`` on the history's (宛名番号, 履歴番号) key)."""
    from jichitai.registry.models import Resident, ResidentHistory

    if not todo:
        return
    q = connection.ops.quote_name
    res, hist = ({f.attname: q(str(f.column)) for f in m._meta.concrete_fields} for m in (Resident, ResidentHistory))
    cols = ", ".join(f"r.{res[c]}" for c in PERSON_COLS)
    snap = ", ".join(f"h.{hist[c]}" for c in SNAPSHOT_COLS)
    sql = (f"SELECT {cols}, {snap} FROM {q(Resident._meta.db_table)} r LEFT JOIN LATERAL ("  # noqa: S608 (identifiers)
           f"SELECT * FROM {q(ResidentHistory._meta.db_table)} h WHERE h.{hist['atena_number']} = r.{res['atena_number']} "
           f"AND h.{hist['moved_on']} <= %s ORDER BY h.{hist['history_no']} DESC LIMIT 1) h ON TRUE "
           f"WHERE r.{res['my_number_index']} {ANY_TEXT} AND r.{res['my_number_index']} <> ''")  # the unique index
    with connection.cursor() as cur:
        cur.execute(sql, [jan1, keys_text(todo)])
        n = len(PERSON_COLS)
        for row in cur.fetchall():
            snapshot = dict(zip(SNAPSHOT_COLS, row[n:], strict=True))
            yield dict(zip(PERSON_COLS, row[:n], strict=True)), snapshot if snapshot["atena_number"] else None


def _people_orm(todo: list[str], jan1: dt.date) -> Iterator[tuple[Row, Row | None]]:
    """Elsewhere (the embedded SQLite): per chunk, the people, then their history up to 1 January."""
    from jichitai.registry.models import Resident, ResidentHistory

    for part in chunks(todo, PEOPLE_CHUNK):
        current = {r["atena_number"]: r for r in Resident.objects.filter(my_number_index__in=part).values(*PERSON_COLS)}
        on_jan1: dict[str, Row] = {}
        history = (ResidentHistory.objects.filter(atena_number__in=list(current), moved_on__lte=jan1)
                   .order_by("atena_number", "history_no"))
        for h in history.values(*SNAPSHOT_COLS):
            on_jan1[h["atena_number"]] = h  # ascending: the last snapshot wins
        for atena, r in current.items():
            yield r, on_jan1.get(atena)


def _bi(value: str | None) -> str:
    v = value or ""
    return v[3:] if v.startswith("bi:") else ""


def load_all_reports(index: CityIndex) -> None:
    """Every report of the income year, reading from each only the amount and whom it claims (the keys
    extracted by the database, not the whole record)."""
    from jichitai.tax.models import ReceivedReport

    cols = [KT(f"data__{k}") for k in ("social_insurance", "year_end_adjusted", "spouse", *REPORT_CLAIM_KEYS)]
    rows = (ReceivedReport.in_force().filter(income_year=index.fiscal_year - 1)
            .values_list("id", "kind", "recipient_index", "amount", *cols).iterator(chunk_size=20_000))
    _add_extracted(index, rows)


TRUE = ("true", "1", 1, True)


def _yen(value: Any) -> int:
    """A report's amount as extracted (a JSON number, or its text from ``->>``); none → 0."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0  # a JSON true as PostgreSQL (->>) and SQLite (json_extract) return it


def _add_extracted(index: CityIndex, rows: Iterable[Any]) -> None:
    """Rows of (id, kind, recipient, amount, social_insurance, year_end_adjusted, spouse, spouse_my_number,
    dep…_my_number…); a report already added is skipped (each counted once, whichever loader found it)."""
    for pk, kind, recipient, amount, social, adjusted, spouse_flag, spouse, *deps in rows:
        if pk in index.report_ids:
            continue
        index.report_ids.add(pk)
        index.add_report(kind, recipient, amount, year_end_adjusted=adjusted in TRUE, social_insurance=_yen(social),
                         spouse=_bi(spouse) if spouse_flag in TRUE else "",
                         dependants=tuple(x for x in map(_bi, deps) if x))


def load_reports_about(index: CityIndex, wanted: set[str]) -> None:
    """The reports of the income year received for one of ``wanted`` (blind indexes) or that claim one of them
    as spouse or dependant. On PostgreSQL one scan of the year's reports: the claim keys of each report read
    once (``jsonb_to_record``) and tested against the wanted set, which travels as one text parameter and is
    matched by hash (``= ANY(string_to_array(…))``), so that only the reports that matter leave the database
    (about 15 % of them), in the order they were stored; elsewhere (the embedded SQLite of the demo) all of
    them are read."""
    from jichitai.tax.models import ReceivedReport

    if connection.vendor != "postgresql":
        load_all_reports(index)
        return
    table = connection.ops.quote_name(ReceivedReport._meta.db_table)
    keys = ("social_insurance", "year_end_adjusted", "spouse", *REPORT_CLAIM_KEYS)
    record = ", ".join(f"{k} text" for k in keys)  # identifiers from REPORT_CLAIM_KEYS, values as parameters
    people = sorted(wanted)
    claimed = " OR ".join(f"x.{k} = ANY(string_to_array(%(claimed)s, ','))" for k in REPORT_CLAIM_KEYS)
    sql = f"""
        SELECT r.id, r.kind, r.recipient_index, r.amount, {", ".join(f"x.{k}" for k in keys)}
        FROM {table} r CROSS JOIN LATERAL jsonb_to_record(r.data) AS x({record})
        WHERE r.income_year = %(year)s AND r.status = 'in_force'
          AND (r.recipient_index = ANY(string_to_array(%(wanted)s, ',')) OR {claimed})
        ORDER BY r.id"""  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(sql, {"year": index.fiscal_year - 1, "wanted": keys_text(people),
                          "claimed": keys_text([f"bi:{w}" for w in people])})
        _add_extracted(index, cur.fetchall())


def _add_report(index: CityIndex, kind: str, recipient: str, amount: int, data: dict[str, Any]) -> None:
    def bi(key: str) -> str:
        v = data.get(key) or ""
        return v[3:] if v.startswith("bi:") else ""

    spouse = bi("spouse_my_number") if data.get("spouse") else ""
    deps = tuple(x for x in (bi(k) for k in REPORT_CLAIM_KEYS[1:]) if x)
    index.add_report(kind, recipient, amount, year_end_adjusted=bool(data.get("year_end_adjusted")),
                     spouse=spouse, dependants=deps, social_insurance=_yen(data.get("social_insurance")))


def load_reports(index: CityIndex, people: list[str], relatives: list[str]) -> None:
    """Reports for the income year: those of ``people`` plus any report that claims one of ``relatives``
    (二重扶養 through 年末調整)."""
    from jichitai.tax.models import ReceivedReport

    base = ReceivedReport.in_force().filter(income_year=index.fiscal_year - 1)
    seen = index.report_ids
    for part in chunks(people):
        for row in base.filter(recipient_index__in=part).values_list("id", "kind", "recipient_index", "amount", "data"):
            if row[0] not in seen:
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


def build(fiscal_year: int, declarations: list[Declaration]) -> CityIndex:
    """The evidence for a few declarations (the portal's, the clerk's screen): only the rows about them."""
    index = CityIndex(fiscal_year=fiscal_year, income_fn=taxlink.total_income)
    owners: list[str] = []
    relatives: list[str] = []
    for d in declarations:
        owner, rels = indexes_of(d.data)
        owners.append(owner)
        relatives.extend(i for i, _ in rels)
    load_reports(index, owners + relatives, sorted(set(owners + relatives)))  # as for_year: claims on filers too
    load_declarations(index, sorted(set(relatives)), sorted(set(owners)))
    load_final_returns_about(index, sorted(set(relatives)))
    load_people(index, owners + relatives + sorted(index.claimants_of(relatives)))
    index.owners.update(owners)
    load_households(index)
    load_final_returns(index, owners)
    return index


def load_final_returns(index: CityIndex, owners: list[str]) -> None:
    """Who among ``owners`` filed a 所得税の確定申告 that came through 国税連携 (the tax office's port)."""
    from jichitai.tax.report_intake import final_return_filers

    index.final_returns |= final_return_filers(index.fiscal_year - 1, sorted(set(o for o in owners if o)))


def for_year(fiscal_year: int) -> CityIndex:
    """The evidence for reviewing every declaration of ``fiscal_year`` at once: every filed declaration (受付済,
    職員確認中, 受理) by its claims (:class:`ClaimedRelative`) and incomes, the reports of the income year about
    any filer or claimed relative, and the registry records of every filer, claimed relative and claimant."""
    index = CityIndex(fiscal_year=fiscal_year, income_fn=taxlink.total_income)
    claimed: dict[int, list[tuple[str, str]]] = {}
    for decl_id, idx, role in (ClaimedRelative.objects.filter(fiscal_year=fiscal_year,
                                                              declaration__status__in=CLAIMING)
                               .values_list("declaration_id", "claimed_index", "role").iterator(chunk_size=20_000)):
        claimed.setdefault(decl_id, []).append((idx, role))
    rows = (Declaration.objects.filter(fiscal_year=fiscal_year, status__in=CLAIMING).order_by("id")
            .values_list("id", "receipt_number", "source_ref", "owner_index", KT("data__birth_date"),
                         "data__case__income").iterator(chunk_size=20_000))
    for pk, receipt, source_ref, owner, birth, income in rows:
        rels = claimed.get(pk, [])
        index.add_declaration(Filed(
            ref=receipt or source_ref or str(pk), owner=owner,
            spouse=next((i for i, role in rels if role == "spouse"), ""),
            dependants=tuple(i for i, role in rels if role == "dependent"),
            income={k: int(v or 0) for k, v in (income or {}).items()},
            birth_date=dt.date.fromisoformat(birth) if birth else None,
        ))
    relatives = sorted({idx for rels in claimed.values() for idx, _ in rels})
    load_reports_about(index, set(index.filed) | set(relatives))
    load_final_returns_about(index, relatives)
    load_people(index, sorted(set(index.filed) | set(relatives) | index.claimants_of(relatives)))
    load_households(index)
    load_final_returns(index, sorted(index.filed))
    return index
