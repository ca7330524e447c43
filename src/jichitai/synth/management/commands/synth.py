"""`jichitai synth city --population N --years Y --seed S [--out DIR]`: the synthetic city."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from jichitai.synth.city import DEFAULT_END, KOBE_POPULATION, Options, Summary, generate
from jichitai.synth.city import Progress as ProgressPort
from jichitai.synth.declaration_defects import DEFECT_WORDS
from jichitai.synth.history import EVENT_WORDS


class RichProgress(ProgressPort):
    LABELS = {"base": "初期人口の一括登録 (人)", "history": "異動の履歴 (月)"}

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, Any] = {}

    def start(self, task: str, total: int | None) -> None:
        self.tasks[task] = self.progress.add_task(self.LABELS.get(task, task), total=total)

    def advance(self, task: str, n: int = 1) -> None:
        self.progress.advance(self.tasks[task], n)


class Command(BaseCommand):
    help = "合成都市: a deterministic synthetic city (Kobe's nine wards) loaded into the registry, with tax inputs"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        city = sub.add_parser("city", help="generate the city, load it into the registry, write the files")
        city.add_argument("--population", type=int, default=KOBE_POPULATION, help="residents at t0 (Kobe 2020: 1,525,152)")
        city.add_argument("--years", type=int, default=10, help="years of history before --end")
        city.add_argument("--seed", type=int, default=2026)
        city.add_argument("--out", type=Path, default=None, help="directory for the files (default $JICHITAI_VAR/synth)")
        city.add_argument("--end", type=dt.date.fromisoformat, default=DEFAULT_END,
                          help="first day after the history (default 2026-04-01)")
        city.add_argument("--defect-share", type=float, default=0.15, help="share of declarations with a defect")
        city.add_argument("--batch-size", type=int, default=500, help="commands per apply_many transaction")
        city.add_argument("--workers", type=int, default=0,
                          help="processes recording the history's batches side by side (default: 2 on PostgreSQL "
                               "with two or more cores, else 1); the city is the same for any number")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["population"] < 10 or options["years"] < 1:
            raise CommandError("--population must be at least 10 and --years at least 1")
        opts = Options(population=options["population"], years=options["years"], seed=options["seed"],
                       out=options["out"] or Path(settings.CONFIG.var_dir) / "synth", end=options["end"],
                       defect_share=options["defect_share"], batch_size=options["batch_size"],
                       workers=options["workers"])
        console = Console(file=sys.stdout, force_terminal=False)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=False) as progress:
            summary = generate(opts, RichProgress(progress), clock=time.monotonic)
        console.print(summary_table(summary, opts))


def summary_table(s: Summary, opts: Options) -> Table:
    t = Table(title=f"合成都市（乱数の種 {opts.seed}、人口 {opts.population:,}人、{opts.years}年分）→ {opts.out}")
    t.add_column("項目")
    t.add_column("件数", justify="right")
    t.add_row("住民 (最終日)", f"{s.residents:,}")
    t.add_row("世帯 (最終日)", f"{s.households:,}")
    t.add_row("初期人口", f"{s.base_population:,}")
    for kind, n in sorted(s.changes.items()):
        t.add_row(f"異動: {EVENT_WORDS.get(kind, kind)}", f"{n:,}")
    for kind, n in sorted(s.refused.items()):
        t.add_row(f"登録拒否: {EVENT_WORDS.get(kind, kind)}", f"{n:,}")
    for kind, n in sorted(s.skipped.items()):
        t.add_row(f"未処理(依存先拒否): {EVENT_WORDS.get(kind, kind)}", f"{n:,}")
    t.add_row("給与支払報告書", f"{s.salary_reports:,}")
    t.add_row("公的年金等支払報告書", f"{s.pension_reports:,}")
    t.add_row("申告", f"{s.declarations:,}")
    for kind, n in sorted(s.defects.items()):
        t.add_row(f"誤り: {'＋'.join(DEFECT_WORDS.get(k, k) for k in kind.split('+'))}", f"{n:,}")
    t.add_row("所要時間 (秒)", f"{s.timings.get('total', 0):.1f}")
    return t
