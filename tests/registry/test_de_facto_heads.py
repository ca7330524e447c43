"""事実上の世帯主 (住民記録システム標準仕様書 4.1.4.3, j740) on PostgreSQL: held per household with every 記載・削除,
printed in the 備考 (統合記載欄 C類型, j140) of the household's 住民票の写し.

j740: 「…事実上の世帯主を管理し、統合記載欄の備考（Ｃ類型）へその者の氏名が記載できること。」
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, transaction

from jichitai.audit.models import AuditEntry
from jichitai.registry import de_facto_heads
from jichitai.registry.certificates.services import issue
from jichitai.registry.certificates.snapshot import CertificateFormat, CertificateRequest
from jichitai.registry.domain.errors import RegistryError, SuppressedError
from jichitai.registry.models import DeFactoHead
from tests.registry.certificates.factories import pdf_pages

pytestmark = pytest.mark.django_db
NAME = "SMITH JOHN"


def _text(household: Any, clerk: Any, tmp_path: Any, fmt: CertificateFormat = CertificateFormat.SETAI_RENKI) -> str:
    tmp_path.mkdir(parents=True, exist_ok=True)
    issued = issue(actor=clerk, setai_number=household.setai_numbers[0], requester_kind="self",
                   request=CertificateRequest(fmt, tuple(household.atena_numbers)))
    return "".join("".join(pdf_pages(issued.pdf, tmp_path)).split())


def test_the_certificate_prints_the_de_facto_head_in_the_remarks(household: Any, clerk: Any, tmp_path: Any) -> None:
    """Independent (j740 「統合記載欄の備考（Ｃ類型）へその者の氏名が記載できること」): recorded, the 住民票の写し's 備考
    says 事実上の世帯主 SMITH JOHN for each member (a 個人票 of one member too); deleted, it no longer does. The
    世帯主 printed stays the one on the 住民票."""
    setai = household.setai_numbers[0]
    assert "事実上の世帯主" not in _text(household, clerk, tmp_path)
    de_facto_heads.record(clerk, setai, NAME)
    text = _text(household, clerk, tmp_path)
    assert text.count("備考事実上の世帯主SMITHJOHN") == len(household.atena_numbers)
    assert "世帯主青木太郎" in text
    assert "事実上の世帯主SMITHJOHN" in _text(household, clerk, tmp_path / "kojin", CertificateFormat.KOJIN)
    de_facto_heads.record(clerk, setai, "", delete=True)
    assert "事実上の世帯主" not in _text(household, clerk, tmp_path / "after")


def test_every_record_and_deletion_kept_with_who_and_when(household: Any, clerk: Any, supervisor: Any) -> None:
    """Consistency (our keeping, j740 「管理し」): 記載 by a clerk, a new name by a supervisor, 削除: three rows, the
    latest in force, each audited on the household naming its members; the database refuses to change a row."""
    setai = household.setai_numbers[0]
    de_facto_heads.record(clerk, setai, NAME)
    de_facto_heads.record(supervisor, setai, "児童養護施設長　神戸 一")
    assert de_facto_heads.name_of(setai) == "児童養護施設長　神戸 一"
    de_facto_heads.record(clerk, setai, "", delete=True)
    rows = de_facto_heads.history_of(setai)
    assert [r.name for r in rows] == ["", "児童養護施設長　神戸 一", NAME] and de_facto_heads.name_of(setai) == ""
    assert rows[1].set_by.startswith(supervisor.full_name)
    audits = AuditEntry.objects.filter(action=de_facto_heads.ACTION, resource=f"household:{setai}").order_by("seq")
    assert [a.detail["operation"] for a in audits] == ["record", "record", "delete"]
    for attempt in (lambda: DeFactoHead.objects.filter(pk=rows[0].pk).update(name="書き換え"),
                    lambda: DeFactoHead.objects.filter(pk=rows[0].pk).delete()):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()


def test_refusals(household: Any, clerk: Any, protect: Any) -> None:
    """Bad input, each refused in Japanese with nothing kept: the same name again, a deletion when none is recorded,
    an unknown household, and a household one of whose members is under 照会抑止 (3.1)."""
    setai = household.setai_numbers[0]
    de_facto_heads.record(clerk, setai, NAME)
    for call, code in ((lambda: de_facto_heads.record(clerk, setai, f" {NAME} "), "no_change"),
                       (lambda: de_facto_heads.record(clerk, "000000000000999", NAME), "no_household")):
        with pytest.raises(RegistryError) as info:
            call()
        assert info.value.code == code
    de_facto_heads.record(clerk, setai, "", delete=True)
    with pytest.raises(RegistryError) as info:
        de_facto_heads.record(clerk, setai, "", delete=True)
    assert info.value.code == "no_change"
    protect(household.atena_numbers[1], kind="view")
    with pytest.raises(SuppressedError):
        de_facto_heads.record(clerk, setai, NAME)
    assert DeFactoHead.objects.count() == 2
