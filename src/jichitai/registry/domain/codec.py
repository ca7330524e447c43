"""Commands as JSON-ready dicts and back: for 決裁 waiting lists (PendingChange) and the API.

``{"type": "RecordMoveIn", "moved_on": "2026-11-01", "persons": [{…}], …}``. Unknown items are refused so a
typo never silently drops part of a 届出.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from typing import Any

from jichitai.registry.domain.commands import COMMANDS, Command, NewPerson
from jichitai.registry.domain.errors import RegistryError


def to_dict(value: Any) -> Any:
    if isinstance(value, Command):
        return {"type": type(value).__name__, **{f.name: to_dict(getattr(value, f.name)) for f in fields(value)}}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_dict(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [to_dict(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_dict(v) for k, v in value.items()}
    return value


def _convert(hint: Any, raw: Any, name: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if raw is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], raw, name)
    if hint is dt.date:
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError:
            raise RegistryError(f"項目「{name}」の日付が正しくありません（YYYY-MM-DD）。", code="invalid_date",
                                field=name) from None
    if hint is NewPerson:
        return _build(NewPerson, raw, name)
    if origin is tuple:
        if not isinstance(raw, (list, tuple)):
            raise RegistryError(f"項目「{name}」は一覧で指定してください。", code="invalid_value", field=name)
        return tuple(_convert(args[0], v, name) for v in raw)
    if origin in (Mapping, dict, typing.Mapping) or hint is Mapping:
        if not isinstance(raw, Mapping):
            raise RegistryError(f"項目「{name}」は対応表で指定してください。", code="invalid_value", field=name)
        return dict(raw)
    if hint is bool:
        return bool(raw)
    if hint is str:
        return "" if raw is None else str(raw)
    return raw


def _build(cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, Mapping):
        raise RegistryError(f"「{where}」の形式が正しくありません。", code="invalid_value", field=where)
    hints = typing.get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - names - {"type"})
    if unknown:
        raise RegistryError(f"不明な項目があります: {', '.join(unknown)}", code="unknown_field", field=unknown[0])
    values = {k: _convert(hints[k], v, k) for k, v in data.items() if k in names}
    try:
        return cls(**values)
    except TypeError as exc:
        raise RegistryError(f"必須の項目が不足しています（{exc}）。", code="missing_field") from None


def from_dict(data: Mapping[str, Any]) -> Command:
    cls = COMMANDS.get(str(data.get("type", "")))
    if cls is None:
        raise RegistryError(f"異動の種類「{data.get('type')}」はありません。", code="unknown_command")
    command: Command = _build(cls, data, cls.__name__)
    return command
