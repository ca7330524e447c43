"""Writing and reading the CSV bytes: UTF-8 or Shift_JIS (Windows code page 932), CRLF lines (RFC 4180).

Shift_JIS cannot hold every character a name may carry (JIS X 0213 kanji outside CP932, ideographic variation
selectors, U+301C WAVE DASH …). Nothing is replaced silently: :func:`encode` lists every such character with
the line, the person (宛名番号 and 氏名), the item and the code point, and writes nothing. Choose UTF-8 for that
file, or correct the record (文字同定/縮退 is the registry's decision, not the exporter's).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jichitai.common import csvout
from jichitai.registry.domain.errors import RegistryError

ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "cp932": "cp932", "shift_jis": "cp932", "sjis": "cp932"}


@dataclass(frozen=True)
class Unwritable:
    line: int
    atena_number: str
    name: str
    item: str
    character: str

    @property
    def codepoint(self) -> str:
        return f"U+{ord(self.character):04X}"

    def __str__(self) -> str:
        return (f"{self.line}行目 宛名番号 {self.atena_number}（{self.name}）の「{self.item}」: "
                f"文字「{self.character}」({self.codepoint}) は Shift_JIS (CP932) で書けません")


class UnwritableCharacters(RegistryError):
    code = "unwritable_characters"

    def __init__(self, problems: list[Unwritable]) -> None:
        super().__init__(
            f"Shift_JIS (CP932) で書けない文字が {len(problems)} 件あります。UTF-8 で出力するか、記録を確認してください。",
            problems=[str(p) for p in problems],
        )
        self.problems = problems


def encoding_of(name: str) -> str:
    try:
        return ENCODINGS[name.lower()]
    except KeyError:
        raise RegistryError(f"文字コード「{name}」には対応していません（utf-8 または cp932）。",
                            code="unknown_encoding") from None


def unwritable(header: Sequence[str], rows: Iterable[Sequence[str]], encoding: str) -> list[Unwritable]:
    """Every character of ``rows`` that ``encoding`` cannot hold (header is line 1)."""
    found: list[Unwritable] = []
    if encoding == "utf-8":
        return found
    atena_at = header.index("宛名番号") if "宛名番号" in header else None
    name_at = header.index("氏名") if "氏名" in header else None
    for line, row in enumerate(rows, start=2):
        for item, cell in zip(header, row, strict=True):
            try:
                cell.encode(encoding)
                continue
            except UnicodeEncodeError:
                pass
            for ch in cell:
                try:
                    ch.encode(encoding)
                except UnicodeEncodeError:
                    found.append(Unwritable(line, row[atena_at] if atena_at is not None else "",
                                            row[name_at] if name_at is not None else "", item, ch))
    return found


def encode(header: Sequence[str], rows: Sequence[Sequence[str]], encoding: str = "utf-8") -> bytes:
    """The file's bytes. Raises :class:`UnwritableCharacters` with the full list instead of replacing."""
    encoding = encoding_of(encoding)
    problems = unwritable(header, rows, encoding)
    if problems:
        raise UnwritableCharacters(problems)
    buf = io.StringIO(newline="")
    # for systems: the standard's 住民記録 CSV, read back by other systems and by our own import (round trip)
    writer = csvout.writer(buf, for_people=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def decode(data: bytes, encoding: str = "utf-8") -> list[list[str]]:
    """Rows of the file (header first). A UTF-8 byte order mark is accepted and dropped."""
    encoding = encoding_of(encoding)
    try:
        text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RegistryError(f"{line}行目: 文字コード {encoding} として読めないバイトがあります。",
                            code="undecodable", line=line) from None
    return [row for row in csv.reader(io.StringIO(text, newline="")) if row]
