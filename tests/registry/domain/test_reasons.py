"""異動事由 (j210, 1.2.2): the grouping 記載 / 消除 / 修正, and a test recording each reason."""

from __future__ import annotations

from pathlib import Path

from jichitai.registry.domain import Group, Reason

HERE = Path(__file__).parent


def test_groups_follow_j210() -> None:
    assert Reason.MOVE_IN_ABROAD.group == Group.ENTRY and Reason.MOVE_IN_ABROAD.label == "国外転入等"
    assert Reason.CANCEL_DECREASE.group == Group.REMOVAL and Reason.CANCEL_DECREASE.label == "異動の取消し（減）"
    assert Reason.MOVE_WITHIN.group == Group.CORRECTION
    entry = {r.label for r in Reason if r.group == Group.ENTRY}
    assert entry == {"国内転入", "国外転入等", "出生", "職権記載（帰化等）", "職権記載（国籍喪失）", "職権記載",
                     "異動の取消し（増）"}  # 改製・再製 are not yet implemented (docs/standard-conformance.md)
    # 19 of 第1.0版 plus 氏名の振り仮名の記載・変更 (本籍地からの通知, 令和5年法律第48号) and our own code for the
    # 転出年月日 a 転入通知 makes earlier (j50)
    assert len([r for r in Reason if r.group == Group.CORRECTION]) == 22


def test_every_reason_is_recorded_by_a_domain_test() -> None:
    """Each 異動事由 appears as an expected result in at least one domain test."""
    text = "".join(p.read_text(encoding="utf-8") for p in HERE.glob("test_*.py") if p.name != Path(__file__).name)
    missing = [r.name for r in Reason if f"Reason.{r.name}" not in text]
    assert missing == []
