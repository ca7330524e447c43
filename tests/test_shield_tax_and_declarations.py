"""標準仕様書 3.1 (j410) and 3.4 (j440) outside the registry: every output of the tax office and of the
declarations that prints or returns a person's address or household asks the one Shield
(:func:`jichitai.registry.suppression.screen_addresses`).

The class of defect: a module of ``tax/`` or ``declarations/`` that reads an address from the registry and
shows it without the Shield. :func:`test_every_tax_and_declarations_reader_of_an_address_goes_through_the_shield`
fails on any module that reads the registry's addresses and neither asks the Shield nor is declared a
computation that shows none (with the reason); the other tests probe each output.

Who may see what (independent: 住基法第12条 / 第12条の3 and the standard's 3.1 and 3.4): the person themself
and their household see their own address (a notice mailed to them, their own prefill); staff working on the
person's own business do not see it under 照会抑止; anyone else (someone else's case, an employer, a third
party) sees it under neither 照会抑止 nor 支援措置.
"""

# The fixtures of the registry's conftest are imported below and then named as arguments:
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from jichitai.audit.models import AuditEntry
from jichitai.registry import suppression
from jichitai.registry.models import Town
from tests.declarations.conftest import resident, salary_report  # noqa: F401 (fixtures)
from tests.declarations.test_services import file_and_submit
from tests.registry.conftest import clerk, household, protect, towns  # noqa: F401 (fixtures)
from tests.staff_login import log_in_verified

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[1] / "src" / "jichitai"

# Modules of tax/ and declarations/ that read a registry address and show none of it, with the reason. Any other
# module that reads one must ask the Shield (``suppression.screen_addresses``).
COMPUTES_ONLY = {
    "tax/assessment/inputs.py": "the 1月1日 address decides who is assessed here (地方税法第294条); nothing printed",
    "tax/assessment/services.py": "the ward of each assessment for the tax office's per-ward totals (aggregates)",
    "declarations/evidence.py": "assembles the registry's facts for the review; what is shown of them goes "
                                "through declarations/clerk.py (evidence_for, decision_view)",
    "declarations/portal/oidc.py": "matches the identity provider's claims to one resident; shows no address",
    "declarations/portal/views.py": "finds the signed-in resident's own record; the prefill shows it",
}
# The Shield's entry points that decide what an output may show (registry/suppression.py)
SHIELD_GATES = ("screen_addresses", "ensure_view_allowed", "ensure_issuance_allowed", "screen_rows", "screen_change")
REGISTRY_READ = re.compile(r"\b(Resident|ResidentHistory|residents_as_of|households_as_of|household_as_of)\b")
ADDRESS_ITEM = re.compile(r"\b(banchi|katagaki|town_code|setai_number|address_jan1|address_now)\b")


def test_every_tax_and_declarations_reader_of_an_address_goes_through_the_shield() -> None:
    """Consistency (of our own code with the house rule): a module that reads the registry and names an address
    item either asks the Shield or is declared above as showing no address."""
    bypass = []
    for package in ("tax", "declarations"):
        for path in sorted((SRC / package).rglob("*.py")):
            rel = path.relative_to(SRC).as_posix()
            if "/migrations/" in rel or "/domain/" in rel or "/rules/" in rel or "/calc/" in rel:
                continue  # pure computation: no registry read, no output (the import contracts hold it)
            text = path.read_text(encoding="utf-8")
            if not (REGISTRY_READ.search(text) and ADDRESS_ITEM.search(text)):
                continue
            if any(f"suppression.{gate}" in text for gate in SHIELD_GATES) or rel in COMPUTES_ONLY:
                continue
            bypass.append(rel)
    assert not bypass, f"modules that read a registry address without the Shield: {bypass}"
    stale = [m for m in COMPUTES_ONLY if not (SRC / m).exists()]
    assert not stale, stale


def test_the_audiences_of_the_shield(household: Any, protect: Any, clerk: Any) -> None:
    """Independent (住基法第12条・第12条の3, 3.1, 3.4): 花子 under 支援措置: her household's address is shown to
    themselves and to staff, never to anyone else; under 照会抑止 it is shown to themselves only."""
    taro, hanako = household.atena_numbers
    records = suppression.records_of([taro])
    protect(hanako, "support")
    assert suppression.screen_addresses(clerk, records, audience=suppression.SELF, action="t", via="t") == set()
    assert suppression.screen_addresses(clerk, records, audience=suppression.STAFF, action="t", via="t") == set()
    assert suppression.screen_addresses(clerk, records, audience=suppression.OTHERS, action="t", via="t") == {taro}
    protect(hanako, "view")
    assert suppression.screen_addresses(clerk, records, audience=suppression.STAFF, action="t", via="t") == {taro}
    assert suppression.screen_addresses(clerk, records, audience=suppression.SELF, action="t", via="t") == set()
    outcomes = set(AuditEntry.objects.filter(resource=f"resident:{taro}", detail__code="suppressed")
                   .values_list("outcome", flat=True))
    assert outcomes == {"ok", "withheld"}  # shown and withheld, each recorded on 太郎 …
    assert all(hanako in e.detail["protected_by"]  # … naming 花子
               for e in AuditEntry.objects.filter(resource=f"resident:{taro}", detail__code="suppressed"))


