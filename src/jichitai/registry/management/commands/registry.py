"""`jichitai registry export|import`: the standard CSV of 住民記録 (全件/差分, UTF-8 or Shift_JIS).

    jichitai registry export --kind full --encoding cp932 -o juki.csv
    jichitai registry export --kind diff --after-id 1234 -o diff.csv     # prints the next cursor
    jichitai registry import juki.csv --encoding cp932                    # into an empty registry only
    jichitai registry furigana notices.csv                                # 本籍地からの振り仮名の通知 (bulk)

Both run as a named system actor (``--operator``, audited as ``system:<name>``).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jichitai.registry import furigana_notices
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.exports import csvfile, services
from jichitai.registry.services import SystemActor


class Command(BaseCommand):
    help = "住民記録の標準CSV（全件・差分）の出力と、空の住民記録への取込（移行）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        out = sub.add_parser("export", help="全件 (full) or 差分 (diff) standard CSV")
        out.add_argument("--kind", choices=["full", "diff"], default="full")
        out.add_argument("--encoding", choices=["utf-8", "cp932"], default="utf-8")
        out.add_argument("-o", "--output", help="file to write (default: standard output)")
        out.add_argument("--after-id", type=int, default=0, help="差分: history rows after this cursor")
        out.add_argument("--since", help="差分: rows recorded after this ISO date-time")
        out.add_argument("--with-my-number", action="store_true", help="include 個人番号 (audited)")
        out.add_argument("--include-protected", action="store_true",
                         help="include the addresses of people under 支援措置 (migration only; audited)")
        out.add_argument("--operator", default="registry-export")
        inp = sub.add_parser("import", help="load a 全件 file into an empty registry (all or nothing)")
        inp.add_argument("file")
        inp.add_argument("--encoding", choices=["utf-8", "cp932"], default="utf-8")
        inp.add_argument("--operator", default="registry-import")
        fur = sub.add_parser("furigana", help="record the 本籍地's notices of 氏名の振り仮名 (one line a person)")
        fur.add_argument("file")
        fur.add_argument("--encoding", choices=["utf-8", "cp932"], default="utf-8")
        fur.add_argument("--operator", default="furigana-notices")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["sub"] == "export":
                self._export(options)
            elif options["sub"] == "furigana":
                self._furigana(options)
            else:
                self._import(options)
        except csvfile.UnwritableCharacters as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(exc.message) from None
        except services.ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(exc.message) from None
        except RegistryError as exc:
            raise CommandError(exc.message) from None

    def _export(self, options: dict[str, Any]) -> None:
        since = dt.datetime.fromisoformat(options["since"]) if options["since"] else None
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        result = services.export(
            actor=SystemActor(options["operator"]), kind=options["kind"], encoding=options["encoding"],
            include_my_number=options["with_my_number"], include_protected=options["include_protected"],
            after_id=options["after_id"], since=since,
        )
        if options["output"]:
            Path(options["output"]).write_bytes(result.data)
        else:
            sys.stdout.buffer.write(result.data)
            sys.stdout.flush()
        self.stderr.write(f"{result.rows} 行を出力しました（支援措置により住所を伏せた行 {result.withheld}）。"
                          f"次回の差分は --after-id {result.last_history_id}")

    def _import(self, options: dict[str, Any]) -> None:
        data = Path(options["file"]).read_bytes()
        result = services.import_csv(data, actor=SystemActor(options["operator"]), encoding=options["encoding"])
        self.stdout.write(self.style.SUCCESS(f"{result.residents} 人、{result.households} 世帯を取り込みました。"))

    def _furigana(self, options: dict[str, Any]) -> None:
        data = Path(options["file"]).read_bytes()
        result = furigana_notices.import_notices(data, actor=SystemActor(options["operator"]),
                                                 encoding=options["encoding"])
        for error in result.refused:
            self.stderr.write(str(error))
        self.stdout.write(self.style.SUCCESS(f"振り仮名の通知 {result.recorded} 件を記録しました"
                                             f"（記録できなかった行 {len(result.refused)} 件）。"))
