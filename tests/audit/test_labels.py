"""Consistency: every action and target the code records reads as words on the auditor's pages (a person reads
words, never codes). The walk finds each literal action and target given to ``record(…)`` in the source, so a new
kind of entry without words fails here, not in front of an auditor."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

from jichitai.audit import labels

SOURCE = pathlib.Path(__file__).resolve().parents[2] / "src" / "jichitai"


def _recorded() -> tuple[set[str], set[str]]:
    actions: set[str] = set()
    targets: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 3:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name != "record":
                continue
            action, target = node.args[1], node.args[2]
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                actions.add(action.value)
            if isinstance(target, ast.Constant) and isinstance(target.value, str):
                targets.add(target.value)
            elif isinstance(target, ast.JoinedStr) and isinstance(target.values[0], ast.Constant):
                targets.add(f"{target.values[0].value}X")  # the literal head of f"resident:{…}"
    return actions, targets


ACTIONS, TARGETS = _recorded()


def test_the_walk_finds_what_it_should() -> None:
    assert {"registry.view", "login", "hub.oauth.token"} <= ACTIONS and "resident:X" in TARGETS


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(ACTIONS))
def test_every_recorded_action_has_words(code: str) -> None:
    assert labels.action_label(code) != code
    assert re.search(r"[぀-ヿ一-鿿]", labels.action_label(code))


@pytest.mark.parametrize("target", sorted(t for t in TARGETS if re.match(r"^[A-Za-z_.\-]+:", t) or ":" not in t))
def test_every_recorded_kind_of_target_has_words(target: str) -> None:
    assert re.search(r"[぀-ヿ一-鿿]", labels.resource_label(target)), target


def test_targets_read_as_words() -> None:
    assert labels.resource_label("resident:000000000017") == "住民 宛名番号 000000000017"
    assert labels.resource_label("hub.feed:atena-extract") == "連携フィード 宛名情報の全件"
    assert labels.resource_label("hub.feed:kokuho") == "連携フィード kokuho"
    assert labels.resource_label("GET /api/registry/residents") == "参照 /api/registry/residents"
    assert labels.outcome_label("refused") == "拒否"
