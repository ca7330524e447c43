"""A 1月1日 resident who moved out keeps being taxed here for the 年度 (賦課期日, 地方税法第318条); no longer in the
住民記録, they are a 住登外者 of the city (共通機能標準仕様書 §2.3): the assessment notes their 住登外者宛名番号, and
the notices go to the 住登外者's address — not to the 市内 address they left."""

from __future__ import annotations

import datetime as dt
import subprocess
from typing import Any

import pytest

from jichitai.jutogai import services as jutogai
from jichitai.jutogai.facts import Facts, checked
from jichitai.jutogai.models import Jutogaisha
from jichitai.registry.domain import RecordMoveOut
from jichitai.registry.services import apply
from jichitai.tax.assessment import services as assessment
from jichitai.tax.collection.notices import mailing_address
from jichitai.tax.models import Assessment

pytestmark = pytest.mark.django_db

TOKYO = {"destination_address": "東京都港区芝公園4-2-8", "destination_municipality_code": "131032"}


def _move_out(atena: str, clerk: Any) -> None:
    apply(RecordMoveOut(moved_on=dt.date(2026, 6, 1), notified_on=dt.date(2026, 6, 1), atena_numbers=(atena,),
                        remaining_head="", **TOKYO), actor=clerk)


def test_a_resident_who_moved_out_is_assessed_and_addressed_as_a_jutogai(city: dict[str, str],
                                                                         make_staff: Any) -> None:
    """Independent of our figures: 太郎 lived here on 1月1日 2026 and moved to 東京都港区 on 2026-06-01; he is
    assessed for 令和8年度 (his salary was reported), linked to a 住登外者 numbered from his 除票, and his notice
    goes to 東京都港区芝公園4-2-8, the 転出先; after a 住所変更 of the 住登外者, to the new address."""
    _move_out(city["hanako"], make_staff(roles=["counter"]))  # 花子 leaves first: 太郎 then leaves alone
    _move_out(city["taro"], make_staff(roles=["counter"]))
    assessment.run(2026)
    taro = Assessment.objects.get(atena_number=city["taro"])
    assert taro.total > 0  # still taxed here
    person = jutogai.for_former_resident(city["taro"])
    assert person is not None and person.address == "東京都港区芝公園4-2-8" and person.name == "青木 太郎"
    assert any(f"住登外者宛名番号 {person.number}" in n for n in taro.notes)
    assert any("賦課期日後に転出（令和8年6月1日）" in n for n in taro.notes)  # the day in 和暦, as the page reads
    sent = mailing_address(city["taro"])
    assert sent["address"] == "東京都港区芝公園4-2-8" and sent["jutogai_number"] == person.number
    assert "加納町" not in sent["address"]  # not the address he left
    jutogai.change("staff:t", person.number, "address", Facts(address="北海道札幌市中央区北1条西2", postcode="0600001"),
                   changed_on=dt.date(2026, 9, 1))
    assert mailing_address(city["taro"]) == {"name": "青木 太郎", "postcode": "060-0001",
                                             "address": "北海道札幌市中央区北1条西2", "jutogai_number": person.number,
                                                 "barcode": ""}  # free text of another city: no カスタマバーコード
    assessment.run(2026)  # a re-run numbers nobody again
    assert Jutogaisha.objects.filter(former_atena_number=city["taro"]).count() == 1


def test_j440_a_supported_taxpayer_who_moved_out_keeps_the_new_address_out_of_the_assessment(
        city: dict[str, str], make_staff: Any, protect: Any) -> None:
    """Independent (住基法第12条の3, 標準仕様書 3.4 j440: the 支援措置 is the person's and follows them): 太郎
    moves out under 支援措置; the note kept with his assessment names his 住登外者宛名番号 but not the 転出先 (read
    by anyone who opens the assessment later), audited; his own notice still goes there (本人, 3.4)."""
    protect(city["taro"], "support")
    _move_out(city["hanako"], make_staff(roles=["counter"]))
    _move_out(city["taro"], make_staff(roles=["counter"]))
    assessment.run(2026)
    notes = " ".join(Assessment.objects.get(atena_number=city["taro"]).notes)
    person = jutogai.for_former_resident(city["taro"])
    assert person is not None and f"住登外者宛名番号 {person.number}" in notes
    assert "芝公園" not in notes and "記載しません" in notes
    from jichitai.audit.models import AuditEntry

    assert AuditEntry.objects.filter(resource=f"resident:{city['taro']}", action="tax.assess",
                                     outcome="withheld").exists()
    assert mailing_address(city["taro"])["address"] == "東京都港区芝公園4-2-8"


def test_the_notice_pdf_prints_the_jutogai_address_in_words(city: dict[str, str], make_staff: Any) -> None:
    """税額決定通知書 of a person who moved out: addressed to the 住登外者 (number and address), never a 町字コード."""
    from jichitai.tax.notices import render_pdf

    _move_out(city["hanako"], make_staff(roles=["counter"]))
    _move_out(city["taro"], make_staff(roles=["counter"]))
    assessment.run(2026)
    pdf = render_pdf(Assessment.objects.get(atena_number=city["taro"]))
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    flat = "".join(text.split())  # pdftotext spaces out mixed scripts
    person = jutogai.for_former_resident(city["taro"])
    assert person is not None
    assert "東京都港区芝公園4-2-8" in flat and f"住登外者宛名番号{person.number}" in flat and "加納町" not in flat


def test_a_jutogai_registered_before_by_another_system_is_reused_and_linked(city: dict[str, str],
                                                                            make_staff: Any) -> None:
    """§2.3 (no second number for one person): the 固定資産税 system registered 太郎 as a 住登外者 (he owns land
    here) before he moved out; the tax office finds that one, links it to his 除票, and numbers nobody."""
    owner = jutogai.number("system:kotei_shisan", checked("青木 太郎", "アオキ タロウ", dt.date(1980, 5, 1), "M",
                                                          "東京都港区芝公園4-2-8"), source="固定資産税",
                           distinct_from=[city["taro"]]).numbered
    assert owner is not None
    _move_out(city["hanako"], make_staff(roles=["counter"]))
    _move_out(city["taro"], make_staff(roles=["counter"]))
    assert mailing_address(city["taro"])["jutogai_number"] == owner.number
    assert Jutogaisha.objects.count() == 1 and Jutogaisha.objects.get().former_atena_number == city["taro"]


def test_a_resident_is_still_addressed_in_the_city(city: dict[str, str]) -> None:
    """Consistency: nothing changes for a resident (the registry's current address, no 住登外者 numbered)."""
    sent = mailing_address(city["taro"])
    assert "加納町" in sent["address"] and sent["jutogai_number"] == "" and Jutogaisha.objects.count() == 0
