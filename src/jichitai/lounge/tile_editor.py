"""The tile editor of a staff member's dashboard: the board as a list of tiles, each edited in words (指標, 表示の
種類, 項目, 横軸の区分, 表示する区分, タイトル, 注記) and added, removed or moved by a submit button, so that the page
works without JavaScript. The form's state is the posted fields themselves (a *row* of strings per tile): an
action or a refusal re-renders them as typed, nothing is lost.

A row becomes a tile only through :func:`jichitai.lounge.boards.tile`, the check a shipped YAML file passes: the
form and the files have one validation path, and its messages name the tile (「3枚目のタイル：…」).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jichitai.lounge import boards
from jichitai.lounge import indicators as I

FIELDS = ("indicator", "kind", "metric", "by", "title", "note")
MAX_TILES = 40

Row = dict[str, Any]  # FIELDS as posted (str) and "where": {column: str}


@dataclass(frozen=True)
class Refusal:
    """One message of the summary at the top of the form, and the tile it is about (1-based; 0: the board)."""

    message: str
    tile: int = 0


def blank(indicator: str | None = None) -> Row:
    slug = indicator if indicator in I.INDICATORS else next(iter(I.INDICATORS))
    return {"indicator": slug, "kind": "kpi", "metric": "value", "by": "", "title": "", "note": "", "where": {}}


def rows_of(board: boards.Board) -> list[Row]:
    """A board's tiles as rows of the form (a shipped board copied, or a saved one edited)."""
    return [{"indicator": t.indicator, "kind": t.kind, "metric": t.metric, "by": t.by or "", "title": t.title,
             "note": t.note, "where": {c: str(v) for c, v in t.where}} for t in board.tiles]


def rows_from(post: Mapping[str, Any]) -> list[Row]:
    """The rows as posted: ``tiles`` (how many) and ``tile-N-field``, ``tile-N-where-column`` for N = 1…"""
    try:
        count = min(int(post.get("tiles", 0)), MAX_TILES)
    except (TypeError, ValueError):
        count = 0
    rows = []
    for n in range(1, count + 1):
        prefix = f"tile-{n}-"
        row: Row = {f: str(post.get(prefix + f, "")).strip() for f in FIELDS}
        row["where"] = {key.removeprefix(prefix + "where-"): str(value) for key, value in post.items()
                        if key.startswith(prefix + "where-") and value != ""}
        rows.append(row)
    return rows


def act(rows: list[Row], action: str) -> list[Row]:
    """The rows after an editing action: ``add``, ``remove-N``, ``up-N``, ``down-N``, or ``apply-N`` (tile N's
    choices shown again for the indicator now chosen: nothing changes but the page)."""
    rows = list(rows)
    if action == "add":
        if len(rows) < MAX_TILES:
            rows.append(blank(rows[-1]["indicator"] if rows else None))
        return rows
    verb, _, number = action.partition("-")
    if not number.isdigit() or not 1 <= int(number) <= len(rows):
        return rows
    i = int(number) - 1
    if verb == "remove":
        del rows[i]
    elif verb == "up" and i > 0:
        rows[i - 1], rows[i] = rows[i], rows[i - 1]
    elif verb == "down" and i < len(rows) - 1:
        rows[i + 1], rows[i] = rows[i], rows[i + 1]
    return rows


def _typed(ind: I.Indicator, column: str, text: str) -> object:
    """A posted value as the dimension holds it (世帯人員 1 is an int), else the text (refused by the check)."""
    for col, _, values in boards.fixed_choices(ind):
        if col == column:
            return next((v for v in values if str(v) == text), text)
    return text


def raw(row: Row) -> dict[str, Any]:
    """A row as a YAML tile would be written (what :func:`boards.tile` checks). A fixed value is kept only for
    the indicator's own dimensions: a value left from the indicator chosen before is not the user's choice."""
    out: dict[str, Any] = {"kind": row["kind"], "indicator": row["indicator"], "metric": row["metric"] or "value",
                           "title": row["title"], "note": row["note"]}
    if row["by"]:
        out["by"] = row["by"]
    ind = I.INDICATORS.get(row["indicator"])
    if ind is not None:
        own = {d.column for d in ind.dims} | ({ind.partition} if ind.partition else set())
        out["where"] = {c: _typed(ind, c, v) for c, v in row["where"].items() if c in own}
    return out


def check(rows: list[Row]) -> tuple[list[boards.Tile], list[Refusal]]:
    """Every row made a tile by the shipped files' check; each refusal names its tile."""
    tiles, refusals = [], []
    if not rows:
        refusals.append(Refusal("タイルを1枚以上追加してください。"))
    for n, row in enumerate(rows, 1):
        try:
            tiles.append(boards.tile(raw(row), f"{n}枚目のタイル"))
        except boards.BoardError as exc:
            refusals.append(Refusal(str(exc), n))
    return tiles, refusals


def _keeping(choices: dict[str, str], chosen: str, words: dict[str, str]) -> list[tuple[str, str]]:
    """The choices, and the one chosen when the indicator does not offer it (a 地図 refused for an indicator without
    an area, a 項目 of the previous 指標): shown as chosen and marked, so that saving again is refused again rather
    than silently saving the first choice the list offers."""
    out = list(choices.items())
    if chosen and chosen not in choices:
        out.insert(0, (chosen, f"{words.get(chosen) or boards.in_words(chosen, column=False)}（この指標では使えません）"))
    return out


def editor(rows: list[Row]) -> list[dict[str, Any]]:
    """What the template shows of each row: its values and the choices its indicator allows, in words."""
    out = []
    for n, row in enumerate(rows, 1):
        ind = I.INDICATORS.get(row["indicator"])
        own = {c for c, _, _ in boards.fixed_choices(ind)} if ind else set()
        out.append({
            "n": n, "row": row, "first": n == 1, "last": n == len(rows),
            "kinds": _keeping(boards.kinds_for(ind) if ind else {}, row["kind"], boards.KINDS),
            "metrics": _keeping(boards.metrics_for(ind) if ind else {}, row["metric"], {}),
            "dims": [(d.column, d.label) for d in ind.dims] if ind else [],
            "fixed": [{"column": c, "label": label, "chosen": row["where"].get(c, ""),
                       "values": [(str(v), words) for v, words in values.items()]}
                      for c, label, values in (boards.fixed_choices(ind) if ind else [])],
            # fixed values the editor has no field for (an area a YAML tile fixes): carried as they are
            "kept": [(c, v) for c, v in row["where"].items() if c not in own],
        })
    return out
