"""``jichitai jutogai import FILE.csv [--report REPORT.csv]``: the 住登外者 migration (jutogai.migration)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jichitai.common.errors import JichitaiError


class Command(BaseCommand):
    help = "住登外者宛名番号管理: 移行 (import a CSV without renumbering, duplicates reported)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="load 住登外者 from a CSV (UTF-8 or CP932), numbers kept as they are")
        imp.add_argument("path")
        imp.add_argument("--report", help="write the rows not simply loaded (duplicates, residents, errors) here")

    def handle(self, *args: Any, **opts: Any) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from jichitai.jutogai import migration

        path = Path(opts["path"])
        if not path.is_file():
            raise CommandError(f"ファイルがありません: {path}")
        data = path.read_bytes()
        total = max(data.count(b"\n") - 1, 0)
        try:
            with Progress(TextColumn("住登外者の移行"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
                task = bar.add_task("rows", total=total)
                report = migration.run(data, actor="operator:jutogai-import",
                                       progress=lambda n: bar.advance(task, n))
        except JichitaiError as exc:
            raise CommandError(exc.message) from None
        c = report.counts
        self.stdout.write(f"{report.rows:,}行: 移行 {c['loaded']:,}件、重複（統合済みとして移行） {c['duplicate']:,}件、"
                          f"住民と重複 {c['resident']:,}件、番号の衝突 {c['collision']:,}件、移行済み {c['already']:,}件、"
                          f"誤り {c['invalid']:,}件")
        if opts.get("report"):
            Path(opts["report"]).write_text(report.csv(), encoding="utf-8-sig")
            self.stdout.write(f"報告: {opts['report']}（{len(report.lines):,}行）")
