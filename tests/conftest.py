"""Shared fixtures. Factories take keyword overrides."""

from __future__ import annotations

import http.server
import itertools
import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

from tests.staff_login import log_in_verified

pytest_plugins = ["tests.browser"]  # the shared headless chromium fixtures (end-to-end tests)

_counter = itertools.count(1)


@pytest.fixture
def make_staff(db: Any) -> Callable[..., Any]:
    """``make_staff(roles=["counter"], department="shimin", username=…, password=…)``. The departments shimin
    (市民課: 住民記録) and shiminzei (市民税課: 個人住民税) own their duties as in the demo."""
    from jichitai.accounts import roles as R
    from jichitai.accounts.management.commands.seed_demo_staff import DEPARTMENT_DUTIES
    from jichitai.accounts.models import Department, Role, Staff

    def make(roles: list[str] | tuple[str, ...] = (), department: str = "shimin", username: str | None = None,
             password: str = "correct-horse-battery", full_name: str | None = None, **extra: Any) -> Staff:
        n = next(_counter)
        dept, _ = Department.objects.get_or_create(code=department, defaults={
            "name": f"{department}課", "duties": DEPARTMENT_DUTIES.get(department, [])})
        staff = Staff.objects.create_user(
            username or f"u{n:05d}", password, full_name=full_name or f"職員 {n}", department=dept, **extra
        )
        # get_or_create: a transactional test's flush empties the roles that the migration put in.
        staff.roles.set([Role.objects.get_or_create(code=c, defaults={"name": R.ROLES[c]})[0] for c in roles])
        return staff

    return make


@pytest.fixture
def login_as(client: Any, make_staff: Callable[..., Any]) -> Callable[..., Any]:
    """``login_as("counter")`` → a Django test client logged in (both factors) as a new member of staff with
    those roles."""

    def login(*roles: str, **kwargs: Any) -> Any:
        return log_in_verified(client, make_staff(roles=list(roles), **kwargs))

    return login


@pytest.fixture
def a_minute_passes(db: Any) -> Callable[[], None]:
    """Ends the folding minute of every anonymous refusal (``accounts.anonymous``) by moving its start back by the
    window, instead of waiting: no timed tests."""
    import datetime as dt

    from jichitai.accounts import anonymous
    from jichitai.accounts.models import LoginThrottle

    def passes() -> None:
        for row in LoginThrottle.objects.filter(scope__in=[anonymous.SCOPE, anonymous.GLOBAL_SCOPE],
                                                last_failure__isnull=False):
            row.last_failure = row.last_failure - anonymous.WINDOW - dt.timedelta(seconds=1)
            row.save(update_fields=["last_failure"])

    return passes


@pytest.fixture
def userinfo_endpoint(settings: Any) -> Any:
    """A real UserInfo endpoint on 127.0.0.1 (the library calls it over HTTP): answers with ``served[0]``;
    ``served[1]`` is its address."""
    served: list[Any] = [{}, ""]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(served[0]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served[1] = f"http://127.0.0.1:{server.server_address[1]}/userinfo"
    settings.OIDC_CREATE_USER = False  # as settings.py has it
    yield served
    server.shutdown()
    server.server_close()


# a recorded target that names nothing: "…:None" (an f-string given a missing value), or a bare kind ("resident:");
# a path ("/api/hub/feeds/null", "POST /…") names the endpoint as the client called it, whatever its last word
NAMELESS_RESOURCE = r"^[^/]*(None|null)$|^[A-Za-z_.\-]+:$"


@pytest.fixture(autouse=True)
def audit_names_its_subjects(request: pytest.FixtureRequest) -> Any:
    """After every test that uses the database, transactional ones included: every audit entry it recorded names
    what it is about — no ``jutogai:None`` or bare ``resident:`` (標準仕様書 10.2: the log must answer "everything
    that touched X"). A test that writes a nameless entry on purpose (to show it is caught) says so with
    ``@pytest.mark.audit_nameless_allowed("why")``."""
    uses_db = request.node.get_closest_marker("django_db") is not None or "_django_db_helper" in request.fixturenames
    allowed = request.node.get_closest_marker("audit_nameless_allowed")
    if not uses_db or allowed is not None:
        assert allowed is None or allowed.args, "audit_nameless_allowed needs its reason"
        yield
        return
    request.getfixturevalue("_django_db_helper")  # set up first, so torn down (rolled back, flushed) after the check
    yield
    from jichitai.audit.models import AuditEntry

    nameless = list(AuditEntry.objects.filter(resource__regex=NAMELESS_RESOURCE).values_list("action", "resource"))
    assert not nameless, f"audit entries naming nothing: {nameless}"
