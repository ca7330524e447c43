"""The 基本4情報 (氏名・フリガナ, 生年月日, 性別, 住所) a system or a clerk gives, checked once for every entry
point (API, pages, the migration import): the same rules, the same Japanese reasons, the item named."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jichitai.common.fields import date_problem, text_problem
from jichitai.common.text import address_key, hiragana_to_katakana, is_katakana_reading, nfkc, search_key
from jichitai.jutogai.errors import JutogaiError

SEX_WORDS = {"M": "男", "F": "女", "": "不明"}
SEX_CODES = {"M": "M", "F": "F", "1": "M", "2": "F", "男": "M", "女": "F", "": "", "9": "", "0": ""}
LIMITS = {"name": 200, "kana": 200, "address": 300, "postcode": 8}


@dataclass(frozen=True)
class Facts:
    """What is known of a person: any of the four may be empty in a search; 付番 needs 氏名 and 住所."""

    name: str = ""
    kana: str = ""
    birth_date: dt.date | None = None
    sex: str = ""
    address: str = ""
    postcode: str = ""

    @property
    def name_key(self) -> str:
        return search_key(self.name)

    @property
    def kana_key(self) -> str:
        return search_key(self.kana)

    @property
    def address_key(self) -> str:
        return address_key(self.address)

    def any_given(self) -> bool:
        return bool(self.name_key or self.kana_key or self.birth_date or self.address_key)


def checked(name: str = "", kana: str = "", birth_date: dt.date | None = None, sex: str = "", address: str = "",
            postcode: str = "", *, today: dt.date | None = None) -> Facts:
    """The facts as stored (NFKC-trimmed 郵便番号, sex as M/F/""), or :class:`JutogaiError` naming the item."""
    for field, value in (("name", name), ("kana", kana), ("address", address), ("postcode", postcode)):
        problem = text_problem(value, LIMITS[field])
        if problem:
            raise JutogaiError(problem, code="invalid_input", field=field)
    kana = hiragana_to_katakana(nfkc(kana)).strip()  # ひらがな taken as カタカナ, as the registry does
    if kana and not is_katakana_reading(kana):
        raise JutogaiError("フリガナはカタカナで入力してください。", code="invalid_input", field="kana")
    code = SEX_CODES.get(sex.strip())
    if code is None:
        raise JutogaiError("性別は「男」「女」（または 1・2）で指定してください。", code="invalid_input", field="sex")
    if birth_date is not None:
        problem = date_problem(birth_date, not_after=today or dt.date.today())
        if problem:
            raise JutogaiError(f"生年月日: {problem}", code="invalid_input", field="birth_date")
    digits = nfkc(postcode).replace("-", "").strip()
    if digits and not (digits.isdigit() and len(digits) == 7):
        raise JutogaiError("郵便番号は7桁の数字で入力してください。", code="invalid_input", field="postcode")
    return Facts(name.strip(), kana, birth_date, code, address.strip(), digits)
