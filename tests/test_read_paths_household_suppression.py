"""標準仕様書 3.1 (j410) and 3.4 (j440): 照会抑止 and 支援措置 protect the whole household, on every read path.

The class of defect: a path that shows a co-resident (whose address is the protected person's) without asking
:mod:`jichitai.registry.suppression`. So this module *enumerates* the read paths and proves each one applies the
household's suppression, failing on any path it does not know:

- every URL pattern of the project (pages and API routes) is either a probed read path or listed as not
  showing resident records, with the reason (a new route fails :func:`test_every_route_is_classified`);
- every hub feed of the catalogue by kind (events → PULL, file_out → the extract), every export kind, every
  certificate kind (and the 転出証明書) and every table the lake lands events into.

The scene: 青木太郎 (世帯主) and 青木花子 (妻) at 加納町1番地. 花子 is protected; every probe looks at what the
path reveals of 太郎 — who is not protected himself. Expected values are independent of our code: the
standard says the person is protected (3.1, 3.4) and 住基法第12条の3 / the hub's grant say who may have the
address; the household's address is theirs.
"""

# The fixtures of two packages' conftests are imported below and then named as arguments:
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import get_resolver

from jichitai.audit.models import AuditEntry
from jichitai.hub import extracts, feeds, filestore, landing
from jichitai.hub.catalogue import FEEDS
from jichitai.registry.certificates import moveout_services
from jichitai.registry.certificates.services import issue
from jichitai.registry.certificates.snapshot import (
    NEVER_FROM_JOSHUHYO_FOR_THIRD_PARTY,
    CertificateFormat,
    CertificateKind,
    CertificateRequest,
    Item,
)
from jichitai.registry.domain import RecordMoveOut
from jichitai.registry.domain.errors import SuppressedError
from jichitai.registry.exports import services as exports
from jichitai.registry.services import apply
from tests.accounts.test_permission_walk import walk
from tests.hub.conftest import hub_catalogue, lake, make_system  # noqa: F401 (fixtures)
from tests.registry.conftest import clerk, household, protect, supervisor, towns  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()

# ---- routes that show no resident record, and why (anything else must be a probed read path) --------------

