"""申告訂正の決裁 (市民税課): the 決裁者 sees what the correction changes, address included, through the Shield; no
決裁 is blind (issue 18 item 3; 標準仕様書 3.1 / j410: 照会抑止 — the person's record is not shown to staff).

The scene: 長田 花子 declared her address as 加納町 1-2-3; the reviewer's correction changes only the address, to
元町 4-5-6. Expected values come from the standard (an address under 照会抑止 is not shown to staff, 3.1) and from
the registry's own rule for 職権 drafts (`approval.approve` refuses a blind 決裁: code ``protected_draft``).
"""

# ruff: noqa: F811 (the registry's fixtures are imported below and named as arguments)

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jichitai.audit.models import AuditEntry
from jichitai.common.errors import JichitaiError, PermissionRefused
from jichitai.declarations import clerk, corrections
from jichitai.declarations.models import Declaration, Status
from jichitai.declarations.sealing import unseal
from jichitai.registry.models import Town
from tests.declarations.test_services import file_and_submit
from tests.registry.conftest import protect  # noqa: F401 (fixture)
from tests.staff_login import log_in_verified

pytestmark = pytest.mark.django_db
OLD, NEW = "中央区 加納町 1-2-3", "中央区 元町 4-5-6"


@pytest.fixture
def pending(resident: Any, salary_report: Any, make_staff: Any) -> dict[str, Any]:
    """花子's declaration, reached the reviewer's queue, corrected in its address only, waiting for 決裁."""
    for code, name, kana in (("281100010", "加納町", "カノウチョウ"), ("281100020", "元町", "モトマチ")):
        Town.objects.get_or_create(code=code, defaults={"ward_code": "28110", "ward_name": "中央区", "name": name,
                                                        "kana": kana})
    me = resident(name="長田 花子", kana="ナガタ ハナコ")
    salary_report(me["my_number"], 4_000_000)
    d = file_and_submit(me)
    Declaration.objects.filter(pk=d.pk).update(status=Status.CLERK)  # the case is at the reviewer's desk
    record = unseal(Declaration.objects.get(pk=d.pk).data)
    reviewer = make_staff(roles=["tax_reviewer"], department="shiminzei")
    clerk.act(reviewer, d.pk, "correct", comment="住所の誤記を訂正", minutes=3,
              corrected={**record, "address": {"town_code": "281100020", "banchi": "4-5-6", "katagaki": ""}})
    return {"d": Declaration.objects.get(pk=d.pk), "atena": me["atena_number"]}


def _page(staff: Any, d: Declaration) -> str:
    client = Client()
    log_in_verified(client, staff)
    return client.get(f"/declarations/queue/{d.pk}/").content.decode()


def test_the_approver_sees_an_address_only_correction_before_and_after(pending: dict[str, Any],
                                                                       make_staff: Any) -> None:
    """Independent (issue 18 item 3): a correction whose only change is the address shows the approver both
    addresses in words (町字名, never the code) and nothing else as changed; then it is approved."""
    d = pending["d"]
    boss = make_staff(roles=["supervisor"], department="shiminzei")
    page = _page(boss, d)
    assert "訂正の内容" in page and OLD in page and NEW in page and "281100020" not in page
    view = corrections.for_approver(boss, d, d.clerk_actions.get(kind="correct"), via="test")
    assert [(x.label, x.before, x.after) for x in view.lines] == [("住所（申告）", OLD, NEW)]
    assert 'value="approve"' in page
    clerk.act(boss, d.pk, "approve", minutes=1)
    assert unseal(Declaration.objects.get(pk=d.pk).data)["address"]["town_code"] == "281100020"


def test_under_inquiry_suppression_the_address_change_is_never_approved_blind(
        pending: dict[str, Any], protect: Any, make_staff: Any) -> None:
    """Independent (3.1): 花子 under 照会抑止: the 市民税課 決裁者's page withholds both addresses (audited
    ``withheld`` on her) and offers no approval; approving anyway is refused in Japanese and the refusal is
    audited although the transaction rolls back; rejecting stays open. The 市民税課's 支援措置責任者 sees it
    (audited ``disclosed``) and approves it; a 支援措置責任者 of 市民課 may not approve tax work at all."""
    d, atena = pending["d"], pending["atena"]
    protect(atena, "view")
    boss = make_staff(roles=["supervisor"], department="shiminzei")
    page = _page(boss, d)
    assert OLD not in page and NEW not in page and "元町" not in page
    assert "支援措置責任者が行います" in page and 'value="approve"' not in page
    assert AuditEntry.objects.filter(resource=f"resident:{atena}", outcome="withheld",
                                     action="declarations.approve").exists()
    with pytest.raises(JichitaiError, match="支援措置責任者が決裁してください") as blind:
        clerk.act(boss, d.pk, "approve", minutes=1)
    assert blind.value.code == "protected_correction"
    assert AuditEntry.objects.filter(resource=f"declaration:{d.receipt_number}", outcome="refused",
                                     detail__code="protected_correction").exists()
    assert Declaration.objects.get(pk=d.pk).status == Status.PENDING_APPROVAL
    with pytest.raises(PermissionRefused):
        clerk.act(make_staff(roles=["supervisor", "support_officer"]), d.pk, "approve", minutes=1)  # 市民課
    officer = make_staff(roles=["supervisor", "support_officer"], department="shiminzei")
    page = _page(officer, d)
    assert OLD in page and NEW in page and 'value="approve"' in page
    assert AuditEntry.objects.filter(resource=f"resident:{atena}", outcome="disclosed").exists()
    clerk.act(officer, d.pk, "approve", minutes=1)
    assert Declaration.objects.get(pk=d.pk).status == Status.CLERK_CORRECTED


