"""Snapshots built by hand for the renderer tests (factories take keyword overrides)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

from jichitai.registry.certificates.snapshot import (
    Address,
    Certificate,
    CertificateFormat,
    CertificateRequest,
    Certifier,
    ForeignItems,
    HouseholdSnapshot,
    IssueNumber,
    PersonEntry,
)

D = dt.date


def person(**kw: Any) -> PersonEntry:
    base = PersonEntry(
        atena_number="000000000000019", name="神戸　太郎", kana="コウベ　タロウ", birth_date=D(1980, 4, 1),
        sex="男",
        relationship="世帯主", became_resident_on=D(2010, 5, 6), address_set_on=D(2015, 3, 1),
        notified_on=D(2015, 3, 2), previous_address="大阪府大阪市北区梅田一丁目1番1号",
        honseki="兵庫県神戸市中央区加納町六丁目5番地", hittosha="神戸　太郎", my_number="123456789018",
        juminhyo_code="98765432109",
    )
    return replace(base, **kw)


def household(n_children: int = 2, foreigner: bool = True) -> HouseholdSnapshot:
    members = [
        person(),
        person(atena_number="000000000000027", name="神戸　花子", kana="コウベ　ハナコ",
               birth_date=D(1982, 7, 7), sex="女", relationship="妻", old_surname="山田", my_number="", juminhyo_code="11111111118"),
    ]
    for i in range(n_children):
        members.append(person(atena_number=f"00000000000{100 + i:03d}9"[-15:], name=f"神戸　子{i + 1}",
                              kana="コウベ　コ", birth_date=D(2012 + i, 1, 8), relationship="子",
                              my_number="", juminhyo_code="", previous_address="", became_resident_on=D(2012 + i, 1, 8)))
    if foreigner:
        members.append(person(
            atena_number="000000000000051", name="WANG LI", kana="ワン　リー", birth_date=D(1995, 2, 3),
            sex="女",
            relationship="同居人", became_resident_on=None, previous_address="中華人民共和国", honseki="",
            hittosha="", my_number="", juminhyo_code="",
            foreign=ForeignItems("WANG LI", "中国", "中長期在留者", "留学", "2年", D(2027, 3, 31),
                                 "AB12345678CD", D(2024, 4, 1)),
        ))
    address = Address("兵庫県神戸市中央区加納町六丁目5番1号", "神戸ハイツ201号")
    return HouseholdSnapshot("100000000000017", address, "神戸　太郎", tuple(members))


def certificate(hh: HouseholdSnapshot | None = None, fmt: CertificateFormat = CertificateFormat.SETAI_RENKI,
                members: tuple[str, ...] | None = None, **request: Any) -> Certificate:
    hh = hh or household()
    chosen = members if members is not None else tuple(m.atena_number for m in hh.members)
    req = CertificateRequest(fmt, chosen, **request)
    day = D(2026, 11, 26)
    count = len(chosen) if fmt is CertificateFormat.KOJIN else 1
    numbers = tuple(IssueNumber(day, "神戸市", "本庁1", "", 11 + i) for i in range(count))
    return Certificate(hh, req, Certifier("神戸市長", "久元　喜造"), day, numbers,
                       whole_household=set(chosen) == {m.atena_number for m in hh.members})


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page, through poppler's pdftotext (installed by scripts/install-system-deps.sh)."""
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) missing: run scripts/install-system-deps.sh"
    src = tmp_path / "c.pdf"
    src.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(src), "-"], capture_output=True, check=True, text=True)
    return out.stdout.split("\f")[:-1] if out.stdout.endswith("\f") else out.stdout.split("\f")