NOT_RESIDENT_RECORDS = {
    "": "the staff home page: a menu of what the actor may do",
    "healthz": "liveness probe: up or not",
    "readyz": "readiness probe: database and lake reachable or not",
    "metrics": "operational counters for the monitoring system, no person",
    "registry/towns/": "the 町字 picker: rows of the 住所辞書 (町字名, よみ, 郵便番号), no person",
    "registry/moji/": "文字コード照会 and its glyphs: the characters the clerk typed or posted (the resident page posts "
                      "what it already showed, itself shielded); reads nothing from the registry",
    "registry/inspection/disclosure/": "閲覧の状況の公表: who asked for a 閲覧 list (機関・申出者), why, when and the "
                                       "町字/age/sex it covered — no resident named, nothing of a record",
    "jutogai/new": "the 住登外者 register form: its resident candidates are jutogai.search.resident_rows, the same "
                   "shielded rows as the search page (probed as jutogai/)",
    "jutogai/<str:number>/": "a 住登外者's own record: not a resident, no household or 住民票 address to withhold "
                             "(a 住登外者 recorded at a supported address is not covered: left open in docs/security.md)",
    "accounts/": "login, logout and the staff's own account pages",
    "audit/": "the audit log for auditors: it names 宛名番号, never a record's content or address",
    "tax/": "the tax office's per-ward totals and the held reports (rows of an employer's own file, not the "
            "registry); tax notices print addresses through the Shield (tests/test_shield_tax_and_declarations.py)",
    "declarations/portal/": "the resident's own declaration: their own address and household (本人・同一世帯員), "
                            "the prefill through the Shield (test_the_prefill_of_a_protected_household_goes_through_"
                            "the_shield)",
    "declarations/queue/": "the reviewers' queue: receipt numbers, names and findings' titles, no address",
    "declarations/queue/<int:pk>/attachments/<int:aid>/": "a file the resident attached to their own declaration",
    "declarations/approvals/": "the corrections waiting for 決裁: receipt numbers and amounts, no address",
    "declarations/metrics/": "review counts and percentages, no person",
    "lounge/": "aggregates only, under disclosure control (issue 18 item 1); the lake it reads lands without a "
               "protected address (probed below)",
    "api/lounge/": "the same aggregates as the lounge pages",
    "api/tax/calculate": "pure tax computation on the caller's figures",
    "api/openapi.json": "describes the API, holds no data",
    "api/docs": "describes the API, holds no data",
    "api/": "the API root",
    "^static/": "our own CSS/JS/fonts",
    "admin/": "the admin site: registry tables are not registered in it (test_registry_tables_stay_out_of_admin)",
    "registry/changes/": "the 異動 menu: a list of kinds, no person",
    "registry/approvals/<int:pending_id>/decide/": "the 決裁 itself (POST): answers with a message, no record",
    "registry/suppressions/": "the 支援措置責任者's own pages (registry.suppression.view): they must see whom "
                              "they protect",
    "registry/residents/<str:atena_number>/memos/": "writes a staff memo (POST) and redirects to the resident page "
                                                    "(probed there); refused under 照会抑止 (tests/registry/test_memos.py"
                                                    "::test_no_memo_on_someone_hidden)",
    "registry/households/<str:setai_number>/de-facto-head/": "records the 事実上の世帯主 (POST) and redirects to the "
                                                             "household page (probed there); refused under 照会抑止 "
                                                             "(tests/registry/test_de_facto_heads.py::test_refusals)",
    "registry/residents/<str:atena_number>/mailing-code/": "sets the 郵便物送付コード (POST) and redirects to the resident "
                                                           "page (probed there); refused under 照会抑止 (tests/registry/"
                                                           "test_mailing_codes.py::test_refusals_keep_nothing)",
    "registry/residents/<str:atena_number>/support/": "the form to apply for a 支援措置: shows only the 宛名番号",
    "api/registry/changes": "writes a 異動; answers only numbers",
    "api/registry/pending": "drafts a 異動; answers only numbers",
    "api/registry/support/": "the 支援措置責任者's API (registry.suppression.view / manage)",
    "hub/": "the hub's operations overview: counts and file names",
    "hub/quarantine/": "a quarantined incoming file's problem report (line, item, message)",
    "api/hub/files/": "status of, or upload of, a system's own incoming file",
    "api/hub/log/public-key": "the message log's public key",
    "api/hub/status": "hub counters",
}


def _not_a_read(route: str) -> str | None:
    matches = [p for p in NOT_RESIDENT_RECORDS if route == p or (p.endswith("/") and route.startswith(p))]
    return NOT_RESIDENT_RECORDS[max(matches, key=len)] if matches else None


# ---- the scene ---------------------------------------------------------------------------------------------


@pytest.fixture
def scene(household: Any, protect: Any, clerk: Any, make_staff: Any) -> Callable[..., dict[str, str]]:
    """``scene(kind, lifted=False)``: 花子 protected by ``kind`` (with ``lifted``, set aside at the counter by a
    running 一時解除, j410); returns 太郎's and 花子's numbers and the household. A 職権 correction of 太郎 drafted
    before the measure waits for 決裁."""
    from jichitai.registry import approval, lifts
    from jichitai.registry.domain import CorrectRecord

    taro, hanako = household.atena_numbers
    approval.propose(CorrectRecord(moved_on=TODAY, atena_number=taro, kind="ex_officio",
                                   changes={"honseki": "兵庫県神戸市中央区加納町6丁目5番1号"}), actor=clerk)

    def make(kind: str, lifted: bool = False) -> dict[str, str]:
        row = protect(hanako, kind)
        if lifted:
            officer = make_staff(roles=["supervisor", "support_officer"])
            lifts.lift_temporarily(officer, row.pk, "審査の上、窓口で交付するため", clerk=clerk.username)
        return {"taro": taro, "hanako": hanako, "setai": household.setai_numbers[0]}

    return make


