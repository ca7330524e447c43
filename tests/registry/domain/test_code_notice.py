"""住民票コード通知票・変更通知票・修正通知票 (標準仕様書 4.3.3, j890): which notice a history row gives. Pure."""

from __future__ import annotations

from jichitai.registry.domain.code_notice import CodeNoticeKind, kind_of


def test_a_first_code_gives_the_notice_a_change_request_the_change_notice_another_replacement_the_correction() -> None:
    """independent: j890 「新規付番し、変更し、又は修正した際に…通知票、変更通知票又は修正通知票」; 住基法第30条の3第3項,
    第30条の4第3項."""
    assert kind_of("move_in_domestic", "", "12345678903") is CodeNoticeKind.ENTRY
    assert kind_of("juminhyo_code_ex_officio_entry", "", "12345678903") is CodeNoticeKind.ENTRY
    assert kind_of("juminhyo_code_change_request", "12345678903", "22222222226") is CodeNoticeKind.CHANGE
    assert kind_of("ex_officio_correction", "12345678903", "22222222226") is CodeNoticeKind.CORRECTION


def test_no_notice_when_the_code_did_not_change() -> None:
    """independent: j890 — only a 付番・変更・修正 gives a notice (a 転居 keeps the code)."""
    assert kind_of("move_within", "12345678903", "12345678903") is None
    assert kind_of("move_in_domestic", "", "") is None


def test_titles_and_the_law_they_cite() -> None:
    """independent: 20.4.1–20.4.3 titles; the notice of a 記載 cites 第30条の3第3項, of a 変更 第30条の4第3項."""
    assert [k.label for k in CodeNoticeKind] == ["住民票コード通知票", "住民票コード変更通知票", "住民票コード修正通知票"]
    assert "第30条の3第3項" in CodeNoticeKind.ENTRY.statement and "第30条の4第3項" in CodeNoticeKind.CHANGE.statement
