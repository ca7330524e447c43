"""The API's typed body for a 異動: one pydantic model per domain command, generated from the command's
dataclass and the item table (:mod:`jichitai.registry.domain.items`), joined on ``type``.

So the OpenAPI document lists every command with its items' types, lengths and formats, and django-ninja
refuses (422, in Japanese with the item's path, see jichitai.api_errors) a value of the wrong type, an unknown
item, a control character or a malformed number before anything runs. The codec then rebuilds the domain
command from the validated JSON, applying the same table again (it also serves the counter and the 決裁
queue)."""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, fields
from typing import Annotated, Any, Literal, Union

from pydantic import ConfigDict, Field, create_model
from pydantic.functional_validators import AfterValidator

from jichitai.common import fields as F
from jichitai.registry.domain.codec import from_dict
from jichitai.registry.domain.commands import COMMANDS, Command, NewPerson
from jichitai.registry.domain.items import ITEMS, MAX_LISTED, MAX_PERSONS, Item, item_problem
from jichitai.registry.domain.person import CORRECTABLE, DATE_FIELDS, FEMALE, FOREIGN, JAPANESE, MALE

STRICT = ConfigDict(extra="forbid", strict=True)


def _item_type(name: str) -> Any:
    item = ITEMS.get(name) or Item(name)
    if name == "sex":
        return Literal[MALE, FEMALE]
    if name == "resident_kind":
        return Literal[JAPANESE, FOREIGN]
    if item.kind == "juminhyo_code":
        return F.JuminhyoCode
    if item.kind == "my_number":
        return F.MyNumber
    if item.kind == "moji":
        return F.StandardText(item.max_length, item.label)
    if item.kind in ("number", "code"):
        return F.Digits(*item.lengths, label=item.label)
    return F.Text(item.max_length, multiline=item.kind == "multiline")


def _change_values(changes: dict[str, Any]) -> dict[str, Any]:
    for key, value in changes.items():
        if isinstance(value, str) and key not in DATE_FIELDS:
            problem = item_problem(key, value)
            if problem:
                raise ValueError(f"{key}: {problem}")
    return changes


Changes: Any = Annotated[dict[Literal[tuple(sorted(CORRECTABLE))], F.Text(300) | None],  # type: ignore[misc]
                         Field(max_length=len(CORRECTABLE)), AfterValidator(_change_values)]
Relationships: Any = Annotated[dict[_item_type("atena_number"), _item_type("relationship")],  # type: ignore[misc]
                               Field(max_length=MAX_LISTED)]


def _field_type(name: str, hint: Any) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _field_type(name, inner[0]) | None
    if hint is dt.date:
        return F.Date
    if hint is bool:
        return F.Flag
    if hint is NewPerson:
        return PersonIn
    if origin is tuple:
        limit = MAX_PERSONS if args[0] is NewPerson else MAX_LISTED
        return Annotated[list[_field_type(name, args[0])], Field(max_length=limit)]  # type: ignore[misc]
    if name == "relationships":
        return Relationships
    if origin in (Mapping, dict) or hint is Mapping:
        return Changes
    if hint is str:
        return _item_type(name)
    raise TypeError(f"no API type for {name}: {hint}")  # a new command item needs its entry in domain.items


def _model(cls: type, name: str, extra: dict[str, Any] | None = None) -> Any:
    hints = typing.get_type_hints(cls)
    definitions: dict[str, Any] = dict(extra or {})
    for f in fields(cls):
        default = f.default if f.default is not MISSING else (
            f.default_factory() if f.default_factory is not MISSING else ...)
        if isinstance(default, tuple):
            default = list(default)
        if f.name == "birth_date":  # may be left out when ``birth_date_text`` gives a 不詳日 (j80)
            definitions[f.name] = (F.PastDate | None, None)
        else:
            definitions[f.name] = (_field_type(f.name, hints[f.name]), default)
    return create_model(name, __config__=STRICT, __doc__=cls.__doc__, **definitions)


PersonIn = _model(NewPerson, "PersonIn")
COMMAND_MODELS = {type_name: _model(cls, f"{type_name}In", {"type": (Literal[type_name], ...)})
                  for type_name, cls in COMMANDS.items()}
ChangeIn: Any = Annotated[Union[tuple(COMMAND_MODELS.values())], Field(discriminator="type")]  # noqa: UP007


def to_command(body: Any) -> Command:
    """The domain command for a validated body (through the codec, which applies the item table again)."""
    return from_dict(body.model_dump(mode="json"))