def _refused_and_audited(taro: str) -> None:
    assert AuditEntry.objects.filter(resource=f"resident:{taro}", outcome="refused",
                                     detail__code="suppressed").exists()


# ---- staff pages and the API under 照会抑止 of a co-resident (3.1) ------------------------------------------

def _page_refused(client: Any, url: str, taro: str) -> None:
    response = client.get(url)
    assert response.status_code == 403, (url, response.status_code)
    text = response.content.decode() if "json" not in response["Content-Type"] else \
        json.dumps(response.json(), ensure_ascii=False)
    assert "照会抑止" in text and "青木 太郎" not in text and "加納町" not in text
    _refused_and_audited(taro)


def _search_hides(client: Any, url: str, taro: str) -> None:
    response = client.get(url, {"kana": "アオキ"})
    assert response.status_code == 200
    text = response.content.decode() if "json" not in response["Content-Type"] else \
        json.dumps(response.json(), ensure_ascii=False)
    for shown in ("青木 太郎", "青木 花子", "アオキ タロウ", "1番地", "1980"):  # name, kana, address, birth
        assert shown not in text, shown
    assert taro in text and "照会抑止" in text  # listed as suppressed, not shown
    assert AuditEntry.objects.filter(resource=f"resident:{taro}", outcome="refused", detail__via="search").exists()


def _inspection_leaves_out(client: Any, s: dict[str, str]) -> None:
    """The 閲覧用写し of 加納町 (9.5) as CSV: the household under 照会抑止 is not on it (refused on 太郎, audited)."""
    response = client.post("/registry/inspection/", {
        "town_1": "281100001", "on": TODAY.isoformat(), "order": "address", "output": "csv",
        "requester_kind": "private", "requester_name": "調査会社", "purpose_kind": "research", "purpose": "調査",
        "viewers": "調査 一郎", "requested_on": TODAY.isoformat()})
    assert response.status_code == 200, response.status_code
    text = response.content.decode("utf-8-sig")
    assert text.startswith("番号,住所") and "青木" not in text and "加納町1番地" not in text


def _receipt_notice_refused(client: Any, s: dict[str, str]) -> None:
    """The 住民異動届受理通知 (4.1.0.3) of the household's 転入: a staff read like the resident page."""
    from jichitai.registry.models import ResidentHistory

    change = ResidentHistory.objects.filter(atena_number=s["taro"]).order_by("history_no").first().change_id
    _page_refused(client, f"/registry/changes/{change}/receipt-notice/", s["taro"])


def _code_notice_refused(client: Any, s: dict[str, str]) -> None:
    """The 住民票コード通知票 (4.3.3) of 太郎's first history row: refused like his page."""
    response = client.post(f"/registry/residents/{s['taro']}/code-notice/1/")
    assert response.status_code == 403 and "照会抑止" in response.content.decode()
    assert "青木 太郎" not in response.content.decode()
    _refused_and_audited(s["taro"])


def _move_in_notices_hide(client: Any, s: dict[str, str]) -> None:
    """The 転入通知 list (住基法第9条第1項) of the household's 転入 from 大阪市北区: 太郎 by 宛名番号 only, audited."""
    response = client.get("/registry/move-in-notices/")
    assert response.status_code == 200
    text = response.content.decode()
    for shown in ("青木 太郎", "青木 花子", "加納町", "1番地"):
        assert shown not in text, shown
    assert s["taro"] in text and "照会抑止" in text
    _refused_and_audited(s["taro"])


