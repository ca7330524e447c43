"""Other business systems' data, consistent with the city: 国民健康保険, 児童手当, 介護保険.

Rules (simplified, stated so that the hub and the lounge know what they get):
- 国民健康保険: households whose head has no salary from an employer (self-employed, unemployed, retired) are
  enrolled, every member under 75; 資格取得日 = the day they became residents (or t0), 資格喪失日 = the day after
  they moved out or died (国民健康保険法第8条), or the 75th birthday (後期高齢者医療制度へ移行).
- 児童手当 (児童手当法, as extended from October 2024 to the end of 高校生年代): one row per child; the recipient
  is the child's parent in the household (the head, or the mother); from the month after the child became a
  resident (born or moved in) to the month the child left (moved out or died: the allowance stops then) or the
  March after the 18th birthday. Monthly amount 15,000 under 3, 10,000 from 3, 30,000 from the third child
  (from October 2024).
- 介護保険 要介護認定: people 65 and over, certified with a probability rising with age; one certification each,
  12, 24 or 36 months, ending earlier when the person moved out or died.

Pure: no Django. Rows name people by sim ``pid``; the writer maps them to 宛名番号.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from jichitai.synth.history import age_on
from jichitai.synth.population import City, Person

LEVELS = (("要支援1", 0.14), ("要支援2", 0.14), ("要介護1", 0.21), ("要介護2", 0.17), ("要介護3", 0.13),
          ("要介護4", 0.12), ("要介護5", 0.09))
EXTENSION = dt.date(2024, 10, 1)


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date  # exclusive: the first day after the history


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    return dt.date(day.year + m // 12, m % 12 + 1, 1)


def _exit_day(p: Person) -> dt.date | None:
    if p.state in ("out", "dead", "cancelled") and p.left_on is not None:
        return p.left_on + dt.timedelta(days=1)
    return None


def kokuho(city: City, window: Window, salaried: set[int], rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for hid, pids in last_households(city).items():
        members = [city.people[pid] for pid in pids]
        if not members:
            continue
        head = members[0]
        age = age_on(head.birth, window.start)
        enrolled = head.pid not in salaried and (rng.random() < (0.7 if age >= 60 else 0.22))
        if not enrolled:
            continue
        for p in members:
            if p.state == "cancelled":
                continue
            start = max(p.since or window.start, window.start)
            end = _exit_day(p)
            seventy_five = _add_years(p.birth, 75)
            if seventy_five <= start:
                continue
            if seventy_five < window.end and (end is None or seventy_five < end):
                end = seventy_five
            rows.append({"pid": p.pid, "hid": hid, "from": start, "to": end})
    return rows


def last_households(city: City) -> dict[int, list[int]]:
    """hid → everyone whose last household it was (current members first, head first; then those who left)."""
    out: dict[int, list[int]] = {hid: list(hh.members) for hid, hh in city.households.items()}
    for p in city.people.values():
        members = out.setdefault(p.hid, [])
        if p.pid not in members:
            members.append(p.pid)
    return out


def jido_teate(city: City, window: Window) -> list[dict[str, Any]]:
    rows = []
    for pids in last_households(city).values():
        members = [city.people[pid] for pid in pids]
        if not members:
            continue
        head = members[0]
        children = sorted((p for p in members if p.relation == "子" and p.state != "cancelled"),
                          key=lambda p: p.birth)
        if not children:
            continue
        recipient = head if head.relation == "世帯主" else next((m for m in members if m.relation == "妻"), head)
        for order, child in enumerate(children, start=1):
            eighteen = _add_years(child.birth, 18)
            # paid to the March after the 18th birthday (18歳到達後最初の3月31日まで)
            limit = dt.date(eighteen.year + (0 if eighteen.month <= 3 else 1), 3, 1)
            first = _add_months(max(child.since or window.start, window.start), 1)
            if first >= window.end or first >= limit or age_on(child.birth, first) >= 18:
                continue
            last = None
            if child.left_on is not None and child.state in ("out", "dead"):
                last = dt.date(child.left_on.year, child.left_on.month, 1)
            if last is None and limit < window.end:
                last = limit
            if last is not None and last < first:
                continue
            age = age_on(child.birth, max(first, window.end - dt.timedelta(days=1)))
            amount = 15_000 if age < 3 else 10_000
            if order >= 3 and window.end > EXTENSION:
                amount = 30_000
            rows.append({"recipient": recipient.pid, "child": child.pid, "from": first, "to": last,
                         "amount": amount})
    return rows


def kaigo(city: City, window: Window, rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for p in city.people.values():
        if p.state == "cancelled":
            continue
        age = age_on(p.birth, window.end)
        if age < 65:
            continue
        chance = 0.04 if age < 75 else 0.12 if age < 80 else 0.26 if age < 85 else 0.48 if age < 90 else 0.72
        if rng.random() >= chance:
            continue
        u, level = rng.random(), LEVELS[-1][0]
        older = min(1.0, (age - 65) / 35)
        for name, w in LEVELS:
            u -= w * (1 - older * 0.3) if name.startswith("要支援") else w * (1 + older * 0.2)
            if u <= 0:
                level = name
                break
        span = (window.end - window.start).days
        start = window.start + dt.timedelta(days=rng.randint(0, max(0, span - 1)))
        start = max(start, p.since or start)
        end = _add_years(start, rng.choice((1, 2, 3))) - dt.timedelta(days=1)
        exit_day = _exit_day(p)
        if exit_day is not None:
            if exit_day <= start:
                continue
            end = min(end, exit_day - dt.timedelta(days=1))
        rows.append({"pid": p.pid, "level": level, "from": start, "to": end})
    return rows


# 障害者手帳: holders per age band (厚生労働省 生活のしづらさなどに関する調査 2022: 手帳所持者 約610万人, 4.9 % of
# the population, rising steeply with age; order of magnitude) and the kind and grade among them.
TECHO_KINDS = (("身体", 0.66, ("1級", "2級", "3級", "4級", "5級", "6級"), (0.26, 0.15, 0.17, 0.25, 0.08, 0.09)),
               ("療育", 0.18, ("A", "B"), (0.4, 0.6)),
               ("精神", 0.16, ("1級", "2級", "3級"), (0.1, 0.6, 0.3)))


def _techo_share(age: int) -> float:
    return 0.01 if age < 18 else 0.025 if age < 40 else 0.04 if age < 65 else 0.09 if age < 75 else 0.15


def techo(city: City, window: Window, rng: random.Random) -> list[dict[str, Any]]:
    """One 障害者手帳 per holder: kind and grade as above; issued some years before (at birth at the earliest);
    a 精神障害者保健福祉手帳 is valid two years (精神保健福祉法施行令第9条: renewed), the others have no end."""
    rows = []
    for p in city.people.values():
        if p.state == "cancelled":
            continue
        age = age_on(p.birth, window.end)
        if rng.random() >= _techo_share(age):
            continue
        kind, _, grades, weights = rng.choices(TECHO_KINDS, [k[1] for k in TECHO_KINDS])[0]
        grade = rng.choices(grades, weights)[0]
        issued = max(p.birth, window.start - dt.timedelta(days=rng.randint(30, 3650)))
        valid_to = _add_years(issued, 2) - dt.timedelta(days=1) if kind == "精神" else None
        if valid_to is not None and valid_to < window.end:  # renewed: the current book
            issued = max(p.birth, window.end - dt.timedelta(days=rng.randint(30, 700)))
            valid_to = _add_years(issued, 2) - dt.timedelta(days=1)
        rows.append({"pid": p.pid, "kind": kind, "grade": grade, "from": issued, "to": valid_to})
    return rows


# 国民健康保険税 (a simplified 神戸市-like schedule, our assumption: 所得割 10.5 % of each member's 合計所得金額 over
# 43万円, 均等割 45,000円 a member, 平等割 30,000円 a household, 7割軽減 of the flat parts at a household income of
# 43万円 or less, 上限 106万円 — 地方税法第703条の4 and the 令和7年度 課税限度額).
KOKUHO_RATE, KOKUHO_PER_MEMBER, KOKUHO_PER_HOUSEHOLD, KOKUHO_CAP = 0.105, 45_000, 30_000, 1_060_000


def kokuho_tax(rows: list[dict[str, Any]], income_of: Any) -> dict[int, int]:
    """The 国保税 each enrolled household's head (the 納税義務者) paid, from the enrolment rows (head first per
    household) and each member's 合計所得金額 (``income_of(pid)``)."""
    members: dict[int, list[int]] = {}
    for r in rows:
        members.setdefault(r["hid"], []).append(r["pid"])
    out = {}
    for pids in members.values():
        incomes = [income_of(pid) for pid in pids]
        flat = KOKUHO_PER_MEMBER * len(pids) + KOKUHO_PER_HOUSEHOLD
        if sum(incomes) <= 430_000:
            flat = flat * 3 // 10
        levy = int(sum(max(0, i - 430_000) for i in incomes) * KOKUHO_RATE)
        out[pids[0]] = min(KOKUHO_CAP, levy + flat) // 100 * 100
    return out