def test_a_correction_to_a_protected_place_is_not_approved_blind_either(
        pending: dict[str, Any], resident: Any, protect: Any, make_staff: Any) -> None:
    """Independent (3.1, the place is protected): the corrected address is where someone else under 照会抑止
    lives; the 決裁者 cannot see it, so cannot approve it; rejecting (which records nothing) is possible."""
    d = pending["d"]
    neighbour = resident(name="元町 一郎", kana="モトマチ イチロウ", town="281100020", banchi="4-5-6")
    protect(neighbour["atena_number"], "view")
    boss = make_staff(roles=["supervisor"], department="shiminzei")
    with pytest.raises(JichitaiError, match="支援措置責任者"):
        clerk.act(boss, d.pk, "approve", minutes=1)
    clerk.act(boss, d.pk, "reject", comment="住所を本人に確認してください", minutes=1)
    assert Declaration.objects.get(pk=d.pk).status == Status.CLERK


def test_every_change_is_named_in_words() -> None:
    """Consistency: amounts in yen with separators, relatives by name, any other part named as changed."""
    before = {"address": {"town_code": "x", "banchi": "1"}, "name": "長田 花子",
              "case": {"income": {"salary": 3_000_000}, "spouse": {"name": "長田 父"}, "dependents": [],
                       "taxpayer": {"widow": False}}}
    after = {"address": {"town_code": "x", "banchi": "1"}, "name": "長田 花子",
             "case": {"income": {"salary": 2_800_000}, "spouse": None, "dependents": [],
                      "taxpayer": {"widow": True}}}
    assert [(x.label, x.before, x.after) for x in corrections.lines(before, after)] == [
        ("給与の収入金額（支払金額）", "3,000,000円", "2,800,000円"),
        ("配偶者（控除対象）", "長田 父", "なし"),
        ("その他の申告内容（所得・控除）", "訂正前のとおり", "変更あり"),
    ]


def test_a_filer_without_a_registry_row_is_audited_under_the_declaration_not_as_none(
        pending: dict[str, Any], resident: Any, protect: Any, make_staff: Any) -> None:
    """Independent (標準仕様書 10.2 j1370: the access log records what each operation touched): a filer the
    registry does not hold (a 住登外者: no resident row behind the declaration) corrects their address to a place
    under 照会抑止. The 決裁者's withholding and the 支援措置責任者's opening are each audited once, on the
    declaration by its 受付番号 — never ``jutogai:None`` nor a bare ``resident:`` (the module's fixture fails on
    any such entry)."""
    d = pending["d"]
    Declaration.objects.filter(pk=d.pk).update(owner_index="f" * 64)  # no resident row has this filer's index
    d = Declaration.objects.get(pk=d.pk)
    neighbour = resident(name="元町 一郎", kana="モトマチ イチロウ", town="281100020", banchi="4-5-6")
    protect(neighbour["atena_number"], "view")
    boss = make_staff(roles=["supervisor"], department="shiminzei")
    assert corrections.for_approver(boss, d, d.clerk_actions.get(kind="correct"), via="test").hidden
    officer = make_staff(roles=["supervisor", "support_officer"], department="shiminzei")
    assert not corrections.for_approver(officer, d, d.clerk_actions.get(kind="correct"), via="test").hidden
    entries = list(AuditEntry.objects.filter(action="declarations.approve").values_list("outcome", "resource"))
    assert entries == [("withheld", f"declaration:{d.receipt_number}"),
                       ("disclosed", f"declaration:{d.receipt_number}")]
    assert AuditEntry.objects.get(outcome="disclosed").detail["protected_by"] == [neighbour["atena_number"]]
