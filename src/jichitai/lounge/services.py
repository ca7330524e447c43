"""The lounge's services for views, the API and commands: which marts to show (current or as of a past
time), disclosure-controlled results, projections, exports. Views call these and render; nothing here
renders."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from jichitai.lounge import boards, exports, sql, tiles
from jichitai.lounge import indicators as I
from jichitai.lounge.areas import Towns
from jichitai.lounge.errors import LoungeError, QueryRefused
from jichitai.lounge.marts import COLUMNS
from jichitai.lounge.projection import Projection, project
from jichitai.lounge.publish import Published, perturbed
from jichitai.lounge.refresh import MartSet, refresh, snapshot_key
from jichitai.lounge.source import current_lineage, read_zone

JST = ZoneInfo("Asia/Tokyo")
CHECK_EVERY = 10.0  # seconds between checks of the lake's current snapshots
_lock = threading.RLock()
_state: dict[str, Any] = {"catalog": None, "current": None, "checked": 0.0, "projection": {}}
_as_of: OrderedDict[str, MartSet] = OrderedDict()


def k() -> int:
    return int(settings.CONFIG.disclosure_k)


def cell_key_secret() -> str:
    """The secret of the record keys of cell-key perturbation (:mod:`jichitai.lounge.cellkey`), derived from
    the lake's pseudonymisation master key (a file outside the database) so that it is stable across restarts:
    a new secret would give every cell new noise, and answers under two secrets could be averaged."""
    from jichitai.lake.pseudonym import master_key, purpose_key

    return purpose_key(master_key(), "lounge-cell-key").hex()


SQL_DAILY_QUERIES = 300  # per analyst and day (Japan time); extras["lounge_sql_daily_queries"] overrides


def sql_queries_today(actor: Any) -> int:
    """The SQL queries ``actor`` has run today (Japan time), answered or refused, from the audit log."""
    from jichitai.audit.models import AuditEntry
    from jichitai.audit.services import actor_label

    midnight = dt.datetime.now(JST).replace(hour=0, minute=0, second=0, microsecond=0)
    return AuditEntry.objects.filter(action="lounge.sql", actor=actor_label(actor), at__gte=midnight).count()


def run_sql(query: str, actor: Any) -> Any:
    """An analyst's query over the current lounge zone, protected by the platform (:mod:`jichitai.lounge.sql`).

    No figure 1 to D people apart from one already published (to anyone) is shown (:mod:`jichitai.lounge.overlap`):
    that closes the averaging of many different pairs that deterministic noise leaves open (docs/decisions/0004);
    a daily number of queries per analyst bounds what is left (pairs more than D people apart)."""
    budget = int(settings.CONFIG.extras.get("lounge_sql_daily_queries", SQL_DAILY_QUERIES))
    if sql_queries_today(actor) >= budget:
        raise QueryRefused(f"本日の照会の上限（{budget}件）に達しました。明日また照会するか、必要な集計を指標として依頼してください。")
    with _lock:
        tables = zone_tables()
        owner, prepared = _state.get("prepared", (None, {}))
        if owner is not _state.get("zone"):  # a new snapshot: the person ids are made again, once
            prepared = {}
            _state["prepared"] = (_state.get("zone"), prepared)
    from jichitai.lounge.figures import FigureLedger

    return sql.run(tables, query, k(), cell_key_secret(), prepared=prepared, ledger=FigureLedger())


def engine() -> str:
    return settings.CONFIG.extras.get("lounge_engine", "duckdb")


def catalogue_address() -> dict[str, str]:
    """The Iceberg catalogue offered to analysts' own engines: the protected indicator tables only (namespace
    ``published``, a catalogue and warehouse of their own, rewritten when the lake's snapshots change)."""
    directory = published_dir()
    published_catalogue(current())
    return {"catalog_uri": f"sqlite:///{directory / 'catalog.sqlite3'}", "warehouse": str(directory / "warehouse"),
            "namespace": exports.PUBLISHED_NAMESPACE, "catalog_name": "jichitai_published"}


