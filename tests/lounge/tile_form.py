"""The dashboard form as a browser submits it: every field of the page's form read from its HTML (inputs, the
selected option of each select, textareas, checked radios), so that a test posts what the page offers, not
field names of its own."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Any


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self.select: str | None = None
        self.first: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in ("radio", "checkbox", "submit"):
            self.fields[name] = a.get("value", "")
        elif tag == "input" and name and "checked" in a:
            self.fields[name] = a.get("value", "")
        elif tag == "select":
            self.select, self.first = name, None
        elif tag == "option" and self.select is not None:
            if self.first is None:
                self.first = a.get("value", "")
                self.fields.setdefault(self.select, self.first)
            if "selected" in a:
                self.fields[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea, self.text = name, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields[self.textarea] = "".join(self.text).removeprefix("\n")
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text.append(data)


def fields(page: str) -> dict[str, Any]:
    """The values the page's form would submit (without a button's)."""
    form = _Form()
    start = page.index('<form method="post" class="card"')
    form.feed(page[start:page.index("</form>", start)])
    form.fields.pop("csrfmiddlewaretoken", None)
    return form.fields


def summary(page: str) -> list[str]:
    """The messages of the error summary at the top of the form."""
    import re

    box = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", m)) for m in re.findall(r"<li>(.*?)</li>", box.group(0), re.S)] if box else []


def tiles_post(rows: list[dict[str, Any]], **board: Any) -> dict[str, Any]:
    """A post of the form with these tiles (``{"indicator", "kind", …, "where": {…}}``) and board fields."""
    out: dict[str, Any] = {"tiles": len(rows), "sharing": "private", **board}
    for n, row in enumerate(rows, 1):
        for key, value in row.items():
            if key == "where":
                out.update({f"tile-{n}-where-{c}": v for c, v in value.items()})
            elif value is not None:
                out[f"tile-{n}-{key}"] = value
    return out
