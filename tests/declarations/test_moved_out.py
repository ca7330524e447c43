"""A filer taxed here as a 1月1日 resident who has moved out since (地方税法第318条): the clerk's case page shows
where they live now — their 住登外者 (共通機能標準仕様書 §2.3), the address the tax notices use — rather than a
blank."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.declarations import clerk
from tests.declarations.test_services import file_and_submit

pytestmark = pytest.mark.django_db


def test_the_case_page_shows_the_jutogai_of_a_filer_who_moved_out(resident: Any, salary_report: Any,
                                                                  make_staff: Any) -> None:
    """Consistency: the number and address shown are those of the 住登外者 linked to the filer's 除票."""
    from jichitai.registry.models import Resident
    from jichitai.tax.addressee import jutogai_for

    me = resident(name="北野 三郎", kana="キタノ サブロウ", sex="M")
    salary_report(me["my_number"], 4_000_000)
    d = file_and_submit(me, salary=4_000_000)
    Resident.objects.filter(pk=me["atena_number"]).update(status="removed", removal_reason="move_out_domestic",
                                                           destination_address="福岡県福岡市中央区天神2-2")
    row = Resident.objects.filter(pk=me["atena_number"]).values(
        "atena_number", "name", "kana", "birth_date", "sex", "status", "removal_reason", "destination_address").get()
    person = jutogai_for([row])[me["atena_number"]]
    view = clerk.evidence_for(make_staff(roles=["tax_reviewer"], department="shiminzei"), d)
    assert view["now"] == f"市外: 福岡県福岡市中央区天神2-2（住登外者宛名番号 {person.number}）"