def test_a_tax_notice_of_a_protected_household_is_recorded_for_the_support_officer(household: Any, protect: Any,
                                                                                   make_staff: Any) -> None:
    """3.4: the 納税通知書 goes to the person themself (their address printed), through the Shield: the
    支援措置責任者's list shows that a notice about her household was printed."""
    from jichitai.registry import support
    from jichitai.tax.collection.notices import mailing_address

    taro, hanako = household.atena_numbers
    protect(hanako)
    assert "1番地" in mailing_address(taro)["address"]
    entry = AuditEntry.objects.get(action="tax.notice", resource=f"resident:{taro}")
    assert entry.outcome == "ok" and hanako in entry.detail["protected_by"]
    assert entry in support.attempts(make_staff(roles=["supervisor"]))


def test_the_prefill_of_a_protected_household_goes_through_the_shield(resident: Any, protect: Any) -> None:
    """3.4: the portal shows the resident their own household (本人・同一世帯員): shown, and recorded."""
    from jichitai.declarations import prefill

    me = resident(name="長田 母", kana="ナガタ ハハ", setai="SP1")
    child = resident(name="長田 子", kana="ナガタ コ", birth=dt.date(2008, 6, 1), setai="SP1", relationship="子")
    protect(child["atena_number"])
    p = prefill.load(me["actor"], 2026)
    assert p is not None and [m.name for m in p.members] == ["長田 子"] and p.banchi == "1-2-3"
    assert AuditEntry.objects.filter(action="declarations.prefill", resource=f"resident:{child['atena_number']}",
                                     outcome="ok", detail__via="portal.prefill").exists()


# ---- the tax reviewer's case page (declarations) --------------------------------------------------------------

def _town() -> None:
    Town.objects.get_or_create(code="281100010", defaults={"ward_code": "28110", "ward_name": "中央区",
                                                           "name": "加納町", "kana": "カノウチョウ"})


def _parent_claimed_as_cohabiting(resident: Any, salary_report: Any) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """A filer claims her mother (75) as 同居老親等; the registry holds the mother at 9-9-9 (FA11 names it)."""
    _town()
    me = resident(name="長田 娘", kana="ナガタ ムスメ", setai="SF1")
    mother = resident(name="長田 母", kana="ナガタ ハハ", birth=dt.date(1950, 3, 1), setai="SF2", banchi="9-9-9")
    salary_report(me["my_number"], 4_000_000)
    dep = {"my_number": mother["my_number"], "name": mother["name"], "birth_date": "1950-03-01",
           "total_income": 0, "relation": "parent", "cohabiting": True}
    d = file_and_submit(me, dependents=[dep])
    assert "FA11" in {f["code"] for f in d.decisions.get().findings}
    return me, mother, d


def _case_page(make_staff: Any, d: Any) -> str:
    reviewer = Client()
    log_in_verified(reviewer, make_staff(roles=["tax_reviewer"]))
    response = reviewer.get(f"/declarations/queue/{d.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_j440_the_case_page_of_someone_elses_declaration_withholds_a_protected_relatives_address(
        resident: Any, salary_report: Any, make_staff: Any, protect: Any) -> None:
    """3.4: the mother moved under 支援措置; a declaration claiming her (perhaps by the person she fled) shows
    the reviewer her address nowhere, not even in the finding reviewed before the measure; audited on her."""
    _, mother, d = _parent_claimed_as_cohabiting(resident, salary_report)
    assert "9-9-9" in _case_page(make_staff, d)  # before the measure the reviewer checks the address
    protect(mother["atena_number"])
    page = _case_page(make_staff, d)
    assert "9-9-9" not in page and "同居と申告" in page and "表示しません" in page
    assert "1-2-3" in page  # the filer's own address is not protected
    assert AuditEntry.objects.filter(resource=f"resident:{mother['atena_number']}", outcome="withheld",
                                     detail__via="declarations.case").exists()


def test_j440_a_finding_stored_without_its_address_items_is_not_shown_for_a_protected_relative(
        resident: Any, salary_report: Any, make_staff: Any, protect: Any) -> None:
    """3.4: a finding written by an older rule set does not say which of its items are addresses: for a person
    the Shield covers, the whole text is withheld rather than guessed at."""
    _, mother, d = _parent_claimed_as_cohabiting(resident, salary_report)
    decision = d.decisions.get()
    decision.findings = [{k: v for k, v in f.items() if k != "addresses"} for f in decision.findings]
    decision.save(update_fields=["findings"])
    protect(mother["atena_number"])
    page = _case_page(make_staff, d)
    assert "9-9-9" not in page and "指摘の詳細" in page


def test_j410_the_case_page_withholds_the_filers_address_under_view_suppression(
        resident: Any, salary_report: Any, make_staff: Any, protect: Any) -> None:
    """3.1: 照会抑止 on the filer: the reviewer still reviews the declaration, without seeing where she lives
    (declared, 1月1日 or current address, or in a finding); audited."""
    me, _, d = _parent_claimed_as_cohabiting(resident, salary_report)
    protect(me["atena_number"], "view")
    page = _case_page(make_staff, d)
    assert "1-2-3" not in page and "9-9-9" not in page and "表示しません" in page
    assert AuditEntry.objects.filter(resource=f"resident:{me['atena_number']}", outcome="withheld",
                                     detail__audience="staff").exists()


def test_no_findings_text_for_the_resident_prints_an_address() -> None:
    """Consistency: the resident's text of every rule names no address item of the registry (the finding goes
    to the filer, who may be the person a relative fled)."""
    from string import Formatter

    from jichitai.declarations.domain import RULES

    address_items = {"theirs", "jan1", "now"}
    printed = {code: {f for _, f, _, _ in Formatter().parse(r.resident_text) if f} & address_items
               for code, r in RULES.items()}
    assert not {c: p for c, p in printed.items() if p}
