"""住民異動届受理通知 (標準仕様書 4.1.0.3, j580): what it says and to whom. Pure."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.reasons import Reason
from jichitai.registry.domain.receipt_notice import TO_FORMER, TO_NEW, Addressee, compose

DAY = dt.date(2026, 12, 1)
FORMER = Addressee("", "兵庫県神戸市中央区加納町1番地", "6500001")
NEW = Addressee("", "兵庫県神戸市中央区三宮町8番地", "6500021")


def test_a_move_notified_by_someone_else_goes_to_the_notifier_at_the_former_address() -> None:
    """independent: j580 「出力内容は届出日、異動事由、届出人氏名、異動者氏名及び受理した旨で、宛先は異動前住所・届出人本人」."""
    n = compose(Reason.MOVE_WITHIN, notified_on=DAY, notifier_name="代理 一郎", mover_names=("青木 花子",),
                former=FORMER, new=NEW)
    assert (n.to, n.sent_to, n.notifier_name, n.mover_names) == (
        Addressee("代理 一郎", FORMER.address, "6500001"), TO_FORMER, "代理 一郎", ("青木 花子",))
    assert "受理しました" in n.statement and n.notified_on == DAY and n.reason.label == "転居"


@pytest.mark.parametrize("reason", [Reason.BIRTH, Reason.MOVE_IN_ABROAD])
def test_birth_and_move_in_from_abroad_go_to_the_person_at_the_new_address(reason: Reason) -> None:
    """independent: j580 「出生による住民票の記載や国外からの転入など、異動前の住所がない…場合は、異動後住所・異動者本人」."""
    n = compose(reason, notified_on=DAY, notifier_name="青木 太郎", mover_names=("青木 一子",), former=FORMER, new=NEW)
    assert (n.to.name, n.to.address, n.sent_to, n.notifier_name) == ("青木 一子", NEW.address, TO_NEW, "青木 太郎")


def test_no_former_address_or_not_appropriate_goes_to_the_person() -> None:
    """independent: j580 「異動前の住所がないか、送付することが適当でない場合は、異動後住所・異動者本人」."""
    for former, unsuitable in ((None, False), (FORMER, True)):
        n = compose(Reason.MOVE_WITHIN, notified_on=DAY, notifier_name="代理 一郎", mover_names=("青木 花子",),
                    former=former, new=NEW, former_unsuitable=unsuitable)
        assert (n.to.name, n.sent_to) == ("青木 花子", TO_NEW)


def test_the_person_themself_as_notifier() -> None:
    """consistency: a 届出 by the 異動者 (no other name recorded) names the first 異動者 as 届出人."""
    n = compose(Reason.MOVE_OUT_DOMESTIC, notified_on=DAY, notifier_name="", mover_names=("青木 太郎", "青木 花子"),
                former=FORMER, new=Addressee("", "大阪府大阪市北区梅田1丁目"))
    assert n.notifier_name == "青木 太郎" and n.to.name == "青木 太郎" and n.to.address == FORMER.address


@pytest.mark.parametrize("reason", [Reason.DEATH, Reason.EX_OFFICIO_CORRECTION, Reason.KYUUJI_ENTRY])
def test_other_changes_give_no_notice(reason: Reason) -> None:
    """independent: j580 names 転入届・転居届・転出届・世帯変更届 and the 転出証明書に準ずる証明書 procedure only."""
    with pytest.raises(RegistryError, match="受理通知を出力しません"):
        compose(reason, notified_on=DAY, notifier_name="", mover_names=("青木 太郎",), former=FORMER, new=NEW)
