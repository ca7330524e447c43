"""docs/standard-conformance.md stays true to itself: every row has one of the four statuses its head defines,
and the totals at its head are the count of its rows (consistency: the document against itself)."""

from __future__ import annotations

import collections
import pathlib
import re

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "standard-conformance.md"
STATUSES = ("implemented", "partly", "not yet", "not applicable")


def test_the_totals_at_the_head_count_the_rows() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = [[c.strip() for c in line.split("|")] for line in text.splitlines()]
    statuses = collections.Counter(r[5] for r in rows if len(r) > 6 and re.match(r"^\d", r[1]))
    assert set(statuses) <= set(STATUSES), set(statuses) - set(STATUSES)
    head = re.search(r"^Totals \((\d+) rows\): implemented (\d+), partly (\d+), not yet (\d+), not applicable (\d+)\.",
                     text, re.M)
    assert head is not None, "the totals line at the head is missing"
    assert [int(n) for n in head.groups()] == [sum(statuses.values()), *(statuses[s] for s in STATUSES)]
