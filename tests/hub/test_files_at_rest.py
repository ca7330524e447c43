"""Secrets at rest (issue 18, item 7): received 給与支払報告書・公的年金等支払報告書 hold 個人番号; the files kept
in the hub's inbox and quarantine are sealed with a key derived from the vault's master key (AES-256-GCM, bound
to the file's record), never plain on disk; landing reads them back (checked against the logged hash).

Independent expectation: no 12-digit 個人番号 of the file appears in any byte under the hub's file directories
(番号法 第12条: 個人番号利用事務実施者 shall take measures to prevent leakage, 安全管理措置)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag

from jichitai.hub import files, landing
from jichitai.hub.models import ExchangedFile
from tests.hub.test_report_files import _file, payroll  # noqa: F401 (fixture)
from tests.tax.test_report_intake_bulk import city_salary_rows

pytestmark = pytest.mark.django_db


def _disk_bytes() -> bytes:
    return b"".join(p.read_bytes() for kind in ("inbox", "quarantine") for p in files.files_dir(kind).rglob("*")
                    if p.is_file())


def test_received_report_files_hold_no_plain_my_number_at_rest(payroll: Any) -> None:  # noqa: F811
    rows = city_salary_rows(50)
    accepted = files.receive(payroll, "salary-report", "kyuyo.csv", _file(rows)).file
    bad = [*city_salary_rows(3), {**rows[0], "my_number": rows[0]["my_number"][:11] + "x"}]
    quarantined = files.receive(payroll, "salary-report", "kyuyo-bad.csv", _file(bad)).file
    assert (accepted.status, quarantined.status) == ("accepted", "quarantined")
    on_disk = _disk_bytes()
    numbers = {str(r["my_number"]) for r in [*rows, *bad]}
    assert numbers and not [n for n in numbers if n.encode() in on_disk or n.encode("utf-16-le") in on_disk]
    # what was sent comes back whole, for landing (and for the quarantine's investigation)
    assert files.stored_bytes(accepted) == _file(rows)
    assert files.stored_bytes(quarantined) == _file(bad)
    assert landing.land_files() == 1


def test_a_sealed_file_swapped_for_another_is_refused(payroll: Any) -> None:  # noqa: F811
    one = files.receive(payroll, "salary-report", "a.csv", _file(city_salary_rows(3))).file
    two = files.receive(payroll, "salary-report", "b.csv", _file(city_salary_rows(4))).file
    Path(one.stored_path).write_bytes(Path(two.stored_path).read_bytes())
    with pytest.raises(InvalidTag):
        files.stored_bytes(ExchangedFile.objects.get(pk=one.pk))


def test_files_stored_plain_before_sealing_are_sealed_by_the_command(payroll: Any) -> None:  # noqa: F811
    from django.core.management import call_command

    data = _file(city_salary_rows(5))
    f = files.receive(payroll, "salary-report", "old.csv", data).file
    plain = Path(f.stored_path).with_suffix("")  # as the hub wrote files before sealing
    plain.write_bytes(data)
    Path(f.stored_path).unlink()
    ExchangedFile.objects.filter(pk=f.pk).update(stored_path=str(plain))
    call_command("hub", "seal-files")
    f.refresh_from_db()
    assert f.stored_path.endswith(".sealed") and not plain.exists()
    assert files.stored_bytes(f) == data
