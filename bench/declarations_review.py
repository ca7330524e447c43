"""The automated review of 市民税・県民税申告 measured against the synthetic city's labelled defects.

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_decl JICHITAI_MODE=test JICHITAI_VAR=var/decl \\
        .venv/bin/python bench/declarations_review.py [--population 300000] [--years 1] [--seed 2026]
        [--keep] [--reuse] [--profile] [--intake-only] [--part-rows 100000]

``--keep`` leaves the bench database and the generated files in place; a later ``--reuse`` run (same options)
skips the generation and the intake, puts every declaration back to 受付済 (decisions, hand-overs and the
assessments made from declarations removed) and reviews again: for working on the review alone. ``--profile``
prints the review's 25 most expensive functions (cProfile, cumulative and own time). ``--intake-only`` stops
after the intake (no review, no answer file).

A city that ``bench/synth_city.py --keep`` left (database ``bench_<name of DATABASE_URL's database>``, files in
``<JICHITAI_VAR>/bench-synth``) is reviewed in place, without generating anything::

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_synthkobe JICHITAI_MODE=test \\
        JICHITAI_VAR=var/synthkobe .venv/bin/python bench/declarations_review.py \\
        --city-db bench_jichitai_synthkobe --city-dir var/synthkobe/bench-synth [--redo-intake]

The database is migrated and left in place; the fiscal year and the population come from the files'
manifest.json. Run again on the same database (with the same ``--part-rows``: other parts are other files,
whose rows the hub would take again, so the bench refuses them), the intake is idempotent (the hub knows each
part by its hash and stores it once, the declarations already imported are skipped) and the declarations are
put back to 受付済 before the review; ``--redo-intake`` first removes what an earlier intake stored (the stored
reports, the hub's records of the report files, the year's declarations with their decisions) so that the
intake is timed again. ``JICHITAI_VAR`` must be the generating run's: its My Number key made the registry's
blind indexes (the bench checks it on one resident before anything is taken in).

1. A synthetic city (``jichitai.synth``) on a throw-away PostgreSQL database: registry, employers' 給与支払報告書,
   pension payers' 公的年金等支払報告書 and declarations, some carrying one labelled defect each.
2. The reports come in through the hub's file intake (validated, stored for tax), in parts of at most
   ``--part-rows`` rows each with the header (the hub takes files up to 200 MB; at Kobe size the 給与支払報告書 of
   the whole city is about 230 MB, and employers deliver their own reports anyway); the declarations are
   imported. The intake is timed per step (each report kind, the declarations).
3. ``reviewing.review_submitted``: every declaration reviewed, timed (target: all of them in < 2 min).
4. Only then is the answer file (declaration_defects.csv) read, by this script, never by the review: per defect
   kind, recall (defective declarations the review stopped, and those stopped by the rule meant for the kind)
   and precision (of the declarations that rule flagged, the share that carry that defect); the share of clean
   declarations accepted without a clerk (target ≥ 85 %) and the precision of acceptance (target 100 %: no
   defective declaration accepted).
Prints the tables for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import csv
import datetime as dt
import hashlib
import io
import json
import os
import pstats
import resource
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchdb import bench_database

# The rules that exist to catch each kind of defect (declarations/domain/rules).
RULES_FOR = {
    "understated_salary": {"IN01"},
    "double_dependant": {"FA06"},
    "dependant_deceased": {"FA03"},
    "dependant_over_income": {"FA05"},
    "spouse_claimed_by_both": {"FA07"},
    "deduction_over_cap": {"DE03"},
    "arithmetic_error": {"AR01"},
    "missing_attachment": {"DE05", "DE06"},
    "wrong_my_number": {"ID01", "ID02", "FA01"},  # a swapped pair can keep the check digit: ID02 (no such person)
    "address_not_jan1": {"ID03"},
    "false_widow": {"ST01"},
    "false_single_parent": {"ST02"},
    "disability_without_record": {"ST03"},
    "social_insurance_overstated": {"DE07"},
    "birth_benefit_not_subtracted": {"DE08"},
    "newborn_of_new_year": {"FA09", "AR03"},
    "medical_documents_short": {"DE09"},
    "wrong_medical_document": {"DE09"},
    "donation_receipts_short": {"DE10"},
    "receipt_scan_short": {"DE09"},  # the scanned receipt, read by OCR at intake
    "receipt_scan_other_name": {"DE09"},  # its 宛名 read by OCR: nobody the filer may claim for
    "dividend_without_statement": {"IN06"},
    "dividend_statement_short": {"IN07"},
    "housing_loan_without_statement": {"DE11"},
    "housing_loan_over_statement": {"DE12"},
    "stock_net_not_difference": {"IN08"},  # 上場株式等 against the 特定口座年間取引報告書 and the 付表
    "stock_gain_not_reports": {"IN08"},
    "stock_credit_over_reports": {"IN08"},
    "stock_carried_expired": {"IN08"},
    "stock_carried_without_schedule": {"IN08"},
    "stock_withheld_not_rate": {"IN08"},
    "stock_statement_not_difference": {"IN08"},
    "donation_receipt_other_donor": {"DE10"},  # the 寄附者 read by OCR on the receipt's photo
}


def rules_for(label: str) -> set[str]:
    """The rules meant for a label of the answer file ("a" or "a+b": two defects at once)."""
    return set().union(*(RULES_FOR.get(k, set()) for k in label.split("+")))


REPORT_FILES = (("salary-report", "kyuyo_shiharai_hokokusho.csv"),
                ("pension-report", "koteki_nenkin_shiharai_hokokusho.csv"))
# the other systems' files the review compares with (sent by the system that owns them)
CITY_FILES = (("kokuho", "kokuho-zei", "kokuho_zei.csv"), ("shogaisha", "shogai-techo", "shogai_techo.csv"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--population", type=int, default=300_000)
    ap.add_argument("--years", type=int, default=1)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--fiscal-year", type=int, default=None, help="default: the year of the files' 1月1日, else 2026")
    ap.add_argument("--keep", action="store_true", help="keep the bench database and files")
    ap.add_argument("--reuse", action="store_true", help="review again the database a --keep run left")
    ap.add_argument("--city-db", help="review in place the database a bench/synth_city.py --keep run left")
    ap.add_argument("--city-dir", type=Path, help="that city's files (default <JICHITAI_VAR>/bench-synth)")
    ap.add_argument("--redo-intake", action="store_true", help="with --city-db: remove an earlier intake first")
    ap.add_argument("--intake-only", action="store_true", help="stop after the intake")
    ap.add_argument("--part-rows", type=int, default=100_000, help="rows per report file delivered")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--chunk", type=int, default=5000, help="declarations decided and recorded per transaction")
    ap.add_argument("--workers", type=int, default=0, help="review processes (0: 2 on PostgreSQL; 1 with --profile)")
    args = ap.parse_args()
    if args.redo_intake and not args.city_db:
        ap.error("--redo-intake goes with --city-db")
    kept = args.reuse or args.city_db
    with (_kept_database(args.city_db) if kept else bench_database(keep=args.keep)):
        from django.conf import settings

        from jichitai.dbcopy import bulk_workers
        from jichitai.declarations import filing, reviewing
        from jichitai.declarations.models import Declaration, Status
        from jichitai.synth.city import Options, generate

        var = Path(settings.CONFIG.var_dir)
        if args.city_db:
            out = args.city_dir or var / "bench-synth"
            manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
            args.population, args.years = manifest["population"], manifest["years"]
            fiscal_year = args.fiscal_year or dt.date.fromisoformat(manifest["jan1"]).year
            _check_key()
        else:
            out = var / f"bench-declarations-{args.population}-{args.years}-{args.seed}"
            fiscal_year = args.fiscal_year or 2026
        synth_s = intake_s = 0.0
        intake: dict[str, str] = {}
        if args.reuse:
            imported = _reset(fiscal_year)
        else:
            if not args.city_db:
                t0 = time.perf_counter()
                generate(Options(population=args.population, years=args.years, seed=args.seed, out=out))
                synth_s = time.perf_counter() - t0
            elif args.redo_intake:
                print(f"earlier intake removed: {_remove_intake(fiscal_year)}")
            t0 = time.perf_counter()
            imported, skipped = _intake(out, fiscal_year, args.part_rows, intake)
            intake_s = time.perf_counter() - t0
            if skipped:  # a second run on a kept city: the declarations are those of the first, reviewed again
                imported = _reset(fiscal_year)
        print(f"city {args.population:,} residents, {args.years} year(s) of history: synth {synth_s:.0f} s, "
              f"intake {intake_s:.1f} s ({'; '.join(f'{k} {v}' for k, v in intake.items())})")
        if args.intake_only:
            return

        profiler = cProfile.Profile() if args.profile else None
        steps: dict[str, float] = {}
        load_before = os.getloadavg()[0]
        workers = 1 if profiler else bulk_workers(args.workers)
        children = lambda: sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])  # noqa: E731 - the workers' CPU
        t0, cpu0, kids0 = time.perf_counter(), time.process_time(), children()
        with (profiler or contextlib.nullcontext()):
            outcomes = reviewing.review_submitted(fiscal_year, chunk=args.chunk, timings=steps, workers=workers)
        review_s, review_cpu = time.perf_counter() - t0, time.process_time() - cpu0
        workers_cpu = children() - kids0
        if profiler is not None:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)

        # --- the answer file, read only now -------------------------------------------------------------------
        with (out / "declaration_defects.csv").open(encoding="utf-8") as fh:
            defect_of = {row["declaration_ref"]: row["defect_kind"] for row in csv.DictReader(fh)}
        rows = []
        claims: Counter[str] = Counter()  # clean declarations with 上場株式等 / a receipt's photo: (all, accepted)
        for d in Declaration.objects.filter(fiscal_year=fiscal_year).prefetch_related("decisions"):
            decision = next((x for x in d.decisions.all() if x.by == "system"), None)
            codes = {f["code"] for f in (decision.findings if decision else []) if f.get("severity") != "note"}
            rows.append((defect_of.get(d.source_ref or ""), d.status, codes))
            if rows[-1][0] is None:
                for claim in _claims(filing.record_of(d)):
                    claims[claim] += 1
                    claims[claim + " accepted"] += d.status == Status.AUTO_ACCEPTED

        accepted = [r for r in rows if r[1] == Status.AUTO_ACCEPTED]
        clean = [r for r in rows if r[0] is None]
        defective = [r for r in rows if r[0] is not None]
        print(f"{imported:,} declarations ({len(defective):,} with a defect)")
        print(f"review: {len(rows):,} declarations in {review_s:.1f} s ({len(rows) / review_s:,.0f}/s); "
              f"outcomes {dict(outcomes)}")
        print(f"  {workers} process(es); steps (s): " + ", ".join(f"{k} {v:.1f}" for k, v in steps.items())
              + f" (decide and record summed over the chunks); Python CPU {review_cpu:.1f} s here, "
              f"{workers_cpu:.1f} s in the workers; load average {load_before:.1f} before, "
              f"{os.getloadavg()[0]:.1f} after (2 cores: other work on the machine stretches the wall time)")
        print()
        print("| defect kind | declarations | stopped (not auto-accepted) | caught by its rule | "
              "precision of its rule | to clerk | returned |")
        print("|---|---|---|---|---|---|---|")
        labels = sorted({r[0] for r in rows if r[0] is not None}, key=lambda k: ("+" in k, k))
        for kind in labels:
            rules = rules_for(kind)
            mine = [r for r in rows if r[0] == kind]
            flagged = [r for r in rows if r[2] & rules]
            stopped = sum(r[1] != Status.AUTO_ACCEPTED for r in mine)
            caught = sum(bool(r[2] & rules) for r in mine)
            precision = sum(r[0] is not None and bool(rules_for(r[0]) & rules) for r in flagged) / len(flagged) \
                if flagged else float("nan")
            status = Counter(r[1] for r in mine)
            print(f"| {kind} | {len(mine)} | {stopped} ({stopped / max(len(mine), 1):.0%}) | "
                  f"{caught} ({caught / max(len(mine), 1):.0%}) | {precision:.0%} ({len(flagged)} flagged) | "
                  f"{status[Status.CLERK]} | {status[Status.RETURNED]} |")
        print()
        print("each rule, per defect kind it fired on (precision: share of its findings on a declaration carrying "
              "a defect it is meant for; recall: share of that kind's declarations it caught):")
        print("| rule | fired | on clean | precision | recall per kind it is meant for |")
        print("|---|---|---|---|---|")
        for code in sorted({c for r in rows for c in r[2]}):
            fired = [r for r in rows if code in r[2]]
            meant = [k for k in labels if code in rules_for(k)]
            good = sum(r[0] is not None and r[0] in meant for r in fired)
            recall = ", ".join(f"{k} {sum(code in r[2] for r in rows if r[0] == k) / max(sum(r[0] == k for r in rows), 1):.0%}"
                               for k in meant) or "—"
            print(f"| {code} | {len(fired)} | {sum(r[0] is None for r in fired)} | "
                  f"{good / len(fired):.0%} | {recall} |")
        clean_ok = sum(r[1] == Status.AUTO_ACCEPTED for r in clean)
        acc_precision = sum(r[0] is None for r in accepted) / len(accepted) if accepted else float("nan")
        reasons = Counter(code for r in clean if r[1] != Status.AUTO_ACCEPTED for code in r[2])
        print()
        print(f"clean declarations accepted automatically: {clean_ok:,} of {len(clean):,} ({clean_ok / len(clean):.1%})"
              f" — target ≥ 90 %")
        print(f"precision of acceptance: {acc_precision:.2%} ({len(accepted) - sum(r[0] is None for r in accepted)} "
              f"defective accepted of {len(accepted):,}) — target 100 %")
        missed = Counter((r[0], tuple(sorted(r[2]))) for r in accepted if r[0] is not None)
        print(f"defective declarations accepted (kind, non-note findings): {dict(missed)} — target none")
        print(f"why clean declarations were stopped (rule: count): {dict(reasons.most_common(8))}")
        for claim in sorted(k for k in claims if not k.endswith(" accepted")):
            print(f"clean declarations with {claim}: {claims[claim + ' accepted']:,} of {claims[claim]:,} "
                  "accepted automatically")
        print()
        command = (f"--city-db {args.city_db}" if args.city_db
                   else f"--population {args.population} --years {args.years}")
        print(f"| declarations: automated review of {len(rows):,} declarations (synthetic city of "
              f"{args.population:,}) | {review_s:.1f} s; clean accepted {clean_ok / len(clean):.1%}, precision of "
              f"acceptance {acc_precision:.2%} | < 2 min; ≥ 90 %; 100 % | `.venv/bin/python bench/declarations_review.py "
              f"{command}` | {dt.date.today()} | 2 cores, 24 GiB, PG15 |")


def _claims(record: dict[str, Any]) -> list[str]:
    """The claims of a declaration the bench counts apart: 上場株式等 (申告分離, IN08), a 付表 (a loss brought
    in), a 寄附金受領証明書 read from its photo (DE10's donor)."""
    sep = (record.get("case") or {}).get("separate_income") or {}
    attached = [a for a in record.get("attachments") or [] if isinstance(a, dict)]
    return [name for name, yes in (
        ("上場株式等 (申告分離)", bool(sep.get("listed_stock") or sep.get("listed_stock_loss"))),
        ("付表 (繰越損失)", any(a.get("kind") == "stock_loss_schedule" for a in attached)),
        ("計算明細書 (一般口座)", any(a.get("kind") == "stock_transfer_statement" for a in attached)),
        ("寄附金受領証明書の写真", any(a.get("kind") == "donation_receipt" and "ocr" in a for a in attached))) if yes]


@contextlib.contextmanager
def _kept_database(name: str | None = None) -> Iterator[str]:
    """The database ``name`` (default: the bench database a ``--keep`` run left), migrated to the current code
    and not dropped afterwards."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    name = name or "bench_" + str(connection.settings_dict["NAME"])
    connection.close()
    connection.settings_dict["NAME"] = name
    call_command("migrate", verbosity=0)  # the code may have moved on since the --keep run
    yield name


def _check_key() -> None:
    """The My Number key of this ``JICHITAI_VAR`` is the one the kept city was generated with (a test-mode run
    on another directory would make itself a new key, and no filer would match a resident)."""
    from cryptography.exceptions import InvalidTag

    from jichitai.registry.models import Resident
    from jichitai.tax.report_intake import vault

    sealed = Resident.objects.exclude(my_number_encrypted="").values_list("my_number_encrypted", flat=True).first()
    try:
        if sealed:
            vault().decrypt(sealed)
    except InvalidTag:
        raise SystemExit("the My Number key of this JICHITAI_VAR is not the one the city was generated with: "
                         "run with the JICHITAI_VAR of bench/synth_city.py --keep") from None


def _parts(data: bytes, rows: int) -> Iterator[bytes]:
    """The report file in parts of at most ``rows`` rows, each with the header (the files the synthetic city
    writes have one line per row)."""
    lines = data.splitlines(keepends=True)
    for start in range(1, max(len(lines), 2), rows):
        yield b"".join([lines[0], *lines[start:start + rows]])


def _intake(out: Path, fiscal_year: int, part_rows: int, split: dict[str, str]) -> tuple[int, int]:
    """The reports through the hub's file intake, then the declarations imported; the seconds of each step go
    into ``split``. Returns the declarations (new, already imported)."""
    from django.core.management import call_command

    from jichitai.declarations import filing
    from jichitai.hub import files
    from jichitai.hub.models import ExchangedFile, System

    clock = time.perf_counter
    t0 = clock()
    call_command("hub", "seed", "--demo", stdout=io.StringIO())  # not the demo keys on the bench's output
    system = System.objects.get(code="kojin_juminzei")
    split["hub seed"] = f"{clock() - t0:.1f} s"
    for feed, name in REPORT_FILES:
        t0 = clock()
        rows = parts = taken = 0
        earlier = set(ExchangedFile.objects.filter(system=system, layout=feed, direction="in")
                      .values_list("sha256", flat=True))
        split_as = list(_parts((out / name).read_bytes(), part_rows))
        if earlier and not earlier >= {hashlib.sha256(part).hexdigest() for part in split_as}:
            # other parts are other files: the hub would take their rows again, beside the first ones
            raise SystemExit(f"{feed}: an earlier intake took other files (another --part-rows?): "
                             "run with --redo-intake")
        for parts, part in enumerate(split_as, start=1):
            got = files.receive(system, feed, f"{Path(name).stem}_{parts:03d}.csv", part)
            assert got.file.status != "quarantined", got.file.problems[:5]
            rows, taken = rows + got.file.rows, taken + got.duplicate
        again = f", {taken} already taken" if taken else ""
        split[feed] = f"{clock() - t0:.1f} s for {rows:,} rows in {parts} file(s){again}"
    for code, feed, name in CITY_FILES:
        t0 = clock()
        sender = System.objects.get(code=code)
        data = (out / name).read_bytes()
        if ExchangedFile.objects.filter(system=sender, layout=feed, sha256=hashlib.sha256(data).hexdigest()).exists():
            continue
        got = files.receive(sender, feed, name, data)
        assert got.file.status != "quarantined", got.file.problems[:5]
        split[feed] = f"{clock() - t0:.1f} s for {got.file.rows:,} rows"
    t0 = clock()
    with (out / "declarations.jsonl").open(encoding="utf-8") as fh:
        new, skipped = filing.import_records(filing.read_jsonl(fh), fiscal_year=fiscal_year, actor="system:bench",
                                           files=out)
    split["declarations"] = f"{clock() - t0:.1f} s for {new:,} new, {skipped:,} already imported"
    return new, skipped


def _remove_intake(fiscal_year: int) -> str:
    """What an earlier intake stored (for ``--redo-intake``): the reports stored from the hub's report files,
    the hub's records of those files (and the files it kept), the year's declarations with what hangs on them
    and the assessments made from them. The message log keeps its entries (append-only)."""
    from django.db import connection, transaction

    from jichitai.declarations.models import CityRecord, Declaration
    from jichitai.hub.models import ExchangedFile
    from jichitai.tax.models import Assessment, ReceivedReport

    with transaction.atomic():
        taken = ExchangedFile.objects.filter(direction="in", layout__in=[feed for feed, _ in REPORT_FILES]
                                             + [feed for _, feed, _ in CITY_FILES])
        kept = list(taken.values_list("pk", "stored_path"))
        with connection.cursor() as cur:  # a million rows: no ORM collector
            cur.execute(f"DELETE FROM {ReceivedReport._meta.db_table} WHERE source = ANY(%s)",
                        [[f"hub:{pk}" for pk, _ in kept]])
            reports = cur.rowcount
        CityRecord.objects.filter(source__in=[f"hub:{pk}" for pk, _ in kept]).delete()
        taken.delete()
        Assessment.objects.filter(fiscal_year=fiscal_year, source__startswith="declaration:").delete()
        declarations, _ = Declaration.objects.filter(fiscal_year=fiscal_year).delete()
    for _, path in kept:
        Path(path).unlink(missing_ok=True)
    return f"{reports:,} reports from {len(kept)} files; {declarations:,} declaration rows with what hangs on them"


def _reset(fiscal_year: int) -> int:
    """Every declaration of the year back to 受付済, as the import left it (for ``--reuse``)."""
    from django.db import transaction

    from jichitai.declarations.models import AssessmentFeed, Declaration, ReviewDecision, Status
    from jichitai.tax.models import Assessment

    with transaction.atomic():
        ReviewDecision.objects.filter(declaration__fiscal_year=fiscal_year).delete()
        AssessmentFeed.objects.filter(declaration__fiscal_year=fiscal_year).delete()
        Assessment.objects.filter(fiscal_year=fiscal_year, source__startswith="declaration:").delete()
        return Declaration.objects.filter(fiscal_year=fiscal_year).update(
            status=Status.SUBMITTED, computed=None, decided_at=None)


if __name__ == "__main__":
    main()
