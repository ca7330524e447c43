"""The municipality an address written in words is in (都道府県 + 市区町村), for addresses of other cities that we
hold only as text (転入前住所, 転出先住所). Pure."""

from __future__ import annotations

import re

_PREFECTURE = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|.{2,3}県)")


def municipality(address: str, *, keep_ward: bool = False) -> str:
    """都道府県 + 市区町村 of ``address``, or "" when the text names none. A 郡's 町村 keeps its 郡; Tokyo's 特別区 are
    municipalities; 四日市市, 廿日市市 end in 市 themselves. ``keep_ward``: the 区 of a 政令指定都市 too (its 区長 keeps
    the 住民基本台帳, 住民基本台帳法第38条) — left out where the city itself acts (the tax it assesses)."""
    text = address.strip().replace(" ", "").replace("　", "")
    m = _PREFECTURE.match(text)
    pref, rest = (m.group(1), text[m.end():]) if m else ("", text)
    county = re.match(r"^(.+?郡)(.+?[町村])", rest)
    if county:
        return pref + county.group(1) + county.group(2)
    if pref == "東京都":
        ward = re.match(r"^(.+?区)", rest)
        city = re.match(r"^(.+?市)", rest)
        if ward and (city is None or len(ward.group(1)) < len(city.group(1))):
            return pref + ward.group(1)
    city = re.match(r"^(.+?市)(市)?(.{1,4}?区)?", rest)
    if city:
        return pref + city.group(1) + (city.group(2) or "") + ((city.group(3) or "") if keep_ward else "")
    town = re.match(r"^(.+?[町村])", rest)
    return pref + town.group(1) if town else ""
