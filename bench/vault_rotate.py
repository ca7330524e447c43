"""Rotate the 個人番号 key of a synthetic city on a throw-away PostgreSQL database; time each phase.

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_bench JICHITAI_MODE=test JICHITAI_VAR=var/bench \\
        .venv/bin/python bench/vault_rotate.py [--population 20000] [--batch 2000]

The city (residents with 個人番号, their history) is generated under a key of its own; a new key is installed
(``vault.install_key``) and ``rotation.services.rotate`` moves everything to it. Prints the seconds and the rate
of people a second, so a Kobe-sized run (1.5 M) can be extrapolated; the second run (nothing left) shows the
cost of a resumed rotation that has nothing to do.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import tempfile
import time
from pathlib import Path

from benchdb import bench_database


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--population", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=2000)
    args = ap.parse_args()
    with bench_database(), tempfile.TemporaryDirectory() as tmp:
        from django.conf import settings

        from jichitai.common import vault
        from jichitai.registry.models import Resident
        from jichitai.rotation import services
        from jichitai.synth.city import Options, generate

        keys = Path(tmp)
        (keys / "mynumber.key").write_bytes(os.urandom(32))
        settings.CONFIG = dataclasses.replace(settings.CONFIG, mynumber_key_file=keys / "mynumber.key",
                                              mynumber_retired_keys=keys / "retired")
        vault.reset()
        generate(Options(population=args.population, years=1, seed=2026, out=keys / "synth"))
        numbers = Resident.objects.exclude(my_number_encrypted="").count()
        vault.install_key(keys / "mynumber.key", keys / "retired", os.urandom(32))
        started = time.monotonic()
        done = services.rotate(batch=args.batch)
        first = time.monotonic() - started
        started = time.monotonic()
        services.rotate(batch=args.batch)
        again = time.monotonic() - started
        left = services.remaining(services.status(), services.keyring().key_id)
        print(f"residents with 個人番号 {numbers:,}; numbers read {done.numbers:,}; rows re-indexed "
              f"{sum(done.reindexed.values()):,}; left {left}")
        print(f"| vault rotate ({numbers:,} residents with 個人番号, PostgreSQL) | {first:.1f} s "
              f"({done.numbers / max(first, 1e-9):,.0f} people/s); rerun with nothing left {again:.1f} s | — | "
              f"`.venv/bin/python bench/vault_rotate.py --population {args.population}` | {time.strftime('%Y-%m-%d')} |")


if __name__ == "__main__":
    main()
