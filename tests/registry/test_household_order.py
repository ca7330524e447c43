"""世帯員の並び順 (住民記録システム標準仕様書 5.2, j1010: 第1順位 世帯主, 配偶者, 子 …) of a household whose members all
wait for their 転出予定日 (1.1.5, j50: 「除票となるまでは、現存者として、残存世帯員とともに続柄も管理しながら住民票の写し等の
証明書を出力できること」), on PostgreSQL and through the counter's pages.

The members joined in another order than the standard's (the wife became 世帯主 by a 世帯主変更, the husband kept the
first place in which he was entered): the household page, the certificate form and the 住民票の写し all list the
世帯主 first.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from jichitai.registry.certificates.services import issue
from jichitai.registry.certificates.snapshot import CertificateFormat, CertificateRequest
from jichitai.registry.domain import NewPerson, RecordMoveOut
from jichitai.registry.domain.commands import ChangeHouseholdHead
from jichitai.registry.models import Resident
from jichitai.registry.services import apply
from tests.registry.certificates.factories import pdf_pages
from tests.registry.conftest import move_in_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def departing(towns: Any, clerk: Any) -> tuple[str, list[str]]:
    """太郎 (entered first, now 夫), 花子 (世帯主 since a 世帯主変更), 一郎 (子): all three have filed a 転出届 for ten
    days ahead, so they are residents of the household until then. Returns (世帯番号, [太郎, 花子, 一郎])."""
    today = timezone.localdate()
    moved = apply(move_in_command(persons=(
        NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"),
        NewPerson("青木 花子", "アオキ ハナコ", dt.date(1982, 12, 30), "F", "妻"),
        NewPerson("青木 一郎", "アオキ イチロウ", dt.date(2010, 5, 5), "M", "子"),
    )), actor=clerk)
    taro, hanako, ichiro = moved.atena_numbers
    setai = moved.setai_numbers[0]
    apply(ChangeHouseholdHead(moved_on=today, notified_on=today, setai_number=setai, new_head=hanako,
                              relationships={taro: "夫", ichiro: "子"}), actor=clerk)
    apply(RecordMoveOut(moved_on=today + dt.timedelta(days=10), notified_on=today, atena_numbers=(taro, hanako, ichiro),
                        destination_address="京都府京都市左京区吉田本町", destination_municipality_code="26103"),
          actor=clerk)
    rows = {r.atena_number: r for r in Resident.objects.filter(setai_number=setai)}
    assert all(r.status == "active" and r.removed_on is not None for r in rows.values())
    assert rows[taro].household_order < rows[hanako].household_order  # the order they were entered in
    return setai, [taro, hanako, ichiro]


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def test_the_household_page_lists_the_head_first(departing: Any, login_as: Any) -> None:
    """Independent (j1010 第1順位: 世帯主, 配偶者, 子; j50: the 転出予定者 are 現存者 with their 続柄): the page names 花子
    as 世帯主 and lists 花子 (世帯主), 太郎 (夫), 一郎 (子) — not 太郎 first, as he was entered. Fails on the order of
    entry (世帯員の並び順 column) the page used before."""
    setai, _ = departing
    text = _text(login_as("counter").get(reverse("registry:household", args=[setai])).content)
    assert "世帯主 青木 花子" in text
    members = text[text.index("世帯員 宛名番号"):]
    found = [members.index(f"{name} {kana} {rel}") for name, kana, rel in (
        ("青木 花子", "アオキ ハナコ", "世帯主"), ("青木 太郎", "アオキ タロウ", "夫"), ("青木 一郎", "アオキ イチロウ", "子"))]
    assert found == sorted(found)


def test_the_certificate_form_and_the_copy_put_the_head_first(departing: Any, login_as: Any, clerk: Any,
                                                              tmp_path: Any) -> None:
    """Independent (j1010; j1000 「転出届に基づく転出予定年月日前に証明書を交付する場合は、転出届に基づき記録を行った事項を
    省略して印字すること」): the 住民票の写し form offers 花子 first; the 写し prints 世帯主 花子, then (1) 花子, (2) 太郎,
    (3) 一郎, and nothing the 転出届 recorded."""
    setai, (taro, hanako, ichiro) = departing
    form = _text(login_as("counter").get(reverse("registry:certificate", args=[setai])).content)
    assert form.index("青木 花子（世帯主）") < form.index("青木 太郎（夫）") < form.index("青木 一郎（子）")
    issued = issue(actor=clerk, setai_number=setai, requester_kind="self",
                   request=CertificateRequest(CertificateFormat.SETAI_RENKI, (taro, hanako, ichiro)))
    text = "".join("".join(pdf_pages(issued.pdf, tmp_path)).split())
    assert "世帯主青木花子" in text
    assert text.index("（1）氏名青木花子") < text.index("（2）氏名青木太郎") < text.index("（3）氏名青木一郎")
    assert "京都" not in text and "転出" not in text
