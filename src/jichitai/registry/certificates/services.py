"""Issuing the certificates of j1000 — 住民票の写し, 住民票の除票の写し, 住民票記載事項証明書 and
住民票除票記載事項証明書: checks, snapshot from the registry, numbers, PDF, 交付履歴 and the audit trail.

- A 除票 kind is printed from records 消除 (joshuhyo.py), the others from the household's current 住民票; a
  person on the other kind of record is refused with the reason (「現在も住民票に記載されている」 / 「消除されて
  いる」), and the refusal is audited per person.
- 発行抑止 (j410) on any selected member refuses the issuance; 支援措置 (j440) of anyone at the address the
  certificate prints (a selected member, their household, the place) refuses it when the request comes from a
  third party (第三者請求): :func:`jichitai.registry.suppression.ensure_issuance_allowed` decides
  and audits (outside any transaction, so the refusal stays in the trail and shows on the supervisor's list). The
  same check runs for every kind, so a protected person's 除票 is no more given to a third party than their 住民票.
- A third party can never receive 本籍・筆頭者, 住民票コード or 個人番号 (住基法第12条の3), nor from a 除票 the
  世帯主・続柄 (第15条の4第3項: 除票基礎証明事項 only); an office never receives a 除票's 個人番号 or 住民票コード
  (第15条の4第2項); a 除票 消除 by 死亡 never prints them.
- Each printed certificate gets its own 発行番号 (j1040; 個人票: one per person) and one 交付履歴 row (j300) whose
  kind is the certificate's (``juminhyo``, ``joshuhyo``, ``kisai_jiko``, ``joshuhyo_kisai_jiko``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.registry import de_facto_heads, numbering, suppression
from jichitai.registry.certificates import certifiers, joshuhyo
from jichitai.registry.certificates.entries import address_text, entry_of
from jichitai.registry.certificates.layout import issue_numbers_needed
from jichitai.registry.certificates.render import render_with_pages
from jichitai.registry.certificates.snapshot import (
    HEAD_UNSET,
    NEVER_AFTER_DEATH,
    NEVER_FOR_THIRD_PARTY,
    NEVER_FROM_JOSHUHYO_FOR_OFFICIAL,
    NEVER_FROM_JOSHUHYO_FOR_THIRD_PARTY,
    Address,
    Certificate,
    CertificateFormat,
    CertificateRequest,
    HouseholdSnapshot,
    IssueNumber,
    Omit,
)
from jichitai.registry.domain import de_facto_head
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.person import ACTIVE, HEAD
from jichitai.registry.domain.reception import Reception
from jichitai.registry.models import CertificateIssuance, Resident, Town
from jichitai.registry.store import to_person

__all__ = ["ACTION", "REQUESTER_KINDS", "Issued", "address_text", "entry_of", "issue", "record_issuance"]

ACTION = "registry.certificate.issue"
REQUESTER_KINDS = {"self": "本人", "household": "同一世帯員", "third_party": "第三者", "official": "公用"}
LAYOUTS = {CertificateFormat.SETAI_RENKI: "setai_renki", CertificateFormat.KOJIN: "kojinhyo"}


@dataclass(frozen=True)
class Issued:
    pdf: bytes
    pages: int
    issuances: list[CertificateIssuance]

    @property
    def filename(self) -> str:
        return f"{self.issuances[0].kind}-{self.issuances[0].issue_number}.pdf"


def household_snapshot(setai_number: str) -> HouseholdSnapshot:
    """The household's current members (住民状態 住民) as plain data for the renderer."""
    rows = list(Resident.objects.filter(setai_number=setai_number, status=ACTIVE).order_by("household_order", "pk"))
    if not rows:
        raise RegistryError(f"世帯番号 {setai_number} の世帯に住民がいません。", code="no_household",
                            setai_number=setai_number)
    people = [to_person(r) for r in rows]
    towns = {t.code: t for t in Town.objects.filter(code__in={p.town_code for p in people})}
    head = next((p for p in people if p.relationship == HEAD), None)
    where = head or people[0]  # one address a household
    prefecture, city = certifiers.city()
    entries = tuple(entry_of(p) for p in people)
    in_fact = de_facto_heads.name_of(setai_number)
    if in_fact:  # j740: the 事実上の世帯主 in the 備考 (C類型) of each member's 住民票
        entries = tuple(replace(e, remarks=(*e.remarks, de_facto_head.remark(in_fact))) for e in entries)
    return HouseholdSnapshot(
        setai_number=setai_number, address=Address(address_text(where, towns), where.katagaki),
        head_name=head.name if head else HEAD_UNSET, members=entries, city_name=city, prefecture=prefecture,
    )


