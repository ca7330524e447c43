"""住民基本台帳の一部の写し（閲覧用） on PostgreSQL (標準仕様書 9.5, j1320; 住民基本台帳法第11条・第11条の2): the list
as PDF and CSV, the protected left out with everyone at their address, 交付履歴 (j300) and the audit trail."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.common.errors import PermissionRefused
from jichitai.registry import approval, inspection
from jichitai.registry.domain import NewPerson
from jichitai.registry.domain.inspection import Criteria, Order
from jichitai.registry.models import CertificateIssuance, InspectionRequest
from jichitai.registry.services import apply
from tests.registry.certificates.factories import pdf_pages
from tests.registry.conftest import move_in_command

pytestmark = pytest.mark.django_db
KANO = "281100001"
TODAY = dt.date(2026, 12, 7)


def application(**kw: Any) -> inspection.Application:
    values: dict[str, Any] = dict(requester_kind="private", requester_name="神戸大学 社会調査研究室",
                                  purpose_kind="research", purpose="市民意識調査の対象者の抽出",
                                  viewers=("調査 一郎（神戸市灘区六甲台町1-1）",), requested_on=dt.date(2026, 12, 1))
    values.update(kw)
    return inspection.Application(**values)


@pytest.fixture
def street(towns: Any, clerk: Any) -> dict[str, list[str]]:
    """加納町1番地: the 青木 household and, at the same place, the 石田 household; 加納町2番地: the 上田 household;
    三宮町: 江藤."""
    aoki = apply(move_in_command(), actor=clerk).atena_numbers
    ishida = apply(move_in_command(persons=(NewPerson("石田 一郎", "イシダ イチロウ", dt.date(1950, 3, 3), "M", "世帯主"),)),
                   actor=clerk).atena_numbers
    ueda = apply(move_in_command(banchi="2番地", persons=(
        NewPerson("上田 春子", "ウエダ ハルコ", dt.date(2000, 4, 1), "F", "世帯主"),)), actor=clerk).atena_numbers
    eto = apply(move_in_command(town_code="281100002", persons=(
        NewPerson("江藤 次郎", "エトウ ジロウ", dt.date(1990, 5, 5), "M", "世帯主"),)), actor=clerk).atena_numbers
    return {"aoki": list(aoki), "ishida": list(ishida), "ueda": list(ueda), "eto": list(eto)}


def flat(pdf: bytes, tmp_path: Any) -> str:
    return "".join("".join(pdf_pages(pdf, tmp_path)).split())


def test_pdf_lists_the_four_items_of_the_town_and_records_the_request(street: Any, clerk: Any, tmp_path: Any) -> None:
    """independent: 法第11条第1項 (氏名・出生の年月日・男女の別・住所 only), j1320 (PDF), j300 (交付履歴の項目)."""
    made = inspection.make(actor=clerk, criteria=Criteria((KANO,), TODAY), application=application(),
                           output="pdf", terminal="本庁1", today=TODAY)
    text = flat(made.content, tmp_path)
    assert "住民基本台帳の一部の写し（閲覧用）" in text
    for name in ("青木太郎", "青木花子", "石田一郎", "上田春子"):
        assert name in text
    assert "江藤次郎" not in text                                  # another 町字
    assert "兵庫県神戸市中央区加納町1番地" in text and "昭和55年1月7日" in text and "男" in text
    assert "世帯主" not in text and "本籍" not in text and "123456789018" not in text
    assert street["aoki"][0] not in text                         # no 宛名番号
    record = InspectionRequest.objects.get()
    issued = record.issuance
    assert (issued.kind, issued.issued_by_id, issued.terminal, issued.requester_kind) == (
        "etsuran", clerk.pk, "本庁1", "third_party")
    assert sorted(issued.atena_numbers) == sorted(street["aoki"] + street["ishida"] + street["ueda"])
    assert issued.pages >= 1 and issued.issue_number.split("-")[1] in text
    assert record.count == 4 and record.viewers.startswith("調査 一郎") and record.purpose_kind == "research"
    entry = AuditEntry.objects.get(action="registry.inspection", outcome="ok")
    assert entry.resource == f"inspection:{record.pk}" and street["ueda"][0] in entry.detail["subjects"]


def test_a_protected_person_and_everyone_at_their_address_never_appear(
        street: Any, clerk: Any, protect: Callable[..., Any], tmp_path: Any) -> None:
    """independent: j1320 「支援対象者を除く」; 住基法第11条の2 with the 支援措置 — the household member and the other
    household at the same 番地 would print the protected address: left out too, in PDF and CSV, in both orders;
    each one left out audited (withheld), and the list does not say who or how many."""
    protect(street["aoki"][1], starts_on=TODAY)           # 青木 花子 under 支援措置
    for order, output in ((Order.ADDRESS, "pdf"), (Order.RANDOM, "csv")):
        made = inspection.make(actor=clerk, criteria=Criteria((KANO,), TODAY, order=order),
                               application=application(), output=output, today=TODAY)
        text = flat(made.content, tmp_path) if output == "pdf" else made.content.decode("utf-8-sig")
        assert "青木" not in text and "石田" not in text and "加納町1番地" not in text
        assert "上田" in text and "支援" not in text
        assert made.record.issuance.atena_numbers == street["ueda"]
    withheld = AuditEntry.objects.filter(action="registry.inspection", outcome="withheld")
    assert {e.resource for e in withheld} == {f"resident:{a}" for a in street["aoki"] + street["ishida"]}
    assert all(e.detail["protected_by"] == [street["aoki"][1]] for e in withheld)


def test_view_suppression_and_issuance_suppression_also_leave_people_out(
        street: Any, clerk: Any, protect: Callable[..., Any]) -> None:
    """independent: 照会抑止 (3.1) covers the household and place; 発行抑止 (j410) the person."""
    protect(street["ishida"][0], kind="view", starts_on=TODAY)
    protect(street["ueda"][0], kind="issuance", starts_on=TODAY)
    made = inspection.make(actor=clerk, criteria=Criteria((KANO,), TODAY), application=application(),
                           output="csv", today=TODAY)
    assert made.record.issuance.atena_numbers == []


def test_csv_has_the_header_and_words_and_neutralises_formulas(street: Any, clerk: Any) -> None:
    """independent: j1320 (CSV形式のテキストファイル); consistency: a cell starting with = is written as text."""
    made = inspection.make(actor=clerk, criteria=Criteria((KANO,), TODAY, age_from=40), application=application(),
                           output="csv", today=TODAY)
    rows = list(csv.reader(io.StringIO(made.content.decode("utf-8-sig"))))
    assert rows[0] == ["番号", "住所", "氏名", "生年月日", "性別"]
    assert [r[2] for r in rows[1:]] == ["青木 太郎", "青木 花子", "石田 一郎"]   # 上田 (26) is under 40
    assert rows[1] == ["1", "兵庫県神戸市中央区加納町1番地", "青木 太郎", "昭和55年1月7日", "男"]
    assert made.filename.endswith(".csv") and made.record.issuance.pages == 0
    written = inspection._csv([("1", "=HYPERLINK(\"x\")", "a", "b", "c")]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(written)))[1][1] == "'=HYPERLINK(\"x\")"


def test_a_move_in_waiting_for_approval_is_not_listed(street: Any, clerk: Any) -> None:
    """independent: j530 — 仮登録 data is not on the 住民票 (本登録 only); making the list is not blocked."""
    approval.propose(move_in_command(banchi="3番地", persons=(
        NewPerson("仮野 登録", "カリノ トウロク", dt.date(1970, 1, 1), "M", "世帯主"),)), actor=clerk)
    made = inspection.make(actor=clerk, criteria=Criteria((KANO,), TODAY), application=application(),
                           output="csv", today=TODAY)
    assert "仮野" not in made.content.decode("utf-8-sig") and made.record.count == 4


def test_permission_and_bad_requests_are_refused_and_nothing_is_recorded(
        street: Any, make_staff: Callable[..., Any], clerk: Any) -> None:
    """consistency: one permission check (allowed), audited; a request without 閲覧者 or with the wrong purpose."""
    auditor = make_staff(roles=["auditor"])
    with pytest.raises(PermissionRefused):
        inspection.make(actor=auditor, criteria=Criteria((KANO,), TODAY), application=application())
    assert AuditEntry.objects.filter(action="registry.inspection", outcome="refused").count() == 1
    for bad, item in ((application(viewers=("",)), "viewers"), (application(purpose_kind="official"), "purpose_kind")):
        with pytest.raises(inspection.RegistryError) as err:
            inspection.make(actor=clerk, criteria=Criteria((KANO,), TODAY), application=bad)
        assert err.value.fields["field"] == item
    with pytest.raises(inspection.RegistryError, match="住所辞書にない町字"):
        inspection.make(actor=clerk, criteria=Criteria(("999",), TODAY), application=application())
    assert not CertificateIssuance.objects.exists() and not InspectionRequest.objects.exists()