def _unarrived_hides(client: Any, s: dict[str, str]) -> None:
    """The 転入通知未着者一覧 (j710) after 太郎 moved out: by 宛名番号 only (his 転出先 too), audited."""
    from jichitai.accounts.models import Staff

    clerk = Staff.objects.order_by("pk").first()  # the household fixture's clerk, who recorded the 転入
    apply(RecordMoveOut(moved_on=TODAY, notified_on=TODAY, atena_numbers=(s["taro"],),
                        destination_address="京都府京都市中京区", destination_municipality_code="26104"), actor=clerk)
    response = client.get("/registry/move-in-notices/unarrived/")
    assert response.status_code == 200
    text = response.content.decode()
    for shown in ("青木 太郎", "京都府京都市中京区", "加納町"):
        assert shown not in text, shown
    assert s["taro"] in text and "照会抑止" in text
    _refused_and_audited(s["taro"])


def _inquiry_refused(client: Any, s: dict[str, str]) -> None:
    """The 転入通知未着照会書 (j710) of 太郎 after his 転出: a staff read, refused and audited."""
    from jichitai.accounts.models import Staff

    apply(RecordMoveOut(moved_on=TODAY, notified_on=TODAY, atena_numbers=(s["taro"],),
                        destination_address="京都府京都市中京区", destination_municipality_code="26104"),
          actor=Staff.objects.order_by("pk").first())
    _page_refused(client, f"/registry/move-in-notices/unarrived/{s['taro']}/inquiry/", s["taro"])


VIEW_PROBES: dict[str, Callable[[Any, dict[str, str]], None]] = {
    "registry/move-in-notices/unarrived/": _unarrived_hides,
    "registry/move-in-notices/unarrived/<str:atena_number>/inquiry/": _inquiry_refused,
    "registry/move-in-notices/": _move_in_notices_hide,
    "registry/move-in-notices/<str:code>/pdf/": lambda c, s: _page_refused(c, "/registry/move-in-notices/27127/pdf/",
                                                                          s["taro"]),
    "registry/residents/<str:atena_number>/code-notice/<int:history_no>/": _code_notice_refused,
    "registry/changes/<uuid:change_id>/receipt-notice/": _receipt_notice_refused,
    "registry/inspection/": _inspection_leaves_out,
    "registry/": lambda c, s: _search_hides(c, "/registry/", s["taro"]),
    "api/registry/residents": lambda c, s: _search_hides(c, "/api/registry/residents", s["taro"]),
    "registry/residents/<str:atena_number>/": lambda c, s: _page_refused(c, f"/registry/residents/{s['taro']}/",
                                                                          s["taro"]),
    "api/registry/residents/<atena_number>": lambda c, s: _page_refused(c, f"/api/registry/residents/{s['taro']}",
                                                                         s["taro"]),
    "registry/households/<str:setai_number>/": lambda c, s: _page_refused(c, f"/registry/households/{s['setai']}/",
                                                                           s["taro"]),
    "api/registry/households/<setai_number>": lambda c, s: _page_refused(
        c, f"/api/registry/households/{s['setai']}", s["taro"]),
    "registry/households/<str:setai_number>/certificate/": lambda c, s: _page_refused(
        c, f"/registry/households/{s['setai']}/certificate/", s["taro"]),
    "registry/households/<str:setai_number>/head-notice/<slug:kind>/": lambda c, s: _page_refused(
        c, f"/registry/households/{s['setai']}/head-notice/request/", s["taro"]),
    "registry/households/head-unset/": lambda c, s: _head_unset_list_hides(c, s),
    "registry/households/<str:setai_number>/kisai-jiko/": lambda c, s: _page_refused(
        c, f"/registry/households/{s['setai']}/kisai-jiko/", s["taro"]),
    "registry/residents/<str:atena_number>/moveout-certificate/": lambda c, s: _page_refused(
        c, f"/registry/residents/{s['taro']}/moveout-certificate/", s["taro"]),
    "registry/changes/<slug:slug>/": lambda c, s: _page_refused(
        c, f"/registry/changes/move-within/?setai={s['setai']}", s["taro"]),
    "registry/approvals/": lambda c, s: _draft_hidden(c, s),
    "tax/taxpayers/<str:atena_number>/": lambda c, s: _page_refused(c, f"/tax/taxpayers/{s['taro']}/", s["taro"]),
    "jutogai/": lambda c, s: _jutogai_candidates_hide(c, "/jutogai/", s["taro"]),
    "tax/taxpayers/<str:atena_number>/<int:fiscal_year>/notice.pdf": lambda c, s: _page_refused(
        c, f"/tax/taxpayers/{s['taro']}/2026/notice.pdf", s["taro"]),
}

