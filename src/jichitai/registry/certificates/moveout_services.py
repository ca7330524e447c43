"""Issuing the 転出証明書 (4.1.3.0.3, j660): which 転出, whose record as of when, 再交付, 交付履歴 and audit.

- The 転出 is the person's latest 国内転出 届出 (a 転出予定者 before the day, or a 除票 after it), or a 職権消除
  (j640: a 転出 notified more than 14 days late), which gives the 転出証明書に準ずる証明書 with the 転出先 the
  clerk enters. Anyone else — a resident with no 転出届, a 国外転出 (a 転入 from abroad needs no 転出証明書,
  住基法第22条第2項), a 死亡 — is refused with the reason, and the refusal is audited.
- The certificate names everyone the same 転出 moved (the 異動者 of its 異動ID) who is still moving by it.
- The record printed is the history (j200) as of a moment: now for the first certificate; for a 再交付 the
  moment the first one was issued, found in 交付履歴 (an issuance of this 転出's kind to these people after it
  was recorded), so a 再交付 prints what the first one printed even if the record was corrected since.
- 発行抑止 (j410) and 支援措置 (j440, third party) are checked as for the 住民票の写し.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.registry import numbering, suppression
from jichitai.registry.certificates import certifiers
from jichitai.registry.certificates.joshuhyo import head_before
from jichitai.registry.certificates.moveout import Departure, MoveOutCertificate, MoveOutKind, Reissue, plan
from jichitai.registry.certificates.render import PER_PAGE, fitted
from jichitai.registry.certificates.services import (
    ACTION,
    REQUESTER_KINDS,
    Issued,
    address_text,
    entry_of,
    record_issuance,
)
from jichitai.registry.certificates.snapshot import Address, IssueNumber
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.person import ACTIVE, HEAD, REMOVED, Person
from jichitai.registry.domain.reasons import Reason
from jichitai.registry.domain.reception import Reception
from jichitai.registry.models import CertificateIssuance, Resident, ResidentHistory, Town
from jichitai.registry.store import to_person

KINDS = tuple(k.value for k in MoveOutKind)


@dataclass(frozen=True)
class Found:
    """The 転出 a certificate is for: its history row for the person asked about, and who moved with them."""

    kind: MoveOutKind
    row: ResidentHistory
    atena_numbers: tuple[str, ...]
    original: CertificateIssuance | None   # the first certificate of this 転出 (then this one is a 再交付)


def _refuse(actor: Any, atena_number: str, message: str, code: str) -> RegistryError:
    audit.record(actor, ACTION, f"resident:{atena_number}", "refused", code=code, kind="tenshutsu")
    return RegistryError(message, code=code, atena_number=atena_number)


def _kind_of(person: Person) -> MoveOutKind | None:
    domestic = bool(person.destination_municipality_code)
    if person.departure_pending and domestic:
        return MoveOutKind.CERTIFICATE
    if person.status == REMOVED and person.removal_reason == Reason.MOVE_OUT_DOMESTIC.value:
        return MoveOutKind.CERTIFICATE
    if person.status == REMOVED and person.removal_reason == Reason.EX_OFFICIO_REMOVAL.value:
        return MoveOutKind.EQUIVALENT
    return None


_REASON = {MoveOutKind.CERTIFICATE: Reason.MOVE_OUT_DOMESTIC, MoveOutKind.EQUIVALENT: Reason.EX_OFFICIO_REMOVAL}


def find(actor: Any, atena_number: str) -> Found:
    """The 転出 of ``atena_number`` a 転出証明書 can be issued for, or a refusal (audited)."""
    row = Resident.objects.filter(pk=atena_number).first()
    if row is None:
        raise RegistryError(f"宛名番号 {atena_number} の住民は登録されていません。", code="unknown_person")
    person = to_person(row)
    kind = _kind_of(person)
    if kind is None:
        abroad = person.removal_reason == Reason.MOVE_OUT_ABROAD.value or (
            person.departure_pending and not person.destination_municipality_code)
        if abroad:
            raise _refuse(actor, atena_number, "国外への転出には転出証明書を交付しません（国外からの転入届には添付を要しません。"
                          "住民基本台帳法第22条第2項）。", "moveout_abroad")
        raise _refuse(actor, atena_number, "転出の届出がされていない住民には転出証明書を交付できません（標準仕様書 4.1.3.0.3）。",
                      "not_moved_out")
    move = (ResidentHistory.objects.filter(atena_number=atena_number, is_subject=True, reason=_REASON[kind].value)
            .order_by("-history_no").first())
    if move is None:  # a 除票 migrated without its 異動履歴
        raise _refuse(actor, atena_number, "この転出の異動履歴がないため転出証明書を作成できません。", "no_move_history")
    together = list(ResidentHistory.objects.filter(change_id=move.change_id, is_subject=True)
                    .values_list("atena_number", flat=True))
    still = {r.atena_number for r in Resident.objects.filter(atena_number__in=together)
             if _kind_of(to_person(r)) is kind}
    movers = tuple(a for a in dict.fromkeys(together) if a in still)
    earlier = [i for i in CertificateIssuance.objects.filter(kind=kind.value, setai_number=move.setai_number,
                                                             issued_at__gte=move.recorded_at).order_by("issued_at", "pk")
               if set(i.atena_numbers or []) & set(movers)]
    return Found(kind, move, movers, earlier[0] if earlier else None)


def _as_of(atena_numbers: tuple[str, ...], moment: dt.datetime) -> list[Person]:
    """Each person's record at ``moment`` (the latest history row recorded by then)."""
    people = []
    for atena in atena_numbers:
        row = (ResidentHistory.objects.filter(atena_number=atena, recorded_at__lte=moment)
               .order_by("-history_no").first())
        if row is not None:
            people.append(to_person(row))
    return people


