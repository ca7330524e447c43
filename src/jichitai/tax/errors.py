"""The tax context's error root. Pure: no Django."""

from __future__ import annotations

from typing import Any

from jichitai.common.errors import JichitaiError


class TaxError(JichitaiError):
    """Root of every refusal of the tax engine."""

    code = "tax_error"


class TaxInputError(TaxError):
    """A case with a missing or impossible field. ``field`` names it in the case format's dotted path."""

    code = "tax_input"

    def __init__(self, message: str, *, field: str, **fields: Any) -> None:
        super().__init__(message, field=field, **fields)
        self.field = field


class UnsupportedFiscalYear(TaxError):
    code = "tax_fiscal_year"
