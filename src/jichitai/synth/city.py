"""`jichitai synth city`: generate the city, load it into the registry, write the other systems' files.

Steps: address dictionary → base population at t0 (bulk) → Y years of 異動 through the registry's service
layer → tax inputs for the income year before the last 1 January → 国保/児童手当/介護 extracts → manifest
with the SHA-256 of every file and of a canonical dump of the registry (residents as of the end date).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from jichitai.common import csvout
from jichitai.dbcopy import bulk_workers, run_beside
from jichitai.registry import services
from jichitai.synth import othersystems, receipt_images
from jichitai.synth.geography import Town, build_towns
from jichitai.synth.history import Simulation
from jichitai.synth.population import City, build_base_population, built_without_collections, settle
from jichitai.synth.registry_load import HistoryApplier, Mapping_, apply_history, bulk_load_base, town_rows
from jichitai.synth.taxdata import TaxWriter, TaxYear, incomes
from jichitai.tax import reports
from jichitai.tax.final_returns import FINAL_RETURN

KOBE_POPULATION = 1_525_152
DEFAULT_END = dt.date(2026, 4, 1)


@dataclass
class Summary:
    residents: int = 0
    households: int = 0
    base_population: int = 0
    changes: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    salary_reports: int = 0
    pension_reports: int = 0
    declarations: int = 0
    defects: Counter[str] = field(default_factory=Counter)
    files: dict[str, str] = field(default_factory=dict)
    registry_sha256: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "residents": self.residents, "households": self.households, "base_population": self.base_population,
            "changes": dict(sorted(self.changes.items())), "refused": dict(sorted(self.refused.items())),
            "skipped": dict(sorted(self.skipped.items())), "reasons": dict(sorted(self.reasons.items())),
            "salary_reports": self.salary_reports, "pension_reports": self.pension_reports,
            "declarations": self.declarations, "defects": dict(sorted(self.defects.items())),
            "files": self.files, "registry_sha256": self.registry_sha256,
        }


@dataclass
class Options:
    population: int = KOBE_POPULATION
    years: int = 10
    seed: int = 2026
    out: Path = Path("var/synth")
    end: dt.date = DEFAULT_END
    defect_share: float = 0.15
    batch_size: int = 500
    base_chunk: int = 20000  # households a transaction of the base load takes
    workers: int = 0  # processes loading the base and recording history batches; 0: 2 on PostgreSQL (≥ 2 cores), else 1


class Progress:
    """Callbacks for a progress display (the command wires rich; tests pass nothing)."""

    def start(self, task: str, total: int | None) -> None: ...

    def advance(self, task: str, n: int = 1) -> None: ...


def t0_of(opts: Options) -> dt.date:
    return dt.date(opts.end.year - opts.years, opts.end.month, opts.end.day)


def generate(opts: Options, progress: Progress | None = None, clock: Callable[[], float] | None = None) -> Summary:
    progress = progress or Progress()
    summary = Summary()
    tick = clock or (lambda: 0.0)
    t_start = tick()
    t0 = t0_of(opts)
    jan1 = dt.date(opts.end.year if opts.end.month > 1 or opts.end.day > 1 else opts.end.year - 1, 1, 1)
    towns = build_towns(opts.seed)
    town_by_code = {t.code: t for t in towns}
    city = City(seed=opts.seed, t0=t0, towns=towns)
    with built_without_collections():  # millions of objects that all live on
        build_base_population(city, opts.population, random.Random(f"population:{opts.seed}"))
    settle()
    summary.base_population = sum(1 for p in city.people.values() if p.state == "active")
    summary.timings["generate_base"] = tick() - t_start

    services.load_towns(town_rows(towns))
    mapping = Mapping_()
    progress.start("base", summary.base_population)
    workers = bulk_workers(opts.workers)
    bulk_load_base(city, town_by_code, mapping, chunk=opts.base_chunk, workers=workers,
                   progress=lambda n: progress.advance("base", n))
    summary.timings["load_base"] = tick() - t_start

    sim = Simulation(city, opts.seed, t0, opts.years, jan1)
    applier = HistoryApplier(city, mapping, batch_size=opts.batch_size, seed=opts.seed, workers=workers)
    months = opts.years * 12
    progress.start("history", months)
    last_month = [t0.year * 12 + t0.month]

    def on_event(ev: Any) -> None:
        m = ev.on.year * 12 + ev.on.month
        if m > last_month[0]:
            progress.advance("history", m - last_month[0])
            last_month[0] = m
            if m % 12 == 0:
                settle()  # the people and households of the year gone by

    apply_history(sim.run(), applier, on_event)
    summary.changes, summary.refused = applier.applied, applier.refused
    summary.skipped, summary.reasons = applier.skipped, applier.reasons
    summary.timings["history"] = tick() - t_start
    settle()

    # the registry is final: its checksum is read (in another process on PostgreSQL) while the files are written
    with run_beside(functools.partial(registry_checksum, opts.end), workers) as checksum:
        _write_files(opts, summary, city, sim, mapping, towns, jan1, workers)
        summary.timings["files"] = tick() - t_start
        summary.registry_sha256, summary.residents, summary.households = checksum()
    (opts.out / "manifest.json").write_text(json.dumps({
        "seed": opts.seed, "population": opts.population, "years": opts.years, "t0": t0.isoformat(),
        "end": opts.end.isoformat(), "jan1": jan1.isoformat(), "summary": summary.as_dict(),
    }, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    summary.timings["total"] = tick() - t_start
    return summary


def _write_files(opts: Options, summary: Summary, city: City, sim: Simulation, mapping: Mapping_,
                 towns: list[Town], jan1: dt.date, workers: int = 1) -> None:
    """The address dictionary, the tax inputs of the income year and the other systems' extracts; with two or more
    ``workers``, the extracts (once the year's incomes are drawn) and then the payers' report files are written by
    other processes meanwhile (each file the same whichever process writes it)."""
    town_by_code = {t.code: t for t in towns}
    t0 = t0_of(opts)
    out = opts.out
    out.mkdir(parents=True, exist_ok=True)
    write = _Writer(out, summary.files)
    write.csv("towns.csv", ["町字コード", "行政区コード", "行政区名", "町字", "町字フリガナ", "郵便番号", "小学校区"],
              [[t.code, t.ward_code, t.ward_name, t.name, t.kana, t.postcode, t.school_district] for t in towns])
    global _FILES
    try:
        # tax inputs: the residents of 1 January, incomes of the year before
        rng = random.Random(f"tax:{opts.seed}")
        jan1_people = [city.people[pid] for pid in sorted(sim.jan1.address)]
        ty = incomes(city, jan1_people, jan1.year - 1, rng)
        window = othersystems.Window(t0, opts.end)
        tw = TaxWriter(city, ty, sim.jan1.address, town_by_code, rng, opts.defect_share)
        # what the 国保 and 障害者福祉 systems hold, known before the declarations are written (they declare it)
        ty.kokuho_tax = othersystems.kokuho_tax(_kokuho_rows(city, window, ty, opts.seed), tw.total_income)
        ty.techo = othersystems.techo(city, window, random.Random(f"techo:{opts.seed}"))
        _FILES = _Files(city, window, mapping, out, opts.seed, ty)
        with run_beside(_extract_files, workers) as extracts:
            tw.reports()
            tw.final_returns()
            tw.declarations()
            with run_beside(_report_files, workers) as report_files:  # forked now: the reports are written
                _write_declarations(write, summary, ty)
                summary.files.update(report_files())
            summary.files.update(extracts())
    finally:
        _FILES = None


@dataclass
class _Files:
    """What the processes writing files beside the parent read (set before they fork; each sees it as of its fork)."""

    city: City
    window: othersystems.Window
    mapping: Mapping_
    out: Path
    seed: int
    ty: TaxYear


_FILES: _Files | None = None


def _report_files() -> dict[str, str]:
    """給与支払報告書, 公的年金等支払報告書 and the 確定申告書 data (国税連携) in their agreed layouts; file name →
    SHA-256."""
    x = _FILES
    assert x is not None
    return {name: _write_file(x.out / name, reports.write_rows(layout, rows)) for name, layout, rows in (
        ("kyuyo_shiharai_hokokusho.csv", reports.SALARY_REPORT, x.ty.salary_rows),
        ("koteki_nenkin_shiharai_hokokusho.csv", reports.PENSION_REPORT, x.ty.pension_rows),
        ("nenkin_tokucho_taishosha.csv", reports.PENSION_WITHHOLDING_TARGET, pension_withholding_targets(x.ty, x.seed)),
        ("kakutei_shinkokusho.csv", FINAL_RETURN, x.ty.final_return_rows))}


def pension_withholding_targets(ty: TaxYear, seed: int) -> list[dict[str, Any]]:
    """The 年金保険者's notice for the 年度 after the income year: the 特別徴収対象年金所得者 of 地方税法第321条の7の2第1項
    — paid 公的年金等 in the income year (a row of the pension report; its only payer is 日本年金機構, so the pension is
    a 老齢等年金給付 of 施行令第48条の9の13), 65歳以上 on 4月1日 (年齢計算ニ関スル法律) — less those 施行令第48条の9の12
    第3項 excludes for a 老齢等年金給付 under 180,000円 a year (the income year's amount stands for the year's); the
    介護保険料 withheld from it for 95 % of them ([D] our assumption: the others pay it by 普通徴収, e.g. in their
    first year)."""
    from jichitai.common.wareki import legal_age_on

    fiscal_year = ty.income_year + 1
    rng = random.Random(f"nenkin-tokucho:{seed}:{fiscal_year}")
    out = []
    for row in ty.pension_rows:
        if legal_age_on(row["birth_date"], dt.date(fiscal_year, 4, 1)) < 65 or row["pension_paid"] < 180_000:
            continue
        out.append({"fiscal_year": fiscal_year, "payer_number": row["payer_number"], "payer_name": row["payer_name"],
                    "my_number": row["my_number"], "name": row["name"], "kana": row["kana"],
                    "birth_date": row["birth_date"], "address": row["address"], "old_age_pension": row["pension_paid"],
                    "nursing_premium_withheld": rng.random() < 0.95})
    return out


def _kokuho_rows(city: City, window: othersystems.Window, ty: TaxYear, seed: int) -> list[dict[str, Any]]:
    salaried = {e.pid for e in ty.earners.values() if e.salary and not e.left_job}
    return othersystems.kokuho(city, window, salaried, random.Random(f"kokuho:{seed}"))


def _extract_files() -> dict[str, str]:
    """The 国民健康保険, 児童手当 and 介護保険 extracts (they need the city as the history left it and, for 国保, who
    drew a salary in the income year); file name → SHA-256."""
    x = _FILES
    assert x is not None
    files: dict[str, str] = {}
    write = _Writer(x.out, files)
    atena, setai = x.mapping.atena, x.mapping.setai
    ok = lambda *pids: all(p in atena for p in pids)  # noqa: E731 - people whose entry the registry refused
    kokuho = _kokuho_rows(x.city, x.window, x.ty, x.seed)
    write.csv("kokuho_shikaku.csv", ["宛名番号", "世帯番号", "資格取得日", "資格喪失日"],
              [[atena[r["pid"]], setai.get(r["hid"], ""), _iso(r["from"]), _iso(r["to"])]
               for r in kokuho if ok(r["pid"])])
    jido = othersystems.jido_teate(x.city, x.window)
    write.csv("jido_teate.csv", ["受給者宛名番号", "児童宛名番号", "支給開始年月", "支給終了年月", "月額"],
              [[atena[r["recipient"]], atena[r["child"]], _ym(r["from"]), _ym(r["to"]), r["amount"]]
               for r in jido if ok(r["recipient"], r["child"])])
    write.csv("kokuho_zei.csv", ["宛名番号", "年分", "納付額"],
              [[atena[pid], x.ty.income_year, amount] for pid, amount in sorted(x.ty.kokuho_tax.items()) if ok(pid)])
    write.csv("shogai_techo.csv", ["宛名番号", "手帳種別", "等級", "交付日", "有効期限"],
              [[atena[r["pid"]], r["kind"], r["grade"], _iso(r["from"]), _iso(r["to"])] for r in x.ty.techo
               if ok(r["pid"])])
    kaigo = othersystems.kaigo(x.city, x.window, random.Random(f"kaigo:{x.seed}"))
    write.csv("kaigo_nintei.csv", ["宛名番号", "要介護度", "認定開始日", "認定終了日"],
              [[atena[r["pid"]], r["level"], _iso(r["from"]), _iso(r["to"])] for r in kaigo if ok(r["pid"])])
    return files


def _write_declarations(write: _Writer, summary: Summary, ty: TaxYear) -> None:
    """The declarations with their answer file."""
    write.text("declarations.jsonl", "".join(json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n"
                                             for d in ty.declarations))
    write.csv("declaration_defects.csv", ["declaration_ref", "defect_kind"], [list(d) for d in ty.defects])
    attached = {a["image"] for d in ty.declarations for a in d["attachments"] if "image" in a}
    for path, lines in sorted(ty.scans.items()):
        if path in attached:  # a scan a defect replaced by another document is not written
            write.binary(path, receipt_images.receipt_png(lines))
    summary.salary_reports, summary.pension_reports = len(ty.salary_rows), len(ty.pension_rows)
    summary.declarations = len(ty.declarations)
    summary.defects = Counter(kind for _, kind in ty.defects)


def _write_file(path: Path, text: str) -> str:
    """Write ``text`` as UTF-8; returns its SHA-256."""
    data = text.encode("utf-8")
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def _iso(day: Any) -> str:
    return day.isoformat() if day else ""


def _ym(day: Any) -> str:
    return f"{day.year:04d}-{day.month:02d}" if day else ""


class _Writer:
    def __init__(self, out: Path, files: dict[str, str]) -> None:
        self.out, self.files = out, files  # file name → SHA-256

    def text(self, name: str, text: str) -> None:
        self.files[name] = _write_file(self.out / name, text)

    def binary(self, name: str, data: bytes) -> None:
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files[name] = hashlib.sha256(data).hexdigest()

    def csv(self, name: str, header: list[str], rows: list[list[Any]]) -> None:
        buf = io.StringIO()
        w = csvout.writer(buf, for_people=False, lineterminator="\n")  # for systems: the city's input files
        w.writerow(header)
        w.writerows(rows)
        self.text(name, buf.getvalue())


def registry_checksum(on: dt.date) -> tuple[str, int, int]:
    """SHA-256 of the residents as of the day before ``on`` (canonical JSON lines in 宛名番号 order: keys sorted,
    compact, UTF-8, dates ISO), the number of residents and of households."""
    digest = hashlib.sha256()
    count = 0
    households: set[str] = set()
    for row in services.residents_as_of(on - dt.timedelta(days=1)):
        digest.update(orjson.dumps(row, default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS))
        digest.update(b"\n")
        count += 1
        households.add(row["setai_number"])
    return digest.hexdigest(), count, len(households)
