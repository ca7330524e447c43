#!/usr/bin/env bash
# `make serve` (and the end of `make demo`): the production server on this machine. gunicorn with
# jichitai.gunicorn_conf (static files through whitenoise), and the hub worker (`jichitai hub run`) beside it,
# stopped with it. The configuration is the environment's, as for any `jichitai` command: with nothing set,
# the demo's database in var/demo. Ctrl-C stops both.
set -euo pipefail
J=.venv/bin/jichitai
export JICHITAI_BIND=${JICHITAI_BIND:-127.0.0.1:${PORT:-8000}}
$J migrate --no-input -v0
$J collectstatic --no-input -v0
$J hub run --interval 5 >/dev/null &
hub=$!
trap 'kill "$hub" 2>/dev/null || true; wait "$hub" 2>/dev/null || true' EXIT
echo "jichitai: http://${JICHITAI_BIND}/  (gunicorn + hub worker; Ctrl-C to stop)"
.venv/bin/gunicorn -c python:jichitai.gunicorn_conf jichitai.wsgi
