"""The annual assessment (賦課) and its corrections (更正), stored as versions.

``run(fiscal_year)`` computes everyone registered on 1月1日 in one vectorised pass (NumPy, or PySpark's
``mapInArrow`` with ``engine="spark"``) and adds a version only for a person whose inputs or law changed, so a
re-run is idempotent and a changed input later is a new version, never an overwrite.
``apply_declaration`` is the same for one person (called by the declarations context).
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Sum
from django.utils import timezone as dj_timezone

from jichitai.dbcopy import with_keys
from jichitai.tax import parameters as P
from jichitai.tax.assessment.inputs import CHUNK, Person, people_of, resident_chunks
from jichitai.tax.calc import OUTPUT_COLUMNS, calculate_many, explain
from jichitai.tax.calc.explain import case_tables
from jichitai.tax.case import Case, parse_case
from jichitai.tax.errors import TaxError
from jichitai.tax.models import Assessment, RuleSet
from jichitai.tax.rules.separate import KINDS as SEPARATE_KINDS
from jichitai.tax.services import configured_city_code

ENGINES = ("numpy", "spark")
# the 課税分離所得金額 of each kind (the 長期譲渡's reduced-rate parts are within land_long_term), stored summed
SEPARATE_TAXABLE = tuple(f"taxable_{k}" for k in SEPARATE_KINDS)


@dataclass
class RunReport:
    fiscal_year: int
    run_id: str
    engine: str
    considered: int = 0
    created: int = 0
    corrected: int = 0
    unchanged: int = 0
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (宛名番号, field, message)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase


def inputs_hash(case: dict[str, Any], parameters_version: str, municipality_code: str) -> str:
    text = json.dumps(case, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{parameters_version}|{municipality_code}|{text}".encode()).hexdigest()


def _parse(people: list[Person], report: RunReport) -> tuple[list[Person], list[Case]]:
    ok, cases = [], []
    for person in people:
        try:
            case = parse_case(person.case)
        except TaxError as exc:
            report.refused.append((person.atena_number, str(exc.fields.get("field", "")), exc.message))
            continue
        if case.municipality is not None:
            report.refused.append((person.atena_number, "municipality", "賦課では団体の税率等を指定できません"))
            continue
        ok.append(person)
        cases.append(case)
    return ok, cases


def compute(cases: list[Case], fiscal_year: int, m: P.Municipality, engine: str = "numpy",
            timings: dict[str, float] | None = None) -> dict[str, Any]:
    """The output columns for ``cases`` by the chosen engine (both run :func:`calculate_many`); ``timings``
    receives the seconds spent building the columns and computing (``columns``, ``compute``)."""
    timings = {} if timings is None else timings
    t0 = time.perf_counter()
    if engine == "spark":
        from jichitai.tax.assessment.spark import compute_with_spark

        out = compute_with_spark(cases, fiscal_year, m)
        timings["compute"] = time.perf_counter() - t0
        return out
    taxpayers, relatives = case_tables(cases)
    t1 = time.perf_counter()
    out = calculate_many(taxpayers, relatives, fiscal_year=fiscal_year, municipality=m)
    timings.update(columns=t1 - t0, compute=time.perf_counter() - t1)
    return out


STORE_CHUNK = 20_000  # rows built and written at a time (the explanations of a whole city do not fit at once)


def _latest_hashes(fiscal_year: int, atena_numbers: list[str]) -> dict[str, tuple[int, str]]:
    """宛名番号 → (current version, its inputs hash), of the people given (one chunk of the city at a time)."""
    qs = with_keys(Assessment.objects.filter(fiscal_year=fiscal_year), "atena_number", atena_numbers)
    out: dict[str, tuple[int, str]] = {}
    for atena, version, digest in qs.values_list("atena_number", "version", "inputs_hash").iterator(chunk_size=20_000):
        if atena not in out or out[atena][0] < version:
            out[atena] = (version, digest)
    return out


def _store(people: list[Person], out: dict[str, Any], p: P.Parameters, m: P.Municipality, report: RunReport,
           rule_set: int | None = None) -> None:
    """A new version for each person whose inputs (or law) changed since their current one, in one transaction;
    ``rule_set`` the id of the explanation's rules when the caller has it already."""
    from jichitai.dbcopy import copy_rows

    latest = _latest_hashes(report.fiscal_year, [x.atena_number for x in people])
    columns = {k: out[k].tolist() for k in OUTPUT_COLUMNS}  # Python ints and bools, once per column
    now = dj_timezone.now()
    with transaction.atomic():
        # the explanation's rules and legal bases once for the run; each version keeps only its figures
        if rule_set is None:
            rule_set = RuleSet.stored(explain.rule_set(p, m)).pk
        for start in range(0, len(people), STORE_CHUNK):
            stop = min(start + STORE_CHUNK, len(people))
            figures = list(zip(*(columns[k][start:stop] for k in OUTPUT_COLUMNS), strict=True))
            rows = []
            for i in range(start, stop):
                person = people[i]
                digest = inputs_hash(person.case, p.version, m.code)
                before = latest.get(person.atena_number)
                if before is not None and before[1] == digest:
                    report.unchanged += 1
                    continue
                rows.append({
                    "fiscal_year": report.fiscal_year, "atena_number": person.atena_number,
                    "version": 1 if before is None else before[0] + 1, "ward_code": person.ward_code,
                    "source": person.source, "parameters_version": p.version, "municipality_code": m.code,
                    "engine": report.engine, "inputs_hash": digest, "case": person.case,
                    "rule_set_id": rule_set, "figures": figures[i - start], "notes": person.notes,
                    "taxable": not columns["exempt_per_capita"][i], "total_income": columns["total_income"][i],
                    "taxable_income": columns["taxable_income"][i],
                    "taxable_separate": sum(columns[k][i] for k in SEPARATE_TAXABLE),
                    "city_income_levy": columns["city_income_levy"][i],
                    "pref_income_levy": columns["pref_income_levy"][i],
                    "city_per_capita": columns["city_per_capita"][i], "pref_per_capita": columns["pref_per_capita"][i],
                    "forest_env_tax": columns["forest_env_tax"][i], "total": columns["total"][i],
                    "run_id": report.run_id, "created_at": now,
                })
                if before is None:
                    report.created += 1
                else:
                    report.corrected += 1
            copy_rows(Assessment, rows, batch_size=2000)


