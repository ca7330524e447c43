"""The projection on the synthetic city of Kobe's size, against the national institute's figures for Kobe.

    PYTHONPATH=src .venv/bin/python bench/projection_kobe.py                 # 1,525,152 residents (Kobe 2020)
    PYTHONPATH=src .venv/bin/python bench/projection_kobe.py --residents 200000 --seed 7

The city starts on the 2020 census day (2020-10-01) with Kobe's 2020 structure (synth/population.py), lives
its history to 2026-01-01 (synth/history.py, rates from Kobe's statistics: synth/rates.py), and the lounge's
projection (lounge/projection.py) runs from the last 1 January to 2050 on the same tables the marts would give
(synth/projection_inputs.py; no database or lake). Printed: the projected totals and 65+ shares, and our 2050
figure beside the institute's as an index on 2020 (Kobe 1,525,152 → 1,233,396: 80.9), with the difference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time

from jichitai.lounge.projection import project
from jichitai.synth.geography import build_towns
from jichitai.synth.history import Simulation
from jichitai.synth.population import City, build_base_population
from jichitai.synth.projection_inputs import ProjectionInputs

KOBE_2020, KOBE_2050 = 1_525_152, 1_233_396  # 国勢調査 2020; 社人研 地域別将来推計人口 令和5年推計
T0, END = dt.date(2020, 10, 1), dt.date(2026, 1, 1)


def run(residents: int, seed: int) -> dict[str, object]:
    started = time.perf_counter()
    city = City(seed=seed, t0=T0, towns=build_towns(seed))
    build_base_population(city, residents, random.Random(f"population:{seed}"))
    inputs = ProjectionInputs(city)
    base_n = len(inputs.where)
    years = (END.year - T0.year) + (1 if END.month > T0.month else 0)
    sim = Simulation(city, seed, T0, years, dt.date(2021, 1, 1))
    inputs.take((ev for ev in sim.run() if ev.on < END), T0)
    inputs.finish(END)
    built = time.perf_counter()
    t = inputs.tables()
    p = project(t["population_age"], t["flows_age"], t["births_mother_age"])
    done = time.perf_counter()
    total, old = p.totals["計"], p.groups["計"]["65歳以上"]
    share = {y: old[i] / total[i] for i, y in enumerate(p.years)}
    peak_year = max(share, key=share.__getitem__)
    i2050 = p.years.index(2050)
    index_ours = total[i2050] / base_n * 100
    index_ipss = KOBE_2050 / KOBE_2020 * 100
    return {
        "residents_2020": base_n, "base_date": p.base_date.isoformat(), "base_population": total[0],
        "total_2050": {v: p.variants[v]["計"][i2050] for v in p.variants},
        "index_2050_on_2020": round(index_ours, 1), "ipss_index_2050_on_2020": round(index_ipss, 1),
        "difference_points": round(index_ours - index_ipss, 1),
        "scaled_to_kobe_2050": round(KOBE_2020 * index_ours / 100),
        "share_65_2050": round(share[2050] * 100, 1), "share_65_peak": round(share[peak_year] * 100, 1),
        "share_65_peak_year": peak_year, "rates": p.rates,
        "series": {y: [total[i], round(share[y] * 100, 1)] for i, y in enumerate(p.years) if y % 5 == 0},
        "seconds": {"history": round(built - started, 1), "projection": round(done - built, 1)},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--residents", type=int, default=KOBE_2020)
    ap.add_argument("--seed", type=int, default=2026)
    a = ap.parse_args()
    print(json.dumps(run(a.residents, a.seed), ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