def departure(found: Found, moment: dt.datetime, destination: str = "") -> Departure:
    """The 転出 as of ``moment``: the people, the 住所 they leave, its 世帯主, 転出先 and dates."""
    people = _as_of(found.atena_numbers, moment)
    first = next(p for p in people if p.atena_number == found.row.atena_number)
    towns = {t.code: t for t in Town.objects.filter(code__in={p.town_code for p in people})}
    head = next((p for p in people if p.relationship == HEAD), None)
    if head is None:
        head_name = head_before(found.row.setai_number, moment + dt.timedelta(microseconds=1))
    else:
        head_name = head.name
    certificate = found.kind is MoveOutKind.CERTIFICATE
    return Departure(
        kind=found.kind, address=Address(address_text(first, towns), first.katagaki), head_name=head_name,
        destination=first.destination_address if certificate else destination.strip(),
        moved_on=first.removed_on or found.row.moved_on,
        notified_on=found.row.change_notified_on if certificate else None,
        members=tuple(entry_of(p) for p in people),
    )


def issue(*, actor: Any, atena_number: str, requester_kind: str, requester_name: str = "", purpose: str = "",
          terminal: str = "", destination: str = "", today: dt.date | None = None,
          reception: Reception | None = None) -> Issued:
    """Issue the 転出証明書 (or its 準ずる証明書, or a 再交付 of either) for the 転出 of ``atena_number``.

    ``destination`` is the 転出先 the person states, needed for a 職権消除 (the record holds none)."""
    today = today or timezone.localdate()
    if requester_kind not in REQUESTER_KINDS:
        raise RegistryError("請求者の区分を選択してください。", code="requester_kind", field="requester_kind")
    found = find(actor, atena_number)
    original = found.original
    if found.kind is MoveOutKind.EQUIVALENT and not original and not destination.strip():
        raise RegistryError("職権消除された住民の転出証明書に準ずる証明書には、転出先を入力してください（標準仕様書 4.1.3.0.2）。",
                            code="destination_required", field="destination")
    suppression.ensure_issuance_allowed(actor, list(found.atena_numbers), requester_kind, counter=True)
    if original is not None:
        moment = original.issued_at
        destination = str((original.omissions or {}).get("destination", ""))
    else:
        moment = timezone.now()
    certifier = certifiers.sealed(certifiers.certifier_on(today))
    _, city = certifiers.city()
    number = IssueNumber(today, city, terminal, "", numbering.serials("issue", 1)[0])
    reissue = None if original is None else Reissue(original.issue_number, timezone.localdate(original.issued_at))
    cert = MoveOutCertificate(departure(found, moment, destination), certifier, today, number,
                              reissue)
    pdf, pages = fitted(lambda n: plan(cert, n), [PER_PAGE, 3, 2, 1], list(found.atena_numbers))
    rows = record_issuance(
        actor, (number,), [list(found.atena_numbers)], kind=found.kind.value, setai_number=found.row.setai_number,
        pages=pages, layout="reissue" if reissue else "", requester_kind=requester_kind,
        requester_name=requester_name, purpose=purpose, terminal=terminal, reception=reception,
        omissions={"destination": cert.departure.destination} if found.kind is MoveOutKind.EQUIVALENT else {},
        detail={"change_id": str(found.row.change_id), "reissue_of": reissue.issue_number if reissue else ""})
    return Issued(pdf, pages, rows)


def status_of(atena_number: str) -> str:
    """What the resident page offers: "" (nothing), or the title of the certificate the person can receive."""
    row = Resident.objects.filter(pk=atena_number).first()
    if row is None or (row.status == ACTIVE and row.removed_on is None):
        return ""
    kind = _kind_of(to_person(row))
    return kind.label if kind else ""
