"""The 郵便物送付コード (住民記録システム標準仕様書 1.1.19, j190) through the hub, on PostgreSQL.

j190: 「郵便物送付コード（例：外国人住民について、郵便物の送付先の記載として通称のみを希望するか、本名のみを希望するか。）を
管理すること。」 j1190 (7.2.3 宛名連携): 「他システムに対し、住民記録データ（支援対象者管理データを含む）が連携（提供）でき
ること。…全件と異動差分のどちらにも対応できること。」 Setting the code is no 異動 (not a 住民票記載事項): it reaches the
systems granted the item as an event of its own, and stays in each later event's state.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone

from jichitai.hub import extracts, feeds
from jichitai.hub.models import DataItem
from jichitai.registry import mailing_codes
from jichitai.registry.domain import NewPerson
from jichitai.registry.domain.commands import RecordMoveWithin
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.models import OutboxEvent, Resident, ResidentHistory, Suppression
from jichitai.registry.services import apply
from tests.registry.conftest import move_in_command

pytestmark = pytest.mark.django_db
TSUSHO = "王 麗"


@pytest.fixture
def wang(towns: Any, clerk: Any) -> str:
    """A 外国人住民 with a 通称 (j190's example: 通称のみ asked for the mail)."""
    return apply(move_in_command(persons=(NewPerson(
        "WANG LI", "ワン リー", dt.date(1995, 2, 3), "F", "世帯主", resident_kind="foreign", nationality="中国",
        residence_status="留学", residence_period="2年", residence_until=dt.date(2027, 3, 31),
        residence_card_number="AB12345678CD", tsusho=TSUSHO, tsusho_kana="オウ レイ"),)), actor=clerk).atena_numbers[0]


@pytest.fixture
def household(towns: Any, clerk: Any) -> Any:
    """A 日本人住民's household of two (no 通称)."""
    return apply(move_in_command(), actor=clerk)


def _last(system: Any, feed: str, atena: str) -> dict[str, Any]:
    return [e for e in feeds.pull(system, feed).events if e["atena_number"] == atena][-1]


def test_a_setting_reaches_the_systems_granted_the_item_and_no_other(wang: str, household: Any, clerk: Any,
                                                                    make_system: Any) -> None:
    """Independent (j1190 異動差分 of 住民記録データ; j190 通称のみ): the clerk records 通称のみ; the 差分 feed gives a
    system granted 「郵便物送付コード」 an event of kind ``mailing_code`` saying ``tsusho``, with the person's state; a
    system granted the other items gets the event without the code. It is no 異動: no history row is added. Bad input
    first (通称のみ for a person without a 通称, a code that is none of the three): refused, no event written."""
    for atena, value in ((household.atena_numbers[0], "tsusho"), (wang, "both")):
        with pytest.raises(RegistryError):
            mailing_codes.set_code(clerk, atena, value)
    assert not OutboxEvent.objects.filter(kind="mailing_code").exists()
    assert DataItem.objects.filter(feed__code="atena-delta", code="mailing_code", label="郵便物送付コード").exists()
    granted, _ = make_system(feeds={"atena-delta": ["basic", "name", "mailing_code"]})
    other, _ = make_system(feeds={"atena-delta": ["basic", "name"]})
    history_before = ResidentHistory.objects.filter(atena_number=wang).count()

    mailing_codes.set_code(clerk, wang, "tsusho")
    feeds.relay_all()

    event = _last(granted, "atena-delta", wang)
    assert event["kind"] == "mailing_code" and event["occurred_on"] == timezone.localdate().isoformat()
    assert event["data"]["mailing_code"] == "tsusho"
    assert (event["data"]["name"], event["data"]["tsusho"], event["data"]["status"]) == ("WANG LI", TSUSHO, "active")
    assert event["data"]["reason_label"] == "郵便物送付コードの設定"
    seen = _last(other, "atena-delta", wang)
    assert seen["kind"] == "mailing_code" and "mailing_code" not in seen["data"] and seen["data"]["tsusho"] == TSUSHO
    assert ResidentHistory.objects.filter(atena_number=wang).count() == history_before
    assert Resident.objects.get(pk=wang).history_no == history_before


def test_the_code_stays_in_the_state_a_later_change_sends(wang: str, clerk: Any, make_system: Any) -> None:
    """Independent (j1190 全件: each person's state): after 通称のみ and then a 転居 (a 異動 that does not touch the
    code), the 全件 feed's one event for the person is the 転居 and still says ``tsusho``; 本名のみ later says
    ``legal_name``."""
    system, _ = make_system(feeds={"atena-full": ["basic", "mailing_code"], "atena-delta": ["mailing_code"]})
    mailing_codes.set_code(clerk, wang, "tsusho")
    apply(RecordMoveWithin(moved_on=timezone.localdate(), notified_on=timezone.localdate(), atena_numbers=(wang,),
                           town_code="281100002", banchi="2番地"), actor=clerk)
    feeds.relay_all()
    full = [e for e in feeds.pull(system, "atena-full").events if e["atena_number"] == wang]
    assert [(e["kind"], e["data"]["mailing_code"]) for e in full] == [("move_within", "tsusho")]
    mailing_codes.set_code(clerk, wang, "legal_name")
    feeds.relay_all()
    assert _last(system, "atena-delta", wang)["data"] == {"mailing_code": "legal_name"}


def test_the_extract_has_the_column_for_the_granted_systems(wang: str, household: Any, clerk: Any,
                                                            make_system: Any) -> None:
    """Independent (j1190 全件 file; the codes of the registry's standard CSV column 「郵便物送付コード」: 空欄 指定なし,
    1 本名のみ, 2 通称のみ): the 宛名 extract's column says 2 for the person who asked for 通称のみ, nothing for the
    others, and nothing at all for a system not granted the item."""
    granted, _ = make_system(feeds={"atena-extract": ["basic", "mailing_code"]})
    other, _ = make_system(feeds={"atena-extract": ["basic"]})
    mailing_codes.set_code(clerk, wang, "tsusho")
    feeds.relay_all()

    def column(system: Any) -> dict[str, str]:
        out = io.BytesIO()
        extracts.render(system, out, "full")
        rows = list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8"))))
        return {r["宛名番号"]: r["郵便物送付コード"] for r in rows}

    assert column(granted) == {wang: "2", **dict.fromkeys(household.atena_numbers, "")}
    assert set(column(other).values()) == {""}


def test_a_supported_persons_setting_shows_no_address_to_a_system_without_the_right(
        wang: str, clerk: Any, make_system: Any) -> None:
    """Independent (j1190 「支援対象者管理データを含む」 with 支援措置: the address of a supported person is not given to a
    system without that right, 住基法第12条第6項 practice): the setting's event is marked and its address withheld."""
    system, _ = make_system(feeds={"atena-delta": ["basic", "address", "mailing_code"]})
    Suppression.objects.create(atena_number=wang, kind="support", reason="DV等支援措置", starts_on=dt.date(2026, 1, 1))
    mailing_codes.set_code(clerk, wang, "tsusho")
    assert OutboxEvent.objects.filter(atena_number=wang, kind="mailing_code").get().payload["support_measure"] is True
    feeds.relay_all()
    data = _last(system, "atena-delta", wang)["data"]
    assert data["mailing_code"] == "tsusho" and "banchi" not in data and "town_code" not in data
