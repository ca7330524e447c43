"""Rotating the 個人番号 keys on a small city (issue 18, item 7 "Secrets at rest"): after ``jichitai vault
rotate`` every ciphertext, blind index and sealed file is under the new key, and everything reads with the old
key removed; a look-up by 個人番号 finds the same person before, during and after; the data of a city that began
before key ids (old formats) still reads and is moved too; an interrupted rotation resumes.

Expected values are the 個人番号 the test itself registered and the bytes of the file it sent (independent of
the code under test) unless a docstring says **consistency**."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jichitai.audit.models import AuditEntry
from jichitai.common import vault
from jichitai.common.checkdigit import make_my_number
from jichitai.declarations import filing
from jichitai.declarations.models import ClaimedRelative, Declaration
from jichitai.declarations.sealing import unseal
from jichitai.hub import files, oauth
from jichitai.hub.models import ExchangedFile, System
from jichitai.registry.domain import NewPerson
from jichitai.registry.models import Resident
from jichitai.registry.search import search
from jichitai.registry.services import apply
from jichitai.registry.store import to_person
from jichitai.rotation import services
from jichitai.tax import report_intake, reports
from jichitai.tax.models import ReceivedReport
from tests.declarations.domain.factories import record
from tests.hub.conftest import hub_catalogue, lake, make_system  # noqa: F401 (fixtures)
from tests.registry.conftest import clerk, move_in_command, towns  # noqa: F401 (fixtures)
from tests.tax.test_reports import salary_row

pytestmark = pytest.mark.django_db

PEOPLE = [make_my_number(71000000000 + i) for i in range(12)]
CHILD = make_my_number(72000000001)  # a dependant named in a declaration only, never a resident


@pytest.fixture
def keys(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """This test's own key files: the current key and a folder of retired ones (the session's stay untouched)."""
    folder = tmp_path / "keys"
    folder.mkdir()
    (folder / "mynumber.key").write_bytes(os.urandom(32))
    settings.CONFIG = dataclasses.replace(settings.CONFIG, mynumber_key_file=folder / "mynumber.key",
                                          mynumber_retired_keys=folder / "retired")
    vault.reset()
    yield folder
    vault.reset()


@pytest.fixture
def city(keys: Path, towns: Any, clerk: Any, make_system: Any, lake: Any) -> dict[str, Any]:  # noqa: F811
    """12 residents with a 個人番号, a 給与支払報告書 file for each received through the hub (sealed), an OAuth
    client secret, and a declaration that claims a dependant (its 個人番号 sealed inside, indexed for 二重扶養); a
    lake of its own (the rotation's lake phase opens it)."""
    persons = tuple(NewPerson(f"鍵 {i:02d}", "カギ タロウ", dt.date(1970, 1, 1 + i), "M",
                              "世帯主" if i == 0 else "同居人", my_number=n) for i, n in enumerate(PEOPLE))
    atenas = list(apply(move_in_command(persons=persons), actor=clerk).atena_numbers)
    system, _ = make_system(code="kojin_juminzei_key", feeds={"salary-report": None}, my_number=True)
    secret = oauth.issue_client_secret(system)
    system.save()
    rows = [salary_row(my_number=n, name=f"鍵 {i:02d}", salary_paid=5_000_000 + i * 1000)
            for i, n in enumerate(PEOPLE)]
    sent = reports.write_rows(reports.SALARY_REPORT, rows).encode("cp932")
    received = files.receive(system, "salary-report", "kyuyo.csv", sent).file
    assert received.status == "accepted", received.problems
    child = {"my_number": CHILD, "name": "鍵 子", "birth_date": "2010-04-01", "total_income": 0,
             "relation": "child", "cohabiting": True}
    filing.import_records([record(my_number=PEOPLE[0], dependents=[child])], fiscal_year=2026, actor="system:test")
    return {"atenas": dict(zip(PEOPLE, atenas, strict=True)), "system": system, "secret": secret,
            "file": received, "sent": sent}


def _new_key(keys: Path) -> str:
    return vault.install_key(keys / "mynumber.key", keys / "retired", os.urandom(32))[1]


def _found(number: str) -> list[str]:
    return [r["atena_number"] for r in search(my_number=number)]


def _everything_reads(city: dict[str, Any]) -> None:
    """Each resident's 個人番号, the look-up by number, the reports by number, the sealed file, the secret and
    the declaration, as the city registered them."""
    for number, atena in city["atenas"].items():
        assert to_person(Resident.objects.get(pk=atena)).my_number == number
        assert _found(number) == [atena]
        assert [r.amount for r in report_intake.reports_for(number, 2025)] == [
            5_000_000 + PEOPLE.index(number) * 1000]
    assert files.stored_bytes(ExchangedFile.objects.get(pk=city["file"].pk)) == city["sent"]
    assert oauth.client_secret(System.objects.get(pk=city["system"].pk)) == city["secret"]
    (d,) = Declaration.objects.all()
    filed = unseal(d.data)
    assert filed["my_number"] == PEOPLE[0] and filed["case"]["dependents"][0]["my_number"] == CHILD


def _joined(city: dict[str, Any]) -> None:
    """consistency: each person's rows are under one index in every table (the joins of the assessment)."""
    ring = services.keyring()
    for atena in city["atenas"].values():
        index = Resident.objects.get(pk=atena).my_number_index
        assert set(ReceivedReport.objects.filter(recipient_my_number__in=[
            r.recipient_my_number for r in ReceivedReport.objects.all()
            if ring.decrypt(r.recipient_my_number) == ring.decrypt(Resident.objects.get(pk=atena).my_number_encrypted)
        ]).values_list("recipient_index", flat=True)) == {index}
        for report in ReceivedReport.objects.filter(recipient_index=index):
            assert report.data["my_number"] == "bi:" + index
    (d,) = Declaration.objects.all()
    assert d.owner_index == Resident.objects.get(pk=city["atenas"][PEOPLE[0]]).my_number_index


def test_after_a_rotation_everything_is_under_the_new_key_and_reads_without_the_old(city: dict[str, Any],
                                                                                 keys: Path) -> None:
    _everything_reads(city)
    old = services.keyring().key_id
    new = _new_key(keys)
    assert new != old
    _everything_reads(city)  # the new key is current, nothing moved yet: read with the retired key
    done = services.rotate(batch=5)
    assert done.numbers == len(PEOPLE) + 1 and done.resealed_files == 1 and done.resealed_secrets == 1
    counts = services.status()
    assert services.remaining(counts, new) == 0
    assert all(set(c) <= {new} for label, c in counts.items() if label not in services.INDEX_LABELS)
    assert {vault.token_key_id(t) for t in Resident.objects.values_list("my_number_encrypted", flat=True)} == {new}
    shutil.rmtree(keys / "retired")  # the retired key removed: everything still reads
    vault.reset()
    assert services.keyring().retired == ()
    _everything_reads(city)
    _joined(city)
    ring = services.keyring()
    assert set(ClaimedRelative.objects.values_list("claimed_index", flat=True)) == {ring.blind_index(CHILD)}
    # the report's spouse/relatives' indexes inside data moved too: no value of the old key is left anywhere
    assert services.rotate().reindexed == {} and sum(services.rotate().reencrypted.values()) == 0


def test_a_look_up_by_number_finds_the_same_person_during_an_interrupted_rotation_which_then_resumes(
        city: dict[str, Any], keys: Path) -> None:
    before = {n: _found(n) for n in PEOPLE}
    new = _new_key(keys)

    class Stop(Exception):
        pass

    class StopAfterOneBatch(services.Silent):
        def advance(self, phase: str, n: int) -> None:
            if phase == "people":
                raise Stop

    with pytest.raises(Stop):
        services.rotate(batch=4, progress=StopAfterOneBatch())
    moved = Resident.objects.filter(my_number_encrypted__startswith=f"v2:{new}:").count()
    assert 0 < moved < len(PEOPLE)  # half way: some people under the new key, the others under the old
    assert {n: _found(n) for n in PEOPLE} == before
    _everything_reads(city)
    _joined(city)
    # the payer sends the same reports again (other bytes) while the rotation is half way: each is matched with
    # the report stored under its person's index, whichever key that is, and not stored a second time
    again = files.receive(city["system"], "salary-report", "kyuyo-utf8.csv", city["sent"].decode("cp932").encode())
    assert again.file.status == "accepted" and not again.duplicate
    assert ReceivedReport.objects.count() == ReceivedReport.in_force().count() == len(PEOPLE)
    services.rotate(batch=4)
    assert services.remaining(services.status(), new) == 0
    assert {n: _found(n) for n in PEOPLE} == before
    _joined(city)


def test_a_resident_signed_in_before_the_rotation_still_sees_their_declaration(city: dict[str, Any],
                                                                            keys: Path) -> None:
    """The portal session holds the blind index it was opened with; after the rotation the resident's page
    still lists their own declaration (found through their registry row, not the stale index)."""
    import re

    from django.test import Client

    (d,) = Declaration.objects.all()
    c = Client(enforce_csrf_checks=True)
    page = c.get("/declarations/portal/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    r = c.post("/declarations/portal/", {"my_number": PEOPLE[0], "csrfmiddlewaretoken": token.group(1)})
    assert r.status_code == 302
    assert d.receipt_number
    mine = f"/declarations/portal/r/{d.receipt_number}/"
    assert mine in c.get("/declarations/portal/").content.decode()
    _new_key(keys)
    services.rotate()
    assert mine in c.get("/declarations/portal/").content.decode()


def _legacy_token(master: bytes, number: str) -> str:
    """A ciphertext as the platform wrote it before key ids (vault.py at a35113c): base64(nonce + AES-GCM) under
    the HKDF "jichitai mynumber encryption" key, associated data b"mynumber"."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"jichitai mynumber encryption").derive(master)
    nonce = os.urandom(12)
    return base64.urlsafe_b64encode(nonce + AESGCM(key).encrypt(nonce, number.encode(), b"mynumber")).decode()


def _legacy_sealed(master: bytes, data: bytes, label: str) -> bytes:
    """A file sealed before key ids: b"JSEAL1" + nonce + AES-GCM under "jichitai file encryption", label as AAD."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"jichitai file encryption").derive(master)
    nonce = os.urandom(12)
    return b"JSEAL1" + nonce + AESGCM(key).encrypt(nonce, data, label.encode())


def test_a_city_that_began_before_key_ids_keeps_reading_and_is_moved_too(city: dict[str, Any], keys: Path) -> None:
    master = (keys / "mynumber.key").read_bytes()
    for number, atena in city["atenas"].items():
        Resident.objects.filter(pk=atena).update(my_number_encrypted=_legacy_token(master, number))
    f = ExchangedFile.objects.get(pk=city["file"].pk)
    Path(f.stored_path).write_bytes(_legacy_sealed(master, city["sent"], f.audit_label()))
    _everything_reads(city)  # old formats, current key
    new = _new_key(keys)
    _everything_reads(city)  # old formats, retired key
    assert services.remaining(services.status(), new) > 0
    services.rotate()
    assert services.remaining(services.status(), new) == 0
    assert Path(f.stored_path).read_bytes().startswith(b"JSEAL2" + new.encode())
    shutil.rmtree(keys / "retired")
    vault.reset()
    _everything_reads(city)


def test_a_tampered_key_id_is_refused(city: dict[str, Any], keys: Path) -> None:
    """A ciphertext or sealed file whose key id was altered opens under no key: the id is authenticated (GCM
    associated data), so naming another key of the ring fails the tag, and naming a key the ring lacks is
    refused by name; the rotation stops there rather than seal over it."""
    from cryptography.exceptions import InvalidTag

    old = services.keyring().key_id
    new = _new_key(keys)
    ring = services.keyring()
    token = Resident.objects.exclude(my_number_encrypted="").values_list("my_number_encrypted", flat=True)[0]
    assert vault.token_key_id(token) == old
    with pytest.raises(InvalidTag):
        ring.decrypt(token.replace(f"v2:{old}:", f"v2:{new}:"))
    with pytest.raises(vault.KeyringError):
        ring.decrypt(token.replace(f"v2:{old}:", "v2:00000000:"))
    f = ExchangedFile.objects.get(pk=city["file"].pk)
    blob = Path(f.stored_path).read_bytes()
    Path(f.stored_path).write_bytes(blob.replace(b"JSEAL2" + old.encode(), b"JSEAL2" + new.encode(), 1))
    with pytest.raises(InvalidTag):
        files.stored_bytes(f)
    Path(f.stored_path).write_bytes(blob.replace(b"JSEAL2" + old.encode(), b"JSEAL200000000", 1))
    with pytest.raises(vault.KeyringError):
        files.stored_bytes(f)
    with pytest.raises(CommandError, match="鍵束にない鍵"):
        call_command("vault", "rotate")
    assert Path(f.stored_path).read_bytes().startswith(b"JSEAL200000000")  # left as it was
    assert AuditEntry.objects.filter(action="vault.rotate", outcome="failed").count() == 1


def test_the_command_refuses_a_missing_or_short_key_in_japanese_and_audits_counts(city: dict[str, Any],
                                                                                  keys: Path, tmp_path: Path,
                                                                                  capsys: Any) -> None:
    with pytest.raises(CommandError, match=r"新しい鍵ファイル .* がありません"):
        call_command("vault", "rotate", "--new-key", str(tmp_path / "none.key"))
    (tmp_path / "short.key").write_bytes(b"x" * 16)
    with pytest.raises(CommandError, match="短すぎます（16バイト）"):
        call_command("vault", "rotate", "--new-key", str(tmp_path / "short.key"))
    with pytest.raises(CommandError, match="既に鍵束にあります"):
        call_command("vault", "rotate", "--new-key", str(keys / "mynumber.key"))
    assert not (keys / "retired").exists()  # nothing retired by a refusal
    call_command("vault", "rotate", "--generate", "--batch", "3")
    out = capsys.readouterr().out
    assert "更新が終わりました" in out
    entry = AuditEntry.objects.filter(action="vault.rotate").latest("seq")
    assert entry.outcome == "ok" and entry.detail["numbers"] == len(PEOPLE) + 1
    assert not any(n in str(entry.detail) for n in [*PEOPLE, CHILD])
    call_command("vault", "status")
    out = capsys.readouterr().out
    assert "現在の鍵に移っていないもの: 0件" in out and "退役した鍵を削除できます" in out
