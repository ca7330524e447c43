"""Where one 異動 per transaction spends its time in the service layer (issue 24 item 7): ``--n`` transactions
of one random 異動 each (the mix of bench/registry_throughput.py) through ``registry.services.apply``, in one
process, on the registry in DATABASE_URL. Prints the wall time per transaction split into time inside the
database driver (every statement timed by an execute wrapper, COMMIT included) and Python; statements per
transaction; the statements that take most of the database time; and the Python functions with the most
time of their own (cProfile).

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_counter_bench JICHITAI_MODE=test \\
    JICHITAI_VAR=$PWD/var/counterbench .venv/bin/python bench/registry_one_change.py --n 400
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


class StatementTimer:
    """Django execute wrapper: time of every statement, grouped by its shape (literals and lists folded)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            shape = re.sub(r"\s+", " ", re.sub(r"(%s, )+%s", "%s…", sql))[:110]
            self.seconds[shape] += time.perf_counter() - started
            self.count[shape] += 1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400, help="transactions (one 異動 each)")
    ap.add_argument("--seed", type=int, default=24)
    args = ap.parse_args()
    from registry_throughput import _batch, _django, _households

    _django()
    from django.db import connection
    from django.utils import timezone

    from jichitai.registry.models import Town
    from jichitai.registry.services import SystemActor, apply

    rng = random.Random(args.seed)
    pool = _households(5000)
    towns = list(Town.objects.values_list("code", "ward_code"))
    actor = SystemActor("bench-one")
    today = timezone.localdate()
    counter = [int(time.time()) % 100_000 * 10_000]
    commands = []
    departed: set[str] = set()
    while len(commands) < args.n:
        commands.extend(_batch(rng, 9, counter, today, pool, towns, 1, departed))

    timer = StatementTimer()
    profile = cProfile.Profile()
    done = refused = 0
    started = time.perf_counter()
    with connection.execute_wrapper(timer):
        profile.enable()
        for command in commands[: args.n]:
            try:
                apply(command, actor=actor, terminal="bench-one")
                done += 1
            except Exception:
                refused += 1
        profile.disable()
    wall = time.perf_counter() - started
    in_db = sum(timer.seconds.values())
    statements = sum(timer.count.values())
    n = done + refused
    print(f"{n} transactions ({done} recorded, {refused} refused) in {wall:.2f} s: {n / wall:.0f}/s, "
          f"{wall / n * 1000:.2f} ms each; in the database driver {in_db / n * 1000:.2f} ms "
          f"({in_db / wall:.0%}), Python {(wall - in_db) / n * 1000:.2f} ms; {statements / n:.1f} statements each")
    print("statements by total time (ms per transaction, count per transaction):")
    for shape, seconds in sorted(timer.seconds.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {seconds / n * 1000:7.3f} ms  {timer.count[shape] / n:5.2f}×  {shape}")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(20)
    print("Python functions by own time (cProfile over the whole loop):")
    print("\n".join(line for line in out.getvalue().splitlines()[6:40] if line.strip()))


if __name__ == "__main__":
    main()
