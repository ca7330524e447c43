"""``jichitai togo assign``: a 団体内統合宛名番号 for every resident and 住登外者 who has none (idempotent; run it
after a migration and daily: conversions also number a person on first use)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "団体内統合宛名: number every resident and 住登外者 without a 団体内統合宛名番号"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("assign", help="number everyone who has no 団体内統合宛名番号 yet")

    def handle(self, *args: Any, **opts: Any) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from jichitai.togo import services

        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()) as bar:
            tasks = {k: bar.add_task(f"{label}: 0件", total=None) for k, label in (("resident", "住民"),
                                                                                     ("jutogai", "住登外者"))}
            done = {"resident": 0, "jutogai": 0}

            def advance(kind: str, n: int) -> None:
                done[kind] += n
                bar.update(tasks[kind], description=f"{'住民' if kind == 'resident' else '住登外者'}: {done[kind]:,}件")

            counts = services.assign_all(progress=advance)
        self.stdout.write(f"団体内統合宛名番号を付番しました: 住民 {counts['resident']:,}件、住登外者 {counts['jutogai']:,}件")
