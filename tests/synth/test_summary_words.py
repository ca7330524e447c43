"""The synthetic city's summary speaks words, not codes (a person reads words: 異動 kinds as a 異動届 names them,
each labelled defect described). Consistency test: every kind the generator can produce has its words."""

from __future__ import annotations

import ast
import io
import re
from collections import Counter
from pathlib import Path

from rich.console import Console

from jichitai.synth.city import Options, Summary
from jichitai.synth.declaration_defects import DEFECT_KINDS, DEFECT_WORDS
from jichitai.synth.history import EVENT_WORDS
from jichitai.synth.management.commands.synth import summary_table

HISTORY = Path(__file__).resolve().parents[2] / "src" / "jichitai" / "synth" / "history.py"


def test_every_event_the_history_makes_has_its_words() -> None:
    made = {node.args[0].value for node in ast.walk(ast.parse(HISTORY.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "_event" and node.args
            and isinstance(node.args[0], ast.Constant)}
    assert made and made <= set(EVENT_WORDS)
    assert set(DEFECT_KINDS) == set(DEFECT_WORDS)


def test_the_summary_prints_no_code() -> None:
    s = Summary(residents=19925, households=9906, base_population=19998,
                changes=Counter(dict.fromkeys(EVENT_WORDS, 3)), refused=Counter(name_change=2),
                defects=Counter({**dict.fromkeys(DEFECT_KINDS, 1), "false_widow+arithmetic_error": 1}))
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(summary_table(s, Options(population=20000, years=3)))
    text = console.export_text()
    assert "出生" in text and "寡婦控除の要件を満たさない（男性、または配偶者が同じ世帯にいる）＋税額の計算誤り" in text
    assert not re.search(r"\b[a-z]+_[a-z_0-9]+\b", text.replace("var/synth", ""))
