"""``/metrics`` for Prometheus: request latency per route (django-prometheus' middleware), and what an
operator alerts on, read from the database at each scrape: the hub's relay backlog and each system's lag, the
declarations waiting for a clerk, how long the audit chain's head has gone unsealed.

Behind gunicorn every worker writes its request metrics to ``PROMETHEUS_MULTIPROC_DIR`` (set by
jichitai.gunicorn_conf) and the scrape adds them up. The endpoint answers only a request that carries
``Authorization: Bearer <JICHITAI_METRICS_TOKEN>``; without a configured token it does not exist (404)."""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from jichitai.accounts.guards import public

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class OperationsCollector(Collector):
    """Gauges computed from the database when scraped (one process answers; they are not per worker)."""

    def collect(self) -> Iterator[Metric]:
        from jichitai.audit.services import chain_status
        from jichitai.declarations.clerk import queue_length
        from jichitai.hub.monitor import relay_backlog, subscriber_lag

        up = GaugeMetricFamily("jichitai_database_up", "1 when the scrape could read the database")
        try:
            backlog, backlog_age = relay_backlog()
            lags = subscriber_lag()
            queued, queued_age = queue_length()
            chain = chain_status()
        except DatabaseError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("jichitai_hub_outbox_backlog", "registry outbox events not yet relayed to the hub",
                                value=backlog)
        yield GaugeMetricFamily("jichitai_hub_outbox_lag_seconds",
                                "age of the oldest outbox event not yet relayed (0 when none waits)", value=backlog_age)
        behind = GaugeMetricFamily("jichitai_hub_subscriber_behind_events",
                                   "feed events a system has not acknowledged", labels=["system", "feed"])
        lag = GaugeMetricFamily("jichitai_hub_subscriber_lag_seconds",
                                "age of the oldest feed event a system has not acknowledged", labels=["system", "feed"])
        for system, feed, events, seconds in lags:
            behind.add_metric([system, feed], events)
            lag.add_metric([system, feed], seconds)
        yield behind
        yield lag
        yield GaugeMetricFamily("jichitai_review_queue_length", "declarations waiting for a clerk", value=queued)
        yield GaugeMetricFamily("jichitai_review_queue_oldest_seconds",
                                "age of the oldest declaration waiting for a clerk", value=queued_age)
        yield GaugeMetricFamily("jichitai_audit_head_seq", "sequence number of the audit chain's head",
                                value=chain.head_seq)
        yield GaugeMetricFamily("jichitai_audit_unsealed_entries", "audit entries after the last seal",
                                value=chain.head_seq - chain.sealed_seq)
        yield GaugeMetricFamily("jichitai_audit_head_unsealed_seconds",
                                "age of the oldest audit entry not covered by a seal (0 when the head is sealed)",
                                value=chain.unsealed_age_seconds)
        if chain.last_seal_age_seconds is not None:
            yield GaugeMetricFamily("jichitai_audit_last_seal_age_seconds", "seconds since the last seal",
                                    value=chain.last_seal_age_seconds)


def exposition() -> bytes:
    """The request metrics of every worker (or of this process) followed by the operations gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        workers = CollectorRegistry()
        MultiProcessCollector(workers)
        requests = generate_latest(workers)
    else:
        requests = generate_latest(REGISTRY)
    operations = CollectorRegistry()
    operations.register(OperationsCollector())
    return requests + generate_latest(operations)


def authorised(request: HttpRequest) -> bool:
    token = settings.CONFIG.metrics_token
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@public
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.CONFIG.metrics_token:
        return HttpResponseNotFound("metrics are off: set JICHITAI_METRICS_TOKEN\n", content_type="text/plain")
    if not authorised(request):
        response = HttpResponse("bearer token required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="jichitai-metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE)


metrics.jichitai_public_reason = "Prometheus: its own bearer token (JICHITAI_METRICS_TOKEN), off without one"  # type: ignore[attr-defined]
