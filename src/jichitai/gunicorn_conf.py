"""gunicorn's settings for jichitai (``gunicorn -c python:jichitai.gunicorn_conf jichitai.wsgi``), used by
``make serve``, ``make demo`` and deploy/jichitai-web.service.

``JICHITAI_BIND`` (default 127.0.0.1:8000; the reverse proxy or load balancer in front), ``WEB_CONCURRENCY``
(worker processes, default 2 × cores + 1) and ``JICHITAI_WEB_THREADS`` (threads per worker, default 4: a worker
waiting on PostgreSQL or rendering a PDF does not hold the others up). Anything else: ``GUNICORN_CMD_ARGS``.
Each worker's request metrics go to ``PROMETHEUS_MULTIPROC_DIR`` (a fresh folder per start when unset), which
``/metrics`` adds up."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

bind = os.environ.get("JICHITAI_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("JICHITAI_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 120           # a bulk page (a household's certificates, a notice) may take seconds on a busy machine
graceful_timeout = 30
keepalive = 5
max_requests = 5000     # recycle workers now and then (bounded memory), staggered
max_requests_jitter = 500
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "jichitai-web"
control_socket_disable = True  # systemd (or Ctrl-C) controls the server; no socket under $HOME

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="jichitai-metrics-")


def on_starting(server: Any) -> None:
    """Counters from a previous run would be added to this one's: start from an empty folder."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    if folder.exists():
        for child in folder.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    folder.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
