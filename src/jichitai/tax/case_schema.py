"""The public tax case as a JSON Schema, for the OpenAPI document of ``POST /api/tax/calculate``.

Built from the same tables :mod:`jichitai.tax.case` parses with (the amounts and where each is read from, the
relations, the 障害者 kinds, the bounds), so the document cannot drift from the parser. The parser stays the
authority: it also checks what a schema cannot say (a birth date after the 賦課期日, 寡婦 and ひとり親 together,
a 同居特別障害者 who does not live with the taxpayer) and names the item at fault.
"""

from __future__ import annotations

from typing import Any

from jichitai.common.fields import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, MAX_YEN
from jichitai.tax.case import AMOUNTS, MAX_CARRIED_YEARS, RELATIONS, WIDOW_REASONS
from jichitai.tax.parameters import AMOUNT_FIELDS, MAX_MUNICIPAL_AMOUNT, RATE_FIELDS
from jichitai.tax.rules import DISABILITY_CODES

YEN = {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_YEN, "description": "円（整数, null は 0）"}
FLAG = {"type": ["boolean", "null"], "default": False}
DATE = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}
DISABILITY = {"enum": [k for k in DISABILITY_CODES], "description": "障害者の区分 (null: 該当しない)"}


def _relative(*, spouse: bool) -> dict[str, Any]:
    props: dict[str, Any] = {"birth_date": DATE, "total_income": {"type": "integer", "minimum": 0, "maximum": MAX_YEN,
                                                                      "description": "合計所得金額（円）"},
                             "disability": DISABILITY}
    if not spouse:
        props["relation"] = {"enum": [*(r for r in RELATIONS if r != "spouse"), None],
                             "description": "続柄 (null: 直系尊属でない親族)"}
        props["cohabiting"] = {**FLAG, "description": "同居"}
    return {"type": "object", "required": ["birth_date", "total_income"], "properties": props}


def case_schema() -> dict[str, Any]:
    """The JSON Schema of one case (the request body of ``POST /api/tax/calculate``)."""
    sections: dict[str, dict[str, Any]] = {}
    top: dict[str, Any] = {}
    for _, section, key in AMOUNTS:
        if not section:
            top[key] = YEN
            continue
        node = sections
        *parents, leaf = section.split(".")
        for p in parents:
            node = node.setdefault(p, {}).setdefault("__children__", {})
        node.setdefault(leaf, {}).setdefault("__keys__", {})[key] = YEN

    def build(entry: dict[str, Any]) -> dict[str, Any]:
        props = dict(entry.get("__keys__", {}))
        props.update({k: build(v) for k, v in entry.get("__children__", {}).items()})
        return {"type": ["object", "null"], "properties": props}

    objects = {name: build(entry) for name, entry in sections.items()}
    objects.setdefault("donations", {"type": ["object", "null"], "properties": {}})["properties"]["onestop"] = \
        {**FLAG, "description": "申告特例（ワンストップ特例）"}
    objects["carryover"]["properties"]["listed_stock_loss"]["description"] = \
        "前年前3年内の上場株式等に係る譲渡損失の合計（年を示さないとき。期間内の損失として控除）"
    objects["carryover"]["properties"]["listed_stock_loss_by_year"] = {
        "type": ["array", "null"], "maxItems": MAX_CARRIED_YEARS,
        "description": "上場株式等に係る譲渡損失を生じた年ごとに（前年前3年より前の年の分は控除せず回答に示す。古い年から控除）",
        "items": {"type": "object", "required": ["year", "amount"], "properties": {
            "year": {"type": "integer", "minimum": 1900, "description": "損失の生じた年（西暦）"},
            "amount": {"type": "integer", "minimum": 0, "maximum": MAX_YEN, "description": "まだ控除していない額（円）"}}}}
    municipality = {"type": ["object", "null"], "description": "市町村の税率・均等割。省略した項目は標準の値（回答の assumed に列挙）",
                    "properties": {"designated_city": {"type": ["boolean", "null"], "description": "指定都市"},
                                   **{f: {"type": ["number", "string", "null"], "description": "税率 (0 以上 1 未満)"}
                                      for f in RATE_FIELDS},
                                   **{f: {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_MUNICIPAL_AMOUNT}
                                      for f in AMOUNT_FIELDS}}}
    taxpayer = {"type": "object", "required": ["birth_date"], "properties": {
        "birth_date": DATE, "sex": {"enum": ["female", "male", None]}, "disability": DISABILITY,
        "widow": {**FLAG, "description": "寡婦"}, "widow_reason": {"enum": [*WIDOW_REASONS, None]},
        "single_parent": {**FLAG, "description": "ひとり親"}, "working_student": {**FLAG, "description": "勤労学生"},
        "public_assistance": {**FLAG, "description": "生活保護"}}}
    return {
        "title": "TaxCase", "type": "object", "required": ["fiscal_year", "taxpayer"],
        "description": "個人住民税の1件（docs/tax-inputs.md）。項目の誤りは 400 {code, message, fields.field} で、"
                       "項目名（例 dependents[0].birth_date）を示して拒否します。",
        "properties": {
            "fiscal_year": {"type": "integer", "minimum": FIRST_FISCAL_YEAR, "maximum": LAST_FISCAL_YEAR,
                            "description": "年度"},
            "municipality": municipality, "taxpayer": taxpayer, **objects, **top,
            "spouse": {"anyOf": [_relative(spouse=True), {"type": "null"}]},
            "dependents": {"type": ["array", "null"], "items": _relative(spouse=False)},
        },
    }


REFUSAL = {"type": "object", "required": ["code", "message"], "properties": {
    "code": {"type": "string"}, "message": {"type": "string", "description": "日本語の説明"},
    "fields": {"type": "object", "properties": {"field": {"type": "string", "description": "誤りのある項目"}}}}}