def _refuse(actor: Any, atena_numbers: list[str], error: RegistryError, **detail: Any) -> None:
    for atena in atena_numbers:
        audit.record(actor, ACTION, f"resident:{atena}", "refused", code=error.code, **detail)
    raise error


def validate(request: CertificateRequest, requester_kind: str) -> None:
    """What the form must say before anything is read."""
    if requester_kind not in REQUESTER_KINDS:
        raise RegistryError("請求者の区分を選択してください。", code="requester_kind", field="requester_kind")
    if not request.members:
        raise RegistryError("証明書に記載する世帯員を選択してください。", code="no_members", field="members")
    if request.kind.selects_items and not request.items:
        raise RegistryError(f"{request.kind.label}に記載する事項を選択してください。", code="no_items", field="items")


def on_record(actor: Any, setai_number: str, request: CertificateRequest) -> None:
    """Every chosen person is of this household and on the kind of record the certificate is printed from: a
    除票 kind refuses a current resident (a 転出予定者 included), the others a person 消除 (audited)."""
    found = {atena: status for atena, setai, status in Resident.objects.filter(pk__in=request.members)
             .values_list("pk", "setai_number", "status") if setai == setai_number}
    strangers = [a for a in request.members if a not in found]
    if strangers:
        raise RegistryError(f"宛名番号 {'・'.join(strangers)} はこの世帯の住民ではありません。", code="not_member",
                            field="members")
    kind = request.kind
    if kind.of_removed:
        current = [a for a in request.members if found[a] == ACTIVE]
        if current:
            _refuse(actor, current, RegistryError(
                f"宛名番号 {'・'.join(current)} の方は現在も住民票に記載されているため、{kind.label}は交付できません"
                "（除票は消除された住民票です。住民基本台帳法第15条の4）。住民票の写し又は住民票記載事項証明書を交付してください。",
                code="still_resident", field="members"), kind=kind.value)
    else:
        removed = [a for a in request.members if found[a] != ACTIVE]
        if removed:
            _refuse(actor, removed, RegistryError(
                f"宛名番号 {'・'.join(removed)} の方の住民票は消除されている（除票）ため、{kind.label}は交付できません。"
                "住民票の除票の写し又は住民票除票記載事項証明書を交付してください。", code="not_resident", field="members"),
                kind=kind.value)


# The items a certificate prints only for a clerk holding their 操作権限 (10.4; see registry.access.ITEM_ACTIONS).
# The 個人番号 is printed at a 本人's request by the clerk at the counter (not a screen showing it).
ITEM_RIGHTS: dict[str, frozenset[Omit]] = {
    "registry.view_honseki": frozenset({Omit.HONSEKI}),
    "registry.view_juminhyo_code": frozenset({Omit.JUMINHYO_CODE}),
    "registry.view_residence_status": frozenset({Omit.ZAIRYU, Omit.ZAIRYU_CARD}),
}


def _never(actor: Any, request: CertificateRequest, never: frozenset[Omit], where: str, code: str) -> None:
    """Refuse (audited) when a switch in ``never`` is not set: ``where`` says who may not have them and why."""
    shown = sorted(o.label for o in never - request.omit)
    if shown:
        _refuse(actor, list(request.members), RegistryError(
            where.format(items="・".join(shown)), code=code, field="omit"), kind=request.kind.value)


def check(actor: Any, request: CertificateRequest, requester_kind: str,
          snapshot: HouseholdSnapshot | None = None) -> None:
    """Refuse what may not be issued; every refusal is audited per person concerned."""
    validate(request, requester_kind)
    removed = request.kind.of_removed
    if request.third_party and removed:
        _never(actor, request, NEVER_FROM_JOSHUHYO_FOR_THIRD_PARTY,
               "第三者請求では除票の{items}を記載できません（住民基本台帳法第15条の4第3項）。", "third_party_items")
    elif request.third_party:
        _never(actor, request, NEVER_FOR_THIRD_PARTY, "第三者請求では{items}を記載できません（住民基本台帳法第12条の3）。",
               "third_party_items")
    if request.official_use and removed:
        _never(actor, request, NEVER_FROM_JOSHUHYO_FOR_OFFICIAL,
               "公用請求の除票には{items}を記載できません（住民基本台帳法第15条の4第2項）。", "official_items")
    chosen = set(request.members)
    if snapshot is not None and any(m.removal and m.removal.by_death for m in snapshot.members
                                    if m.atena_number in chosen):
        _never(actor, request, NEVER_AFTER_DEATH, "死亡により消除された方の除票には{items}を記載できません。",
               "deceased_items")
    foreign = snapshot is None or any(m.is_foreign for m in snapshot.members if m.atena_number in chosen)
    for action, items in ITEM_RIGHTS.items():  # 10.4 (j1390): 証明 is one of 「全ての画面」
        if not allowed(actor, action) and (foreign or action != "registry.view_residence_status"):
            _never(actor, request, items, "{items}の表示権限がないため、{items}を記載した証明書は交付できません"
                   "（省略を選んでください。標準仕様書 10.4）。", "item_permission")
    suppression.ensure_issuance_allowed(actor, list(request.members), requester_kind, counter=True)


