"""The hub's errors. Refusals say as little as possible: an unknown feed and a feed not granted give the same
answer, and credential failures never say whether the system exists."""

from __future__ import annotations

from typing import Any

from jichitai.common.errors import JichitaiError, PermissionRefused


class HubError(JichitaiError):
    code = "hub_error"


class NotAuthenticated(HubError):
    code = "not_authenticated"
    status = 401

    def __init__(self, bearer_error: str = "", **fields: Any) -> None:
        super().__init__("連携システムの認証に失敗しました。", **fields)
        # RFC 6750 §3: a refusal names the Bearer scheme; with a token presented, the error is invalid_token
        # (expired, revoked or never issued: which is not said)
        self.headers = {"WWW-Authenticate": f'Bearer realm="hub", error="{bearer_error}"' if bearer_error
                        else 'Bearer realm="hub"'}


class FeedRefused(PermissionRefused):
    """The feed is unknown or not granted to the caller: one answer for both, so existence does not leak."""

    code = "feed_refused"

    def __init__(self, **fields: Any) -> None:
        super().__init__("このフィードを取得する権限がありません。", **fields)


class InsufficientScope(PermissionRefused):
    """The OAuth access token does not carry the scope the operation needs (RFC 6750 §3.1)."""

    code = "insufficient_scope"

    def __init__(self, scope: str) -> None:
        super().__init__("アクセストークンにこの操作のスコープがありません。スコープを指定してトークンを取得し直してください。",
                         scope=scope)
        self.headers = {"WWW-Authenticate": f'Bearer realm="hub", error="insufficient_scope", scope="{scope}"'}


class FileRefused(PermissionRefused):
    """The file does not exist or is not meant for the caller (another system's upload or extract): one answer
    for both, so a system learns nothing of the files the hub exchanges with others."""

    code = "file_refused"

    def __init__(self, **fields: Any) -> None:
        super().__init__("このファイルを参照する権限がありません。", **fields)


class MessageLogUnavailable(HubError):
    """The message log could not be written or sealed: the hub fails closed and delivers nothing."""

    code = "message_log_unavailable"
    status = 503

    def __init__(self, **fields: Any) -> None:
        super().__init__("連携記録を書き込めないため、提供を停止しています。", **fields)


class FileRejected(HubError):
    """A received file was quarantined whole; ``fields["problems"]`` names each line and item."""

    code = "file_quarantined"
    status = 422
