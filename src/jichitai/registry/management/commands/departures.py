"""`jichitai departures`: make the 除票 of every 転出 whose 転出予定日 has come (j50). Run daily after midnight.

    jichitai departures              # record them; lists any that could not be made effective, with the reason
    jichitai departures --list       # only show who is due

Runs as the system actor ``--operator`` (audited as ``system:<name>``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jichitai.common.wareki import to_wareki
from jichitai.registry import departures
from jichitai.registry.services import SystemActor


class Command(BaseCommand):
    help = "転出予定日の到来した転出を除票にする（毎日実行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="処理せず、到来済みの転出予定者を表示する")
        parser.add_argument("--operator", default="departures")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for command in departures.due():
                self.stdout.write(f"{command.moved_on.isoformat()} {' '.join(command.atena_numbers)}")
            return
        outcome = departures.make_effective(actor=SystemActor(options["operator"]))
        for command, reason in outcome.refused:
            self.stderr.write(f"未処理 {to_wareki(command.moved_on)} {' '.join(command.atena_numbers)}: {reason}")
        self.stdout.write(f"転出予定日の到来により {len(outcome.removed)} 人を除票にしました"
                          f"（未処理 {len(outcome.refused)} 件）。")
