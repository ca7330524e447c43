"""事実上の世帯主 (住民記録システム標準仕様書 4.1.4.3, j740), the pure rule (registry/domain/de_facto_head.py).

j740: 「法適用外の外国人（在外米軍や外交官等）や児童養護施設へ入所している場合の施設長等、事実上の世帯主を管理し、統合記載欄の
備考（Ｃ類型）へその者の氏名が記載できること。」
"""

from __future__ import annotations

import pytest

from jichitai.registry.domain.de_facto_head import checked, remark
from jichitai.registry.domain.errors import RegistryError


def test_the_remark_names_the_de_facto_head() -> None:
    """Independent (j740 「備考（Ｃ類型）へその者の氏名が記載できること」): the 備考 line carries the name, after the words
    事実上の世帯主 that say what it is."""
    assert remark("SMITH JOHN") == "事実上の世帯主　SMITH JOHN"
    assert checked("  SMITH JOHN ") == "SMITH JOHN"


def test_a_name_is_required_and_of_the_standard_characters() -> None:
    """Bad input: an empty name, one past the column, and a private-use 外字 are refused in Japanese (文字要件 1.4)."""
    for bad, code in (("　", "name_required"), ("山" * 101, "invalid_name"), ("山\ue000", "invalid_name")):
        with pytest.raises(RegistryError) as info:
            checked(bad)
        assert info.value.code == code and info.value.message
