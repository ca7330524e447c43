"""Bad input as a class (issue 18, item 5): every API operation is fuzzed from the OpenAPI document the app
serves (schemathesis, in process, through the production WSGI app) with the credentials of a member of staff
holding every role, and every page that accepts a form or a query is sent hostile values. No answer may be a
server error, data the schema refuses must be refused, and a refused request must leave the database as it
was. (The hub's system-to-system operations, authenticated by a system's key, have their own schemathesis run
in tests/hub/test_openapi_fuzz.py and, for 住登外者 and 統合宛名, tests/jutogai/test_openapi_fuzz.py, without
the database check.)

Consistency tests: what they prove is our own contract (no 5xx, refusal changes nothing), stated in the issue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.apps import apps
from django.core import signals
from django.db import close_old_connections, connection
from django.urls import get_resolver
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import negative_data_rejection

from tests.accounts.test_permission_walk import _is_ninja, _sample_url, walk
from tests.staff_login import log_in_verified

pytestmark = [pytest.mark.django_db,
              # the fuzzer sends any string as a name, "null" and "None" among them, and the refusal rightly records
              # the name as it was sent (hub.client:null): not an f-string given a missing value
              pytest.mark.audit_nameless_allowed("generated inputs may name a client, feed or person 'null'")]

STAFF_SESSION = "inputfuzzsession" + "s" * 16
ALL_ROLES = ["counter", "supervisor", "tax_reviewer", "analyst", "sysadmin", "auditor"]
FUZZ = settings(max_examples=12, deadline=None, derandomize=True,  # the same cases every run: CI is not a lottery
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# Records a refusal may write by design: the audit trail, the hub's message log, sessions and login failures,
# the list of attempts on protected people, and the per-address count that folds anonymous refusals.
RECORDS_OF_REFUSALS = ("audit", "sessions", "messagelog", "loginfailure", "attempt", "lockout", "otp", "throttle")


def _schema() -> Any:
    from jichitai.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", application).exclude(
        path_regex="^/api/(hub|jutogai|togo)/")


schema = _schema()


def database_state() -> tuple[int, ...]:
    """Row counts of every table that holds the platform's data (not the records a refusal itself writes),
    read in one statement (it runs twice for each of the many generated cases)."""
    tables = [m._meta.db_table for m in apps.get_models()
              if not any(word in m._meta.label_lower for word in RECORDS_OF_REFUSALS)
              and not m._meta.proxy and m._meta.managed]
    with connection.cursor() as cur:
        cur.execute("SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables))
        return tuple(cur.fetchone())


@pytest.fixture(autouse=True)
def _keep_the_test_transaction() -> Iterator[None]:
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(make_staff: Any) -> Any:
    """A small registry (one household), and a staff session holding every role."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY

    from jichitai.registry.services import apply, load_towns
    from tests.registry.conftest import TOWNS, move_in_command
    from tests.staff_login import enrolled_device

    load_towns(TOWNS)
    staff = make_staff(roles=ALL_ROLES)
    apply(move_in_command(), actor=staff)
    login = {SESSION_KEY: str(staff.pk), BACKEND_SESSION_KEY: "jichitai.accounts.backends.LockoutBackend",
             HASH_SESSION_KEY: staff.get_session_auth_hash(),
             DEVICE_ID_SESSION_KEY: enrolled_device(staff).persistent_id}  # both factors, as after a real login
    Session.objects.create(session_key=STAFF_SESSION, session_data=SessionStore().encode(login),
                           expire_date=timezone.now() + dt.timedelta(hours=1))
    return staff


class StaffCredentials:
    def get(self, case: Any, context: Any) -> bool:
        return True

    def set(self, case: Any, data: bool, context: Any) -> None:
        case.cookies = {**(case.cookies or {}), "sessionid": STAFF_SESSION}


@pytest.fixture
def reached() -> Iterator[list[int]]:
    """The statuses of answers past authentication; at least one per operation, or the fuzzing only ever met
    the login check (a broken session would make this test pass without testing anything)."""
    got: list[int] = []
    yield got
    assert got, "every generated case was refused as unauthenticated: the staff session does not work"


@schema.auth(StaffCredentials, refresh_interval=None)
@schema.parametrize()
@FUZZ
def test_every_api_operation_refuses_bad_input_without_a_server_error_or_a_change(case: Any, world: Any,
                                                                                  reached: list[int]) -> None:
    before = database_state()
    response = case.call_and_validate(checks=[not_a_server_error, negative_data_rejection])
    if response.status_code != 401:
        reached.append(response.status_code)
    if response.status_code >= 400:
        assert database_state() == before, (case.method, case.path, response.status_code)


HOSTILE_VALUES = ["\x1b[2J", "名\u202e前", "\x00", "\u2066x\u2069", "\ufeff", "\ue000", "\ud7ff\u200b"]


# Answered by jichitai.probes before any other middleware, reading nothing of the request.
NO_INPUT = {"/healthz", "/readyz", "/metrics"}


def _form_pages() -> list[str]:
    """Every page route (not the API's operations, not static files, not the probes), with sample arguments."""
    pages = []
    for route, callback in walk(get_resolver().url_patterns):
        if _is_ninja(callback) or route.startswith(("static", "api/")) or "static" in getattr(callback, "__name__", ""):
            continue
        pages.append(_sample_url(route))
    return sorted(set(pages) - NO_INPUT)


@pytest.mark.parametrize("path", _form_pages())
def test_every_page_refuses_hostile_form_and_query_values_without_a_change(path: str, world: Any,
                                                                           client: Any) -> None:
    log_in_verified(client, world)
    before = database_state()
    for value in HOSTILE_VALUES[:3] if path != "/" else HOSTILE_VALUES:
        for response in (client.get(path, {"q": value, "name": value}),
                         client.post(path, {"name": value, "note": value, value: "1", "step": "confirm"}),
                         client.post(path, {"name": "x" * 200_000})):
            assert response.status_code == 400, (path, repr(value), response.status_code)
            assert "使用できない文字" in response.content.decode() or "文字以内" in response.content.decode()
    assert database_state() == before
