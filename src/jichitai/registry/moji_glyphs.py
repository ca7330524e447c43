"""The enlarged glyph of one character for the 文字コード照会 (標準仕様書 2.2.3, j370: 「拡大して入力・照会ができる」),
drawn by the one document engine (Typst) with IPAmj明朝 as SVG: the clerk sees the MJ glyph the registry holds —
a variation sequence as its own shape — not whatever the PC's fonts make of it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jichitai.common.moji import characters
from jichitai.registry.certificates.render import compiler_for, font_families
from jichitai.registry.domain.errors import RegistryError

TEMPLATE = Path(__file__).resolve().parent / "templates" / "registry" / "glyph.typ"


@lru_cache(maxsize=4096)
def glyph_svg(character: str) -> bytes:
    """SVG of ``character``: one printable character (a code point with its variation selector, if any)."""
    if len(characters(character)) != 1 or not character[0].isprintable() or character.isspace():
        raise RegistryError("拡大表示できるのは1文字ずつです。", field="c")
    svg = compiler_for(TEMPLATE).compile(format="svg", sys_inputs={"data": character, **font_families()})
    assert isinstance(svg, bytes)
    return svg
