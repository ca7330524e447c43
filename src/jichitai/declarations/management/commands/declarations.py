"""`jichitai declarations import FILE` and `jichitai declarations review`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jichitai.dbcopy import bulk_workers
from jichitai.declarations import filing, reviewing
from jichitai.declarations.attachments import scan_workers
from jichitai.declarations.domain import DeclarationError, Outcome


class Command(BaseCommand):
    help = "市民税・県民税申告: 取込 (import declarations.jsonl) と自動審査 (review)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        imp = sub.add_parser("import", help="store each line of declarations.jsonl as a submitted declaration")
        imp.add_argument("file", type=Path)
        imp.add_argument("--fiscal-year", type=int, default=2026)
        imp.add_argument("--scan-workers", type=int, default=0,
                         help="processes reading the scanned attachments by OCR side by side (0: one per core)")
        rev = sub.add_parser("review", help="run the automated review over every submitted declaration")
        rev.add_argument("--fiscal-year", type=int, default=2026)
        rev.add_argument("--chunk", type=int, default=5000, help="declarations decided and recorded per transaction")
        rev.add_argument("--workers", type=int, default=0,
                         help="processes deciding and recording chunks side by side (0: 2 on PostgreSQL)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sub"] == "import":
            path: Path = options["file"]
            if not path.is_file():
                raise CommandError(f"{path} がありません")
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            with path.open(encoding="utf-8") as fh:  # the records that name a scan: the bar's total
                scans = sum('"image"' in line for line in fh)
            workers = scan_workers(options["scan_workers"])
            try:
                with path.open(encoding="utf-8") as fh, Progress(
                        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        disable=not scans) as bar:
                    task = bar.add_task(f"添付画像の読み取り（OCR, {workers}プロセス）", total=scans)
                    new, skipped = filing.import_records(filing.read_jsonl(fh), fiscal_year=options["fiscal_year"],
                                                         actor="system:declarations-import", files=path.parent,
                                                         scan_workers=workers,
                                                         progress=lambda n: bar.advance(task, n))
            except DeclarationError as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(f"取込 {new} 件（既存のため省略 {skipped} 件）")
            return
        started = time.perf_counter()
        total = reviewing.review_submitted(options["fiscal_year"], options["chunk"],
                                           workers=bulk_workers(options["workers"]))
        took = time.perf_counter() - started
        failed = total.pop("failed", 0)
        shown = "、".join(f"{Outcome(k).label} {v:,}件" for k, v in sorted(total.items())) or "対象なし"
        if failed:
            shown += f"（うち自動審査を完了できず職員確認へ {failed:,}件: 監査ログに受付番号）"
        self.stdout.write(f"審査 {sum(total.values()):,} 件: {shown}（{took:.1f}秒）")
