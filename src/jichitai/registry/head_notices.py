"""世帯主不在の世帯 (標準仕様書 4.0.5, j500): the 対象者リスト, the 世帯主変更依頼通知書 and the 世帯主変更通知書.

j500: 「世帯主不在の世帯について、職権で世帯主を定めるかどうかを選択でき、職権で世帯主を定めた場合、世帯主変更通知書を
出力することができること。職権で世帯主を定めない場合、世帯主変更依頼通知書と対象者リストが出力できること。」 The choice is
made in the 異動 that takes the 世帯主 away (「世帯主を定めない」, domain.work.reassign_head) or later by a 世帯主変更.

Both notices go to 「残った世帯員から、5.2（世帯員の並び順）に基づき、世帯主が消除される前の状態で住民票上記載される最上位の
世帯員」: the remaining members keep the 続柄 they had to the former 世帯主 until a 世帯主変更, so the 5.2 order of their
現在の 続柄 (certificates.ordering) is that order; for a 世帯主変更通知書 the 続柄 each had just before the change is used.

Kobe is a 指定都市, for which j500 is 実装すべき. Every notice printed is audited (who, which household, to whom).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.common.recorded_date import display
from jichitai.common.wareki import to_wareki
from jichitai.registry import mailing_codes, suppression
from jichitai.registry.certificates import certifiers
from jichitai.registry.certificates.entries import entry_of
from jichitai.registry.certificates.ordering import ordered
from jichitai.registry.certificates.render import typst_pdf
from jichitai.registry.domain.errors import RegistryError, SuppressedError
from jichitai.registry.domain.person import ACTIVE, HEAD, Person
from jichitai.registry.domain.reasons import Reason
from jichitai.registry.mailing import Mailing, mailing
from jichitai.registry.models import Household, Resident, ResidentHistory, Town
from jichitai.registry.store import to_person

TEMPLATE = Path(__file__).resolve().parent / "templates" / "registry" / "notices" / "head_notice.typ"
REQUEST, CHANGE = "request", "change"
TITLES = {REQUEST: "世帯主変更依頼通知書", CHANGE: "世帯主変更通知書"}
LIST_TITLE = "世帯主不在世帯 対象者リスト"
ACTION = "registry.head_notice"


@dataclass(frozen=True)
class HeadEvent:
    """How the household came to its present state: the person who was (or became) 世帯主, on which day, by what."""

    name: str
    moved_on: dt.date
    reason: str


@dataclass(frozen=True)
class HeadlessHousehold:
    setai_number: str
    address: str
    members: list[Person]      # in the 5.2 order; the first is the addressee
    former_head: HeadEvent | None  # the 世帯主 who left, with the day and the 異動 by which they left

    @property
    def addressee(self) -> Person:
        return self.members[0]


def _label(code: str) -> str:
    try:
        return Reason(code).label
    except ValueError:
        return code


def _in_order(people: list[Person], relationship: dict[str, str] | None = None) -> list[Person]:
    """5.2 order by rule (a 住民票の写し's hand-set 並び順 is not the notice's); ``relationship`` (宛名番号 → 続柄)
    ranks by the 続柄 each had before a change."""
    by_atena = {p.atena_number: p for p in people}
    rel = relationship or {}
    entries = [replace(entry_of(p), order=None, relationship=rel.get(p.atena_number, p.relationship)) for p in people]
    return [by_atena[e.atena_number] for e in ordered(entries)]


def _members(setai_number: str) -> list[Person]:
    return [to_person(r) for r in Resident.objects.filter(setai_number=setai_number, status=ACTIVE)]


def _former_head(setai_number: str) -> HeadEvent | None:
    """The last 世帯主 of the household and the 異動 by which they stopped being it."""
    row = (ResidentHistory.objects.filter(setai_number=setai_number, relationship=HEAD, status=ACTIVE)
           .order_by("-recorded_at", "-pk").first())
    if row is None:
        return None
    left = (ResidentHistory.objects.filter(atena_number=row.atena_number, history_no__gt=row.history_no)
            .order_by("history_no").first())
    if left is None:
        return None
    return HeadEvent(row.name, left.moved_on, _label(left.reason))


def _mailing(person: Person) -> Mailing:
    return mailing(person, Town.objects.filter(code=person.town_code).first(),
                   mailing_codes.code_of(person.atena_number))


def headless(setai_number: str) -> HeadlessHousehold:
    members = _members(setai_number)
    if not members:
        raise RegistryError(f"世帯番号 {setai_number} の世帯に住民がいません。", code="no_household",
                            setai_number=setai_number)
    if any(m.is_head for m in members):
        raise RegistryError(f"世帯番号 {setai_number} の世帯には世帯主がいます。世帯主変更依頼通知書は世帯主不在の世帯に送付します。",
                            code="has_head", setai_number=setai_number)
    people = _in_order(members)
    return HeadlessHousehold(setai_number, _mailing(people[0]).address, people, _former_head(setai_number))


def target_list(actor: Any) -> list[HeadlessHousehold]:
    """対象者リスト: every household that stands without a 世帯主, oldest first; households under 照会抑止 are left
    out (their members' records are not shown to staff, 3.1) and audited as withheld."""
    numbers = list(Household.objects.filter(head_atena_number="", member_count__gt=0)
                   .order_by("setai_number").values_list("setai_number", flat=True))
    guard = suppression.shield()
    found = []
    for setai in numbers:
        rows = list(Resident.objects.filter(setai_number=setai, status=ACTIVE))
        if not rows or any(r.relationship == HEAD for r in rows):
            continue
        try:  # refused and audited per member as on the household page (3.1)
            suppression.ensure_view_allowed(actor, rows[0].atena_number, records=rows, via="head_unset_list",
                                            guard=guard)
        except SuppressedError:
            continue
        found.append(headless(setai))
    found.sort(key=lambda h: (h.former_head.moved_on if h.former_head else dt.date.min, h.setai_number))
    audit.record(actor, ACTION, "households:headless", "ok", page="list", households=len(found),
                 subjects=[m.atena_number for h in found for m in h.members])
    return found


def _head_since(head: Person) -> tuple[HeadEvent, dict[str, str]]:
    """When ``head`` became 世帯主 of their household, by what 異動, and the 続柄 the members had just before."""
    rows = list(ResidentHistory.objects.filter(atena_number=head.atena_number).order_by("-history_no"))
    start = rows[0]
    for r in rows:
        if r.relationship != HEAD or r.setai_number != head.setai_number or r.status != ACTIVE:
            break
        start = r
    if start.history_no == min(r.history_no for r in rows):
        raise RegistryError(f"{head.name}さんは世帯の記載の時から世帯主です。世帯主変更通知書は世帯主が変わった世帯に送付します。",
                            code="head_from_entry", atena_number=head.atena_number)
    before: dict[str, str] = {}
    for m in _members(head.setai_number):
        prior = (ResidentHistory.objects.filter(atena_number=m.atena_number, recorded_at__lt=start.recorded_at)
                 .order_by("-history_no").first())
        if prior is not None and prior.setai_number == head.setai_number:
            before[m.atena_number] = prior.relationship
    return HeadEvent(head.name, start.moved_on, _label(start.reason)), before


def _ensure_allowed(actor: Any, members: list[Person]) -> None:
    suppression.ensure_view_allowed(actor, members[0].atena_number,
                                    records=[{"atena_number": m.atena_number, "setai_number": m.setai_number,
                                              "town_code": m.town_code, "banchi": m.banchi, "katagaki": m.katagaki}
                                             for m in members], via="head_notice")


def _person_rows(people: list[Person]) -> list[list[str]]:
    return [[p.name, p.relationship, display(p.birth_date, p.birth_date_text)] for p in people]


def notice_pdf(actor: Any, setai_number: str, kind: str) -> bytes:
    """The 世帯主変更依頼通知書 (``kind="request"``, a household without a 世帯主) or the 世帯主変更通知書
    (``kind="change"``, a household whose 世帯主 was named after the former one left), A4, to the addressee of j500."""
    if kind not in TITLES:
        raise RegistryError("通知書の種類は世帯主変更依頼通知書または世帯主変更通知書です。", code="notice_kind")
    members = _members(setai_number)
    if not members:
        raise RegistryError(f"世帯番号 {setai_number} の世帯に住民がいません。", code="no_household",
                            setai_number=setai_number)
    _ensure_allowed(actor, members)
    _, city = certifiers.city()
    today = timezone.localdate()
    if kind == REQUEST:
        h = headless(setai_number)
        to, people = h.addressee, h.members
        former = h.former_head
        why = (f"世帯主であった{former.name}さんが{to_wareki(former.moved_on)}に{former.reason}により世帯から"
               "いなくなり、" if former else "")
        body = [f"あなたの世帯は、{why}現在、世帯主が定まっていません（世帯主未設定）。",
                "世帯の中から新しい世帯主を定め、世帯主変更の届出をしてください（住民基本台帳法第25条。"
                "変更があった日から14日以内）。",
                "届出には、届出をする方の本人確認書類をお持ちください。"]
        facts = [["世帯主であった方", former.name if former else "（不明）"],
                 ["異動日", to_wareki(former.moved_on) if former else ""],
                 ["異動事由", former.reason if former else ""]]
    else:
        head = next((m for m in members if m.is_head), None)
        if head is None:
            raise RegistryError(f"世帯番号 {setai_number} の世帯には世帯主がいません。世帯主変更依頼通知書を送付してください。",
                                code="no_head", setai_number=setai_number)
        event, before = _head_since(head)
        people = _in_order(members, before)
        to = people[0]
        body = [f"あなたの世帯の世帯主を、{to_wareki(event.moved_on)}付けで{head.name}さんと定め、住民票に記載しました"
                f"（{event.reason}）。",
                "内容に誤りがある場合や、ほかの方を世帯主とする場合は、市区役所の窓口にお申し出ください。"]
        facts = [["新しい世帯主", head.name], ["異動日", to_wareki(event.moved_on)], ["異動事由", event.reason]]
        people = _in_order(members)
    sent = _mailing(to)
    data: dict[str, object] = {
        "title": TITLES[kind], "kind": kind, "issued": to_wareki(today), "city": f"{city}長",
        "to_postcode": sent.postcode_mark, "to_address": sent.address, "to_barcode": sent.barcode,
        "to_name": f"{sent.name} 様", "body": body, "setai_number": setai_number,
        "facts": [["世帯番号", setai_number], ["住所", sent.address], *facts],
        "members": _person_rows(people), "rows": [],
    }
    pdf = typst_pdf(TEMPLATE, data)
    audit.record(actor, ACTION, f"household:{setai_number}", "ok", kind=kind, addressee=to.atena_number,
                 subjects=[m.atena_number for m in members])
    return pdf


def list_pdf(actor: Any) -> bytes:
    """対象者リスト as a PDF: each household without a 世帯主, its former 世帯主 and day, and its members."""
    found = target_list(actor)
    rows = [[h.setai_number, h.address, h.former_head.name if h.former_head else "",
             to_wareki(h.former_head.moved_on) if h.former_head else "",
             h.former_head.reason if h.former_head else "", h.addressee.name,
             "、".join(f"{m.name}（{m.relationship}）" for m in h.members)] for h in found]
    _, city = certifiers.city()
    data: dict[str, object] = {"title": LIST_TITLE, "kind": "list", "issued": to_wareki(timezone.localdate()), "city": f"{city}長",
            "to_address": "", "to_name": "", "body": [f"世帯主不在の世帯 {len(found)}件"], "setai_number": "",
            "facts": [], "members": [], "rows": rows}
    return typst_pdf(TEMPLATE, data)
