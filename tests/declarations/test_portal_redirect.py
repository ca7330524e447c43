"""Issue 18 item 9: the portal's demo login sent the resident wherever ``next`` said (open redirect). Independent:
a login never leaves the site, whatever form the outside address takes; a page of ours is kept."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_small_findings import OUTSIDE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("target", OUTSIDE)
def test_the_portal_demo_login_never_redirects_to_another_site(target: str, client: Any, resident: Any) -> None:
    me = resident()
    response = client.post(f"/declarations/portal/?next={target}", {"my_number": me["my_number"]})
    assert response.status_code == 302 and response["Location"] == "/declarations/portal/"


def test_the_portal_demo_login_keeps_a_page_of_ours(client: Any, resident: Any) -> None:
    me = resident()
    response = client.post("/declarations/portal/?next=/declarations/portal/new/", {"my_number": me["my_number"]})
    assert response["Location"] == "/declarations/portal/new/"
