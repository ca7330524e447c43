"""Property-based API test: schemathesis cases generated from the hub's OpenAPI document, sent in-process to
the production WSGI app (issue 6, "done means": a schemathesis run against the hub without a server error).

Every hub operation is run three times: with the credentials of a system granted every feed — its API key (the
transition), then an OAuth access token carrying every granted scope, and for the OAuth endpoints (token,
introspection, revocation: 共通機能標準仕様書 2.2, RFC 6749/7662/7009) its client secret by client_secret_basic;
for ``/status`` a staff session allowed ``hub.monitor`` — so the handlers' bodies are reached, not only the
refusals; and with a wrong key (the granted key's prefix, another secret), a token never issued, a wrong client
secret and an unknown session, or whatever the generator
makes up when it tests a missing or malformed credential (none, an empty or a random key). Each response must not be a 5xx and
must conform to the documented status codes, content types and schemas; data that violates the schema must
be refused. The granted run also asserts, per operation, that some generated case got a 2xx, so a broken
credential cannot turn it into a second refusal run.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.hub.conftest import person_payload
from tests.staff_login import enrolled_device

pytestmark = [pytest.mark.django_db,
              # the fuzzer sends any string as a name, "null" and "None" among them, and the refusal rightly records
              # the name as it was sent (hub.client:null): not an f-string given a missing value
              pytest.mark.audit_nameless_allowed("generated inputs may name a client, feed or person 'null'")]

EVENT_FEEDS = ("atena-delta", "atena-full")
FILE_IN_FEEDS = ("salary-report", "pension-report", "kokuho-shikaku", "jido-teate", "kaigo-nintei")
FEEDS = (*EVENT_FEEDS, "atena-extract", *FILE_IN_FEEDS)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
FUZZ = settings(max_examples=30, deadline=None, derandomize=True,  # the same cases every run: CI is not a lottery
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# The granted credentials are fixed: schemathesis builds its coverage-phase cases (and sets their auth) when the
# test is collected, before any fixture runs.
SYSTEM_KEY = "jk_openapi-fuzz-" + "k" * 32
SYSTEM_TOKEN = "openapi-fuzz-token-" + "t" * 24
SYSTEM_SECRET = "openapi-fuzz-secret-" + "c" * 24
STAFF_SESSION = "openapifuzzsession" + "s" * 14
OAUTH_PATHS = "/api/hub/oauth/"


@schemathesis.serializer("text/csv")
def _csv(context: Any, value: Any) -> dict[str, Any]:
    return {"data": value if isinstance(value, bytes) else str(value).encode()}


def _hub_schema() -> Any:
    """The hub's operations from the OpenAPI document the app serves (no database needed)."""
    from jichitai.wsgi import application

    loaded = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(path_regex="^/api/hub/")

    @loaded.hook
    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
        """Half the time a feed that exists (and is granted) or a file the system sent, so more than the
        refusal is reached."""
        from jichitai.hub.models import ExchangedFile

        generated = st.just(path_parameters)
        if path_parameters and "feed" in path_parameters:
            served = EVENT_FEEDS if context.operation.method == "get" else FILE_IN_FEEDS
            known = st.sampled_from(served) | st.sampled_from(FEEDS)
            return generated | known.map(lambda f: {**path_parameters, "feed": f})
        if path_parameters and "file_id" in path_parameters:
            sent = list(ExchangedFile.objects.filter(direction="in").values_list("pk", flat=True))
            if sent:
                return generated | st.sampled_from(sent).map(lambda pk: {**path_parameters, "file_id": pk})
        return generated

    return loaded