def person_level_catalogue_address() -> dict[str, str]:
    """The person-level (pseudonymised) lounge zone: only for the approved researcher role
    (``lounge.person_level``), never the analysts' default; every request for it is audited by the caller."""
    cfg = settings.CONFIG
    return {"catalog_uri": cfg.lake_catalog_url, "warehouse": cfg.lake_path, "namespace": "lounge",
            "catalog_name": "jichitai"}


def published_dir() -> Path:
    return Path(settings.CONFIG.var_dir) / "lounge" / "published"


def published_catalogue(marts: MartSet) -> Any:
    """The catalogue of protected tables, (re)written when its marts' snapshots differ from the last written."""
    from jichitai.lounge.source import catalog as open_catalog

    directory = published_dir()
    directory.mkdir(parents=True, exist_ok=True)
    cat = open_catalog(f"sqlite:///{directory / 'catalog.sqlite3'}", str(directory / "warehouse"))
    stamp = directory / "snapshots.txt"
    key = f"{snapshot_key(marts.lineage)}|k={k()}"
    with _lock:
        if not stamp.exists() or stamp.read_text() != key:
            exports.write_catalogue(cat, marts, k())
            stamp.write_text(key)
    return cat


def source_catalog() -> Any:
    if _state["catalog"] is None:
        from jichitai.lake.catalog import catalog as lake_catalog

        _state["catalog"] = lake_catalog()
    return _state["catalog"]


def use_catalog(cat: Any) -> None:
    """Point the lounge at another catalogue (tests, the benchmark) and forget every cached mart."""
    with _lock:
        if cat is not None and cat is _state["catalog"]:
            return
        _state.update(catalog=cat, current=None, checked=0.0, projection={}, zone_key=None)
        _as_of.clear()


def forget_as_of() -> int:
    """Drop every saved and cached "as of" mart set: the lake's history was cut (the 支援措置 redaction,
    :mod:`jichitai.hub.lakeshield`), so what was computed from the expired snapshots goes too. Returns the sets
    removed from disk."""
    directory = marts_dir().parent / "as_of"
    with _lock:
        _as_of.clear()
        removed = sum(1 for _ in directory.iterdir()) if directory.is_dir() else 0
        shutil.rmtree(directory, ignore_errors=True)
    return removed


def marts_dir() -> Path:
    return Path(settings.CONFIG.var_dir) / "lounge" / "marts"


def current() -> MartSet:
    """The marts of the lake's current snapshots: from memory, else from the last refresh on disk when its
    snapshots are still current, else refreshed now."""
    with _lock:
        now = time.monotonic()
        cached: MartSet | None = _state["current"]
        if cached is not None and now - _state["checked"] < CHECK_EVERY:
            return cached
        key = snapshot_key(current_lineage(source_catalog()))
        if cached is None or snapshot_key(cached.lineage) != key:
            saved = load(marts_dir())
            cached = saved if saved is not None and snapshot_key(saved.lineage) == key else None
            if cached is None:
                cached = refresh_now()
            elif has_population(cached):
                projection(cached)  # marts from disk: the projection is made now, not by the first page
        _state.update(current=cached, checked=now)
        return cached


def zone_tables() -> dict[str, Any]:
    """The lounge zone's current Arrow tables (analysts' SQL), re-read when a snapshot changes."""
    with _lock:
        key = snapshot_key(current_lineage(source_catalog()))
        if _state.get("zone_key") != key:
            _state.update(zone=read_zone(source_catalog()).tables, zone_key=key)
        tables: dict[str, Any] = _state["zone"]
        return tables


def load(directory: Path) -> MartSet | None:
    """Marts saved by a refresh, ready to publish (with the cell-key secret, which is never saved)."""
    marts = MartSet.load(directory)
    if marts is not None:
        marts.noise_secret = cell_key_secret()
    return marts


