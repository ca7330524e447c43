"""個人番号 inside a stored declaration: every ``my_number`` in the record is kept encrypted, with its blind
index beside it (``my_number_index``) so that the review can match people without decrypting anything else."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from jichitai.common import vault as _vault

ENC = "enc:"


def vault() -> _vault.Keyring:
    return _vault.for_config(settings.CONFIG)


def blind_index(my_number: str) -> str:
    return vault().blind_index(my_number) if my_number else ""


def blind_indexes(my_number: str) -> list[str]:
    """Every index a look-up by ``my_number`` searches (current and retired keys'): see the keyring."""
    return vault().blind_indexes(my_number) if my_number else []


def _walk(obj: Any, fn: Any) -> Any:
    """A copy of ``obj`` with each ``my_number`` (a string) replaced by what ``fn`` returns for it and every
    ``my_number_index`` left out. Containers are walked without a call per scalar (most values of a record are
    scalars): the key order, and so the sealed JSON, is the same as one call per value gave."""
    if isinstance(obj, dict):
        return _walk_dict(obj, fn)
    if isinstance(obj, list):
        return _walk_list(obj, fn)
    return obj


def _walk_dict(obj: dict[str, Any], fn: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in obj.items():
        if k == "my_number" and isinstance(v, str):
            out.update(fn(v))
        elif k == "my_number_index":
            continue
        elif isinstance(v, dict):
            out[k] = _walk_dict(v, fn)
        elif isinstance(v, list):
            out[k] = _walk_list(v, fn)
        else:
            out[k] = v
    return out


def _walk_list(obj: list[Any], fn: Any) -> list[Any]:
    return [_walk_dict(v, fn) if isinstance(v, dict) else _walk_list(v, fn) if isinstance(v, list) else v
            for v in obj]


def seal(record: dict[str, Any]) -> dict[str, Any]:
    """The record to store: each ``my_number`` encrypted, its blind index added."""
    v = vault()

    def enc(value: str) -> dict[str, str]:
        if not value or value.startswith(ENC):
            return {"my_number": value}
        return {"my_number": ENC + v.encrypt(value), "my_number_index": v.blind_index(value)}

    return _walk(record, enc)


def unseal(data: dict[str, Any]) -> dict[str, Any]:
    """The record as filed (for the review, the clerk's screen and the resident's own form)."""
    v = vault()

    def dec(value: str) -> dict[str, str]:
        return {"my_number": v.decrypt(value[len(ENC):]) if value.startswith(ENC) else value}

    return _walk(data, dec)
