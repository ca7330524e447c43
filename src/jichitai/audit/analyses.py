"""The analyses of the access log that 住民記録システム標準仕様書 10.2 (j1370, 分析例) lists, for the auditor:

* 深夜・休業日におけるアクセス一覧 — staff actions at night or on a day the city is closed;
* ログイン失敗一覧 — refused logins (password and second factor), by user name and source address;
* ID別ログイン数一覧 — successful logins per member of staff;
* 大量検索実行一覧 — searches that listed many residents, and bursts of searches by one person;
* 宛名番号等から該当者の検索実行一覧 — searches by 宛名番号, 住民票コード, 世帯番号 or 個人番号 (one person picked).

Night is 22:00–5:00 (the 深夜 of 労働基準法第37条第4項). A closed day is a Saturday or Sunday, a 国民の祝日 or
休日 (国民の祝日に関する法律第3条; from the ``jpholiday`` package), or 12/29–1/3 (地方自治法第4条の2 第1項第3号,
the 年末年始 that city ordinances set). Times are in JST.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import jpholiday

from jichitai.audit.inquiry import JST, in_period, people
from jichitai.audit.labels import action_label, outcome_label, resource_label
from jichitai.audit.models import AuditEntry

NIGHT_FROM, NIGHT_UNTIL = dt.time(22, 0), dt.time(5, 0)
BULK_RESULTS = 50  # a search that listed at least this many residents
BURST_SEARCHES = 30  # searches by one person within one hour
SCAN_LIMIT = 200_000  # entries read for one analysis; the page says when a period holds more
SHOWN = 1000
ONE_PERSON_KEYS = {"atena_number": "宛名番号", "juminhyo_code": "住民票コード", "setai_number": "世帯番号",
                   "my_number": "個人番号"}
LOGIN_ACTIONS = ("login", "login.otp")


def closed_day(day: dt.date) -> str:
    """Why the city is closed on ``day`` ("" when it is open)."""
    if (day.month, day.day) in {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}:
        return "年末年始"
    holiday = jpholiday.is_holiday_name(day)
    if holiday:
        return str(holiday)
    if day.weekday() >= 5:
        return "土曜日" if day.weekday() == 5 else "日曜日"
    return ""


def is_night(at: dt.datetime) -> bool:
    t = at.astimezone(JST).time()
    return t >= NIGHT_FROM or t < NIGHT_UNTIL


@dataclass
class Report:
    """One analysis: its title, column headings and rows (text for people), and whether the scan was cut."""

    name: str
    title: str
    basis: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    truncated: bool = False


def _scan(qs: Any) -> tuple[Iterator[AuditEntry], Callable[[], bool]]:
    seen = 0
    cut = False

    def gen() -> Iterator[AuditEntry]:
        nonlocal seen, cut
        for e in qs.order_by("seq").iterator(chunk_size=5000):
            seen += 1
            if seen > SCAN_LIMIT:
                cut = True
                return
            yield e

    return gen(), lambda: cut


def _when(at: dt.datetime) -> str:
    return at.astimezone(JST).strftime("%Y-%m-%d %H:%M:%S")


def off_hours(date_from: dt.date | None, date_to: dt.date | None) -> Report:
    report = Report("off-hours", "深夜・休業日におけるアクセス一覧",
                    "深夜 22:00–5:00（労働基準法第37条第4項）、休業日は土日・国民の祝日・年末年始（地方自治法第4条の2）",
                    ["日時", "区分", "操作者", "所属", "操作", "対象", "結果"])
    it, cut = _scan(in_period(AuditEntry.objects.filter(actor__startswith="staff:"), date_from, date_to))
    hits = []
    for e in it:
        local = e.at.astimezone(JST)
        why = closed_day(local.date()) or ("深夜" if is_night(e.at) else "")
        if why and is_night(e.at) and why != "深夜":
            why = f"{why}・深夜"
        if why:
            hits.append((e, why))
    names = people(e.actor for e, _ in hits[-SHOWN:])
    report.rows = [[_when(e.at), why, names[e.actor].name, names[e.actor].department, action_label(e.action),
                    resource_label(e.resource), outcome_label(e.outcome)]
                   for e, why in reversed(hits[-SHOWN:])]
    report.truncated = cut() or len(hits) > SHOWN
    return report


def login_failures(date_from: dt.date | None, date_to: dt.date | None) -> Report:
    report = Report("login-failures", "ログイン失敗一覧", "パスワード・確認コードの誤り、ロックアウト中の試行",
                    ["職員番号（入力された名前）", "接続元", "失敗回数", "最初", "最後", "理由"])
    qs = in_period(AuditEntry.objects.filter(action__in=LOGIN_ACTIONS, outcome="refused"), date_from, date_to)
    groups: dict[tuple[str, str], list[AuditEntry]] = {}
    it, cut = _scan(qs)
    for e in it:
        groups.setdefault((e.resource, str(e.detail.get("address", ""))), []).append(e)
    ordered = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    report.rows = [[key[0].removeprefix("staff:"), key[1] or "不明", len(es), _when(es[0].at), _when(es[-1].at),
                    "・".join(sorted({str(x.detail.get("reason", "")) for x in es} - {""}))]
                   for key, es in ordered[:SHOWN]]
    report.truncated = cut() or len(ordered) > SHOWN
    return report


def logins_per_id(date_from: dt.date | None, date_to: dt.date | None) -> Report:
    report = Report("logins", "ID別ログイン数一覧", "二要素での成功ログイン（シングルサインオンを含む）",
                    ["職員", "所属", "ログイン数", "最後のログイン"])
    qs = in_period(AuditEntry.objects.filter(action="login", outcome="ok"), date_from, date_to)
    counts: Counter[str] = Counter()
    last: dict[str, dt.datetime] = {}
    it, cut = _scan(qs)
    for e in it:
        counts[e.actor] += 1
        last[e.actor] = e.at
    names = people(counts)
    report.rows = [[names[a].name, names[a].department, n, _when(last[a])] for a, n in counts.most_common(SHOWN)]
    report.truncated = cut()
    return report


def _searches(date_from: dt.date | None, date_to: dt.date | None) -> tuple[Iterator[AuditEntry], Callable[[], bool]]:
    return _scan(in_period(AuditEntry.objects.filter(action="registry.view", resource="search"), date_from, date_to))


def _criteria(e: AuditEntry) -> str:
    crit = e.detail.get("criteria") or {}
    return "、".join(f"{k}={v}" for k, v in crit.items()) if isinstance(crit, dict) else str(crit)


def bulk_searches(date_from: dt.date | None, date_to: dt.date | None) -> Report:
    report = Report("bulk-searches", "大量検索実行一覧",
                    f"1回で{BULK_RESULTS}人以上を一覧した検索、または1時間に{BURST_SEARCHES}回以上の検索",
                    ["日時", "操作者", "所属", "区分", "件数", "検索条件"])
    it, cut = _searches(date_from, date_to)
    hits: list[tuple[AuditEntry, str, int]] = []
    per_hour: dict[tuple[str, str], list[AuditEntry]] = {}
    for e in it:
        count = int(e.detail.get("count") or len(e.detail.get("results") or []))
        if count >= BULK_RESULTS:
            hits.append((e, "大量一覧", count))
        per_hour.setdefault((e.actor, e.at.astimezone(JST).strftime("%Y-%m-%d %H時台")), []).append(e)
    for (_actor, _hour), es in per_hour.items():
        if len(es) >= BURST_SEARCHES:
            hits.append((es[0], f"短時間の連続検索（{_hour} に {len(es)} 回）", len(es)))
    hits.sort(key=lambda h: -h[0].seq)
    names = people(e.actor for e, _, _ in hits[:SHOWN])
    report.rows = [[_when(e.at), names[e.actor].name, names[e.actor].department, why, n, _criteria(e)]
                   for e, why, n in hits[:SHOWN]]
    report.truncated = cut() or len(hits) > SHOWN
    return report


def one_person_searches(date_from: dt.date | None, date_to: dt.date | None) -> Report:
    report = Report("by-number", "宛名番号等から該当者の検索実行一覧",
                    "宛名番号・住民票コード・世帯番号・個人番号（伏せ字）で特定の人を検索したもの",
                    ["日時", "操作者", "所属", "検索項目", "検索条件", "該当者"])
    it, cut = _searches(date_from, date_to)
    hits = []
    for e in it:
        crit = e.detail.get("criteria") or {}
        keys = [label for key, label in ONE_PERSON_KEYS.items() if isinstance(crit, dict) and crit.get(key)]
        if keys:
            hits.append((e, "・".join(keys)))
    hits.reverse()
    names = people(e.actor for e, _ in hits[:SHOWN])
    report.rows = [[_when(e.at), names[e.actor].name, names[e.actor].department, keys, _criteria(e),
                    " ".join(e.detail.get("results") or [])] for e, keys in hits[:SHOWN]]
    report.truncated = cut() or len(hits) > SHOWN
    return report


ANALYSES: dict[str, Callable[[dt.date | None, dt.date | None], Report]] = {
    "off-hours": off_hours,
    "login-failures": login_failures,
    "logins": logins_per_id,
    "bulk-searches": bulk_searches,
    "by-number": one_person_searches,
}
TITLES = {"off-hours": "深夜・休業日におけるアクセス一覧", "login-failures": "ログイン失敗一覧",
          "logins": "ID別ログイン数一覧", "bulk-searches": "大量検索実行一覧",
          "by-number": "宛名番号等から該当者の検索実行一覧"}
