"""Issuing 住民票の写し: checks, snapshot from the registry, numbers, PDF, 交付履歴 and the audit trail.

- 発行抑止 (j410) on any selected member refuses the issuance; 支援措置 (j440) refuses it when the request
  comes from a third party (第三者請求): :func:`jichitai.registry.suppression.ensure_issuance_allowed` decides
  and audits (outside any transaction, so the refusal stays in the trail and shows on the supervisor's list).
- A third party can never receive 本籍・筆頭者, 住民票コード or 個人番号 (住基法第12条の3).
- Each printed certificate gets its own 発行番号 (j1040; 個人票: one per person) and one 交付履歴 row (j300).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.registry import numbering, suppression
from jichitai.registry.certificates import certifiers
from jichitai.registry.certificates.layout import issue_numbers_needed
from jichitai.registry.certificates.render import render_with_pages
from jichitai.registry.certificates.snapshot import (
    NEVER_FOR_THIRD_PARTY,
    Address,
    Certificate,
    CertificateFormat,
    CertificateRequest,
    ForeignItems,
    HouseholdSnapshot,
    IssueNumber,
    PersonEntry,
)
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.person import ACTIVE, FOREIGN, HEAD, MALE, Person
from jichitai.registry.models import CertificateIssuance, Resident, Town
from jichitai.registry.store import to_person

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


def address_text(person: Person, towns: dict[str, Town]) -> str:
    prefecture, city = certifiers.city()
    town = towns.get(person.town_code)
    if town is None:
        return person.banchi
    return f"{prefecture}{city}{town.ward_name}{town.name}{person.banchi}"


def entry_of(person: Person) -> PersonEntry:
    foreign = None
    if person.resident_kind == FOREIGN:
        foreign = ForeignItems(
            name_roman=person.name if person.name.isascii() else "", nationality=person.nationality,
            article_30_45=person.article_30_45, status=person.residence_status, period=person.residence_period,
            period_end=person.residence_until, card_number=person.residence_card_number,
            became_resident_on=person.foreign_resident_on,
        )
    return PersonEntry(
        atena_number=person.atena_number, name=person.name, kana=person.kana, birth_date=person.birth_date,
        sex="男" if person.sex == MALE else "女", relationship=person.relationship,
        became_resident_on=person.became_resident_on, address_set_on=person.address_set_on,
        notified_on=person.notified_on, previous_address=person.previous_address, honseki=person.honseki,
        hittosha=person.hittosha, my_number=person.my_number, juminhyo_code=person.juminhyo_code,
        old_surname=person.kyuuji, tsusho=person.tsusho, foreign=foreign,
        remarks=tuple(line for line in person.note.splitlines() if line.strip()),
    )


def household_snapshot(setai_number: str) -> HouseholdSnapshot:
    """The household's current members (住民状態 住民) as plain data for the renderer."""
    rows = list(Resident.objects.filter(setai_number=setai_number, status=ACTIVE).order_by("household_order", "pk"))
    if not rows:
        raise RegistryError(f"世帯番号 {setai_number} の世帯に住民がいません。", code="no_household",
                            setai_number=setai_number)
    people = [to_person(r) for r in rows]
    towns = {t.code: t for t in Town.objects.filter(code__in={p.town_code for p in people})}
    head = next((p for p in people if p.relationship == HEAD), people[0])
    prefecture, city = certifiers.city()
    return HouseholdSnapshot(
        setai_number=setai_number, address=Address(address_text(head, towns), head.katagaki),
        head_name=head.name, members=tuple(entry_of(p) for p in people), city_name=city, prefecture=prefecture,
    )


def _refuse(actor: Any, atena_numbers: list[str], error: RegistryError, **detail: Any) -> None:
    for atena in atena_numbers:
        audit.record(actor, ACTION, f"resident:{atena}", "refused", code=error.code, **detail)
    raise error


