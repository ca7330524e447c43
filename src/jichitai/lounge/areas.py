"""Areas of the lounge: city, ward (区), 町字 and 小学校区, with the labels the pages show."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

CITY_CODE = "281000"
CITY_NAME = "神戸市"

# interface contract (team-interfaces.md, Geography); the lounge zone carries codes only
WARD_NAMES: dict[str, str] = {
    "28101": "東灘区", "28102": "灘区", "28105": "兵庫区", "28106": "長田区", "28107": "須磨区",
    "28108": "垂水区", "28109": "北区", "28110": "中央区", "28111": "西区",
}

# the tile map of the nine wards: (column, row) on a 4 × 3 grid, roughly west → east, north → south
WARD_TILES: dict[str, tuple[int, int]] = {
    "28109": (2, 0),  # 北
    "28111": (0, 1),  # 西
    "28107": (1, 1),  # 須磨 (north part) — tiles are schematic, not geographic
    "28106": (2, 1),  # 長田
    "28105": (3, 1),  # 兵庫
    "28108": (0, 2),  # 垂水
    "28110": (1, 2),  # 中央
    "28102": (2, 2),  # 灘
    "28101": (3, 2),  # 東灘
}

AREA_LEVELS = {"city": "市全体", "ward": "区", "town": "町字", "school_district": "小学校区"}


def ward_label(code: object) -> str:
    return WARD_NAMES.get(str(code), str(code))


def town_names(table: Any) -> dict[object, tuple[str, str, str]]:
    """町字コード → (区名, 町字名, かな) from the mart ``town_names`` (the city's 住所辞書 in the lake)."""
    if table is None or table.num_rows == 0:
        return {}
    cols = [table[c].to_pylist() for c in ("town_code", "ward_name", "town_name", "town_kana")]
    return {code: (w, n, k or "") for code, w, n, k in zip(*cols, strict=True)}


class Towns(dict[object, object]):
    """町字 → 区 (the pairs the marts hold), with each 町字's name and kana from the city's 住所辞書. A person
    reads 「中央区 三宮町一丁目」, never a code: only a 町字 missing from the dictionary is shown by its ward and
    code (「中央区 町字コード2811000100」)."""

    def __init__(self, parents: Iterable[tuple[object, object]] | Mapping[object, object] = (),
                 names: Mapping[object, tuple[str, str, str]] | None = None) -> None:
        super().__init__(parents)
        self.names = dict(names or {})

    def label(self, code: object) -> str:
        named = self.names.get(code)
        if named:
            return f"{named[0]} {named[1]}"
        return f"{ward_label(self.get(code, ''))} 町字コード{code}".strip()

    def kana(self, code: object) -> str:
        named = self.names.get(code)
        return named[2] if named else ""

    def in_order(self, codes: Iterable[object]) -> list[object]:
        """``codes`` in 町字 order: the dictionary's own order (its codes run ward by ward, 町名 by 町名, 丁目 by
        丁目), a 町字 it does not name last."""
        return sorted(codes, key=lambda c: (c not in self.names, str(c)))
