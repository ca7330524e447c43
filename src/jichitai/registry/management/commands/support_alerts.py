"""`jichitai support_alerts`: every day, alert the responsible staff to each 抑止 whose 終了日 has passed and
which nobody has extended or ended (it stays in force: 標準仕様書 3.1, j410). Run daily after midnight.

    jichitai support_alerts         # audit one alert per overdue measure and list them; exit 0
    jichitai support_alerts --list  # only list them

The alerts show on /registry/suppressions/ until someone extends or ends the measure.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jichitai.registry import support


class Command(BaseCommand):
    help = "終了日を過ぎた抑止（支援措置等）を責任者に通知する（毎日実行、抑止は継続する）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="通知せず、終了日を過ぎた抑止を表示する")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = support.overdue() if options["list"] else support.alert_overdue()
        for s in rows:
            self.stdout.write(f"終了日経過 {s.ends_on.isoformat() if s.ends_on else ''} 宛名番号 {s.atena_number} "
                              f"{s.get_kind_display()}（抑止は継続中。延長又は終了の決裁が必要です）")
        self.stdout.write(f"終了日を過ぎて継続中の抑止: {len(support.overdue())} 件（本日新たに通知 {len(rows)} 件）。"
                          if not options["list"] else f"{len(rows)} 件。")