def check(actor: Any, request: CertificateRequest, requester_kind: str) -> None:
    """Refuse what may not be issued; every refusal is audited per person concerned."""
    members = list(request.members)
    if requester_kind not in REQUESTER_KINDS:
        raise RegistryError("請求者の区分を選択してください。", code="requester_kind", field="requester_kind")
    if not members:
        raise RegistryError("証明書に記載する世帯員を選択してください。", code="no_members", field="members")
    if request.third_party:
        shown = sorted(o.label for o in NEVER_FOR_THIRD_PARTY - request.omit)
        if shown:
            _refuse(actor, members, RegistryError(
                f"第三者請求では{'・'.join(shown)}を記載できません（住民基本台帳法第12条の3）。",
                code="third_party_items", field="omit"), requester_kind=requester_kind)
    suppression.ensure_issuance_allowed(actor, members, requester_kind)


def issue(*, actor: Any, setai_number: str, request: CertificateRequest, requester_kind: str,
          requester_name: str = "", purpose: str = "", terminal: str = "", today: dt.date | None = None) -> Issued:
    """Issue one 住民票の写し request: returns the PDF and the 交付履歴 rows written."""
    today = today or timezone.localdate()
    snapshot = household_snapshot(setai_number)
    in_household = {m.atena_number for m in snapshot.members}
    strangers = [a for a in request.members if a not in in_household]
    if strangers:
        raise RegistryError(f"宛名番号 {'・'.join(strangers)} はこの世帯の住民ではありません。", code="not_member",
                            field="members")
    check(actor, request, requester_kind)
    _, city = certifiers.city()
    count = issue_numbers_needed(request.format, len(request.members))
    numbers = tuple(IssueNumber(today, city, terminal, "", serial) for serial in numbering.serials("issue", count))
    cert = Certificate(snapshot, request, certifiers.certifier_on(today), today, numbers,
                       whole_household=set(request.members) == in_household)
    pdf, pages = render_with_pages(cert)
    kojin = request.format is CertificateFormat.KOJIN
    groups = [[a] for a in request.members] if kojin else [list(request.members)]
    rows = record_issuance(
        actor, numbers, groups, kind="juminhyo", layout=LAYOUTS[request.format], setai_number=setai_number,
        pages=1 if kojin else pages, omissions={o.value: True for o in request.omit},
        requester_kind=requester_kind, requester_name=requester_name, purpose=purpose, terminal=terminal,
        detail={"layout": LAYOUTS[request.format],
                "my_number_printed": not any(o.value == "my_number" for o in request.omit)})
    return Issued(pdf, pages, rows)


def record_issuance(actor: Any, numbers: tuple[IssueNumber, ...], groups: list[list[str]], *, kind: str,
                    setai_number: str, pages: int, requester_kind: str, requester_name: str = "", purpose: str = "",
                    terminal: str = "", layout: str = "", omissions: dict[str, Any] | None = None,
                    detail: dict[str, Any] | None = None) -> list[CertificateIssuance]:
    """交付履歴 (j300): one row per printed certificate (``groups[i]`` printed under ``numbers[i]``) and one audit
    entry per person, in one transaction (one insert for the rows, one lock of the audit chain)."""
    issued_by = actor if getattr(actor, "pk", None) else None
    stored = [n.stored for n in numbers]
    with transaction.atomic():
        rows = CertificateIssuance.objects.bulk_create([
            CertificateIssuance(
                issue_number=number.stored, kind=kind, layout=layout, setai_number=setai_number,
                atena_numbers=group, requester_kind=requester_kind, requester_name=requester_name[:200],
                purpose=purpose[:200], omissions=omissions or {}, pages=pages, issued_by=issued_by,
                terminal=terminal[:100])
            for number, group in zip(numbers, groups, strict=True)])
        audit.record_many([
            audit.Event(actor, ACTION, f"resident:{atena}", "ok",
                        {"kind": kind, "issue_numbers": stored, "requester_kind": requester_kind, **(detail or {})})
            for group in groups for atena in group])
    return rows
