"""What the 納付書 add to each 納税通知書 of the bulk issuance: (a) the slips' data — 4 期 and the 全期前納, each with
its 44 digits and its GS1-128 SVG (``payment_slip.slips``) — and (b) the Typst PDF of one notice with those slips
against the same notice without them, samples taking turns. No database: the notice's data is built by hand
(the figures of a Kobe taxpayer with 4 期).

    JICHITAI_MODE=test JICHITAI_VAR=var/bench PYTHONPATH=src .venv/bin/python bench/payment_slip.py [--samples 2000]

Printed: p50/p99/max wall and CPU (time.process_time) per notice of each, the first render (fonts) left out, and
the load average before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def _measure(fn: Callable[[], Any], n: int) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return wall, cpu


def _row(name: str, wall: list[float], cpu: list[float]) -> str:
    q = statistics.quantiles(wall, n=100)
    qc = statistics.quantiles(cpu, n=100)
    return (
        f"{name}: n={len(wall)} wall p50 {q[49]:.2f} p99 {q[98]:.2f} max {max(wall):.2f} ms; "
        f"CPU p50 {qc[49]:.2f} p99 {qc[98]:.2f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=2000)
    args = ap.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    import django

    django.setup()
    from jichitai.registry.certificates.render import typst_pdf
    from jichitai.tax.collection import notices
    from jichitai.tax.collection import payment_slip as ps

    print("load before:", open("/proc/loadavg").read().strip())
    payer = ps.Payer(2026, "000000012345", 1, "青木 太郎")
    terms = [
        ps.Due("第1期", dt.date(2026, 6, 30), 61_700, 1),
        ps.Due("第2期", dt.date(2026, 8, 31), 61_000, 2),
        ps.Due("第3期", dt.date(2026, 11, 2), 61_000, 3),
        ps.Due("第4期", dt.date(2027, 2, 1), 61_000, 4),
    ]
    prepay = ps.Due("全期前納", dt.date(2026, 6, 30), 244_700, 0)

    def slips() -> dict[str, Any]:
        return ps.slips(
            payer, terms, prepay, city_name="神戸市", places="", biller_code="912345", limit=300_000, sample=False
        )

    print(_row("slips data (5 slips, 5 SVG)", *_measure(slips, args.samples)))
    base = {
        "title": "令和8年度 市民税・県民税・森林環境税 納税通知書",
        "issued": "令和8年6月1日",
        "issuer": "神戸市長",
        "recipient": {"postcode": "650-0001", "address": "兵庫県神戸市中央区加納町1番地", "name": "青木 太郎"},
        "atena_number": payer.atena_number,
        "amounts": [["年税額", "244,700円"]],
        "instalments": [[t.label, "令和8年6月30日", f"{t.amount:,}円"] for t in terms],
        "prepay": ["全期前納", "令和8年6月30日", "244,700円"],
        "notes": [],
        "basis": "地方税法第319条の2・第320条。",
    }
    template = notices.TEMPLATES / "ordinary_notice.typ"
    with_slips = {**base, "slips": slips()}
    without = {**base, "slips": {**with_slips["slips"], "items": []}}
    first = time.perf_counter()
    typst_pdf(template, with_slips)
    print(f"first render (fonts): {(time.perf_counter() - first) * 1000:.0f} ms")
    runs: dict[str, tuple[list[float], list[float]]] = {"with": ([], []), "without": ([], [])}
    for _ in range(args.samples):
        for name, data in (("with", with_slips), ("without", without)):
            w, c = _measure(lambda d=data: typst_pdf(template, d), 1)
            runs[name][0].extend(w)
            runs[name][1].extend(c)
    print(_row("notice PDF with 5 slips", *runs["with"]))
    print(_row("notice PDF without slips", *runs["without"]))
    print("load after:", open("/proc/loadavg").read().strip())


if __name__ == "__main__":
    main()
