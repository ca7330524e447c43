"""The constrained input types every entry point shares: text of the standard's 文字要件, numbers with their
check digits, dates, amounts in yen. Strict: a value of the wrong JSON type is refused, never coerced (a name
given as an object or a number, ``"false"`` for a flag).

The pure checks (``text_problem``, ``number_problem``…) return a Japanese reason or ``None``, so the
migration import and the forms use the same rules as the APIs; the ``Annotated`` types wrap them for pydantic
(django-ninja schemas), whose errors the API's one validation handler turns into Japanese with the field's path.

文字要件 (住民記録システム標準仕様書 1.4, 行政事務標準文字): characters are stored as UCS code points, with
ideographic variation sequences for the MJ glyphs. So a text item accepts letters, marks (the variation
selectors are marks), numbers, punctuation, symbols and the ordinary space; it refuses control characters
(ESC…), format characters (the bidirectional overrides U+202A–U+202E and isolates U+2066–U+2069, zero-width
characters, BOM), private-use characters (legacy 外字 must be identified to an MJ character first),
surrogates, unassigned code points and line or paragraph separators. Only a multi-line item (留意事項) takes
line feeds and tabs.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, StrictInt, StrictStr

from jichitai.common.checkdigit import is_valid_modulus11, is_valid_my_number
from jichitai.common.moji import moji_problem
from jichitai.common.wareki import to_wareki

# General categories refused in every text item (see the module docstring).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
MULTILINE_ALLOWED = frozenset("\n\t")

# Upper bounds for integers: yen amounts fit PostgreSQL's bigint and NumPy's int64 with room for sums
# (1 兆円 per item), fiscal years are those a city's records can concern.
MAX_YEN = 10**12 - 1
MIN_YEAR, MAX_YEAR = 1868, 2200  # 明治元年 … ; dates outside are refused as mistyped
FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 2000, 2100


KIND_WORDS = {"Cc": "制御文字", "Cf": "書式文字", "Co": "外字（私用領域の文字）", "Cs": "サロゲート",
              "Cn": "未定義の文字", "Zl": "行区切り", "Zp": "段落区切り"}


def _describe(ch: str) -> str:
    """The character by code point and what kind of character it is (a private-use 外字 has no Unicode name)."""
    name = unicodedata.name(ch, "")
    kind = KIND_WORDS.get(unicodedata.category(ch), "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "") + (f"、{kind}" if kind else "")


def text_problem(value: str, max_length: int, *, multiline: bool = False,
                 refused: frozenset[str] = REFUSED_CATEGORIES) -> str | None:
    """Why ``value`` is not acceptable as a text item of at most ``max_length`` characters, or ``None``.
    The reason names the offending character by code point (never echoes the rest of the value)."""
    if len(value) > max_length:
        return f"{max_length}文字以内で入力してください（{len(value)}文字あります）。"
    for ch in value:
        if multiline and ch in MULTILINE_ALLOWED:
            continue
        if unicodedata.category(ch) in refused:
            return f"使用できない文字（{_describe(ch)}）が含まれています。制御文字・書式文字・外字は使えません。"
    return None


def digits_problem(value: str, lengths: tuple[int, ...], label: str) -> str | None:
    if not (value.isascii() and value.isdigit()) or len(value) not in lengths:
        return f"{label}は{'または'.join(str(n) for n in lengths)}桁の半角数字で入力してください。"
    return None


def juminhyo_code_problem(value: str) -> str | None:
    """住民票コード: 11 digits, the last a check digit (住民基本台帳法施行規則第1条: モジュラス11, weights 2–7)."""
    return digits_problem(value, (11,), "住民票コード") or (
        None if is_valid_modulus11(value) else "住民票コードの検査数字が正しくありません。")


def my_number_problem(value: str) -> str | None:
    """個人番号: 12 digits, the last the check digit of 個人番号の指定に関する省令第5条."""
    return digits_problem(value, (12,), "個人番号") or (
        None if is_valid_my_number(value) else "個人番号の検査用数字が正しくありません。")


def date_problem(value: dt.date, *, not_after: dt.date | None = None) -> str | None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        return f"{MIN_YEAR}年から{MAX_YEAR}年までの日付で入力してください。"
    if not_after is not None and value > not_after:
        return f"未来の日付（{to_wareki(value)}）は入力できません。"
    return None


def _raise_on(problem: str | None) -> None:
    if problem is not None:
        raise ValueError(problem)


def _checked(check: Any) -> AfterValidator:
    def validate(value: Any) -> Any:
        if value is not None and value != "":
            _raise_on(check(value))
        return value
    return AfterValidator(validate)


def Text(max_length: int, *, multiline: bool = False) -> Any:
    """A text item (strict ``str``) of at most ``max_length`` characters of the 文字要件."""
    return Annotated[StrictStr, Field(json_schema_extra={"maxLength": max_length}),
                     _checked(lambda v: text_problem(v, max_length, multiline=multiline))]


# refused as such in a name or address too; private-use (外字) and unassigned code points are refused there as
# characters outside the 行政事務標準文字, named with the item
NEVER_TEXT = REFUSED_CATEGORIES - {"Co", "Cn"}


def standard_text_problem(value: str, max_length: int, label: str) -> str | None:
    """Why ``value`` cannot be the name or address item ``label``: too long, a control or format character, or a
    character (with its variation selector) outside the 行政事務標準文字 (jichitai.common.moji)."""
    return text_problem(value, max_length, refused=NEVER_TEXT) or moji_problem(value, label)


def StandardText(max_length: int, label: str) -> Any:
    """A name or an address item: :func:`Text` whose every character is one of the 行政事務標準文字; the refusal
    names ``label`` and the character (「氏名の『X』(U+XXXX) は行政事務標準文字にありません。」)."""
    return Annotated[StrictStr, Field(json_schema_extra={"maxLength": max_length}),
                     _checked(lambda v: standard_text_problem(v, max_length, label))]


def Digits(*lengths: int, label: str = "番号") -> Any:
    """Half-width digits of one of ``lengths`` (empty allowed: "not given")."""
    pattern = "^(" + "|".join(rf"\d{{{n}}}" for n in lengths) + ")?$"
    return Annotated[StrictStr, Field(pattern=pattern), _checked(lambda v: digits_problem(v, lengths, label))]


JuminhyoCode = Annotated[StrictStr, Field(pattern=r"^(\d{11})?$"), _checked(juminhyo_code_problem)]
MyNumber = Annotated[StrictStr, Field(pattern=r"^(\d{12})?$"), _checked(my_number_problem)]


def _iso_date(value: Any) -> Any:
    """Dates come as ISO text ``YYYY-MM-DD`` only (not a number of seconds, not a datetime)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError("日付は YYYY-MM-DD の形式で入力してください。")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("日付は YYYY-MM-DD の形式で、実在する日付を入力してください。") from None


