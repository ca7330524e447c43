"""The platform run as a city's operator runs it (issue 24 item 4): the systemd units of deploy/ pass
``systemd-analyze verify`` and cover every scheduled job the docs name; gunicorn serves the production
settings (static files through whitenoise, probes before the HTTPS redirect, metrics summed over workers).
Consistency checks of our own files and wiring."""

from __future__ import annotations

import http.client
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jichitai import config
from tests.test_cli import _clean_env

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
VENV = Path(sys.executable).parent.parent
INSTALL_PREFIX = "/opt/jichitai/.venv"  # where deploy/ expects the project's venv
SCHEDULE_WORDS = re.compile(r"\b(cron|nightly|every day|every few minutes|daily)\b", re.IGNORECASE)


def _units() -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(DEPLOY.iterdir()) if p.suffix in (".service", ".timer", ".target")}


def _exec_start(text: str) -> list[str]:
    return re.findall(r"^ExecStart=(.+)$", text, flags=re.MULTILINE)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze missing: scripts/install-system-deps.sh installs it (make test)")
def test_every_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    """The units as installed, with the venv at /opt/jichitai/.venv mapped to this one (verify checks that each
    command exists) and the template instantiated for one fiscal year."""
    for name, text in _units().items():
        (tmp_path / name.replace("@.service", "@2027.service")).write_text(text.replace(INSTALL_PREFIX, str(VENV)))
    files = sorted(str(p) for p in tmp_path.iterdir())
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *files], capture_output=True, text=True,
                            timeout=300, cwd=tmp_path)
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", str(tmp_path / "jichitai-web.service")],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_a_broken_unit_fails_the_verification(tmp_path: Path) -> None:
    """The check above can fail: a misspelt setting and a missing command are reported."""
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze missing")
    text = _units()["jichitai-hub.service"].replace(INSTALL_PREFIX, str(VENV))
    (tmp_path / "jichitai-hub.service").write_text(text.replace("ProtectSystem=strict", "ProtectSystem=strictly")
                                                   .replace("/bin/jichitai hub", "/bin/jichitai-nowhere hub"))
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", str(tmp_path / "jichitai-hub.service")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "protect system" in result.stderr.lower() and "jichitai-nowhere" in result.stderr


def test_each_timer_starts_its_service_and_the_target_wants_them_all() -> None:
    units = _units()
    timers = [n for n in units if n.endswith(".timer")]
    assert timers
    for timer in timers:
        assert timer.replace(".timer", ".service") in units, timer
        assert re.search(r"^OnCalendar=.+$", units[timer], flags=re.MULTILINE), timer
    wanted = set(" ".join(re.findall(r"^Wants=(.+)$", units["jichitai.target"], flags=re.MULTILINE)).split())
    expected = {n for n in units if n.endswith(".timer")} | {"jichitai-web.service", "jichitai-hub.service"}
    assert wanted == expected
    for name, text in units.items():
        for command in _exec_start(text):
            assert command.startswith(f"{INSTALL_PREFIX}/bin/"), f"{name}: {command}"


def _scheduled_commands_in_docs() -> set[str]:
    """`jichitai …` commands the docs say run on a schedule: a list item or sentence (not a table row) that
    names the command and cron, nightly, every day …"""
    found = set()
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for item in re.split(r"\n(?=\s*[-*] |\s*\n|\s*\|)", doc.read_text()):
            if SCHEDULE_WORDS.search(item) and not item.lstrip().startswith("|"):
                for command in re.findall(r"`jichitai ([a-z_-]+(?: [a-z_-]+)?)`", item):
                    found.add(command)
    return found


def test_every_scheduled_job_the_docs_name_has_a_timer() -> None:
    named = _scheduled_commands_in_docs()
    assert {"departures", "audit seal", "dr backup", "dr lake-sync"} <= named, named
    timed = set()
    units = _units()
    for name, text in units.items():
        if name.endswith(".service") and name.replace(".service", ".timer") in units:
            for command in _exec_start(text):
                timed.add(" ".join(command.split()[1:3]))
    missing = {c for c in named if not any(t == c or t.startswith(c + " ") or c.startswith(t) for t in timed)}
    assert missing == set(), f"scheduled in the docs but without a timer in deploy/: {missing}"
    assert "lounge refresh" in timed and "hub run" in " ".join(_exec_start(units["jichitai-hub.service"]))


