"""Issue 18 item 9: small things an auditor finds — each a class, tested with its variants. The expected outcomes
come from the requirement (independent): no redirect leaves the site, every refusal is audited, nothing is
fetched from outside."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

OUTSIDE = ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
           "http://testserver@evil.example/", "https:evil.example"]


@pytest.mark.parametrize("target", OUTSIDE)
def test_no_login_redirects_to_another_site(target: str, client: Any, make_staff: Any) -> None:
    from django.test import RequestFactory

    from jichitai.accounts.guards import safe_next

    request = RequestFactory().post("/accounts/login/", {"next": target})
    assert safe_next(request) == ""
    assert safe_next(RequestFactory().get("/", {"next": "/registry/"})) == "/registry/"


def test_a_request_refused_while_decoding_is_audited(login_as: Any) -> None:
    client = login_as("counter")
    bad = client.post("/api/registry/changes", data="{not json", content_type="application/json")
    assert bad.status_code == 400
    typed = client.post("/api/registry/changes", data=json.dumps({"type": "RecordMoveIn", "persons": "x"}),
                        content_type="application/json")
    assert typed.status_code == 422
    entries = AuditEntry.objects.filter(action="api.request", outcome="refused")
    codes = {e.detail["code"] for e in entries}
    assert codes >= {"http_400", "invalid_input"}
    assert all(e.actor == f"staff:{client.staff.username}" for e in entries)
    assert all("not json" not in json.dumps(e.detail) for e in entries)  # the items, never the values


def test_the_api_docs_load_swagger_from_our_own_static_files(client: Any) -> None:
    from django.contrib.staticfiles import finders

    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert "https://" not in page and "http://" not in page
    assert finders.find("ninja/swagger-ui-bundle.js") and finders.find("ninja/swagger-ui-init.js")


def test_a_form_refused_before_any_view_is_audited(login_as: Any) -> None:
    client = login_as("counter")
    response = client.post("/registry/changes/move-in/", {"name": "青木\x1b[31m太郎"})
    assert response.status_code == 400
    entry = AuditEntry.objects.get(action="request.input", outcome="refused")
    assert entry.actor == f"staff:{client.staff.username}" and entry.resource == "POST /registry/changes/move-in/"
    assert "\x1b" not in json.dumps(entry.detail) and "太郎" not in json.dumps(entry.detail, ensure_ascii=False)