def build(when: dt.datetime | None = None) -> MartSet:
    """Read the lounge zone (now or as of ``when``: only the columns the marts use), run every mart and
    publish every indicator at every period. ``seconds`` is the whole of it; ``timings`` the parts."""
    started = time.perf_counter()
    zone = read_zone(source_catalog(), when, columns=COLUMNS)
    read = time.perf_counter()
    marts = refresh(zone, engine())
    marts.noise_secret = cell_key_secret()
    computed = time.perf_counter()
    marts.prepublish(k())
    done = time.perf_counter()
    marts.seconds = done - started
    marts.timings = {"read": read - started, "marts": computed - read, "publish": done - computed}
    return marts


def refresh_now() -> MartSet:
    with _lock:
        marts = build()
        saved = time.perf_counter()
        marts.save(marts_dir())
        marts.timings["save"] = time.perf_counter() - saved
        _state.update(current=marts, checked=time.monotonic(), projection={})
        if has_population(marts):  # an empty lake (a fresh install) has nothing to project from
            projected = time.perf_counter()
            projection(marts)
            marts.timings["projection"] = time.perf_counter() - projected
        return marts


def as_of(when: dt.datetime | None) -> MartSet:
    """The marts as they were at ``when`` (Iceberg time travel), cached for the last few times asked."""
    if when is None:
        return current()
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    with _lock:
        key = snapshot_key(current_lineage(source_catalog(), when))
        if key not in _as_of:
            # the same snapshots give the same marts: kept on disk by their key, computed once
            directory = marts_dir().parent / "as_of" / hashlib.sha256(key.encode()).hexdigest()[:32]
            saved = load(directory)
            if saved is None or snapshot_key(saved.lineage) != key:
                saved = build(when)
                saved.save(directory)
            _as_of[key] = saved
            while len(_as_of) > 4:
                _as_of.popitem(last=False)
        _as_of.move_to_end(key)
        return _as_of[key]


