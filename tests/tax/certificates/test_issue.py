"""Issuing the 課税（非課税）証明書 on PostgreSQL: who may have it (本人, 同一世帯, 代理人 with 委任状), whom the city
does not tax (1月1日, 地方税法第318条: the refusal names the city to ask), 支援措置 (a 代理人 is a third party), the
交付番号, 交付履歴 and audit, and the PDF read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import subprocess
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry.domain.commands import RecordMoveOut
from jichitai.registry.services import apply
from jichitai.tax.assessment import services as assessment
from jichitai.tax.certificates import services as certs
from jichitai.tax.certificates.models import TaxCertificateIssuance
from jichitai.tax.models import Assessment

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 7, 1)


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return "".join(out.decode().split())  # pdftotext spaces some characters apart


def _req(atena: str, **over: Any) -> certs.Request:
    return certs.Request(**{"atena_number": atena, "fiscal_year": 2026, **over})


def test_the_taxpayer_gets_a_certificate_with_number_history_and_audit(city: dict[str, str],
                                                                       make_staff: Any) -> None:
    """Independent where the law fixes the figure: 給与収入 5,000,000円 → 給与所得 3,560,000円 (所得税法第28条);
    令和8年度 proves 令和7年分 (神戸市's page); the 交付番号, one 交付履歴 row and one audit entry per issue."""
    clerk = make_staff(roles=["counter"])
    assessment.run(2026)
    issued = certs.issue(clerk, _req(city["taro"], purpose="住宅ローン"), today=TODAY)
    page = _text(issued.pdf)
    taro = Assessment.objects.get(atena_number=city["taro"])
    assert "令和8年度市民税・県民税課税証明書" in page and "令和7年分" in page and "青木太郎" in page
    assert "5,000,000円" in page and "3,560,000円" in page and f"{taro.total:,}円" in page
    assert "兵庫県神戸市中央区加納町" in page and "281100001" not in page  # the 町字 in words, never its code
    assert "昭和55年5月1日" in page and "令和8年7月1日" in page and "神戸市長" in page
    assert "上記のとおり相違ないことを証明します。" in page and issued.issuance.issue_number in page
    row = TaxCertificateIssuance.objects.get()
    assert row.issue_number.startswith("2026-") and row.assessment_id == taro.pk and row.kind == "kazei"
    assert row.issued_by == clerk and row.purpose == "住宅ローン" and not row.address_withheld
    assert AuditEntry.objects.filter(action=certs.ACTION, outcome="ok", resource=f"resident:{city['taro']}").count() == 1
    again = certs.issue(clerk, _req(city["taro"]), today=TODAY)
    assert again.issuance.issue_number != row.issue_number
    assert [r.issue_number for r in certs.history(city["taro"])] == [again.issuance.issue_number, row.issue_number]


def test_no_income_gives_a_hikazei_certificate(city: dict[str, str], make_staff: Any) -> None:
    """Independent: 花子 has no income (no report): at or under the 非課税限度額 (地方税法第295条第1項・第3項)."""
    assessment.run(2026)
    issued = certs.issue(make_staff(roles=["counter"]), _req(city["hanako"]), today=TODAY)
    page = _text(issued.pdf)
    assert "非課税証明書" in page and "地方税法第295条第1項" in page and issued.issuance.kind == "hikazei"


def test_who_may_ask(city: dict[str, str], make_staff: Any) -> None:
    """The request rules of the cities' pages (さぬき市, 足立区): 同一世帯 is checked against the registry; a
    代理人 needs the 委任状 and their name; each refusal is audited and issues nothing."""
    clerk = make_staff(roles=["counter"])
    assessment.run(2026)
    ok = certs.issue(clerk, _req(city["taro"], requester_kind="household", requester_atena_number=city["hanako"],
                                 requester_name="青木 花子"), today=TODAY)
    assert ok.issuance.requester_kind == "household"
    with pytest.raises(certs.CertificateRefused, match="同一世帯ではありません"):
        certs.issue(clerk, _req(city["taro"], requester_kind="household", requester_atena_number=city["jiro"]),
                    today=TODAY)
    with pytest.raises(certs.CertificateRefused, match="委任状が必要"):
        certs.issue(clerk, _req(city["taro"], requester_kind="proxy", requester_name="代理 一郎"), today=TODAY)
    with pytest.raises(certs.CertificateRefused, match="代理人の氏名"):
        certs.issue(clerk, _req(city["taro"], requester_kind="proxy", proxy_letter=True), today=TODAY)
    proxy = certs.issue(clerk, _req(city["taro"], requester_kind="proxy", proxy_letter=True,
                                    requester_name="代理 一郎"), today=TODAY)
    assert proxy.issuance.proxy_letter and proxy.issuance.requester_name == "代理 一郎"
    assert TaxCertificateIssuance.objects.count() == 2
    assert AuditEntry.objects.filter(action=certs.ACTION, outcome="refused").count() == 3


def test_a_person_who_arrived_after_january_first_is_sent_to_the_city_they_came_from(
        city: dict[str, str], make_staff: Any) -> None:
    """Independent: 個人住民税 is levied by the city of the address on 1月1日 (地方税法第318条・第294条第1項); 次郎
    moved in on 2026-02-01 from 大阪府大阪市北区, so 令和8年度 is 大阪市's to certify."""
    assessment.run(2026)
    with pytest.raises(certs.CertificateRefused, match="大阪府大阪市に請求してください") as refused:
        certs.issue(make_staff(roles=["counter"]), _req(city["jiro"]), today=TODAY)
    assert refused.value.code == "not_resident_on_tax_day" and TaxCertificateIssuance.objects.count() == 0


def test_a_person_who_left_before_january_first_is_sent_to_the_city_they_moved_to(
        city: dict[str, str], make_staff: Any) -> None:
    """Independent: 転出 on 2025-12-10 → on 1月1日 2026 the address was in 豊中市 (地方税法第318条)."""
    clerk = make_staff(roles=["counter"])
    assessment.run(2026)
    apply(RecordMoveOut(moved_on=D(2025, 12, 10), notified_on=D(2025, 12, 1), atena_numbers=(city["hanako"],),
                        destination_address="大阪府豊中市中桜塚3丁目1番1号", destination_municipality_code="27203"),
          actor=clerk)
    with pytest.raises(certs.CertificateRefused, match="大阪府豊中市に請求してください"):
        certs.issue(clerk, _req(city["hanako"]), today=TODAY)


def test_a_move_out_dated_back_before_january_first_by_the_move_in_notice(
        city: dict[str, str], make_staff: Any) -> None:
    """Independent (住民記録システム標準仕様書 1.1.5: 転出 removed on the earlier of the 転出予定年月日 and the 転入通知's
    転入日; 地方税法第318条: the city of the 1月1日 address taxes): 花子's 転出 took effect 2026-01-05, then 豊中市's 転入通知
    says she moved in there on 2025-12-28 — on 1月1日 2026 she lived in 豊中市, so 令和8年度 is theirs to certify."""
    from jichitai.registry import move_in_receipts

    clerk = make_staff(roles=["counter"])
    assessment.run(2026)
    apply(RecordMoveOut(moved_on=D(2026, 1, 5), notified_on=D(2026, 1, 5), atena_numbers=(city["hanako"],),
                        destination_address="大阪府豊中市中桜塚3丁目1番1号", destination_municipality_code="27203"),
          actor=clerk)
    certs.issue(clerk, _req(city["hanako"]), today=TODAY)  # removed after 1月1日: still ours
    move_in_receipts.receive(clerk, city["hanako"], notified_on=D(2026, 1, 9), moved_out_on=D(2025, 12, 28),
                             destination_address="大阪府豊中市中桜塚3丁目1番1号", today=TODAY)
    with pytest.raises(certs.CertificateRefused, match=r"令和7年12月28日に転出.*大阪府豊中市に請求してください"):
        certs.issue(clerk, _req(city["hanako"]), today=TODAY)


def test_a_resident_without_any_declaration_is_asked_to_declare(city: dict[str, str], make_staff: Any) -> None:
    """下妻市's rule: no 申告 and no 給与支払報告書 → no certificate until the person declares."""
    with pytest.raises(certs.CertificateRefused, match="先に住民税の申告") as refused:
        certs.issue(make_staff(roles=["counter"]), _req(city["taro"]), today=TODAY)
    assert refused.value.code == "no_assessment"
    with pytest.raises(certs.CertificateRefused, match="証明できる年度"):
        certs.issue(make_staff(roles=["counter"]), _req(city["taro"], fiscal_year=2020), today=TODAY)


def test_support_measures_refuse_a_proxy_and_withhold_nothing_from_the_person(
        city: dict[str, str], make_staff: Any, protect: Any) -> None:
    """支援措置 (住基法第12条の3 as the registry applies it, 標準仕様書 3.4): a 代理人 is a third party and is
    refused (audited, naming the protected person); the person themself gets their certificate with their address,
    recorded for the 支援措置責任者."""
    clerk = make_staff(roles=["counter"])
    assessment.run(2026)
    protect(city["taro"])
    from jichitai.registry.domain.errors import SuppressedError

    with pytest.raises(SuppressedError, match="第三者からの請求には交付できません"):
        certs.issue(clerk, _req(city["taro"], requester_kind="proxy", proxy_letter=True, requester_name="代理 一郎"),
                    today=TODAY)
    refusal = AuditEntry.objects.get(action=certs.ACTION, outcome="refused")
    assert refusal.detail["code"] == "suppressed" and city["taro"] in refusal.detail["protected_by"]
    own = certs.issue(clerk, _req(city["taro"]), today=TODAY)
    assert "加納町" in _text(own.pdf) and not own.issuance.address_withheld
    assert TaxCertificateIssuance.objects.count() == 1


def test_view_suppression_of_a_co_resident_stops_the_counter(city: dict[str, str], make_staff: Any,
                                                             protect: Any) -> None:
    """標準仕様書 3.1 (j410): the certificate prints 太郎's address, which is 花子's; under her 照会抑止 the clerk is
    refused (audited on 太郎, naming 花子), while 太郎 still gets his own from the portal."""
    from jichitai.declarations.actors import ResidentActor
    from jichitai.registry.domain.errors import SuppressedError

    assessment.run(2026)
    protect(city["hanako"], "view")
    with pytest.raises(SuppressedError, match="照会抑止"):
        certs.issue(make_staff(roles=["counter"]), _req(city["taro"]), today=TODAY)
    entry = AuditEntry.objects.get(resource=f"resident:{city['taro']}", outcome="refused")
    assert city["hanako"] in entry.detail["protected_by"]
    me = ResidentActor(subject="demo:x", my_number_index="bi", atena_number=city["taro"], name="青木 太郎", method="demo")
    own = certs.issue(me, _req(city["taro"], channel="portal"), today=TODAY)
    assert own.issuance.channel == "portal" and own.issuance.issued_by is None


def test_the_counter_page_issues_the_pdf_and_says_why_not(city: dict[str, str], login_as: Any) -> None:
    """The page (consistency): a POST answers the PDF; a refused one shows the reason in Japanese with 400."""
    assessment.run(2026)
    client = login_as("counter")
    assert "課税（非課税）証明書の交付" in client.get("/tax/certificates/").content.decode()
    ok = client.post("/tax/certificates/", {"atena_number": city["taro"], "fiscal_year": "2026",
                                            "requester_kind": "self"})
    assert ok.status_code == 200 and ok["Content-Type"] == "application/pdf" and ok.content.startswith(b"%PDF")
    refused = client.post("/tax/certificates/", {"atena_number": city["jiro"], "fiscal_year": "2026",
                                                 "requester_kind": "self"})
    assert refused.status_code == 400 and "大阪府大阪市に請求してください" in refused.content.decode()
    bad = client.post("/tax/certificates/", {"atena_number": "x" * 40, "fiscal_year": "20x6", "requester_kind": "?"})
    assert bad.status_code == 400 and "請求者の区分" in bad.content.decode()
    assert client.get("/tax/certificates/", {"atena_number": city["taro"]}).status_code == 200


def test_the_resident_gets_their_own_certificate_from_the_portal(city: dict[str, str], client: Any) -> None:
    """The portal (consistency): signed in, the resident asks for a 年度 and receives the PDF of their own
    certificate; the 交付履歴 says 「オンライン」 and the page lists it; a person the city does not tax is told where
    to ask."""
    from tests.tax.conftest import LATE, TARO

    assessment.run(2026)
    client.post("/declarations/portal/", {"my_number": TARO})
    page = client.get("/declarations/portal/tax-certificate/")
    assert page.status_code == 200 and "令和8年度" in page.content.decode()
    pdf = client.post("/declarations/portal/tax-certificate/", {"fiscal_year": "2026"})
    assert pdf["Content-Type"] == "application/pdf" and "青木太郎" in _text(pdf.content)
    row = TaxCertificateIssuance.objects.get()
    assert row.channel == "portal" and row.requester_kind == "self" and row.atena_number == city["taro"]
    assert row.issue_number in client.get("/declarations/portal/tax-certificate/").content.decode()
    client.post("/declarations/portal/logout/")
    client.post("/declarations/portal/", {"my_number": LATE})
    refused = client.post("/declarations/portal/tax-certificate/", {"fiscal_year": "2026"})
    assert refused.status_code == 400 and "大阪府大阪市に請求してください" in refused.content.decode()


def test_the_certificate_lists_the_separately_taxed_incomes(city: dict[str, str], make_staff: Any) -> None:
    """Independent where the law fixes the figure: the incomes by kind (所得の種類ごとの所得金額, 下野市税務証明等取扱規程
    第3条) include the 分離課税の所得 — 長期譲渡 4,825,000円, 上場株式等の譲渡 500,000円 less the 繰越損失 600,000円 (附則
    第35条の2の6: 譲渡所得等 first, then 100,000 of the 配当 400,000) — and the 課税標準 the 課税長期譲渡所得金額 with its
    優良住宅地 part; 合計所得金額 counts them before the 繰越控除 (第292条第1項第13号): 3,560,000 + 4,825,000 + 500,000 +
    400,000 = 9,285,000円. Read back from the PDF with pdftotext."""
    from tests.tax.test_final_returns import final_return, send

    send("kokuzei-sep.csv", final_return(business_revenue=0, business_income=0, real_estate_revenue=0,
                                         real_estate_income=0, misc_other_revenue=0, misc_other_income=0,
                                         land_long_term=4_825_000, land_long_term_qualified=2_000_000,
                                         listed_stock=500_000, listed_dividend=400_000, listed_stock_carryover=600_000))
    assessment.run(2026)
    page = _text(certs.issue(make_staff(roles=["counter"]), _req(city["taro"]), today=TODAY).pdf)
    assert "分離長期譲渡所得4,825,000円" in page and "分離上場株式等の譲渡所得500,000円" in page
    assert "分離上場株式等の配当所得400,000円" in page and "上場株式等の譲渡損失の繰越控除△600,000円" in page
    assert "合計所得金額9,285,000円" in page
    assert "長期譲渡所得4,825,000円" in page and "うち優良住宅地等2,000,000円" in page
