"""Health, readiness and metrics for a load balancer and Prometheus (issue 24 item 4). Consistency checks of our
own wiring against PostgreSQL; the gauges are compared with rows the test writes itself."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import subprocess
import sys
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.test_cli import _clean_env, empty_postgres_database  # noqa: F401 - the fixture

TOKEN = "m" * 40


def _sample(body: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name)}{re.escape(labels)} (\S+)$", body, flags=re.MULTILINE)
    assert match, f"{name}{labels} not in the exposition"
    return float(match.group(1))


@pytest.fixture
def metrics_on(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(settings, "CONFIG", dataclasses.replace(settings.CONFIG, metrics_token=TOKEN))
    return TOKEN


@pytest.mark.django_db
def test_health_answers_whatever_the_host_header() -> None:
    """A load balancer's check names the instance by its address, which is no allowed host."""
    client = Client(HTTP_HOST="10.1.2.3:8000")
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 400  # the rest still validates the host


@pytest.mark.django_db
def test_ready_when_the_database_is_migrated() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "migrations": "applied"}


@pytest.mark.postgres
def test_not_ready_on_an_unmigrated_database(empty_postgres_database: str, tmp_path: Any) -> None:  # noqa: F811
    script = "import django; django.setup(); from django.test import Client; r = Client().get('/readyz'); print(r.status_code, r.content.decode())"
    env = _clean_env(JICHITAI_MODE="test", JICHITAI_VAR=str(tmp_path), DATABASE_URL=empty_postgres_database,
                     DJANGO_SETTINGS_MODULE="jichitai.settings")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    status, body = out.stdout.split(" ", 1)
    assert status == "503" and '"database": "ok"' in body and "pending" in body


def test_not_ready_when_the_database_is_unreachable(tmp_path: Any) -> None:
    script = "import django; django.setup(); from django.test import Client; r = Client().get('/readyz'); print(r.status_code, r.content.decode())"
    env = _clean_env(JICHITAI_MODE="test", JICHITAI_VAR=str(tmp_path), DJANGO_SETTINGS_MODULE="jichitai.settings",
                     DATABASE_URL="postgres://jichitai@127.0.0.1:9/jichitai")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert out.stdout.startswith("503 ") and '"database": "unreachable"' in out.stdout, out.stderr


@pytest.mark.django_db
def test_metrics_are_off_without_a_token_and_refuse_a_wrong_one(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Client().get("/metrics").status_code == 404
    monkeypatch.setattr(settings, "CONFIG", dataclasses.replace(settings.CONFIG, metrics_token=TOKEN))
    assert Client().get("/metrics").status_code == 401
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer " + "x" * 40).status_code == 401
    assert Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


@pytest.mark.django_db
def test_metrics_show_route_latency_hub_backlog_review_queue_and_the_unsealed_head(metrics_on: str) -> None:
    from jichitai.audit import services as audit
    from jichitai.declarations.models import Declaration, Status
    from jichitai.registry.models import OutboxEvent

    client = Client()
    client.get("/accounts/login/")
    for i in range(3):
        OutboxEvent.objects.create(change_id=uuid.uuid4(), kind="A01", atena_number=f"9{i:014d}",
                                   setai_number="", occurred_on=dt.date(2026, 12, 1))
    for i, days in enumerate((2, 5)):
        Declaration.objects.create(
            receipt_number=f"R08-M{i:06d}", fiscal_year=2026, channel="paper", pattern="salary_only",
            status=Status.CLERK, owner_index=f"midx{i}", my_number_encrypted="enc:x", name=f"待機 {i}", data={},
            submitted_at=timezone.now() - dt.timedelta(days=days))
    audit.seal()
    for i in range(4):
        audit.record("system:test", "test.metrics", f"r{i}")

    body = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {metrics_on}").content.decode()
    assert _sample(body, "django_http_requests_latency_seconds_by_view_method_count",
                   '{method="GET",view="accounts:login"}') >= 1
    assert _sample(body, "jichitai_database_up") == 1
    assert _sample(body, "jichitai_hub_outbox_backlog") == 3
    assert _sample(body, "jichitai_hub_outbox_lag_seconds") >= 0
    assert _sample(body, "jichitai_review_queue_length") == 2
    assert 5 * 86400 - 60 < _sample(body, "jichitai_review_queue_oldest_seconds") < 5 * 86400 + 3600
    assert _sample(body, "jichitai_audit_unsealed_entries") >= 4
    assert _sample(body, "jichitai_audit_head_unsealed_seconds") > 0

    audit.seal()
    body = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {metrics_on}").content.decode()
    assert _sample(body, "jichitai_audit_unsealed_entries") == 0
    assert _sample(body, "jichitai_audit_head_unsealed_seconds") == 0


def test_production_refuses_a_short_metrics_token(tmp_path: Any) -> None:
    from jichitai import config
    from jichitai.common.errors import ConfigurationError
    from tests.test_config import _prod_env

    assert config.load(_prod_env(tmp_path, JICHITAI_METRICS_TOKEN="t" * 32)).metrics_token
    with pytest.raises(ConfigurationError) as err:
        config.load(_prod_env(tmp_path, JICHITAI_METRICS_TOKEN="short"))
    assert err.value.fields["variable"] == "JICHITAI_METRICS_TOKEN"


def test_the_probe_paths_are_exactly_the_public_ones() -> None:
    from jichitai import probes

    assert set(probes.PROBES) == {"/healthz", "/readyz"}
    assert os.environ.get("PROMETHEUS_MULTIPROC_DIR") is None  # the test process keeps its metrics in memory
