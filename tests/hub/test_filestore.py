"""The standard's ファイル連携 on object storage (共通機能標準仕様書 §2.2: CSV files placed on object storage) and
on the local folder: sealed copies at rest, files dropped by a system taken in by the hub worker, receipts.

The S3 tests run against a real S3 HTTP server (moto's server, in-process on a loopback port) through the same
client the hub uses in production (pyarrow's S3 filesystem, the one pyiceberg uses for the lake):
``tests/hub/objectstore.py``.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from jichitai.hub import filedrop, files, filestore, landing
from jichitai.hub.models import ExchangedFile
from tests.hub.objectstore import Bucket

pytestmark = pytest.mark.django_db

KAIGO_OK = "宛名番号,要介護度,認定開始日,認定終了日\n100000001,要介護2,2026-04-01,2027-03-31\n100000002,要支援1,2026-05-01,\n"
KAIGO_BAD = "宛名番号,要介護度,認定開始日,認定終了日\n100000001,要介護9,2026-04-01,2027-03-31\n"


def test_received_files_are_sealed_in_the_bucket_and_land_from_it(on_s3: Bucket, make_system: Any,
                                                                  lake: Any) -> None:
    """consistency: a file sent to the hub is kept in the bucket sealed (no 宛名番号 readable in any object),
    read back exactly for landing, and a quarantined one goes to the quarantine prefix."""
    system, _ = make_system(feeds={"kaigo-nintei": None})
    ok = files.receive(system, "kaigo-nintei", "kaigo.csv", KAIGO_OK.encode())
    bad = files.receive(system, "kaigo-nintei", "bad.csv", KAIGO_BAD.encode())
    assert ok.file.status == "accepted" and bad.file.status == "quarantined"
    assert ok.file.stored_path.startswith(f"s3://{on_s3.name}/jichitai/inbox/")
    assert bad.file.stored_path.startswith(f"s3://{on_s3.name}/jichitai/quarantine/")
    stored = on_s3.objects()
    assert len(stored) == 2 and all(b"100000001" not in body for body in stored.values())
    assert files.stored_bytes(ok.file) == KAIGO_OK.encode()
    assert landing.land_files() == 1
    assert lake.load_table("standard.kaigo_nintei").scan().to_arrow().num_rows == 2


def test_a_file_dropped_in_the_bucket_is_taken_in_with_a_receipt(on_s3: Bucket, make_system: Any, lake: Any) -> None:
    """独立 of our layout, from the standard's text: ファイル連携 exchanges CSV files placed on object storage.
    consistency: the worker's cycle takes a dropped file as the API takes an upload, writes the receipt and
    removes the plain object; a second cycle finds nothing."""
    system, _ = make_system(code="kaigo-test", feeds={"kaigo-nintei": None})
    on_s3.put("jichitai/drop/kaigo-test/kaigo-nintei/202604_kaigo.csv", KAIGO_OK.encode("cp932"))
    report = landing.run_cycle(refresh=False)
    assert report.dropped == 1 and report.files == 1
    f = ExchangedFile.objects.get(system=system)
    assert (f.status, f.rows, f.encoding, f.filename) == ("landed", 2, "cp932", "202604_kaigo.csv")
    objects = on_s3.objects()
    assert "jichitai/drop/kaigo-test/kaigo-nintei/202604_kaigo.csv" not in objects
    receipt = json.loads(objects["jichitai/receipts/kaigo-test/kaigo-nintei/202604_kaigo.csv.json"])
    assert receipt["status"] == "accepted" and receipt["rows"] == 2 and receipt["receipt"]["seq"] == f.log_seq
    assert all(b"100000001" not in body for key, body in objects.items() if not key.startswith("jichitai/receipts"))
    assert landing.run_cycle(refresh=False).dropped == 0


def test_a_dropped_file_on_a_feed_not_granted_is_refused_and_said_so(on_s3: Bucket, make_system: Any) -> None:
    """consistency: the grant is checked as for an upload; the receipt says refused, nothing is kept."""
    make_system(code="kaigo-test", feeds={"kaigo-nintei": None})
    on_s3.put("jichitai/drop/kaigo-test/kokuho-shikaku/x.csv", KAIGO_OK.encode())
    on_s3.put("jichitai/drop/no-such-system/kaigo-nintei/y.csv", KAIGO_OK.encode())
    report = filedrop.take_dropped()
    assert (report.taken, report.refused) == (0, 2)
    objects = on_s3.objects()
    refused = json.loads(objects["jichitai/receipts/kaigo-test/kokuho-shikaku/x.csv.json"])
    assert refused["status"] == "refused" and refused["code"] == "feed_refused"
    assert not any(k.startswith("jichitai/drop/") and not k.endswith("/") for k in objects)  # folder markers stay
    assert ExchangedFile.objects.count() == 0


def test_the_same_exchange_through_a_local_folder(on_folder: Any, make_system: Any) -> None:
    """consistency: the folder store behaves as the bucket (sealed copies, drop, receipts)."""
    system, _ = make_system(code="kaigo-test", feeds={"kaigo-nintei": None})
    drop = on_folder / "drop" / "kaigo-test" / "kaigo-nintei"
    drop.mkdir(parents=True)
    (drop / "kaigo_delta.csv").write_bytes(KAIGO_BAD.encode())
    assert filedrop.take_dropped().taken == 1
    f = ExchangedFile.objects.get(system=system)
    assert f.status == "quarantined" and f.mode == "delta" and f.stored_path.startswith(str(on_folder / "quarantine"))
    assert b"100000001" not in (on_folder / "quarantine").joinpath(f.stored_path.rsplit("/", 1)[1]).read_bytes()
    assert not (drop / "kaigo_delta.csv").exists()
    receipt = json.loads((on_folder / "receipts" / "kaigo-test" / "kaigo-nintei" / "kaigo_delta.csv.json").read_text())
    assert receipt["status"] == "quarantined" and receipt["problems"][0]["item"] == "要介護度"


def test_a_file_stored_on_s3_stays_readable_after_the_root_moves_to_a_folder(on_s3: Bucket, make_system: Any,
                                                                           settings: Any, tmp_path: Any) -> None:
    """consistency: reading goes by the locator, not by the current root."""
    system, _ = make_system(feeds={"kaigo-nintei": None})
    f = files.receive(system, "kaigo-nintei", "kaigo.csv", KAIGO_OK.encode()).file
    settings.CONFIG = dataclasses.replace(settings.CONFIG, hub_files=str(tmp_path / "hub"))
    filestore._stores.clear()
    assert files.stored_bytes(f) == KAIGO_OK.encode()


def test_the_setting_refuses_other_schemes() -> None:
    """consistency: JICHITAI_HUB_FILES is a folder or s3://bucket/prefix, nothing else."""
    from jichitai import config
    from jichitai.common.errors import ConfigurationError

    assert config.load({"JICHITAI_HUB_FILES": "s3://b/p"}).hub_files == "s3://b/p"
    with pytest.raises(ConfigurationError):
        config.load({"JICHITAI_HUB_FILES": "gs://b/p"})
