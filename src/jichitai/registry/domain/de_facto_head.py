"""事実上の世帯主 (住民記録システム標準仕様書 4.1.4.3, j740): who heads a household in fact but is not on the 住民票. Pure.

j740 【実装すべき機能】: 「法適用外の外国人（在外米軍や外交官等）や児童養護施設へ入所している場合の施設長等、事実上の世帯主を
管理し、統合記載欄の備考（Ｃ類型）へその者の氏名が記載できること。」 The person is outside the registry (no 宛名番号), so
only the name is held, per household; the 備考 (C類型, j140: 「異動履歴に関係しない事項」) of the household's 住民票 prints
:func:`remark`.
"""

from __future__ import annotations

from jichitai.common.fields import standard_text_problem
from jichitai.registry.domain.errors import RegistryError

LABEL = "事実上の世帯主"
MAX_LENGTH = 100


def checked(name: str) -> str:
    """The name as it will be held and printed (spaces at the ends dropped); refused in Japanese when empty, too
    long, or not of the 行政事務標準文字 (文字要件 1.4, as every name the registry prints)."""
    name = name.strip()
    if not name:
        raise RegistryError("事実上の世帯主の氏名を入力してください。", code="name_required", field="name")
    problem = standard_text_problem(name, MAX_LENGTH, "事実上の世帯主の氏名")
    if problem:
        raise RegistryError(problem, code="invalid_name", field="name")
    return name


def remark(name: str) -> str:
    """The line of the 備考 (C類型) that names them."""
    return f"{LABEL}　{name}"
