"""Lounge pages and API on the fixture: every page renders from disclosure-controlled data, is guarded by
``allowed`` and audited."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.lounge.indicators import INDICATORS

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("slug", sorted(INDICATORS))
def test_every_indicator_page_renders(login_as: Any, lounge: Any, slug: str) -> None:
    client = login_as("counter")
    r = client.get(f"/lounge/i/{slug}/")
    assert r.status_code == 200, r.content[:500]
    body = r.content.decode()
    assert "定義" in body and "application/json" in body
    assert AuditEntry.objects.filter(action="lounge.view", resource=f"lounge.indicator:{slug}").exists()


def test_json_csv_lineage_and_projection(login_as: Any, lounge: Any) -> None:
    client = login_as("counter")
    data = client.get("/lounge/i/population/data.json?area=28101").json()
    assert data["k"] == 10 and data["lineage"][0]["snapshot_id"]
    # a count under k is suppressed; a published count carries cell-key noise of at most ±2 (issue 18), so a
    # true 10 may show as 8
    assert all(r["value"] is None or r["value"] == 0 or r["value"] >= 10 - 2 for r in data["rows"])
    csv = client.get("/lounge/i/population/data.csv?area=28101")
    assert csv.status_code == 200 and "人口" not in csv["Content-Type"]
    assert client.get("/lounge/i/population/lineage/").status_code == 200
    assert client.get("/lounge/projection/?area=28109").status_code == 200
    assert client.get("/api/lounge/indicators/tax_by_ward").status_code == 200


def test_unknown_indicator_and_bad_area(login_as: Any, lounge: Any) -> None:
    client = login_as("counter")
    assert client.get("/lounge/i/nothing/").status_code == 404
    assert client.get("/lounge/i/population/?area=99999").status_code == 400
    assert client.get("/lounge/i/population/?period=1999-01-01").status_code == 400


def test_the_catalogue_offered_to_analysts_holds_only_protected_aggregates(login_as: Any, lounge: Any) -> None:
    """Issue 18 item 1: the Iceberg address offered for analysts' own engines opened the person-level lounge
    tables. Now it is a catalogue of its own with one protected table per indicator; the person-level zone is
    the researcher role's (not the analyst's), and asking for it is audited."""
    from jichitai.lounge.source import catalog

    client = login_as("analyst")
    address = client.get("/api/lounge/catalogue").json()
    assert address["namespace"] == "published"
    cat = catalog(address["catalog_uri"], address["warehouse"])
    assert [ns for ns in cat.list_namespaces()] == [("published",)]
    tables = {ident[-1] for ident in cat.list_tables("published")}
    assert tables and tables <= set(INDICATORS)
    population = cat.load_table("published.population").scan().to_arrow()
    assert "pid" not in population.column_names and "suppressed" in population.column_names
    assert all(v is None or v >= 10 - 2 for v in population["value"].to_pylist() if v != 0)
    assert "lounge" not in client.get("/lounge/export/").content.decode().split("名前空間")[1][:80]
    assert client.get("/api/lounge/catalogue/person-level").status_code == 403
    researcher = login_as("researcher")
    assert researcher.get("/api/lounge/catalogue/person-level").json()["namespace"] == "lounge"
    assert AuditEntry.objects.filter(action="lounge.person_level").exists()


def test_the_export_page_is_one_page_with_each_indicator_and_one_catalogue(login_as: Any, lounge: Any) -> None:
    """Regression: a botched edit left export.html as 8,780 lines of the catalogue section repeated with stray
    characters, without the page frame or the list of files. The page has the site frame, one link pair per
    indicator and the catalogue once; the person-level section only for the researcher (consistency)."""
    page = login_as("analyst").get("/lounge/export/").content.decode()
    assert "<title>" in page and page.count("Iceberg カタログの所在") == 1
    for slug in INDICATORS:
        assert f"/lounge/export/{slug}.parquet" in page and f"/lounge/export/{slug}.csv" in page
    assert "個票（仮名化）テーブル" not in page
    assert "個票（仮名化）テーブル" in login_as("analyst", "researcher").get("/lounge/export/").content.decode()


def test_an_analyst_has_a_daily_number_of_sql_queries(login_as: Any, lounge: Any, settings: Any,
                                                      monkeypatch: Any) -> None:
    """Issue 18 item 1 (differencing): deterministic noise cannot be averaged by asking again, but many
    *different* pairs of queries could be averaged; a daily number of queries per analyst, counted from the
    audit log (answered and refused alike), bounds that. The answer shown is protected (rows under k absent)."""
    monkeypatch.setitem(settings.CONFIG.extras, "lounge_sql_daily_queries", "2")
    client = login_as("analyst")
    query = "select ward_code, count(*) as n from lounge.resident_spells group by 1"
    first = client.post("/lounge/sql/", {"query": query})
    assert first.status_code == 200 and "28101" in first.content.decode()
    assert client.post("/lounge/sql/", {"query": "select max(total_income) from lounge.tax_assessment"}
                       ).status_code == 400
    third = client.post("/lounge/sql/", {"query": query})
    assert third.status_code == 400 and "本日の照会の上限（2件）" in third.content.decode()
    assert login_as("analyst").post("/lounge/sql/", {"query": query}).status_code == 200  # another analyst


def test_the_daily_refresh_rewrites_the_published_catalogue(lounge: Any, db: Any) -> None:
    """The protected catalogue analysts' engines read is rewritten by the daily refresh (not only when someone
    opens the export page), stamped with the snapshots it came from."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("lounge", "refresh", stdout=out)
    assert "with the published catalogue" in out.getvalue()  # the refresh is recorded (MartRefresh) too
    stamp = (lounge.published_dir() / "snapshots.txt").read_text()
    assert stamp.startswith(lounge.snapshot_key(lounge.current().lineage))


def test_the_other_half_of_a_pair_is_blank_for_a_colleague(login_as: Any, lounge: Any) -> None:
    """Issue 18 item 1 (differencing between queries; docs/decisions/0004): the platform remembers every figure
    its SQL console has shown (in the database, for every analyst and server process), so when one analyst has
    seen a town's count with a resident, a colleague asking for the same group without her gets the figure
    blank — the pair is never both published (consistency; the attacks: tests/lounge/test_disclosure_attacks.py)."""
    from jichitai.lounge import sql
    from jichitai.lounge.models import PublishedFigure
    from tests.lounge.test_disclosure_attacks import _pairs, isolated_people

    tables = lounge.zone_tables()
    for _pid, town, ym in isolated_people(tables):
        with_her, without = _pairs(town, ym)[0]
        plain = [sql.run(tables, q, lounge.k(), "plain").rows for q in (with_her, without)]
        if all(r and r[0][-1] != sql.SUPPRESSED for r in plain):
            break
    else:
        pytest.fail("no answerable pair in the lounge fixture")
    first = login_as("analyst").post("/lounge/sql/", {"query": with_her}).content.decode()
    assert "秘匿 0 値" in first and PublishedFigure.objects.exists()
    second = login_as("analyst").post("/lounge/sql/", {"query": without}).content.decode()
    assert "秘匿 1 値" in second
