"""``jichitai lounge refresh | sample [--size small|kobe] | export DIR``."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "データラウンジ: recompute the marts (refresh), write a synthetic lounge zone (sample), export aggregates"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("refresh", help="recompute every mart from the lake's current snapshots")
        sample = sub.add_parser("sample", help="write a synthetic lounge zone into the lake (demo without landing)")
        sample.add_argument("--size", choices=["small", "kobe"], default="small")
        sample.add_argument("--residents", type=int, help="residents at the start (default: the size's)")
        sample.add_argument("--years", type=int, help="years of history (default: the size's)")
        sample.add_argument("--seed", type=int, help="random seed (the same seed gives the same zone)")
        export = sub.add_parser("export", help="write every indicator, disclosure-controlled, as Parquet and CSV")
        export.add_argument("directory")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "_" + opts["action"])(opts)

    def _refresh(self, opts: dict[str, Any]) -> None:
        from jichitai.lounge import freshness

        started = time.perf_counter()
        marts = freshness.refresh(trigger="command")  # also rewrites the protected catalogue analysts read
        parts = ", ".join(f"{k} {v:.1f} s" for k, v in marts.timings.items())
        self.stdout.write(f"marts refreshed on {marts.engine} in {sum(marts.timings.values()):.1f} s ({parts}); "
                          f"with the published catalogue {time.perf_counter() - started:.1f} s")

    def _sample(self, opts: dict[str, Any]) -> None:
        from jichitai.lounge import sample_zone, services

        size = sample_zone.KOBE if opts["size"] == "kobe" else sample_zone.SMALL
        size = dataclasses.replace(size, **{k: opts[k] for k in ("residents", "years", "seed") if opts.get(k)})
        snaps = sample_zone.write(services.source_catalog(), sample_zone.generate(size))
        self.stdout.write(f"synthetic lounge zone written: {len(snaps)} tables")

    def _export(self, opts: dict[str, Any]) -> None:
        from jichitai.lounge import exports, services
        from jichitai.lounge.indicators import INDICATORS

        target = Path(opts["directory"])
        target.mkdir(parents=True, exist_ok=True)
        marts = services.current()
        for slug in INDICATORS:
            for fmt in ("parquet", "csv"):
                body, _ = exports.render(marts, slug, fmt, services.k())
                (target / f"{slug}.{fmt}").write_bytes(body)
        self.stdout.write(f"{len(INDICATORS)} indicators exported to {target}")
