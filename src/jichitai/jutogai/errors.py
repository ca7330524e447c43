"""The errors of 住登外者宛名番号管理: Japanese messages for staff and systems, the item at fault in ``fields``."""

from __future__ import annotations

from jichitai.common.errors import JichitaiError


class JutogaiError(JichitaiError):
    code = "jutogai_error"
