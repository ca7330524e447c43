"""The DR context's error root."""

from __future__ import annotations

from jichitai.common.errors import JichitaiError


class DrError(JichitaiError):
    """A DR operation refused or failed; the message tells the operator on duty what to do next."""

    code = "dr_error"
    status = 409
