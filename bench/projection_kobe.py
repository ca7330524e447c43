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
import json

from jichitai.synth.projection_inputs import KOBE_2020, validate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--residents", type=int, default=KOBE_2020)
    ap.add_argument("--seed", type=int, default=2026)
    a = ap.parse_args()
    print(json.dumps(validate(a.residents, a.seed), ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
