"""``jichitai lounge refresh | sample [--size small|kobe] | export DIR | import-boundaries FILE --level … |
synthetic-boundaries [--size small|kobe]``."""

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
        imp = sub.add_parser("import-boundaries", help="load a level's boundaries from a GeoJSON FeatureCollection "
                                                       "(e-Stat 小地域 converted to GeoJSON, in longitude/latitude)")
        imp.add_argument("file", type=Path)
        imp.add_argument("--level", choices=["ward", "town", "school_district"], required=True)
        imp.add_argument("--code-property", required=True,
                         help="the property holding the area's key as the marts publish it (区コード, 町字コード, "
                              "小学校区名); several comma-separated are concatenated, e.g. PREF,CITY,S_AREA")
        imp.add_argument("--name-property", required=True, help="the property holding the name shown, e.g. S_NAME")
        imp.add_argument("--tolerance", type=float, default=None,
                         help="Douglas–Peucker tolerance in degrees (default 0.0001, about 10 m)")
        syn = sub.add_parser("synthetic-boundaries",
                             help="SYNTHETIC boundaries for the sample zone's 町字 (the demo city's come with demo_extras)")
        syn.add_argument("--size", choices=["small", "kobe"], default="small")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "_" + opts["action"].replace("-", "_"))(opts)

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

    def _import_boundaries(self, opts: dict[str, Any]) -> None:
        import json

        from django.core.management.base import CommandError

        from jichitai.lounge import boundaries, geo

        try:
            doc = json.loads(opts["file"].read_text(encoding="utf-8-sig"))
            features = geo.read(doc, opts["code_property"], opts["name_property"], level=opts["level"],
                                tolerance=opts["tolerance"] or geo.DEFAULT_TOLERANCE)
        except FileNotFoundError:
            raise CommandError(f"ファイルがありません: {opts['file']}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"GeoJSON（UTF-8 の JSON）として読めません: {exc}") from None
        except geo.BoundaryError as exc:
            raise CommandError(str(exc)) from None
        path = boundaries.save(opts["level"], features, synthetic=False, source=opts["file"].name)
        self.stdout.write(f"{geo.LEVELS[opts['level']]}の境界 {len(features)} 地域を {path} に保存しました")

    def _synthetic_boundaries(self, opts: dict[str, Any]) -> None:
        from jichitai.lounge import boundaries, geo, sample_zone

        size = sample_zone.KOBE if opts["size"] == "kobe" else sample_zone.SMALL
        for level, features in geo.synthetic(sample_zone.places(size)).items():
            boundaries.save(level, features, synthetic=True, source=f"lounge sample --size {opts['size']}")
            self.stdout.write(f"{geo.LEVELS[level]}: 合成の境界 {len(features)} 地域")

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