def test_the_environment_example_names_only_documented_variables() -> None:
    text = (DEPLOY / "jichitai.env.example").read_text()
    names = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", text, flags=re.MULTILINE))
    operations = (ROOT / "docs" / "operations.md").read_text()
    assert {n for n in names if f"`{n}`" not in operations} == set()
    assert {"JICHITAI_MODE", "JICHITAI_SECRET_KEY", "JICHITAI_AUDIT_KEY_FILE"} <= names
    assert set(config.VARIABLES) - names <= {"DATABASE_URL", "JICHITAI_LAKE_CATALOG_URL", "JICHITAI_OIDC_ISSUER",
                                             "JICHITAI_OIDC_CLIENT_ID", "JICHITAI_OIDC_CLIENT_SECRET",
                                             "JICHITAI_RESIDENT_OIDC_CLIENT_ID", "JICHITAI_RESIDENT_OIDC_CLIENT_SECRET",
                                             "JICHITAI_LOCKOUT_ATTEMPTS", "JICHITAI_LOCKOUT_MINUTES",
                                             "JICHITAI_DISCLOSURE_K", "JICHITAI_METRICS_TOKEN"}


def test_the_deploy_page_names_every_unit_and_every_dr_command() -> None:
    page = (ROOT / "docs" / "deploy.md").read_text()
    assert {n for n in [*_units(), "jichitai.env.example"] if f"`{n}`" not in page} == set()
    from jichitai.dr.management.commands import dr

    subcommands = set(re.findall(r"^jichitai dr ([a-z-]+)", dr.__doc__ or "", flags=re.MULTILINE))
    assert subcommands and {c for c in subcommands if f"`jichitai dr {c}" not in page and f"`dr {c}" not in page
                            and f"/ `dr {c}`" not in page} == set()


# --- gunicorn with the production settings ---------------------------------------------------------------

TOKEN = "p" * 48


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    con.request("GET", path, headers={"Host": "jichitai.test", **headers})
    response = con.getresponse()
    body = response.read()
    con.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


@pytest.fixture
def production_server(tmp_path: Path, transactional_db: Any) -> Iterator[tuple[int, Path]]:
    from django.db import connection

    db = connection.settings_dict  # the test database pytest-django made
    if "postgresql" not in db["ENGINE"]:
        pytest.skip("needs the PostgreSQL test database")
    (tmp_path / "audit.pem").write_text("unused here")
    (tmp_path / "mn.key").write_bytes(b"k" * 32)
    metrics_dir = tmp_path / "metrics"
    port = _free_port()
    env = _clean_env(
        JICHITAI_MODE="production", JICHITAI_SECRET_KEY="s" * 64, JICHITAI_ALLOWED_HOSTS="jichitai.test",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        JICHITAI_VAR=str(tmp_path / "var"), JICHITAI_AUDIT_KEY_FILE=str(tmp_path / "audit.pem"),
        JICHITAI_MYNUMBER_KEY_FILE=str(tmp_path / "mn.key"), JICHITAI_METRICS_TOKEN=TOKEN,
        JICHITAI_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    bin_dir = Path(sys.executable).parent
    collect = subprocess.run([str(bin_dir / "jichitai"), "collectstatic", "--no-input", "-v0"], env=env,
                             capture_output=True, text=True, timeout=600)
    assert collect.returncode == 0, collect.stderr
    server = subprocess.Popen([str(bin_dir / "gunicorn"), "-c", "python:jichitai.gunicorn_conf", "jichitai.wsgi"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180  # a readiness wait, not a timed assertion
        while True:
            try:
                if _get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.5)
        yield port, metrics_dir
    finally:
        server.terminate()
        server.wait(timeout=60)


@pytest.mark.slow
@pytest.mark.postgres
def test_gunicorn_serves_the_production_settings(production_server: tuple[int, Path]) -> None:
    port, metrics_dir = production_server
    assert _get(port, "/healthz", Host="10.0.0.9:8000")[0] == 200  # the load balancer, by address, plain HTTP
    status, _, body = _get(port, "/readyz", Host="10.0.0.9:8000")
    assert status == 200 and b'"applied"' in body, body
    status, headers, _ = _get(port, "/accounts/login/")
    assert status == 301 and headers["location"].startswith("https://")  # HTTPS everywhere else
    requests = 12
    for _ in range(requests):
        status, _, page = _get(port, "/accounts/login/", **{"X-Forwarded-Proto": "https"})
        assert status == 200
    css = re.search(rb'href="(/static/jichitai/jichitai\.[0-9a-f]{12}\.css)"', page)
    assert css, "the page links the hashed stylesheet (whitenoise's manifest)"
    status, headers, _ = _get(port, css.group(1).decode(), **{"Accept-Encoding": "gzip",
                                                               "X-Forwarded-Proto": "https"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert "immutable" in headers.get("cache-control", "") or "max-age=315360000" in headers.get("cache-control", "")
    assert _get(port, "/metrics")[0] == 401
    status, _, body = _get(port, "/metrics", Authorization=f"Bearer {TOKEN}")
    text = body.decode()
    count = re.search(r'^django_http_requests_latency_seconds_by_view_method_count\{method="GET",view="accounts:login"\} (\S+)$',
                      text, flags=re.MULTILINE)
    assert count and float(count.group(1)) == requests  # every worker's requests, added up (the redirect has no view)
    assert any(metrics_dir.glob("*.db"))
    assert re.search(r"^jichitai_database_up 1\.0$", text, flags=re.MULTILINE)
