"""``jichitai tax calc CASE.json``: one case of the public format in, the answer (JSON) out."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jichitai.tax import services
from jichitai.tax.errors import TaxError


class Command(BaseCommand):
    help = "個人住民税: calc (1件の税額計算)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        calc = sub.add_parser("calc", help="compute one case (tax-case-format JSON; '-' reads stdin)")
        calc.add_argument("case", help="path of the case JSON, or - for standard input")
        calc.add_argument("--compact", action="store_true", help="one line of JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["case"]
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"ケースファイルを読めません: {exc}") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise CommandError(f"JSON として読めません: {exc}") from None
        try:
            result = services.calculate_case(data)
        except TaxError as exc:
            field = exc.fields.get("field", "")
            raise CommandError(f"{exc.message}" + (f" (項目: {field})" if field else "")) from None
        indent = None if options["compact"] else 1
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=indent))
