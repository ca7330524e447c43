"""The drill's load: 異動 through the registry service layer from several threads, with a journal.

Runs in its own process (`jichitai dr load`, started by the drill with ``DATABASE_URL`` = the primary).
Every operation carries a unique marker in its 留意事項 (``note`` → ``ResidentHistory.change_note``), so the
checks can count exactly how many times it was recorded. The journal (JSON lines, flushed per line) says
for each operation when it started and whether ``services.apply`` returned (``ack``: the 異動 was
acknowledged to the clerk), raised a refusal, or lost its connection (``indoubt``: the commit may or may not
have happened; it is never retried blindly, which could record a 転入 twice).

After a lost connection a worker re-reads the connection-target file (`jichitai dr failover` rewrites it),
points Django's connection settings at the URL it names and carries on with new operations.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlparse

from django.db import Error as DjangoDbError
from django.db import connection, connections

from jichitai.dr import target as target_file

KOBE_WARDS = ("28101", "28102", "28105", "28106", "28107", "28108", "28109", "28110", "28111")
WARD_NAMES = ("東灘区", "灘区", "兵庫区", "長田区", "須磨区", "垂水区", "北区", "中央区", "西区")
GIVEN = (("太郎", "タロウ", "M"), ("花子", "ハナコ", "F"), ("一郎", "イチロウ", "M"), ("陽子", "ヨウコ", "F"))
FAMILY = (("訓練", "クンレン"), ("防災", "ボウサイ"), ("復旧", "フッキュウ"))
ACTOR_NAME = "dr-drill"


def drill_towns() -> list[dict[str, str]]:
    """A small 住所辞書 for the drill: two 町字 per ward of Kobe (codes 9 digits, 99x so they stand out)."""
    rows = []
    for ward, ward_name in zip(KOBE_WARDS, WARD_NAMES, strict=True):
        for n in (1, 2):
            rows.append(
                {
                    "code": f"{ward}99{n}",
                    "ward_code": ward,
                    "ward_name": ward_name,
                    "name": f"訓練町{n}丁目",
                    "kana": f"クンレンチョウ{n}チョウメ",
                    "postcode": "650-0000",
                    "school_district": f"訓練小学校{n}",
                }
            )
    return rows


@dataclass
class Journal:
    """One JSON line per operation outcome; thread-safe; flushed after every line."""

    path: Path
    _fh: TextIO | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> Journal:
        self._fh = self.path.open("a", encoding="utf-8")
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._fh:
            self._fh.close()

    def write(self, **record: Any) -> None:
        line = json.dumps(record, ensure_ascii=False)
        with self._lock:
            assert self._fh is not None
            self._fh.write(line + "\n")
            self._fh.flush()


def read_journal(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _repoint(url: str) -> None:
    """Point the default connection of every thread at ``url`` (the settings dict is shared)."""
    parsed = urlparse(url)
    settings_dict = connections.settings["default"]
    settings_dict["HOST"] = parsed.hostname or ""
    settings_dict["PORT"] = str(parsed.port or 5432)
    settings_dict["NAME"] = parsed.path.lstrip("/")


def _reset_connection() -> None:
    try:
        connection.close()
    except DjangoDbError:
        connection.connection = None  # the socket is gone; forget it


@dataclass
class LoadSummary:
    acks: int = 0
    refused: int = 0
    indoubt: int = 0
    reconnects: int = 0
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return round(self.acks / self.seconds, 1) if self.seconds else 0.0


class Worker:
    """One counter terminal: alternates 転入 of new households and 転居 of the households it created."""

    def __init__(self, run: str, number: int, journal: Journal, target: Path | None, seed: int) -> None:
        self.run, self.number, self.journal, self.target = run, number, journal, target
        self.rng = random.Random(seed * 1000 + number)
        self.households: list[list[str]] = []  # the 宛名番号 of each acknowledged 転入
        self.seq = 0
        self.summary = LoadSummary()

    def command(self) -> tuple[str, Any, int]:  # (kind, RecordMoveIn | RecordMoveWithin, persons)
        from jichitai.registry.domain import commands as C

        today = dt.date.today()
        self.seq += 1
        note = f"drill:{self.run}:{self.number}:{self.seq}"
        if self.households and self.rng.random() < 0.4:
            members = self.rng.choice(self.households)
            town = f"{self.rng.choice(KOBE_WARDS)}99{self.rng.choice((1, 2))}"
            move = C.RecordMoveWithin(
                moved_on=today,
                notified_on=today,
                note=note,
                atena_numbers=tuple(members),
                town_code=town,
                banchi=f"{self.rng.randint(1, 40)}番地",
                katagaki=f"訓練{self.number}-{self.seq}号",  # never the address it moves from
            )
            return "move_within", move, len(members)
        family, family_kana = self.rng.choice(FAMILY)
        persons = []
        size = self.rng.choice((1, 1, 2))
        for i in range(size):
            given, given_kana, sex = GIVEN[(self.seq + i) % len(GIVEN)] if i == 0 else ("花子", "ハナコ", "F")
            persons.append(
                C.NewPerson(
                    name=f"{family}　{given}",
                    kana=f"{family_kana}　{given_kana}",
                    birth_date=dt.date(
                        1960 + self.rng.randint(0, 40), self.rng.randint(1, 12), self.rng.randint(1, 28)
                    ),
                    sex=sex if i == 0 else "F",
                    relationship="世帯主" if i == 0 else "同居人",
                )
            )
        cmd = C.RecordMoveIn(
            moved_on=today,
            notified_on=today,
            note=note,
            persons=tuple(persons),
            town_code=f"{self.rng.choice(KOBE_WARDS)}99{self.rng.choice((1, 2))}",
            banchi=f"{self.rng.randint(1, 40)}番地",
            previous_address="東京都千代田区千代田1番1号",
            previous_municipality_code="131016",
        )
        return "move_in", cmd, size

    def loop(self, stop: Callable[[], bool]) -> None:
        from jichitai.registry import services
        from jichitai.registry.domain.errors import RegistryError

        actor = services.SystemActor(ACTOR_NAME)
        started = time.monotonic()
        while not stop():
            op, cmd, persons = self.command()
            t0 = time.time()
            base = {"w": self.number, "seq": self.seq, "note": cmd.note, "op": op, "persons": persons, "start": t0}
            try:
                applied = services.apply(cmd, actor=actor, terminal=f"drill-{self.number}")
            except RegistryError as exc:
                self.summary.refused += 1
                self.journal.write(**base, status="refused", code=exc.code, end=time.time())
                continue
            except DjangoDbError as exc:
                self.summary.indoubt += 1
                self.journal.write(**base, status="indoubt", error=type(exc).__name__, end=time.time())
                self.reconnect(stop)
                continue
            t1 = time.time()
            self.summary.acks += 1
            self.journal.write(**base, status="ack", end=t1, change_id=applied.change_id, atena=applied.atena_numbers)
            if op == "move_in":
                self.households.append(applied.atena_numbers)
        self.summary.seconds = time.monotonic() - started

    def reconnect(self, stop: Callable[[], bool]) -> None:
        """Wait until the database named by the target file accepts a query again."""
        self.summary.reconnects += 1
        while not stop():
            _reset_connection()
            if self.target is not None:
                url = target_file.read(self.target).get("DATABASE_URL")
                if url:
                    _repoint(url)
            try:
                with connection.cursor() as cur:
                    cur.execute("SELECT pg_is_in_recovery()")
                    row = cur.fetchone()
                if row and not row[0]:
                    return
            except DjangoDbError:
                pass
            time.sleep(0.1)


def prepare() -> None:
    """The drill's 住所辞書 (idempotent)."""
    from jichitai.registry import services

    services.load_towns(drill_towns())


def run(
    journal_path: Path,
    *,
    threads: int,
    seconds: float,
    run_id: str,
    target: Path | None,
    stop_file: Path | None = None,
    seed: int = 1,
) -> LoadSummary:
    """Run ``threads`` workers until ``seconds`` pass or ``stop_file`` appears; return their totals."""
    prepare()
    connections.close_all()
    deadline = time.monotonic() + seconds

    def stop() -> bool:
        return time.monotonic() > deadline or (stop_file is not None and stop_file.exists())

    total = LoadSummary()
    with Journal(journal_path) as journal:
        workers = [Worker(run_id, n, journal, target, seed) for n in range(threads)]

        def body(w: Worker) -> None:
            try:
                w.loop(stop)
            finally:
                _reset_connection()

        pool = [threading.Thread(target=body, args=(w,), name=f"drill-{w.number}") for w in workers]
        began = time.monotonic()
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        total.seconds = round(time.monotonic() - began, 3)
    for w in workers:
        total.acks += w.summary.acks
        total.refused += w.summary.refused
        total.indoubt += w.summary.indoubt
        total.reconnects += w.summary.reconnects
    return total
