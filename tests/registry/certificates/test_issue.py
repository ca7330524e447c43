"""Issuing 住民票の写し from the registry on the database: 交付履歴 (j300), audit, 抑止 (j410) and 支援措置 (j440)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry.access import issuances_of
from jichitai.registry.certificates.services import issue
from jichitai.registry.certificates.snapshot import CertificateFormat, CertificateRequest, Omit
from jichitai.registry.domain.errors import RegistryError, SuppressedError
from jichitai.registry.models import CertificateIssuance, Suppression
from tests.registry.certificates.factories import pdf_pages

pytestmark = pytest.mark.django_db


def _request(household: Any, fmt: CertificateFormat = CertificateFormat.SETAI_RENKI, **kw: Any) -> CertificateRequest:
    return CertificateRequest(fmt, tuple(kw.pop("members", household.atena_numbers)), **kw)


def test_issue_whole_household_records_issuance_and_audit(household: Any, clerk: Any, tmp_path: Any) -> None:
    issued = issue(actor=clerk, setai_number=household.setai_numbers[0], request=_request(household),
                   requester_kind="self", requester_name="青木 太郎", purpose="勤務先提出", terminal="本庁1")
    text = "".join("".join(pdf_pages(issued.pdf, tmp_path)).split())
    assert "青木太郎" in text and "青木花子" in text and "世帯全員" in text
    assert "兵庫県神戸市中央区加納町1番地" in text          # address from the 住所辞書
    assert "123456789018" not in text                    # 個人番号 omitted by default
    row = CertificateIssuance.objects.get()
    assert (row.layout, row.pages, row.requester_kind, row.issued_by_id) == ("setai_renki", 1, "self", clerk.pk)
    assert row.atena_numbers == household.atena_numbers and row.omissions["my_number"] is True
    assert row.issue_number.split("-")[1] in text         # the printed 発行番号 carries the stored serial
    entries = AuditEntry.objects.filter(action="registry.certificate.issue", outcome="ok")
    assert sorted(e.resource for e in entries) == sorted(f"resident:{a}" for a in household.atena_numbers)
    assert issuances_of(household.atena_numbers[1]) == [row]


def test_kojin_gives_one_issuance_and_number_per_person(household: Any, clerk: Any) -> None:
    issued = issue(actor=clerk, setai_number=household.setai_numbers[0],
                   request=_request(household, CertificateFormat.KOJIN), requester_kind="household")
    assert len(issued.issuances) == 2
    assert len({r.issue_number for r in issued.issuances}) == 2
    assert [r.atena_numbers for r in issued.issuances] == [[a] for a in household.atena_numbers]


def test_my_number_printed_only_when_asked(household: Any, clerk: Any, tmp_path: Any) -> None:
    issued = issue(actor=clerk, setai_number=household.setai_numbers[0],
                   request=_request(household, omit=frozenset({Omit.HONSEKI})), requester_kind="self")
    assert "123456789018" in "".join("".join(pdf_pages(issued.pdf, tmp_path)).split())


def test_third_party_cannot_get_my_number(household: Any, clerk: Any) -> None:
    with pytest.raises(RegistryError, match="第12条の3"):
        issue(actor=clerk, setai_number=household.setai_numbers[0],
              request=_request(household, omit=frozenset(), third_party=True), requester_kind="third_party")
    assert not CertificateIssuance.objects.exists()
    assert AuditEntry.objects.filter(action="registry.certificate.issue", outcome="refused").count() == 2


def test_support_measure_blocks_third_party_and_is_audited(household: Any, clerk: Any, supervisor: Any) -> None:
    protected = household.atena_numbers[1]
    Suppression.objects.create(atena_number=protected, kind="support", reason="DV", starts_on=dt.date(2026, 1, 1),
                               set_by=supervisor)
    with pytest.raises(SuppressedError, match="支援措置"):
        issue(actor=clerk, setai_number=household.setai_numbers[0],
              request=_request(household, third_party=True), requester_kind="third_party", requester_name="債権者")
    assert not CertificateIssuance.objects.exists()
    refusal = AuditEntry.objects.get(action="registry.certificate.issue", outcome="refused")
    # the first person printed is refused: their address is the protected person's (named in the entry)
    assert refusal.resource == f"resident:{household.atena_numbers[0]}" and refusal.detail["code"] == "suppressed"
    assert refusal.detail["protected_by"] == [protected]
    # the person themself still gets their certificate
    issue(actor=clerk, setai_number=household.setai_numbers[0], request=_request(household, members=[protected]),
          requester_kind="self")
    assert CertificateIssuance.objects.count() == 1


def test_issuance_suppression_blocks_everyone(household: Any, clerk: Any, supervisor: Any) -> None:
    Suppression.objects.create(atena_number=household.atena_numbers[0], kind="issuance", reason="調査中",
                               starts_on=dt.date(2026, 1, 1), set_by=supervisor)
    with pytest.raises(SuppressedError, match="発行抑止"):
        issue(actor=clerk, setai_number=household.setai_numbers[0], request=_request(household),
              requester_kind="self")
    assert not CertificateIssuance.objects.exists()


def test_member_of_another_household_is_refused(household: Any, clerk: Any) -> None:
    with pytest.raises(RegistryError, match="この世帯の住民ではありません"):
        issue(actor=clerk, setai_number=household.setai_numbers[0],
              request=_request(household, members=["000000000000019"]), requester_kind="self")
