"""The root of every error the platform raises on purpose.

Each bounded context derives its own root from :class:`JichitaiError` (``RegistryError``, ``TaxInputError``…).
An error carries a Japanese message for people (``message``), a stable ``code`` for machines, and structured
``fields`` (the item at fault, the line of a file…). One place per entry point maps them: views show
``message``, the API answers ``{"code", "message", "fields"}``.
"""

from __future__ import annotations

from typing import Any


class JichitaiError(Exception):
    """Base class: a refusal that the user can understand and act on."""

    code: str = "error"
    status: int = 400
    headers: dict[str, str] = {}

    def __init__(self, message: str, *, code: str | None = None, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields: dict[str, Any] = fields

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class PermissionRefused(JichitaiError):
    """The actor may not perform the action on the resource."""

    code = "permission_refused"
    status = 403

    def __init__(self, message: str = "この操作を行う権限がありません。", **fields: Any) -> None:
        super().__init__(message, **fields)


class NotFound(JichitaiError):
    code = "not_found"
    status = 404

    def __init__(self, message: str = "指定されたデータは見つかりません。", **fields: Any) -> None:
        super().__init__(message, **fields)


class ConfigurationError(JichitaiError):
    """The platform refuses to start with this configuration."""

    code = "configuration"
    status = 500