def snapshot_for(actor: Any, setai_number: str, request: CertificateRequest) -> HouseholdSnapshot:
    """The record the request is printed from: the household's 住民票, or the 除票 of the chosen people."""
    on_record(actor, setai_number, request)
    if request.kind.of_removed:
        return joshuhyo.snapshot(setai_number, request.members)
    return household_snapshot(setai_number)


def omissions_of(request: CertificateRequest) -> dict[str, Any]:
    """記載事項 as 交付履歴 keeps them (j300): the switches, and a 記載事項証明書's chosen items."""
    out: dict[str, Any] = {o.value: True for o in request.omit}
    if request.kind.selects_items:
        out["items"] = sorted(i.value for i in request.items)
    return out


def issue(*, actor: Any, setai_number: str, request: CertificateRequest, requester_kind: str,
          requester_name: str = "", purpose: str = "", terminal: str = "", today: dt.date | None = None,
          reception: Reception | None = None) -> Issued:
    """Issue one request of any kind of j1000: returns the PDF and the 交付履歴 rows written (with the 本人確認
    and 手数料 of ``reception``)."""
    today = today or timezone.localdate()
    validate(request, requester_kind)
    snapshot = snapshot_for(actor, setai_number, request)
    check(actor, request, requester_kind, snapshot)
    certifier = certifiers.sealed(certifiers.certifier_on(today))
    _, city = certifiers.city()
    count = issue_numbers_needed(request.format, len(request.members))
    numbers = tuple(IssueNumber(today, city, terminal, "", serial) for serial in numbering.serials("issue", count))
    cert = Certificate(snapshot, request, certifier, today, numbers,
                       whole_household=set(request.members) == {m.atena_number for m in snapshot.members})
    pdf, pages = render_with_pages(cert)
    kojin = request.format is CertificateFormat.KOJIN
    groups = [[a] for a in request.members] if kojin else [list(request.members)]
    rows = record_issuance(
        actor, numbers, groups, kind=request.kind.value, layout=LAYOUTS[request.format], setai_number=setai_number,
        pages=1 if kojin else pages, omissions=omissions_of(request),
        requester_kind=requester_kind, requester_name=requester_name, purpose=purpose, terminal=terminal,
        reception=reception, detail={"layout": LAYOUTS[request.format],
                "my_number_printed": not any(o.value == "my_number" for o in request.omit)})
    return Issued(pdf, pages, rows)


def record_issuance(actor: Any, numbers: tuple[IssueNumber, ...], groups: list[list[str]], *, kind: str,
                    setai_number: str, pages: int, requester_kind: str, requester_name: str = "", purpose: str = "",
                    terminal: str = "", layout: str = "", omissions: dict[str, Any] | None = None,
                    detail: dict[str, Any] | None = None, reception: Reception | None = None,
                    ) -> list[CertificateIssuance]:
    """交付履歴 (j300): one row per printed certificate (``groups[i]`` printed under ``numbers[i]``) and one audit
    entry per person, in one transaction (one insert for the rows, one lock of the audit chain)."""
    issued_by = actor if getattr(actor, "pk", None) else None
    stored = [n.stored for n in numbers]
    documents = ",".join(reception.identity_documents) if reception else ""
    fee = reception.fee if reception else 0
    detail = {**(detail or {}), **({"reception": reception.as_dict()} if reception else {})}
    with transaction.atomic():
        rows = CertificateIssuance.objects.bulk_create([
            CertificateIssuance(
                issue_number=number.stored, kind=kind, layout=layout, setai_number=setai_number,
                atena_numbers=group, requester_kind=requester_kind, requester_name=requester_name[:200],
                purpose=purpose[:200], omissions=omissions or {}, pages=pages, issued_by=issued_by,
                terminal=terminal[:100], identity_documents=documents[:300], fee=fee)
            for number, group in zip(numbers, groups, strict=True)])
        audit.record_many([
            audit.Event(actor, ACTION, f"resident:{atena}", "ok",
                        {"kind": kind, "issue_numbers": stored, "requester_kind": requester_kind, **detail})
            for group in groups for atena in group])
    return rows
