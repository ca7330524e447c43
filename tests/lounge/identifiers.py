"""Scanning lounge answers for a synthetic city's identifiers (issue 7: "no page or API answer contains a
name, a 宛名番号 or a My Number (a test scans every rendered page and response for the synthetic city's
identifiers)").

Each answer is read the way its reader would read it, so an identifier cannot hide in an encoding: JSON is
parsed (the API escapes Japanese as ``\\uXXXX``), Parquet is opened with pyarrow (its pages are compressed),
HTML entities are unescaped, CSV loses its BOM. Names are matched with and without the space between family
and given name; numbers only as whole numbers (a 宛名番号 inside a 19-digit snapshot id is not a hit).
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Identifiers:
    names: frozenset[str]  # 氏名 and 氏名フリガナ, as registered
    atena_numbers: frozenset[str]
    my_numbers: frozenset[str]

    @classmethod
    def of_registry(cls) -> Identifiers:
        """Every resident's name, kana, 宛名番号 and (decrypted) 個人番号 in the registry."""
        from jichitai.registry.models import Resident
        from jichitai.registry.store import vault

        v = vault()
        names, atenas, numbers = set(), set(), set()
        for atena, name, kana, enc in Resident.objects.values_list("atena_number", "name", "kana",
                                                                   "my_number_encrypted"):
            atenas.add(atena)
            names.update(n for n in (name, kana) if n)
            if enc:
                numbers.add(v.decrypt(enc))
        return cls(frozenset(names), frozenset(atenas), frozenset(numbers))

    def __len__(self) -> int:
        return len(self.names) + len(self.atena_numbers) + len(self.my_numbers)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)
    elif value is not None:
        yield str(value)


def texts(body: bytes, content_type: str) -> list[str]:
    """The text a reader of this answer sees."""
    if "parquet" in content_type:
        import pyarrow.parquet as pq

        table = pq.read_table(io.BytesIO(body))
        return [str(v) for col in table.columns for v in col.to_pylist() if v is not None] + table.column_names
    if "pdf" in content_type:  # a dashboard's PDF, read as its reader reads it (the text layer)
        import subprocess

        return [subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, check=True).stdout.decode()]
    text = body.decode("utf-8-sig")
    if "json" in content_type:
        return list(_strings(json.loads(text)))
    return [html.unescape(text)]


def hits(chunks: Iterable[str], ids: Identifiers) -> set[str]:
    """The identifiers found in ``chunks``."""
    found: set[str] = set()
    whole = "\n".join(chunks)
    squeezed = whole.replace(" ", "").replace("\u3000", "")
    for name in ids.names:
        if name in whole or name.replace(" ", "").replace("\u3000", "") in squeezed:
            found.add(name)
    for number in re.findall(r"(?<!\d)\d{8,15}(?!\d)", whole):
        if number in ids.atena_numbers or number in ids.my_numbers:
            found.add(number)
    return found
