"""Areas of the lounge: city, ward (区), 町字 and 小学校区, with the labels the pages show."""

from __future__ import annotations

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