Date = Annotated[dt.date, BeforeValidator(_iso_date), _checked(date_problem)]
PastDate = Annotated[dt.date, BeforeValidator(_iso_date),
                     _checked(lambda v: date_problem(v, not_after=dt.date.today()))]
Flag = StrictBool
Yen = Annotated[StrictInt, Field(ge=0, le=MAX_YEN)]
FiscalYear = Annotated[StrictInt, Field(ge=FIRST_FISCAL_YEAR, le=LAST_FISCAL_YEAR)]
RowId = Annotated[int, Field(ge=1, le=2**62)]  # a record's id in a path or query (text there, read as an integer)


# ---- refusals in Japanese -------------------------------------------------------------------------------

_MESSAGES = {
    "missing": "必須の項目です。",
    "extra_forbidden": "この項目はありません（項目名を確認してください）。",
    "string_type": "文字列で指定してください。",
    "bool_type": "true または false で指定してください。",
    "bool_parsing": "true または false で指定してください。",
    "int_type": "整数で指定してください。",
    "int_parsing": "整数で指定してください。",
    "int_from_float": "整数で指定してください。",
    "float_type": "数値で指定してください。",
    "float_parsing": "数値で指定してください。",
    "dict_type": "オブジェクト（{…}）で指定してください。",
    "model_type": "オブジェクト（{…}）で指定してください。",
    "model_attributes_type": "オブジェクト（{…}）で指定してください。",
    "list_type": "配列（[…]）で指定してください。",
    "date_type": "日付は YYYY-MM-DD の形式で入力してください。",
    "date_parsing": "日付は YYYY-MM-DD の形式で、実在する日付を入力してください。",
    "date_from_datetime_parsing": "日付は YYYY-MM-DD の形式で入力してください。",
    "date_from_datetime_inexact": "日付は YYYY-MM-DD の形式で入力してください。",
    "string_pattern_mismatch": "形式が正しくありません。",
    "union_tag_invalid": "この種類はありません。",
    "union_tag_not_found": "種類（type）を指定してください。",
    "literal_error": "指定できる値は次のとおりです: {expected}",
    "string_too_long": "{max_length}文字以内で入力してください。",
    "string_too_short": "{min_length}文字以上で入力してください。",
    "too_long": "{max_length}件以内で指定してください。",
    "too_short": "{min_length}件以上で指定してください。",
    "greater_than_equal": "{ge}以上で指定してください。",
    "less_than_equal": "{le}以下で指定してください。",
    "greater_than": "{gt}より大きい値で指定してください。",
    "less_than": "{lt}より小さい値で指定してください。",
    "uuid_parsing": "UUID の形式で指定してください。",
    "json_invalid": "JSON として読めません。",
}


def field_path(loc: Any) -> str:
    """``("persons", 0, "name")`` → ``persons[0].name``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path


def explain(error: dict[str, Any]) -> str:
    """One pydantic error in Japanese: our own validators' reasons as they are, pydantic's by their type.
    The input value is never echoed (it may be a 個人番号, or hostile)."""
    kind = str(error.get("type", ""))
    if kind == "value_error":
        return str(error.get("msg", "")).removeprefix("Value error, ")
    template = _MESSAGES.get(kind, "値が正しくありません。")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template
