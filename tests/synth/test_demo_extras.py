"""`jichitai demo_extras` on a tiny synthetic city: every part of the demo gets data (reports received through
the hub, declarations reviewed, the assessment, the lake's lounge zone, the marts), and a second run adds
nothing."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from jichitai.declarations.models import CityRecord, Declaration, ReviewDecision, Status
from jichitai.hub.models import ExchangedFile, FeedEvent
from jichitai.lake import catalog as lake_catalog
from jichitai.lake.schemas import LOUNGE_TABLES
from jichitai.lounge import services as lounge
from jichitai.lounge.refresh import MartSet
from jichitai.registry.models import OutboxEvent
from jichitai.synth.city import Options, generate
from jichitai.tax.assessment.services import ward_summary
from jichitai.tax.collection.models import CollectionSchedule
from jichitai.tax.models import Assessment, Payment, ReceivedReport
from tests.hub.conftest import lake  # noqa: F401 - the fixture, used through usefixtures
from tests.synth.test_city import empty_registry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lake")]

TINY = {"population": 300, "years": 1, "seed": 7, "end": dt.date(2026, 4, 1)}


@pytest.fixture
def city(tmp_path: Path) -> Iterator[Path]:
    empty_registry()
    generate(Options(out=tmp_path / "synth", **TINY))
    lounge.use_catalog(None)  # the lounge reads the test's lake
    yield tmp_path / "synth"
    lounge.use_catalog(None)
    import shutil

    from jichitai.lounge import boundaries

    shutil.rmtree(boundaries.folder(), ignore_errors=True)  # the other lounge tests start without a map


def run(synth: Path) -> str:
    out = io.StringIO()
    call_command("demo_extras", "--synth-dir", str(synth), stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (
        Assessment, ReceivedReport, Declaration, ReviewDecision, ExchangedFile, FeedEvent, Payment)}


def lake_tables() -> dict[str, tuple[int, int | None]]:
    """Rows and current snapshot of every lake table."""
    cat = lake_catalog.catalog()
    found = {}
    for ident in lake_catalog.tables(cat):
        t = cat.load_table(ident)
        snap = t.current_snapshot()
        found[ident] = (t.scan().to_arrow().num_rows, snap.snapshot_id if snap else None)
    return found


def test_every_part_gets_data_and_a_second_run_changes_nothing(city: Path) -> None:
    import shutil

    from django.conf import settings

    shutil.rmtree(Path(settings.CONFIG.var_dir) / "collection" / "2026", ignore_errors=True)  # files of an earlier run
    text = run(city)
    assert "デモデータの準備" in text and "区別集計" in text
    # the portal's address and a resident to sign in with: one who can start a declaration (no 支援措置)
    assert "/declarations/portal/" in text
    number = re.search(r"デモ用の住民ログイン: 個人番号 (\d{12})", text)
    assert number, text[-500:]
    from jichitai.registry.models import Resident
    from jichitai.registry.store import my_number_index

    assert Resident.objects.filter(my_number_index=my_number_index(number.group(1)), status="active").exists()

    # the reports came in through the hub's file intake and were stored for the tax context
    # the 障害者手帳 and 国保税 files are stored for the declarations review and not landed in the lake: a disability
    # is 要配慮個人情報 (個人情報保護法第2条第3項), kept out of the analytics copy
    assert set(ExchangedFile.objects.values_list("layout", "status")) == {
        (f, "landed") for f in ("salary-report", "pension-report", "kokuho-shikaku", "jido-teate", "kaigo-nintei")
    } | {("final-return", "accepted"), ("pension-withholding-target", "accepted"), ("kokuho-zei", "accepted"), ("shogai-techo", "accepted"),
         # the hub worker placed the 宛名 extract for the systems that receive it as a file (ファイル連携, b5fc8b9)
         ("atena-extract", "placed")}
    # the 確定申告書 data go to the tax office only, not to the lake
    assert CityRecord.objects.filter(system="disability").exists()
    assert CityRecord.objects.filter(system="kokuho_tax", amount__gt=0).exists()
    assert ReceivedReport.objects.filter(kind="salary_report").exists()
    assert ReceivedReport.objects.filter(kind="pension_report").exists()
    # every declaration was reviewed; the accepted ones reached the assessment
    assert Declaration.objects.exists()
    assert not Declaration.objects.filter(status=Status.SUBMITTED).exists()
    assert ReviewDecision.objects.count() == Declaration.objects.count()
    accepted = Declaration.objects.filter(status=Status.AUTO_ACCEPTED).values_list("atena_number", flat=True)
    assert Assessment.objects.filter(atena_number__in=list(accepted), source__startswith="declaration:").exists()
    # the annual assessment: everyone on 1 January, summed by ward
    assert Assessment.objects.filter(fiscal_year=2026, source="reports").exists()
    # the 確定申告書 (国税連携) of the self-employed came in and their assessment is computed from it
    from jichitai.tax.models import FinalReturn

    assert FinalReturn.objects.exists()
    assert Assessment.objects.filter(fiscal_year=2026, source__startswith="final_return:").exists()
    assert sum(w["assessed"] for w in ward_summary(2026)) == Assessment.objects.filter(fiscal_year=2026).count()
    # 年金特徴 (consistency, 地方税法第321条の7の2): the 年金保険者's notice came in through the hub, so some pensioners'
    # schedules withhold from the pension (first year: October, December, February) and the 年金保険者 gets its file
    # (第321条の7の5第1項)
    from jichitai.tax.collection.models import CollectionInstalment
    from jichitai.tax.models import PensionWithholdingTarget

    assert PensionWithholdingTarget.objects.filter(fiscal_year=2026).exists()
    withheld = CollectionInstalment.objects.filter(schedule__fiscal_year=2026, schedule__current=True, method="pension",
                                                   amount__gt=0)
    assert withheld.exists()
    assert {m.month for m in withheld.values_list("month", flat=True)} == {10, 12, 2}
    payers = set(withheld.values_list("payer_number", flat=True))
    folder = Path(settings.CONFIG.var_dir) / "collection" / "2026" / "nenkin"
    assert all((folder / f"{payer}.csv").is_file() for payer in payers)
    # 収納: the synthetic コンビニ速報 recorded some 期 as paid, its one wrong row listed beside the file
    from jichitai.tax.collection import receipts
    from jichitai.tax.collection.domain.receipts import PAID

    paid = Payment.objects.filter(fiscal_year=2026, channel="cvs")
    assert paid.exists()
    someone = CollectionSchedule.objects.get(fiscal_year=2026, current=True, atena_number=paid[0].atena_number)
    assert PAID in [t.state for t in receipts.settlement(someone).states]
    shuno = Path(settings.CONFIG.var_dir) / "collection" / "2026" / "shuno"
    assert "収納金額" in (shuno / ("sokuhou_demo.csv" + receipts.UNMATCHED_SUFFIX)).read_text(encoding="utf-8-sig")
    # the outbox went through the hub, every lounge table has rows, the marts were refreshed from them
    assert FeedEvent.objects.count() == OutboxEvent.objects.count() > 0
    before, zones = counts(), lake_tables()
    assert all(zones[f"lounge.{name}"][0] > 0 for name in LOUNGE_TABLES), zones
    marts = MartSet.load(lounge.marts_dir())
    assert marts is not None
    assert {n: li.snapshot_id for n, li in marts.lineage.items()} == {
        name: zones[f"lounge.{name}"][1] for name in LOUNGE_TABLES}
    assert marts.tables["tax_by_ward"].num_rows > 0 and marts.tables["declarations"].num_rows > 0
    # the lounge's maps: SYNTHETIC boundaries for every 町字 of the 住所辞書, its wards and 小学校区
    from jichitai.lounge import boundaries
    from jichitai.registry.models import Town

    towns = boundaries.load("town")
    assert towns is not None and towns.synthetic
    assert sorted(f["properties"]["code"] for f in towns.features) == sorted(Town.objects.values_list("code", flat=True))
    assert {f["properties"]["code"] for f in boundaries.load("ward").features} == set(  # type: ignore[union-attr]
        Town.objects.values_list("ward_code", flat=True))

    run(city)
    assert counts() == before
    assert lake_tables() == zones  # the same rows, and not even a new snapshot in any lake table
