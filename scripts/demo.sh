#!/usr/bin/env bash
# `make demo`: the embedded default (SQLite in var/demo, lake in var/demo/lake), a small synthetic city,
# the demo staff accounts printed, the production server (gunicorn) and the hub worker on 127.0.0.1.
set -euo pipefail
export JICHITAI_MODE=demo
export JICHITAI_VAR=${JICHITAI_VAR:-$PWD/var/demo}
export PORT=${PORT:-8000}
J=.venv/bin/jichitai
$J migrate --no-input -v0
$J seed_demo_staff
if $J help synth >/dev/null 2>&1 && [ ! -f "$JICHITAI_VAR/.city" ]; then
  $J synth city --population "${DEMO_POPULATION:-20000}" --years "${DEMO_YEARS:-3}" --seed 2026 && touch "$JICHITAI_VAR/.city"
fi
if $J help demo_extras >/dev/null 2>&1; then $J demo_extras; fi
[ "${DEMO_SERVE:-1}" = 0 ] && exit 0   # the demo's data without its servers (tests/test_cli.py)
echo
exec bash scripts/serve.sh   # gunicorn and the hub worker, as `make serve`
