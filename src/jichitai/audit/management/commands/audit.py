"""`jichitai audit verify` and `jichitai audit seal`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jichitai.audit import services


class Command(BaseCommand):
    help = "アクセスログの検証と封印 (verify the audit chain, seal its head)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        sub.add_parser("verify", help="walk the chain and name any edited, removed or reordered entry")
        sub.add_parser("seal", help="sign the current chain head with the Ed25519 key")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sub"] == "seal":
            s = services.seal()
            self.stdout.write("nothing to seal" if s is None else f"sealed entry {s.seq} head {s.head_hash[:16]}… key {s.key_id}")
            return
        report = services.verify()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(
                f"OK: {report.entries} entries, {report.seals} seals, chain intact"
            ))
            return
        first = report.first
        assert first is not None
        for p in report.problems[:20]:
            self.stderr.write(f"  [{p.kind}] {p.message}")
        raise CommandError(f"audit chain broken: first bad entry is {first.seq} ({first.kind}); {len(report.problems)} problem(s)")
