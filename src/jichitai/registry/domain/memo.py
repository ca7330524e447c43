"""メモ (標準仕様書 1.1.15, j150): what a staff memo may hold, and the order of its versions.

j150: 「個人を単位とし、記載事項を限定しないメモ入力が可能であること。メモを入力した者のユーザID及び日時が記録されること。
メモの修正・削除について履歴管理されること。メモ入力されたものについては、住民票の写し等の証明書に出力されないこと。」
A memo is free text on one person; each 記入, 修正 and 削除 is a new version (never an overwrite); a version may
follow only the latest one, so two clerks editing at once cannot lose each other's words.
"""

from __future__ import annotations

from jichitai.common.fields import text_problem
from jichitai.registry.domain.errors import RegistryError

MAX_LENGTH = 2000  # as the 留意事項 of a 異動 (domain.items "note")


def check_text(text: str) -> str:
    """The memo as kept (outer spaces trimmed), or a refusal in Japanese: empty, too long, or with characters
    no text item takes (control and format characters, 外字 in the private use area)."""
    text = text.strip()
    if not text:
        raise RegistryError("メモを入力してください。", code="memo_required", field="text")
    problem = text_problem(text, MAX_LENGTH, multiline=True)
    if problem:
        raise RegistryError(f"メモ: {problem}", code="invalid_memo", field="text")
    return text


def check_next(latest_version: int | None, latest_deleted: bool, based_on: int) -> int:
    """The version number of a 修正 or 削除 made on version ``based_on``; refused when the memo is gone or another
    member of staff changed it since (the clerk sees the latest and decides again)."""
    if latest_version is None or latest_deleted:
        raise RegistryError("このメモは削除されているか、ありません。画面を開き直してください。", code="memo_gone")
    if based_on != latest_version:
        raise RegistryError("このメモは、表示した後にほかの職員が修正しました。最新の内容を確認してからもう一度操作してください。",
                            code="memo_changed")
    return latest_version + 1
