"""10.4 操作権限設定 (j1390): 「システムの利用者及び管理者に対する個人単位での操作権限においては、他課参照や異動・証明を
含む全ての画面にて、「戸籍の表示」、「個人番号」、「住民票コード」及び「在留資格等」の項目を表示又は非表示に設定できること。」

Each of the four is an action of its own (registry.view_honseki, registry.view_mynumber, registry.view_juminhyo_code,
registry.view_residence_status) granted through a person's roles; the demo grants the first, third and fourth to
窓口 and 決裁, not to 監査 (who may 照会 a record). Independent: the items and the rule are the standard's text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.accounts.policy import allowed
from jichitai.audit.models import AuditEntry
from jichitai.common.errors import PermissionRefused
from jichitai.registry import access
from jichitai.registry.domain import NewPerson
from jichitai.registry.models import Resident
from jichitai.registry.services import apply
from jichitai.registry.views import records
from tests.registry.conftest import move_in_command

pytestmark = pytest.mark.django_db

HIDDEN_ITEMS = {"honseki", "hittosha", "juminhyo_code", "article_30_45", "residence_status", "residence_period",
                "residence_until", "residence_card_number"}


@pytest.fixture
def mixed(towns: Any, clerk: Any) -> Any:
    """A foreign 世帯主 (在留資格等) and her Japanese husband (本籍・筆頭者); both get a 住民票コード."""
    lee = NewPerson("LEE MIN", "リー ミン", dt.date(1990, 1, 5), "F", "世帯主", resident_kind="foreign",
                    nationality="韓国", article_30_45="中長期在留者", residence_status="技術・人文知識・国際業務",
                    residence_period="5年", residence_until=dt.date(2030, 3, 31), residence_card_number="AB12345678CD")
    tanaka = NewPerson("田中 一", "タナカ ハジメ", dt.date(1988, 6, 1), "M", "夫", honseki="兵庫県神戸市中央区加納町六丁目5番",
                       hittosha="田中 一", juminhyo_code="12345678903")
    return apply(move_in_command(persons=(lee, tanaka)), actor=clerk)


def test_each_item_is_its_own_permission(make_staff: Any) -> None:
    """The four items can be shown or hidden person by person: each has its own action in the one check."""
    clerk, auditor = make_staff(roles=["counter"]), make_staff(roles=["auditor"])
    for action in access.ITEM_ACTIONS:
        assert allowed(clerk, action) and not allowed(auditor, action)
    assert allowed(auditor, "registry.view")
    assert set().union(*access.ITEM_ACTIONS.values()) == HIDDEN_ITEMS
    assert access.hidden_items(auditor) == HIDDEN_ITEMS | {"my_number"}
    assert access.hidden_items(clerk) == {"my_number"}


def test_resident_view_masks_the_items_for_a_role_without_them(mixed: Any, clerk: Any, make_staff: Any) -> None:
    auditor = make_staff(roles=["auditor"])
    tanaka = mixed.atena_numbers[1]
    seen = access.view_resident(clerk, tanaka)
    assert seen.person.honseki.startswith("兵庫県") and seen.person.juminhyo_code
    assert seen.household[0].residence_status == "技術・人文知識・国際業務"
    hidden = access.view_resident(auditor, tanaka)
    for person in (hidden.person, *hidden.household):
        assert (person.honseki, person.hittosha, person.juminhyo_code, person.residence_status,
                person.residence_card_number, person.residence_until, person.article_30_45) == ("", "", "", "", "", None, "")
    assert hidden.person.name == "田中 一" and hidden.household[0].nationality == "韓国"  # the rest stays
    household = records.household(auditor, mixed.setai_numbers[0])
    assert all(m.honseki == "" and m.juminhyo_code == "" and m.residence_status == "" for m in household.members)
    rows = records.household_on(auditor, mixed.setai_numbers[0], dt.date(2026, 11, 2))
    assert rows and not any(HIDDEN_ITEMS & r.keys() for r in rows)
    assert "residence_status" in records.household_on(clerk, mixed.setai_numbers[0], dt.date(2026, 11, 2))[0]


def test_pages_and_api_hide_the_items(mixed: Any, login_as: Any) -> None:
    lee, tanaka = mixed.atena_numbers
    code = Resident.objects.get(pk=tanaka).juminhyo_code
    assert code
    clerk = login_as("counter")
    html = clerk.get(f"/registry/residents/{tanaka}/").content.decode()
    assert "兵庫県神戸市中央区加納町六丁目5番" in html and code in html
    assert "技術・人文知識・国際業務" in clerk.get(f"/registry/residents/{lee}/").content.decode()
    full = clerk.get(f"/api/registry/residents/{tanaka}").json()
    assert full["resident"]["juminhyo_code"] == code and "my_number" not in full["resident"]
    auditor = login_as("auditor")  # the same test client, now logged in as a member of 監査
    html = auditor.get(f"/registry/residents/{tanaka}/").content.decode()
    assert "兵庫県神戸市中央区加納町六丁目5番" not in html and code not in html and "（表示権限なし）" in html
    html = auditor.get(f"/registry/residents/{lee}/").content.decode()
    assert "技術・人文知識・国際業務" not in html and "AB12345678CD" not in html and "2030年3月31日" not in html
    answer = auditor.get(f"/api/registry/residents/{tanaka}").json()
    assert not HIDDEN_ITEMS & answer["resident"].keys() and answer["resident"]["name"] == "田中 一"
    assert all(not HIDDEN_ITEMS & m.keys() for m in answer["household"])


def test_search_by_juminhyo_code_needs_the_right(mixed: Any, clerk: Any, make_staff: Any) -> None:
    tanaka = mixed.atena_numbers[1]
    code = Resident.objects.get(pk=tanaka).juminhyo_code
    assert [r["atena_number"] for r in records.find(clerk, {"juminhyo_code": code}).rows] == [tanaka]
    with pytest.raises(PermissionRefused):
        records.find(make_staff(roles=["auditor"]), {"juminhyo_code": code})
    assert AuditEntry.objects.filter(action="registry.view_juminhyo_code", outcome="refused").exists()


def test_certificates_print_the_items_only_for_a_clerk_with_the_right(mixed: Any, make_staff: Any,
                                                                      monkeypatch: Any) -> None:
    """「異動・証明を含む全ての画面にて」: a city that withholds 本籍 and 在留資格等 from 窓口 (the grant changed as its
    操作権限一覧表 says) has its clerks issue a 住民票の写し only with those items left out."""
    from jichitai.accounts import policy
    from jichitai.accounts import roles as R
    from jichitai.registry.certificates.services import issue
    from jichitai.registry.certificates.snapshot import DEFAULT_OMIT, CertificateFormat, CertificateRequest, Omit
    from jichitai.registry.domain import RegistryError

    for action in ("registry.view_honseki", "registry.view_residence_status"):
        monkeypatch.setitem(policy.ACTIONS, action, policy.Action(action, "", frozenset({R.SUPERVISOR})))
    clerk = make_staff(roles=["counter"])
    setai, members = mixed.setai_numbers[0], tuple(mixed.atena_numbers)
    honseki = CertificateRequest(CertificateFormat.SETAI_RENKI, members, omit=DEFAULT_OMIT - {Omit.HONSEKI})
    with pytest.raises(RegistryError) as info:
        issue(actor=clerk, setai_number=setai, request=honseki, requester_kind="self")
    assert info.value.code == "item_permission" and "本籍・筆頭者" in info.value.message
    with pytest.raises(RegistryError) as info:  # LEE MIN's 在留資格等 printed by default
        issue(actor=clerk, setai_number=setai, request=CertificateRequest(CertificateFormat.SETAI_RENKI, members),
              requester_kind="self")
    assert info.value.code == "item_permission" and "本籍" not in info.value.message
    without = CertificateRequest(CertificateFormat.SETAI_RENKI, members, omit=DEFAULT_OMIT | {Omit.ZAIRYU, Omit.ZAIRYU_CARD})
    assert issue(actor=clerk, setai_number=setai, request=without, requester_kind="self").pdf
    japanese_only = CertificateRequest(CertificateFormat.SETAI_RENKI, members[1:])  # 田中 一 alone: nothing foreign
    assert issue(actor=clerk, setai_number=setai, request=japanese_only, requester_kind="self").pdf
    assert issue(actor=make_staff(roles=["supervisor"]), setai_number=setai, request=honseki,
                 requester_kind="self").pdf
