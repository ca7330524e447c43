"""``POST /api/tax/calculate``: one case of the public format in, the answer with its explanation out."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import Router

from jichitai.accounts.api_auth import StaffSession, ensure
from jichitai.tax import services
from jichitai.tax.case_schema import REFUSAL, case_schema
from jichitai.tax.errors import TaxInputError

router = Router(tags=["tax"], auth=StaffSession())


@router.post("/calculate", summary="個人住民税の税額計算 (1件)", openapi_extra={
    # the body is parsed by the case format's own strict parser (tax.case); the document describes it
    "requestBody": {"required": True, "content": {"application/json": {"schema": case_schema()}}},
    "responses": {400: {"description": "項目の誤り（項目名を示す）",
                        "content": {"application/json": {"schema": REFUSAL}}}},
})
def calculate(request: HttpRequest) -> dict[str, Any]:
    """Body: a tax case (docs/tax-case-format.md). Answers 400 with {code, message, fields.field} naming the
    item at fault, 403 without the ``tax.calculate`` permission."""
    ensure(request, "tax.calculate")
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested deeper than Python's stack
        raise TaxInputError("リクエスト本文が JSON として読めません（形式、UTF-8、入れ子の深さを確認してください）。",
                            field="body") from None
    return services.calculate_case(data)
