"""One 課税（非課税）証明書 through the issuance service, as the counter asks for it: the checks (request, registry
row, 1月1日, the assessment), the Shield (発行抑止・支援措置・照会抑止 and the address gate), the 交付番号, the Typst PDF,
the 交付履歴 row and the audit entry — each sample one whole ``tax.certificates.services.issue``.

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_NAME JICHITAI_MODE=test JICHITAI_VAR=var/bench \\
        .venv/bin/python bench/tax_assess.py --n 200000 --keep      # a registry and its assessments (kept)
    … .venv/bin/python bench/tax_certificate.py [--samples 2000]  # on the kept bench database

Printed: the registry's size, the assessments of the year, p50/p95/p99/max of the samples (the first one, which
loads the fonts, is left out and shown apart), the CPU time of this process per certificate, and the machine's
load average before and after.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from tax_assess import _reuse  # the kept bench_<name> database

FISCAL_YEAR = 2026


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=21)
    args = ap.parse_args()
    _reuse()
    from django.core.management import call_command

    from jichitai.accounts.models import Role, Staff

    call_command("migrate", verbosity=0)
    from jichitai.registry.models import Resident
    from jichitai.tax.certificates import services as certs
    from jichitai.tax.models import Assessment

    clerk, _ = Staff.objects.get_or_create(username="bench-certificates", defaults={"full_name": "窓口 計測"})
    clerk.roles.set([Role.objects.get_or_create(code="counter", defaults={"name": "窓口"})[0]])
    residents = Resident.objects.count()
    people = list(Assessment.objects.filter(fiscal_year=FISCAL_YEAR, version=1).values_list("atena_number", flat=True))
    rng = random.Random(args.seed)
    chosen = rng.sample(people, min(len(people), args.samples + 1))
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    certs.issue(clerk, certs.Request(atena_number=chosen[0], fiscal_year=FISCAL_YEAR))
    first = (time.perf_counter() - t0) * 1000
    times, cpu = [], []
    for atena in chosen[1:]:
        t0, c0 = time.perf_counter(), time.process_time()
        certs.issue(clerk, certs.Request(atena_number=atena, fiscal_year=FISCAL_YEAR, purpose="計測"))
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    load_after = os.getloadavg()
    times.sort()
    q = statistics.quantiles(times, n=100)
    print(f"registry {residents:,} residents; {len(people):,} assessments of {FISCAL_YEAR}; {len(times):,} samples")
    print(f"first (fonts loaded) {first:.0f} ms; p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms, "
          f"max {times[-1]:.1f} ms")
    c = statistics.quantiles(cpu, n=100)
    print(f"this process's CPU per certificate (the database's is not counted): p50 {c[49]:.1f} ms, "
          f"p99 {c[98]:.1f} ms")
    print(f"load average before {load_before[0]:.1f}/{load_before[1]:.1f}, after {load_after[0]:.1f}/{load_after[1]:.1f}")


if __name__ == "__main__":
    main()
