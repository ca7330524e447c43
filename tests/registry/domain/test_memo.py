"""メモ (標準仕様書 1.1.15, j150): the pure rules of a staff memo."""

from __future__ import annotations

import pytest

from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.memo import MAX_LENGTH, check_next, check_text


def test_any_text_on_a_person() -> None:
    """Independent (j150 「記載事項を限定しないメモ入力が可能であること」): free text over several lines, any item."""
    text = "本人より、郵便物は勤務先気付で希望との申出あり。\n次回来庁時に在留カードの写しを確認。"
    assert check_text(f"  {text}\n") == text


@pytest.mark.parametrize("text, code", [("", "memo_required"), ("   \n ", "memo_required"),
                                        ("x" * (MAX_LENGTH + 1), "invalid_memo"), ("abc\u200bdef", "invalid_memo"),
                                        ("外字\ue000", "invalid_memo")])
def test_bad_memo_is_refused_in_japanese(text: str, code: str) -> None:
    """Bad input (consistency: our limit of 2,000 characters, as the 留意事項): a clear refusal, nothing kept."""
    with pytest.raises(RegistryError) as info:
        check_text(text)
    assert info.value.code == code and "メモ" in info.value.message


def test_a_change_follows_the_latest_version_only() -> None:
    """Independent (j150 「メモの修正・削除について履歴管理されること」): every 修正・削除 is the next version of the one
    the clerk saw; an edit of an older version (another clerk changed it meanwhile) or of a deleted memo is refused."""
    assert check_next(1, False, 1) == 2
    with pytest.raises(RegistryError) as info:
        check_next(2, False, 1)
    assert info.value.code == "memo_changed"
    with pytest.raises(RegistryError) as info:
        check_next(3, True, 3)
    assert info.value.code == "memo_gone"
    with pytest.raises(RegistryError) as info:
        check_next(None, False, 1)
    assert info.value.code == "memo_gone"