def run(fiscal_year: int, *, engine: str = "numpy", chunk: int = CHUNK, workers: int = 0) -> RunReport:
    """Assess everyone registered on 1月1日 of ``fiscal_year``, ``chunk`` people at a time (read, checked,
    computed and stored before the next are read: the memory is that of one chunk per process, not of the city);
    each chunk's versions are stored in their own transaction (a run stopped half-way is completed by running it
    again, which adds nothing for the chunks done). The chunks go to ``workers`` processes side by side
    (:func:`jichitai.dbcopy.bulk_workers`: two on PostgreSQL with two cores, one in a transaction or on SQLite),
    which share nothing but the database: a chunk's versions do not depend on which process stores them.
    ``report.timings`` holds each phase's seconds, summed over the chunks (over the processes: more than the
    wall time when they run side by side)."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    from jichitai.dbcopy import bulk_workers, fork_pool, without_cycle_collector

    p = P.load(fiscal_year)
    m = P.municipality(configured_city_code(), fiscal_year)
    report = RunReport(fiscal_year, uuid.uuid4().hex[:16], engine)
    for phase in ("gather", "cases", "columns", "compute", "store"):
        report.timings[phase] = 0.0
    job = _Job(fiscal_year, engine, report.run_id, RuleSet.stored(explain.rule_set(p, m)).pk)
    n = bulk_workers(workers) if engine == "numpy" else 1  # Spark runs its own executors
    with without_cycle_collector():
        if n < 2:
            chunks = resident_chunks(fiscal_year, chunk)
            while True:
                t0 = time.perf_counter()
                batch = next(chunks, None)
                report.timings["gather"] += time.perf_counter() - t0  # the registry's stream
                if batch is None:
                    return report
                _merge(report, job.assess(batch))
        with fork_pool(n) as pool:
            list(pool.map(int, range(n)))  # the workers forked now, before this process opens its registry stream
            pending: deque[Future[RunReport]] = deque()
            for batch in resident_chunks(fiscal_year, chunk):
                pending.append(pool.submit(job.assess, batch))
                while len(pending) > 2 * n:  # a bounded queue: the memory of a few chunks, not of the city
                    _merge(report, pending.popleft().result())
            while pending:
                _merge(report, pending.popleft().result())
    return report


@dataclass(frozen=True)
class _Job:
    """What every chunk of one run shares (sent to the worker processes with each chunk)."""

    fiscal_year: int
    engine: str
    run_id: str
    rule_set: int

    def assess(self, residents: list[tuple[str, str, str, str]]) -> RunReport:
        """One chunk (宛名番号, 生年月日, 性別, 区コード) gathered, checked, computed and stored; its own report."""
        clock = time.perf_counter
        p = P.load(self.fiscal_year)
        m = P.municipality(configured_city_code(), self.fiscal_year)
        report = RunReport(self.fiscal_year, self.run_id, self.engine)
        t0 = clock()
        gathered = people_of(self.fiscal_year, residents)
        t1 = clock()
        people, cases = _parse(gathered, report)
        report.considered = len(gathered)
        report.timings.update(gather=t1 - t0, cases=clock() - t1)
        if people:
            out = compute(cases, self.fiscal_year, m, self.engine, timings=report.timings)
            t3 = clock()
            _store(people, out, p, m, report, self.rule_set)
            report.timings["store"] = clock() - t3
        return report


def _merge(report: RunReport, part: RunReport) -> None:
    report.considered += part.considered
    report.created += part.created
    report.corrected += part.corrected
    report.unchanged += part.unchanged
    report.refused.extend(part.refused)
    for phase, seconds in part.timings.items():
        report.timings[phase] = report.timings.get(phase, 0.0) + seconds


def apply_declaration(*, atena_number: str, fiscal_year: int, case: dict[str, Any], source: str) -> str:
    """A declaration (or its correction) for one person: a new assessment version when the inputs changed."""
    return apply_declarations([Declared(atena_number, fiscal_year, case, source)])[0]


@dataclass(frozen=True)
class Declared:
    atena_number: str
    fiscal_year: int
    case: dict[str, Any]
    source: str


def apply_declarations(items: list[Declared]) -> list[str]:
    """Many declarations at once (the automated review's accepted ones): computed in bulk, one new version per
    person whose inputs changed; the references in the order given. A case the engine refuses raises
    :class:`TaxError` naming the field (nothing of the batch is stored: the caller's transaction)."""
    from jichitai.registry.models import Resident

    wards = dict(Resident.objects.filter(atena_number__in={i.atena_number for i in items})
                 .values_list("atena_number", "ward_code"))
    # a person twice in one batch goes in a later round, so each round reads the version the one before wrote
    rounds: list[list[Declared]] = []
    in_round: list[set[tuple[str, int]]] = []  # who is in each round already (a look-up, not a scan of the round)
    for item in items:
        key = (item.atena_number, item.fiscal_year)
        n = next((k for k, seen in enumerate(in_round) if key not in seen), len(rounds))
        if n == len(rounds):
            rounds.append([])
            in_round.append(set())
        rounds[n].append(item)
        in_round[n].add(key)
    refs: dict[int, str] = {}  # id(item) → the version it produced (or found unchanged)
    for batch in rounds:
        for year in sorted({i.fiscal_year for i in batch}):
            p = P.load(year)
            m = P.municipality(configured_city_code(), year)
            report = RunReport(year, uuid.uuid4().hex[:16], "numpy")
            people, cases = _parse([Person(i.atena_number, wards.get(i.atena_number, ""), i.source, i.case)
                                    for i in batch if i.fiscal_year == year], report)
            if report.refused:
                _, fld, message = report.refused[0]
                raise TaxError(message, field=fld)
            _store(people, compute(cases, year, m), p, m, report)
            mine = [i for i in batch if i.fiscal_year == year]
            versions = dict(Assessment.objects.filter(fiscal_year=year, atena_number__in={i.atena_number for i in mine})
                            .values("atena_number").annotate(v=Max("version")).values_list("atena_number", "v"))
            for i in mine:
                refs[id(i)] = f"assessment:{year}:{i.atena_number}:v{versions.get(i.atena_number, 0)}"
    return [refs[id(i)] for i in items]


def latest(fiscal_year: int) -> Any:
    """The current version of each person's assessment (a queryset): no later version of the same person."""
    later = Assessment.objects.filter(fiscal_year=fiscal_year, atena_number=OuterRef("atena_number"),
                                      version__gt=OuterRef("version"))
    return Assessment.objects.filter(fiscal_year=fiscal_year).exclude(Exists(later))


WARD_NAMES = {"28101": "東灘区", "28102": "灘区", "28105": "兵庫区", "28106": "長田区", "28107": "須磨区",
              "28108": "垂水区", "28109": "北区", "28110": "中央区", "28111": "西区"}


SUMMARY_FIELDS = ("assessed", "liable", "income_levy_liable", "city_income_levy", "pref_income_levy", "per_capita",
                  "forest_env_tax", "total")


def ward_summary(fiscal_year: int) -> list[dict[str, Any]]:
    """区別集計: residents assessed, liable to 均等割 and to 所得割, and the amounts, from the current versions
    (summed by the database), one row per 区 in code order."""
    rows = (latest(fiscal_year).values("ward_code").order_by("ward_code").annotate(
        assessed=Count("id"), liable=Count("id", filter=Q(taxable=True)),
        income_levy_liable=Count("id", filter=Q(city_income_levy__gt=0) | Q(pref_income_levy__gt=0)),
        city_income_levy=Sum("city_income_levy"), pref_income_levy=Sum("pref_income_levy"),
        per_capita=Sum(F("city_per_capita") + F("pref_per_capita")), forest_env_tax=Sum("forest_env_tax"),
        total=Sum("total")))
    return [{"ward_code": r["ward_code"], "ward_name": WARD_NAMES.get(r["ward_code"], r["ward_code"]),
             **{k: int(r[k] or 0) for k in SUMMARY_FIELDS}} for r in rows]
