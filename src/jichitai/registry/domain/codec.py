"""Commands as JSON-ready dicts and back: for 決裁 waiting lists (PendingChange) and the API.

``{"type": "RecordMoveIn", "moved_on": "2026-11-01", "persons": [{…}], …}``. Unknown items are refused so a
typo never silently drops part of a 届出.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, fields, is_dataclass
from typing import Any

from jichitai.common.fields import date_problem
from jichitai.registry.domain.commands import COMMANDS, Command, NewPerson
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.items import MAX_LISTED, MAX_PERSONS, field_label, item_problem
from jichitai.registry.domain.person import JAPANESE
from jichitai.registry.domain.unknown_dates import birth_date_of, moved_on_of


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


def _refuse(name: str, message: str, code: str = "invalid_value") -> RegistryError:
    return RegistryError(f"項目「{field_label(name)}」: {message}", code=code, field=name)


def _text(raw: Any, name: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):  # never str() an object, a number or a list into a name
        raise _refuse(name, "文字列で指定してください。", "invalid_type")
    problem = item_problem(name.rsplit(".", 1)[-1].split("[", 1)[0], raw)
    if problem:
        raise _refuse(name, problem)
    return raw


def _convert(hint: Any, raw: Any, name: str) -> Any:
    """``raw`` (JSON-ready) as a value of ``hint``, strictly: wrong types are refused, never coerced."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if raw is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], raw, name)
    if hint is dt.date:
        day: dt.date | None
        if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            day = raw
        else:
            try:
                day = dt.date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
            except ValueError:
                day = None
        problem = date_problem(day) if day else "日付が正しくありません（YYYY-MM-DD）。"
        if problem:
            raise RegistryError(f"項目「{field_label(name)}」の{problem}", code="invalid_date", field=name)
        return day
    if hint is NewPerson:
        return _build(NewPerson, raw, name)
    if origin is tuple:
        if not isinstance(raw, (list, tuple)):
            raise RegistryError(f"項目「{field_label(name)}」は一覧で指定してください。", code="invalid_value", field=name)
        limit = MAX_PERSONS if args[0] is NewPerson else MAX_LISTED
        if len(raw) > limit:
            raise _refuse(name, f"一度に{limit}件までです。")
        return tuple(_convert(args[0], v, f"{name}[{i}]") for i, v in enumerate(raw))
    if origin in (Mapping, dict, typing.Mapping) or hint is Mapping:
        if not isinstance(raw, Mapping):
            raise RegistryError(f"項目「{field_label(name)}」は対応表で指定してください。", code="invalid_value", field=name)
        if len(raw) > MAX_LISTED:
            raise _refuse(name, f"一度に{MAX_LISTED}件までです。")
        return {_text(k, f"{name}.key"): _mapped(args, k, v, name) for k, v in raw.items()}
    if hint is bool:
        if not isinstance(raw, bool):
            raise _refuse(name, "true または false で指定してください。", "invalid_type")
        return raw
    if hint is str:
        return _text(raw, name)
    return raw


def _mapped(args: tuple[Any, ...], key: str, value: Any, name: str) -> Any:
    """A value of ``relationships`` (宛名番号 → 続柄) or of a correction's ``changes`` (item → new value)."""
    if name == "relationships":
        _text(key, "atena_number")
        return _text(value, "relationship")
    if value is None or isinstance(value, str):
        return None if value is None else _text(value, key)
    raise _refuse(key, "文字列（日付は YYYY-MM-DD）で指定してください。", "invalid_type")


def _build(cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, Mapping):
        raise RegistryError(f"「{field_label(where)}」の形式が正しくありません。", code="invalid_value", field=where)
    hints = typing.get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    unknown = sorted(str(k) for k in set(data) - names - {"type"})
    if unknown:
        raise RegistryError(f"不明な項目があります: {', '.join(u[:40] for u in unknown[:5])}", code="unknown_field",
                            field=unknown[0][:40])
    prefix = f"{where}." if cls is NewPerson else ""  # a person's items are named within the command (persons[1].…)
    if cls is NewPerson and data.get("birth_date") is None and data.get("birth_date_text"):
        data = {k: v for k, v in data.items() if k != "birth_date"}  # the text alone: its period's first day
    values = {k: _convert(hints[k], v, f"{prefix}{k}") for k, v in data.items() if k in names}
    if cls is NewPerson and values.get("birth_date_text"):  # a 不詳日 or 暦上日以外 (j80), read as every entry reads it
        values["birth_date"], values["birth_date_text"] = birth_date_of(
            values.get("resident_kind", JAPANESE), values.get("birth_date"), values["birth_date_text"],
            field=f"{prefix}birth_date_text")
    if values.get("moved_on_text") and isinstance(values.get("moved_on"), dt.date):  # a 死亡's 不詳日 (j80)
        values["moved_on"], values["moved_on_text"] = moved_on_of(values["moved_on"], values["moved_on_text"])
    missing = [f.name for f in fields(cls) if f.name not in values and f.default is MISSING
               and f.default_factory is MISSING]
    if missing:
        raise RegistryError(f"必須の項目が不足しています（{'、'.join(field_label(prefix + m) for m in missing)}）。",
                            code="missing_field", field=prefix + missing[0])
    return cls(**values)


def from_dict(data: Mapping[str, Any]) -> Command:
    cls = COMMANDS.get(str(data.get("type", "")))
    if cls is None:
        raise RegistryError(f"異動の種類「{str(data.get('type'))[:40]}」はありません。", code="unknown_command")
    command: Command = _build(cls, data, cls.__name__)
    return command
