"""The marts refresh on their own after landing (issue 25 item 5): debounced on the lake's own snapshots, every
refresh recorded with the snapshots it read, and a page that says when each mart was refreshed and from what."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

from jichitai.lake.schemas import LOUNGE_TABLES
from jichitai.lounge import freshness, sample_zone
from jichitai.lounge import indicators as I
from jichitai.lounge.marts import MARTS
from jichitai.lounge.models import MartRefresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def lounge_lake(tmp_path: Any, settings: Any) -> Iterator[Any]:
    """A small synthetic lounge zone in a lake of its own; the marts kept under the test's own folder."""
    from jichitai.lake import catalog
    from jichitai.lounge import services

    settings.CONFIG = dataclasses.replace(
        settings.CONFIG, var_dir=tmp_path / "var", lake_path=str(tmp_path / "lake"),
        lake_catalog_url=f"sqlite:///{tmp_path / 'lake' / 'catalog.sqlite3'}",
        extras={**settings.CONFIG.extras, "lounge_refresh_quiet_seconds": "60", "lounge_refresh_max_wait_seconds": "600"})
    catalog.forget_catalogs()
    cat = catalog.catalog()
    sample_zone.write(cat, sample_zone.generate(dataclasses.replace(sample_zone.SMALL, residents=2_000, years=3)))
    services.use_catalog(cat)
    yield cat
    services.use_catalog(None)
    catalog.forget_catalogs()


def _commit(cat: Any, table: str) -> dt.datetime:
    """A new snapshot of ``table`` (one copied row appended) and its commit time."""
    t = cat.load_table(f"lounge.{table}")
    rows = t.scan(limit=1).to_arrow()
    t.append(pa.Table.from_pylist(rows.to_pylist(), schema=LOUNGE_TABLES[table].as_arrow()))
    t = cat.load_table(f"lounge.{table}")
    return dt.datetime.fromtimestamp(t.current_snapshot().timestamp_ms / 1000, dt.UTC)


def test_every_mart_has_its_sources_and_a_name() -> None:
    """consistency: the page's map of mart → lounge tables covers every mart and agrees with the indicators'
    own sources."""
    assert set(freshness.MART_SOURCES) == set(MARTS) == set(freshness.MART_LABELS)
    for ind in I.INDICATORS.values():
        assert {s.split(".", 1)[1] for s in ind.sources} <= set(freshness.MART_SOURCES[ind.mart]), ind.slug


def test_refresh_waits_for_a_quiet_lake_but_not_forever(lounge_lake: Any) -> None:
    """consistency: a landing is followed by one refresh once the zone has been quiet for QUIET; a zone that
    keeps changing is refreshed when its oldest change has waited MAX_WAIT; nothing changed, nothing to do."""
    now = dt.datetime.now(dt.UTC)
    first = freshness.due(now)
    assert not first.refresh and len(first.changed) == len(LOUNGE_TABLES)  # just written: still settling
    assert freshness.due(now + dt.timedelta(seconds=61)).refresh
    freshness.refresh(trigger="hub")
    assert freshness.due().changed == [] and not freshness.due(now + dt.timedelta(days=1)).refresh
    landed = _commit(lounge_lake, "movements")
    waiting = freshness.due(landed + dt.timedelta(seconds=30))
    assert not waiting.refresh and waiting.changed == ["movements"] and waiting.pending_since == landed
    again = _commit(lounge_lake, "movements")  # another landing: still settling, the oldest change remembered
    later = freshness.due(again + dt.timedelta(seconds=30))
    assert not later.refresh and later.pending_since == landed
    assert freshness.due(landed + dt.timedelta(seconds=601)).refresh  # the oldest waited 10 minutes
    assert freshness.due(again + dt.timedelta(seconds=61)).refresh


def test_each_refresh_is_recorded_with_the_snapshots_it_read(lounge_lake: Any) -> None:
    """consistency: the record names the snapshot of each lounge table, which are the lake's current ones."""
    marts = freshness.refresh(trigger="command")
    record = MartRefresh.objects.get()
    current = {t: lounge_lake.load_table(f"lounge.{t}").current_snapshot().snapshot_id for t in LOUNGE_TABLES}
    assert {t: li["snapshot_id"] for t, li in record.lineage.items()} == current
    assert record.trigger == "command" and record.rows["population"] == marts.tables["population"].num_rows > 0


def test_the_hub_worker_refreshes_the_marts_after_landing(lounge_lake: Any, settings: Any) -> None:
    """consistency: ``run_cycle`` (the worker's turn) refreshes the marts when the zone has settled, and not
    again on the next turn when nothing landed."""
    from jichitai.hub import landing

    settings.CONFIG = dataclasses.replace(settings.CONFIG, extras={
        **settings.CONFIG.extras, "lounge_refresh_quiet_seconds": "0"})
    assert landing.run_cycle().marts_refreshed
    assert MartRefresh.objects.get().trigger == "hub"
    assert not landing.run_cycle().marts_refreshed and MartRefresh.objects.count() == 1


def test_the_page_says_when_and_from_what_in_words(lounge_lake: Any, login_as: Any) -> None:
    """consistency: per mart its name, rows and the source system with the age of the data read; a newer
    landing shows as 「新しいデータあり」; snapshot ids only in the 詳細 fold."""
    freshness.refresh(trigger="hub")
    _commit(lounge_lake, "movements")
    body = login_as("analyst").get("/lounge/freshness/").content.decode()
    assert "人口（区・男女・5歳階級）" in body and "住民記録システム（異動）" in body
    assert "たった今" in body or "秒前" in body
    assert "新しいデータあり" in body and "取り込みの後（自動）" in body
    visible = body.split('<details class="analyst">')[0]
    assert "@" not in visible.split("<h1>")[1] and "lounge.movements" not in visible
