"""A whole dashboard as a PDF for a meeting: the figures, each chart drawn server-side from the same Vega-Lite
spec the page draws (vl-convert-python: Vega and Vega-Lite compiled into a wheel, no browser, no network; SVG
with the IPAex fonts), laid out on A4 by Typst, the project's one PDF engine. The data reaches Typst as JSON
text in ``sys.inputs`` (printed, never evaluated); the SVGs as image bytes."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from jichitai.lounge.tiles import BoardView

TEMPLATE = Path(__file__).resolve().parent / "templates" / "lounge" / "board.typ"
WIDTH = 460  # points: a chart across the A4 page's text width at 2 a row would be too small to read


def svg(spec: dict[str, Any]) -> str:
    """The chart as SVG (links dropped: a printed map has nothing to click)."""
    import vl_convert

    fixed = copy.deepcopy(spec)
    fixed["width"] = WIDTH
    for layer in [fixed, *fixed.get("layer", [])]:
        layer.get("encoding", {}).pop("href", None)
    text: str = vl_convert.vegalite_to_svg(fixed)
    return text


def data(view: BoardView) -> dict[str, Any]:
    return {
        "title": view.board.title, "description": view.board.description, "area": view.area_words,
        "year": f"{view.year}年" if view.year else "", "refreshed": view.refreshed_words,
        "refresh": view.board.refresh,
        "kpis": [{"title": t.title, "figure": t.figure, "period": t.period,
                  "change": f"{t.compared_with}比 {t.change}" if t.change else "", "note": t.note}
                 for t in view.kpis],
        "panels": [{"title": t.title, "period": t.period, "note": t.note,
                    "svg": svg(t.spec) if t.spec else "",
                    "table": [list(r[:2]) for r in t.rows] if t.kind == "table" else [],
                    "headers": t.headers} for t in view.panels],
        "definitions": [{"title": t.title, "text": t.definition, "sources": "、".join(t.sources)} for t in view.tiles],
    }


def pdf(view: BoardView) -> bytes:
    from jichitai.registry.certificates.render import typst_pdf

    return typst_pdf(TEMPLATE, data(view))