def parse_as_of(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise LoungeError("「時点」は 2026-01-31 または 2026-01-31T12:00 の形で指定してください。", field="as_of") from None
    return release_point(when)


def release_point(when: dt.datetime) -> dt.datetime:
    """A past view shows the monthly release on or before ``when``: the lake as it was at 0:00 (Japan time) on
    the first of that month. Two views within a month are then the same table, so one person's late change
    cannot be found by differencing two nearby snapshots (released tables frozen until the next release, as
    statistical offices do; docs/decisions/0004). A naive time is Japan time."""
    local = when.astimezone(JST) if when.tzinfo else when.replace(tzinfo=JST)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def indicator_periods(marts: MartSet, slug: str) -> list[str]:
    return marts.periods_of(slug)


def published(marts: MartSet, slug: str, period: str | None = None) -> Published:
    options = indicator_periods(marts, slug)
    if not options:
        raise LoungeError("この指標のデータはまだありません（取り込み待ち）。", code="lounge_no_data", indicator=slug)
    return marts.publish(slug, period or options[-1], k())


def has_population(marts: MartSet) -> bool:
    return bool(marts.tables["population_age"].num_rows)


def projection(marts: MartSet) -> Projection:
    if not has_population(marts):
        raise LoungeError("人口のデータがまだありません（取り込み待ち）。", code="lounge_no_data", indicator="projection")
    key = snapshot_key(marts.lineage)
    cache = _state["projection"]
    if key not in cache:
        cache[key] = project(marts.tables["population_age"], marts.tables["flows_age"],
                             marts.tables.get("births_mother_age"))
    result: Projection = cache[key]
    return result


def protected_projection(p: Projection) -> dict[str, Any]:
    """Recorded counts pass the same rule as every count (0 < n < k hidden, then cell-key noise keyed by the
    series, the point and the true value, so two as-of views cannot be differenced); projected values are
    model estimates rounded to whole persons and pass the same rule for consistency."""
    limit, secret = k(), cell_key_secret()

    def hide(v: int, *cell: object) -> int | None:
        return None if 0 < v < limit else perturbed(secret, v, {}, "projection", *cell)[0]

    return {
        "base_date": p.base_date.isoformat(), "years": p.years, "wards": p.wards, "rates": p.rates,
        "totals": {w: [hide(v, w, y) for v, y in zip(s, p.years, strict=True)] for w, s in p.totals.items()},
        "groups": {w: {g: [hide(v, w, g, y) for v, y in zip(s, p.years, strict=True)] for g, s in gs.items()}
                   for w, gs in p.groups.items()},
        "recorded": {w: {d: hide(v, w, "recorded", d) for d, v in s.items()} for w, s in p.recorded.items()},
        "variants": {name: {w: [hide(v, name, w, y) for v, y in zip(s, p.years, strict=True)] for w, s in ts.items()}
                     for name, ts in p.variants.items()},
        "assumptions": p.assumptions,
    }


def area_parents(marts: MartSet, slug: str) -> Towns:
    """町字 → 区, with the 町字's names, for an indicator whose area has a parent area, else empty."""
    return marts.towns() if any(d.parent_column for d in I.get(slug).dims) else Towns()


# ---- dashboards (defined as data: lounge/boards.py) -------------------------------------------------------

_boards = boards.Catalogue()


def city_boards_dir() -> Path:
    """Where a city keeps its own dashboard definitions (YAML, as the shipped ones in lounge/dashboards/)."""
    return Path(settings.CONFIG.var_dir) / "lounge" / "dashboards"


def dashboards() -> dict[str, boards.Board]:
    """The shipped dashboards and the city's own, read again when a file changes."""
    return _boards.get(city_boards_dir())


def dashboard(slug: str) -> boards.Board:
    from jichitai.common.errors import NotFound

    try:
        return dashboards()[slug]
    except KeyError:
        raise NotFound(f"ダッシュボード「{slug}」はありません。", dashboard=slug) from None


def save_dashboard(actor: Any, saved: Any, *, title: str, description: str, sharing: str, department: Any,
                   chosen: list[boards.Tile]) -> Any:
    """A staff member's dashboard saved with its tiles as edited (checked by :func:`boards.tile`, as a shipped
    file's), new when ``saved`` is None; the save is audited under the dashboard's name and number. The caller
    has checked ``allowed(actor, "lounge.dashboard.edit", saved)``."""
    from django.db import transaction

    from jichitai.audit import services as audit
    from jichitai.lounge.models import Dashboard

    edited = boards.Board(slug="", title=title, description=description, tiles=tuple(chosen), origin="saved")
    board = saved or Dashboard(owner=actor)
    board.title, board.description, board.sharing = title, description, sharing
    board.department = department if sharing == Dashboard.DEPARTMENT else None
    board.items = boards.items(edited)
    with transaction.atomic():
        board.save()
        audit.record(actor, "lounge.dashboard.edit", board.audit_label(), title=title, created=saved is None,
                     sharing=sharing, department=board.department.code if board.department else "",
                     indicators=edited.indicators, tiles=[f"{t.kind}:{t.indicator}" for t in chosen])
    return board


def board_view(board: boards.Board, as_of_text: str, area: str, year: str,
               link: Callable[[str, int | None], str]) -> tiles.BoardView:
    """A dashboard for the area (市全体・区・町字) and year asked, as of a past release when asked: every tile's
    figure from the published (disclosure-controlled) tables."""
    marts = as_of(parse_as_of(as_of_text))
    return tiles.view(marts, board, k(), area, year, link, marts.towns())


def board_pdf(view: tiles.BoardView) -> bytes:
    """The whole dashboard as a PDF for a meeting (charts drawn server-side by vl-convert, laid out by Typst)."""
    from jichitai.lounge import board_pdf as render

    return render.pdf(view)
