"""Property-based API test of 住登外者宛名番号管理 and 団体内統合宛名 (/api/jutogai/, /api/togo/): schemathesis cases
from the OpenAPI document, in process through the production WSGI app, with a connected system's key (a system
of 個人番号利用事務, so every branch is reached) and with a wrong key. No answer may be a server error; statuses,
content types and bodies must be the documented ones; data the schema refuses must be refused.
Consistency tests (our own contract)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.hub.test_openapi_fuzz import _keep_the_test_transaction  # noqa: F401  (autouse fixture, shared)

pytestmark = [pytest.mark.django_db,
              # the fuzzer sends any string as a name, "null" and "None" among them, and the refusal rightly records
              # the name as it was sent (hub.client:null): not an f-string given a missing value
              pytest.mark.audit_nameless_allowed("generated inputs may name a client, feed or person 'null'")]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
FUZZ = settings(max_examples=25, deadline=None, derandomize=True,  # the same cases every run: CI is not a lottery
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SYSTEM_KEY = "jk_jutogaifuzz-" + "k" * 32


def _schema() -> Any:
    from jichitai.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(
        path_regex="^/api/(jutogai|togo)/")


schema = _schema()


@pytest.fixture
def world(make_system: Any, jutogai: Any) -> None:
    from jichitai.hub.models import API_KEY_PREFIX_LENGTH, hash_api_key

    system, _ = make_system(my_number=True, feeds={"jutogai": None, "togo": None})
    system.api_key_prefix, system.api_key_hash = SYSTEM_KEY[3:3 + API_KEY_PREFIX_LENGTH], hash_api_key(SYSTEM_KEY)
    system.save()
    jutogai()


class Granted:
    key = SYSTEM_KEY

    def get(self, case: Any, context: Any) -> bool:
        return True

    def set(self, case: Any, data: bool, context: Any) -> None:
        case.headers = {**(case.headers or {}), "X-Hub-Key": self.key}


class Wrong(Granted):
    key = SYSTEM_KEY[:-1] + "x"


@schema.auth(Granted, refresh_interval=None)
@schema.parametrize()
@FUZZ
def test_with_a_systems_key(case: Any, world: None) -> None:
    case.call_and_validate(checks=CHECKS)


@schema.auth(Wrong, refresh_interval=None)
@schema.parametrize()
@FUZZ
def test_with_a_wrong_key(case: Any, world: None) -> None:
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code in (401, 405), response.status_code
