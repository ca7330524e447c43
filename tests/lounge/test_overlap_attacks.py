"""Differencing attacks on the analysts' SQL with pairs of groups a few people apart (issue 18: "the lounge never
shows a person"; docs/decisions/0004 "What is left"), run through the SQL console's service
(``services.run_sql``) with the platform's ledger of published figures in PostgreSQL.

Pairs one person apart were closed first (tests/lounge/test_disclosure_attacks.py, the tracker). Here the pairs
are two, three and D people apart — her and companions whose values the attacker knows — and a swap of one
person for another (the same count, different people). Each attack is first shown to be real: without the
ledger both halves of the pair are answered. Consistency tests: the people behind each group are worked out
here from the Arrow tables with Python sets, not by the code under test.
"""

from __future__ import annotations

import collections
import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from jichitai.lounge import setdiff, sql

BASE = "select count(distinct pid) from lounge.resident_spells where town_code = '{town}'"


def loners(tables: dict[str, pa.Table]) -> dict[str, list[dt.date]]:
    """Per town, the birth months that only one person of its spells has: each such month picks out one person
    (an attacker who knows her neighbours' birth months can remove them one by one)."""
    born: dict[tuple[str, dt.date], set[str]] = collections.defaultdict(set)
    for s in tables["resident_spells"].to_pylist():
        born[(s["town_code"], s["birth_ym"])].add(s["pid"])
    towns: dict[str, list[dt.date]] = collections.defaultdict(list)
    for (town, ym), people in sorted(born.items()):
        if len(people) == 1:
            towns[town].append(ym)
    return towns


def without(town: str, months: list[dt.date]) -> str:
    listed = ", ".join(f"DATE '{m}'" for m in months)
    return BASE.format(town=town) + (f" and birth_ym not in ({listed})" if months else "")


def pairs(tables: dict[str, pa.Table], apart: int | str) -> list[tuple[str, str]]:
    """Pairs of queries whose groups are ``apart`` people apart (``"swap"``: one person out, another in), one per
    town with enough lone birth months, biggest towns first."""
    out = []
    for town, months in sorted(loners(tables).items(), key=lambda t: -len(t[1])):
        if len(months) < 6:
            continue
        if apart == "swap":
            out.append((without(town, months[:1]), without(town, months[1:2])))
        else:
            assert isinstance(apart, int)
            out.append((without(town, []), without(town, months[:apart])))
    return out


def value(result: sql.SqlResult) -> Any:
    return None if not result.rows or result.rows[0][-1] == sql.SUPPRESSED else result.rows[0][-1]


def answerable(tables: dict[str, pa.Table], lounge: Any, apart: int | str) -> tuple[str, str]:
    """A pair whose two halves are both answered without the ledger (the attack is real)."""
    for first, second in pairs(tables, apart):
        plain = [value(sql.run(tables, q, lounge.k(), "plain")) for q in (first, second)]
        if all(v is not None for v in plain):
            return first, second
    pytest.fail(f"no answerable pair {apart} apart in the lounge fixture")


@pytest.mark.parametrize("apart", [2, 3, setdiff.D, "swap"])
@pytest.mark.parametrize("larger_first", [True, False])
def test_a_pair_a_few_people_apart_is_never_both_shown(lounge: Any, make_staff: Any, apart: int | str,
                                                        larger_first: bool) -> None:
    """Attack: a town's count with her, then without her *and* one to three companions whose values the attacker
    knows (or with one neighbour swapped for her: the same count, different people). The difference, minus what
    she knows of the companions, is her — and many such pairs can be averaged. The old overlap control caught only
    pairs exactly one person apart; now the second half of any pair 1 to D people apart is blank, in either
    order, through the service (ledger in PostgreSQL)."""
    tables = lounge.zone_tables()
    first, second = answerable(tables, lounge, apart)
    if not larger_first:
        first, second = second, first
    analyst = make_staff(roles=["analyst"])
    assert value(lounge.run_sql(first, analyst)) is not None
    refused = lounge.run_sql(second, make_staff(roles=["analyst"]))  # a colleague asks the other half
    assert value(refused) is None and refused.suppressed == 1
    assert value(lounge.run_sql(first, analyst)) is not None  # the same figure again is shown, as it was


def test_pairs_more_than_d_apart_are_shown(lounge: Any, make_staff: Any) -> None:
    """The bound is D: groups D + 1 people apart are both shown (their difference carries the noise of both
    figures and at least D + 1 people; docs/decisions/0004 says why that is left). Consistency: documents the
    boundary, it passes on the old code too."""
    tables = lounge.zone_tables()
    first, second = answerable(tables, lounge, setdiff.D + 1)
    analyst = make_staff(roles=["analyst"])
    shown = [value(lounge.run_sql(q, analyst)) for q in (first, second)]
    assert all(v is not None for v in shown)


def test_the_same_people_again_are_shown_identically(lounge: Any, make_staff: Any) -> None:
    """Δ = 0 is not a pair: the same group asked again, or phrased differently (the same people), is shown with
    the same figure — cell-key noise is deterministic, so nothing is learnt (consistency)."""
    tables = lounge.zone_tables()
    town = next(t for t, m in loners(tables).items() if len(m) >= 2)
    analyst = make_staff(roles=["analyst"])
    a = value(lounge.run_sql(BASE.format(town=town), analyst))
    b = value(lounge.run_sql(BASE.format(town=town) + " and birth_ym is not null", analyst))
    assert a is not None and a == b == value(lounge.run_sql(BASE.format(town=town), analyst))


def test_a_figure_remembered_before_the_sketch_is_still_compared_one_person_apart(lounge: Any) -> None:
    """Figures remembered before migration 0004 have no moments: they are compared by their key sums as before
    (one person apart; two apart is not caught) until they are shown again — then the ledger keeps their moments
    (``FigureLedger.remember`` updates the row) — or age out. They do not block the same people (consistency)."""
    from jichitai.lounge import overlap

    tables = lounge.zone_tables()
    first, second = answerable(tables, lounge, 1)
    ledger = overlap.MemoryLedger()
    shown = sql.run(tables, first, lounge.k(), "plain", ledger=ledger)
    legacy = overlap.MemoryLedger()
    legacy.remember(overlap.Cell(c.persons, c.keysum, c.table) for c in shown.published)
    assert value(sql.run(tables, second, lounge.k(), "plain", ledger=legacy)) is None
    two_apart = answerable(tables, lounge, 2)[1]
    assert first == answerable(tables, lounge, 2)[0]
    old_only = overlap.MemoryLedger()
    old_only.remember(overlap.Cell(c.persons, c.keysum, c.table) for c in shown.published)
    assert value(sql.run(tables, two_apart, lounge.k(), "plain", ledger=old_only)) is not None  # as before
    assert value(sql.run(tables, first, lounge.k(), "plain", ledger=legacy)) == value(shown)  # now with moments
    assert value(sql.run(tables, two_apart, lounge.k(), "plain", ledger=legacy)) is None