schema = _hub_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_transaction() -> Iterator[None]:
    """Requests go through the production WSGI handler; switch off its per-request connection housekeeping
    (as Django's test client does), which would close the connection and so end the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def hub_world(make_system: Any, make_staff: Any) -> None:
    """A system granted every feed (key ``SYSTEM_KEY``) that has sent a file, events relayed into the feed,
    and a staff session (``STAFF_SESSION``) allowed ``hub.monitor``."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY

    from jichitai.hub import feeds, files, oauth, scopes
    from jichitai.hub.models import API_KEY_PREFIX_LENGTH, AccessToken, hash_api_key
    from jichitai.registry.models import OutboxEvent

    system, _ = make_system(code="openapi-fuzz", feeds=dict.fromkeys(FEEDS))
    system.api_key_prefix, system.api_key_hash = SYSTEM_KEY[3:3 + API_KEY_PREFIX_LENGTH], hash_api_key(SYSTEM_KEY)
    oauth.issue_client_secret(system, SYSTEM_SECRET)
    system.save()
    now = timezone.now()  # a token as the token endpoint issues it, with a known value
    AccessToken.objects.create(token_sha256=oauth.token_hash(SYSTEM_TOKEN), system=system, auth_method="test",
                               scope=" ".join(scopes.granted_scopes(system)), issued_at=now,
                               expires_at=now + dt.timedelta(hours=1))
    files.receive(system, "kaigo-nintei", "kaigo.csv", "宛名番号,要介護度,認定開始日,認定終了日\n".encode())
    for i in range(3):
        atena = f"90000000{i}"
        OutboxEvent.objects.create(change_id=uuid.uuid4(), kind="move_in_domestic", atena_number=atena,
                                   setai_number="S" + atena, occurred_on=timezone.localdate(),
                                   payload=person_payload(atena, support_measure=i == 2))
    assert feeds.relay_all() == 3
    staff = make_staff(roles=["sysadmin"])
    login = {SESSION_KEY: str(staff.pk), BACKEND_SESSION_KEY: "jichitai.accounts.backends.LockoutBackend",
             HASH_SESSION_KEY: staff.get_session_auth_hash(),
             DEVICE_ID_SESSION_KEY: enrolled_device(staff).persistent_id}  # both factors passed
    Session.objects.create(session_key=STAFF_SESSION, session_data=SessionStore().encode(login),
                           expire_date=timezone.now() + dt.timedelta(hours=1))


class _Credentials:
    key = SYSTEM_KEY
    token = ""  # with a token, the system routes are called with it instead of the key
    secret = SYSTEM_SECRET
    session = STAFF_SESSION

    def get(self, case: Any, context: Any) -> bool:
        return True

    def set(self, case: Any, data: bool, context: Any) -> None:
        if case.operation.path.startswith(OAUTH_PATHS):
            basic = base64.b64encode(f"openapi-fuzz:{self.secret}".encode()).decode()
            case.headers = {**(case.headers or {}), "Authorization": f"Basic {basic}"}
        elif "StaffSession" in str(case.operation.definition.raw.get("security")):
            case.cookies = {**(case.cookies or {}), "sessionid": self.session}
        elif self.token:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {self.token}"}
        else:
            case.headers = {**(case.headers or {}), "X-Hub-Key": self.key}


class GrantedCredentials(_Credentials):
    """The granted system's key on system routes, the staff session on ``/status``. Schemathesis leaves a case
    without them (or mangles them) when it is testing a missing or malformed credential."""


class GrantedToken(_Credentials):
    """An OAuth access token carrying every scope of the system's grants, on the system routes."""

    token = SYSTEM_TOKEN


class WrongCredentials(_Credentials):
    """A key with the granted key's prefix but another secret, a wrong client secret, and a session that does
    not exist."""

    key = SYSTEM_KEY[:-1] + "x"
    secret = SYSTEM_SECRET[:-1] + "x"
    session = STAFF_SESSION[:-1] + "x"


class WrongToken(WrongCredentials):
    """An access token the hub never issued."""

    token = SYSTEM_TOKEN[:-1] + "x"


@pytest.fixture
def successes() -> Iterator[list[int]]:
    """The 2xx statuses the granted run got; at least one per operation, or the handler was never reached."""
    got: list[int] = []
    yield got
    assert got, "no generated case was accepted: the granted credentials or feeds do not work"


@schema.auth(GrantedCredentials, refresh_interval=None)
@schema.parametrize()
@FUZZ
def test_hub_with_granted_credentials(case: Any, hub_world: None, successes: list[int]) -> None:
    response = case.call_and_validate(checks=CHECKS)
    if 200 <= response.status_code < 300:
        successes.append(response.status_code)


@schema.auth(GrantedToken, refresh_interval=None)
@schema.parametrize()
@FUZZ
def test_hub_with_a_granted_token(case: Any, hub_world: None, successes: list[int]) -> None:
    response = case.call_and_validate(checks=CHECKS)
    if 200 <= response.status_code < 300:
        successes.append(response.status_code)


def _refused(case: Any, status: int) -> None:
    # The token endpoint answers a request it cannot read (no or another grant_type) 400 before it
    # authenticates the client (RFC 6749 §5.2: unsupported_grant_type, invalid_request).
    allowed = (400, 401, 405) if case.operation.path.startswith(OAUTH_PATHS) else (401, 405)
    assert status in allowed, status


@schema.auth(WrongCredentials, refresh_interval=None)
@schema.parametrize()
@FUZZ
def test_hub_with_missing_or_wrong_credentials(case: Any, hub_world: None) -> None:
    _refused(case, case.call_and_validate(checks=CHECKS).status_code)


@schema.auth(WrongToken, refresh_interval=None)
@schema.parametrize()
@FUZZ
def test_hub_with_a_wrong_token(case: Any, hub_world: None) -> None:
    _refused(case, case.call_and_validate(checks=CHECKS).status_code)
