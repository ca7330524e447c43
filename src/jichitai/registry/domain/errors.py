"""The registry's error root. Every refused 異動 raises a :class:`RegistryError` with a Japanese reason."""

from __future__ import annotations

from jichitai.common.errors import JichitaiError


class RegistryError(JichitaiError):
    """A refused registry operation: nothing was changed. ``code`` names the rule, ``fields`` the items."""

    code = "registry"


class SuppressedError(RegistryError):
    """抑止設定 or 支援措置 stops this operation on this record (chapter 3, j410/j440)."""

    code = "suppressed"
    status = 403