# Read paths of other offices, probed in their own module (the Shield's audiences: tests/test_shield_tax_and_
# declarations.py): the route and the test that proves it.
SHIELDED_ELSEWHERE = {
    "declarations/queue/<int:pk>/": "test_j440_the_case_page_of_someone_elses_declaration_withholds_a_protected_"
                                    "relatives_address",
}


def _head_unset_list_hides(client: Any, s: dict[str, str]) -> None:
    """The 対象者リスト of households without a 世帯主 (j500) leaves a household under 照会抑止 out, audited. The
    household is put in that state directly (the scene's two members cannot leave it so: one left becomes 世帯主)."""
    from jichitai.registry.models import Household, Resident

    Resident.objects.filter(pk=s["taro"]).update(relationship="同居人")
    Household.objects.filter(pk=s["setai"]).update(head_atena_number="")
    for url in ("/registry/households/head-unset/", "/registry/households/head-unset/?format=pdf"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if url.endswith("pdf"):
            continue
        text = response.content.decode()
        for shown in ("青木", "加納町", s["setai"]):
            assert shown not in text, shown
    assert AuditEntry.objects.filter(resource=f"resident:{s['taro']}", outcome="refused",
                                     detail__via="head_unset_list").exists()


def _jutogai_candidates_hide(client: Any, url: str, taro: str) -> None:
    """The 住登外者 search lists residents who match the facts: a resident whose household is under 照会抑止 is listed
    by 宛名番号 only, with the mark, and the refusal audited."""
    response = client.get(url, {"kana": "アオキ", "match": "partial", "residents": "on"})
    assert response.status_code == 200, (url, response.status_code)
    text = response.content.decode()
    for shown in ("青木 太郎", "アオキ タロウ", "1番地", "加納町"):
        assert shown not in text, (url, shown)
    assert taro in text and "抑止" in text
    assert AuditEntry.objects.filter(resource=f"resident:{taro}", action="jutogai.search", outcome="refused",
                                     detail__via="jutogai").exists()


def _draft_hidden(client: Any, s: dict[str, str]) -> None:
    """The 決裁 queue holds a 職権 correction of 太郎 drafted before 花子's 照会抑止: it is listed by 宛名番号
    only, nothing of his record shown; refused and audited on him."""
    text = client.get("/registry/approvals/").content.decode()
    assert s["taro"] in text and "照会抑止" in text
    for shown in ("青木 太郎", "加納町", "1番地", "加納町6丁目"):
        assert shown not in text, shown
    assert AuditEntry.objects.filter(resource=f"resident:{s['taro']}", outcome="refused",
                                     detail__via="approval").exists()

# The 除票 pages list a removed person's former household; probed in their own scene below.
REMOVED_PROBES = {"registry/residents/<str:atena_number>/joshuhyo/": "joshuhyo",
                  "registry/residents/<str:atena_number>/joshuhyo-kisai-jiko/": "joshuhyo-kisai-jiko"}
SYSTEM_PROBES = {"hub/feeds/<slug:feed>": "feed", "api/hub/feeds/<feed>": "feed", "api/hub/extracts/atena": "extract"}


def test_every_route_is_classified() -> None:
    """A new page or API route must say whether it shows resident records: then it is probed here."""
    probed = set(VIEW_PROBES) | set(REMOVED_PROBES) | set(SYSTEM_PROBES) | set(SHIELDED_ELSEWHERE)
    unknown = [route for route, _ in walk(get_resolver().url_patterns)
               if route not in probed and _not_a_read(route) is None]
    assert not unknown, f"routes neither probed for household suppression nor declared harmless: {unknown}"


@pytest.mark.parametrize("route", sorted(VIEW_PROBES))
def test_j410_view_suppression_of_a_co_resident_covers_every_staff_read(route: str, scene: Any,
                                                                      login_as: Any) -> None:
    """3.1 (j410) 照会抑止 on 花子: no page or API answer shows 太郎's record, their household or their address;
    each refusal is audited on 太郎 with 花子 named as the protected person."""
    s = scene("view")
    client = login_as("supervisor")
    VIEW_PROBES[route](client, s)
    entry = AuditEntry.objects.filter(resource=f"resident:{s['taro']}", outcome="refused").last()
    assert entry is not None and s["hanako"] in entry.detail["protected_by"]


@pytest.fixture
def taro_moved_out(household: Any, clerk: Any) -> dict[str, str]:
    """太郎 moved out (国内転出, recorded today); 花子 stays at 加納町1番地 and is then protected."""
    taro, hanako = household.atena_numbers
    apply(RecordMoveOut(moved_on=TODAY, notified_on=TODAY, atena_numbers=(taro,),
                        destination_address="大阪府大阪市北区梅田1丁目1番", destination_municipality_code="27127"),
          actor=clerk)
    return {"taro": taro, "hanako": hanako, "setai": household.setai_numbers[0]}


@pytest.mark.parametrize("route", sorted(REMOVED_PROBES))
def test_j410_view_suppression_covers_the_former_household_on_joshuhyo_pages(
        route: str, taro_moved_out: dict[str, str], protect: Any, login_as: Any) -> None:
    """3.1: 太郎's 除票 shows the address 花子 still lives at: under her 照会抑止 the 除票 page is refused."""
    protect(taro_moved_out["hanako"], "view")
    client = login_as("supervisor")
    _page_refused(client, f"/registry/residents/{taro_moved_out['taro']}/{REMOVED_PROBES[route]}/",
                  taro_moved_out["taro"])


def test_j410_view_suppression_covers_a_former_co_residents_history(household: Any, clerk: Any, protect: Any,
                                                                    login_as: Any) -> None:
    """3.1: 太郎 moved (転居) to 三宮町; his 異動履歴 still shows 加納町1番地, where 花子 lives under 照会抑止: his
    page, which shows that history, is refused."""
    from jichitai.registry.domain import RecordMoveWithin

    taro, hanako = household.atena_numbers
    apply(RecordMoveWithin(moved_on=TODAY, atena_numbers=(taro,), town_code="281100002", banchi="8番地"),
          actor=clerk)
    client = login_as("supervisor")
    assert client.get(f"/registry/residents/{taro}/").status_code == 200
    protect(hanako, "view")
    _page_refused(client, f"/registry/residents/{taro}/", taro)


# ---- certificates to a third party under 支援措置 of a co-resident (3.4, 住基法第12条の3) ---------------------

def _request(kind: CertificateKind, members: tuple[str, ...]) -> CertificateRequest:
    """A third party's request, lawful in every other respect (住基法第12条の3, 第15条の4第3項)."""
    if kind.selects_items:
        return CertificateRequest.of_items(kind, CertificateFormat.KOJIN, members, frozenset({Item.ADDRESS}),
                                           third_party=True)
    return CertificateRequest(CertificateFormat.KOJIN, members, kind=kind, third_party=True,
                              omit=NEVER_FROM_JOSHUHYO_FOR_THIRD_PARTY)


@pytest.mark.parametrize("kind", [k for k in CertificateKind if not k.of_removed])
def test_j440_third_party_gets_no_certificate_of_a_supported_persons_co_resident(
        kind: CertificateKind, scene: Any, clerk: Any) -> None:
    """3.4 (j440): a third party asks for 太郎 alone; his certificate prints 花子's address: refused, audited,
    and 太郎 himself still gets it."""
    s = scene("support")
    with pytest.raises(SuppressedError, match="支援措置"):
        issue(actor=clerk, setai_number=s["setai"], request=_request(kind, (s["taro"],)),
              requester_kind="third_party", requester_name="債権者")
    _refused_and_audited(s["taro"])
    own = CertificateRequest(CertificateFormat.KOJIN, (s["taro"],), kind=kind) if not kind.selects_items else \
        CertificateRequest.of_items(kind, CertificateFormat.KOJIN, (s["taro"],), frozenset({Item.ADDRESS}))
    assert issue(actor=clerk, setai_number=s["setai"], request=own, requester_kind="self").pdf


@pytest.mark.parametrize("kind", [k for k in CertificateKind if k.of_removed])
def test_j440_third_party_gets_no_joshuhyo_showing_a_supported_persons_address(
        kind: CertificateKind, taro_moved_out: dict[str, str], protect: Any, clerk: Any) -> None:
    """3.4: 太郎's 除票 prints the address he left, where 花子 lives under 支援措置: refused to a third party."""
    s = taro_moved_out
    protect(s["hanako"])
    with pytest.raises(SuppressedError, match="支援措置"):
        issue(actor=clerk, setai_number=s["setai"], request=_request(kind, (s["taro"],)),
              requester_kind="third_party")
    _refused_and_audited(s["taro"])


def test_j440_third_party_gets_no_moveout_certificate_showing_a_supported_persons_address(
        taro_moved_out: dict[str, str], protect: Any, clerk: Any) -> None:
    s = taro_moved_out
    protect(s["hanako"])
    with pytest.raises(SuppressedError, match="支援措置"):
        moveout_services.issue(actor=clerk, atena_number=s["taro"], requester_kind="third_party")
    _refused_and_audited(s["taro"])


# ---- connected systems: every feed and file of the catalogue, exports, the lake (3.4) ------------------------

ADDRESS_VALUES = ("281100001", "1番地", "加納町")


def _taro_rows_have_no_address(rows: list[Any], taro: str) -> None:
    mine = [r for r in rows if taro in str(r)]
    assert mine, "the probe saw none of 太郎's rows"
    for r in mine:
        assert not any(v in str(r) for v in ADDRESS_VALUES), r


def _system_reads(feed_code: str, kind: str, system: Any) -> list[Any]:
    if kind == "events":
        return feeds.pull(system, feed_code, 0, 1000).events
    if kind == "file_out":  # answered over HTTP, and placed as a file in the system's folder (ファイル連携)
        body = b"".join(extracts.atena_extract(system, "full").chunks())
        placed = extracts.place(system, "full")
        assert placed is not None
        return body.decode().splitlines() + filestore.read(placed.file.stored_path).decode().splitlines()
    raise AssertionError(f"feed kind {kind!r} of {feed_code} is not probed for household suppression")


LIFTED = pytest.mark.parametrize("lifted", [False, True], ids=["", "during_a_temporary_lift"])


@LIFTED
@pytest.mark.parametrize("spec", [f for f in FEEDS if f.kind not in ("file_in", "common")], ids=lambda f: f.code)
def test_j440_no_feed_gives_a_co_residents_address_to_a_system_without_the_right(
        spec: Any, lifted: bool, scene: Any, make_system: Any, clerk: Any) -> None:
    """3.4: 太郎's events (the move-in before the measure, and a 転居 after it, in one batch with 花子) reach a
    system without the right to supported addresses without any address item; the event written before the
    measure is covered too (decided when read). A system with the right gets them. During a 一時解除 too
    (j410: 「一時解除については…庁内各システムへのデータ連携は不要とすること」: the lift is the counter's alone)."""
    s = scene("support", lifted)
    from jichitai.registry.domain import RecordMoveWithin

    apply(RecordMoveWithin(moved_on=TODAY, atena_numbers=(s["taro"], s["hanako"]), town_code="281100001",
                           banchi="1番地", katagaki="2号室"), actor=clerk)
    feeds.relay_all()
    plain, _ = make_system(feeds={spec.code: None})
    _taro_rows_have_no_address(_system_reads(spec.code, spec.kind, plain), s["taro"])
    assert AuditEntry.objects.filter(resource=f"resident:{s['taro']}", outcome="withheld").exists()
    entitled, _ = make_system(feeds={spec.code: None}, supported=True)
    assert any("281100001" in str(r) for r in _system_reads(spec.code, spec.kind, entitled) if s["taro"] in str(r))


def test_j440_the_common_functions_give_no_co_residents_address(scene: Any, make_system: Any, client: Any) -> None:
    """3.4: the 住登外者 search API (a common function, kind ``common``) lists 太郎, 花子's co-resident, by 宛名番号
    only to any system, even one with the right to supported addresses (the function is not the registry's feed);
    the refusal is audited on him."""
    s = scene("support")
    assert {f.code for f in FEEDS if f.kind == "common"} == {"jutogai", "togo"}  # togo answers numbers only
    for supported in (False, True):
        _, key = make_system(feeds={"jutogai": None}, supported=supported)
        r = client.post("/api/jutogai/search", {"kana": "アオキ", "match": "partial", "include_residents": True},
                        content_type="application/json", HTTP_X_HUB_KEY=key)
        assert r.status_code == 200, r.content
        rows = [c for c in r.json()["candidates"] if c["number"] == s["taro"]]
        assert rows and all(c["suppressed"] and not c.get("name") and not c.get("address") for c in rows)
    assert AuditEntry.objects.filter(resource=f"resident:{s['taro']}", action="jutogai.search",
                                     outcome="refused").exists()


@LIFTED
@pytest.mark.parametrize("kind", sorted(exports.KINDS))
def test_j440_no_export_gives_a_co_residents_address(kind: str, lifted: bool, scene: Any, supervisor: Any) -> None:
    """3.4: the standard CSV (全件 and 差分 — the 差分 carries 太郎's history rows) withholds his address, during a
    一時解除 too (j410: no 連携 of a lift)."""
    s = scene("support", lifted)
    out = exports.export(actor=supervisor, kind=kind)
    _taro_rows_have_no_address(out.data.decode().splitlines(), s["taro"])
    assert out.withheld >= 2  # 太郎 and 花子
    assert AuditEntry.objects.filter(resource=f"resident:{s['taro']}", outcome="withheld").exists()


@LIFTED
@pytest.mark.parametrize("table", landing.EVENT_TABLES)
def test_j440_the_lake_lands_no_co_residents_address(table: str, lifted: bool, scene: Any, hub_catalogue: None,
                                                     lake: Any) -> None:
    """3.4: the lake is a system without the right: 太郎's events land without any address item, during a 一時解除
    too (j410: no 連携 of a lift)."""
    s = scene("support", lifted)
    feeds.relay_all()
    landing.land_events_into(table)
    rows = lake.load_table(table).scan().to_arrow().to_pylist()
    if table == "lounge.movements":  # pseudonymised: no 宛名番号 to find 太郎 by; no row may hold the address
        assert rows and not any(r.get("town_code") or r.get("ward_code") for r in rows)
        return
    _taro_rows_have_no_address(rows, s["taro"])


def test_registry_tables_stay_out_of_admin() -> None:
    """The admin shows no resident record and no event payload (it would bypass the shield); the one registry table
    it manages is the city's list of counter terminals (j230), which holds no person."""
    from jichitai.accounts.admin import site
    from jichitai.hub.models import FeedEvent
    from jichitai.registry.models import Terminal

    shown = [m for m in site._registry if (m._meta.app_label == "registry" and m is not Terminal) or m is FeedEvent]
    assert not shown, shown


def test_routes_probed_above_exist() -> None:
    """The probes name real routes (a renamed route must not leave a probe that tests nothing)."""
    routes = {route for route, _ in walk(get_resolver().url_patterns)}
    missing = [r for r in [*VIEW_PROBES, *REMOVED_PROBES, *SYSTEM_PROBES, *SHIELDED_ELSEWHERE] if r not in routes]
    assert not missing, missing
    import tests.test_shield_tax_and_declarations as elsewhere

    assert all(hasattr(elsewhere, name) for name in SHIELDED_ELSEWHERE.values())
