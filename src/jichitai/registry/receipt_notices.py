"""Printing the 住民異動届受理通知 (標準仕様書 4.1.0.3, j580) of a recorded 異動, on the day or later, from its 異動履歴.

- The 異動前住所 of a 転入 is the one the person gave (転入前住所); of a 転居 or 世帯変更 the previous history row's; of a
  転出 the address left. A 職権消除 gives a notice only when a 転出証明書に準ずる証明書 was issued for it (the
  procedure j580 names): its 請求者 is the 届出人, its day the 届出日. Other 職権 changes have no 届出: none.
- Under the Shield: the page is a staff read (照会抑止 of anyone in it refuses it, audited); the notice prints one
  address, so it is refused, audited on the person, when any 異動者 is under 支援措置・照会抑止・発行抑止 or the address
  printed is a protected household's or place's — a notice sent to the former address must not tell anyone there
  about a protected person, nor print a protected address.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import PermissionRefused
from jichitai.common.wareki import to_wareki
from jichitai.registry import mailing_codes, suppression
from jichitai.registry.certificates import certifiers
from jichitai.registry.domain.errors import RegistryError, SuppressedError
from jichitai.registry.domain.mailing_code import addressee_name
from jichitai.registry.domain.person import HEAD
from jichitai.registry.domain.reasons import Reason
from jichitai.registry.domain.receipt_notice import NOTIFIABLE, TITLE, TO_FORMER, Addressee, ReceiptNotice, compose
from jichitai.registry.mailing import mailing
from jichitai.registry.models import CertificateIssuance, Resident, ResidentHistory, Town

ACTION = "registry.receipt_notice"
TEMPLATE = Path(__file__).resolve().parent / "templates" / "registry" / "certificates" / "notice.typ"
MOVES_OUT = (Reason.MOVE_OUT_DOMESTIC, Reason.MOVE_OUT_ABROAD, Reason.EX_OFFICIO_REMOVAL)
REFUSING = suppression.PRIVACY | {"issuance"}


@dataclass(frozen=True)
class Printed:
    pdf: bytes
    filename: str
    notice: ReceiptNotice


def _place(row: Any) -> dict[str, Any]:
    return {k: getattr(row, k) for k in ("atena_number", "setai_number", "town_code", "banchi", "katagaki")}


def _address(row: Any, towns: dict[str, Town]) -> Addressee:
    town = towns.get(row.town_code)
    if town is None:
        return Addressee("", "")
    sent = mailing(row, town)
    return Addressee("", sent.address, sent.postcode, sent.barcode)


def _refuse(actor: Any, atena: str, record: Any, guard: suppression.Shield, message: str) -> SuppressedError:
    audit.record_many([audit.Event(actor, ACTION, f"resident:{atena}", "refused",
                                   {"code": suppression.CODE, "protected_by": guard.protected_by(record),
                                    "via": "receipt_notice"})])
    return SuppressedError(message, atena_number=atena)


def _junzuru(rows: list[ResidentHistory]) -> CertificateIssuance | None:
    """The 転出証明書に準ずる証明書 issued for this 職権消除 (the procedure that gives the notice), if any."""
    movers = {r.atena_number for r in rows}
    issued = CertificateIssuance.objects.filter(kind="tenshutsu_junzuru", setai_number=rows[0].setai_number,
                                                issued_at__gte=rows[0].recorded_at).order_by("issued_at", "pk")
    return next((i for i in issued if movers & set(i.atena_numbers or [])), None)


def _notifier(first: ResidentHistory) -> str:
    if first.notifier_name.strip():
        return first.notifier_name.strip()
    if first.notifier_kind == "head":
        head = Resident.objects.filter(setai_number=first.setai_number, relationship=HEAD).values_list(
            "name", flat=True).first()
        return head or ""
    return ""  # 本人: the 異動者 themself (compose takes the first)


def prepare(actor: Any, change_id: uuid.UUID, *, to_person: bool = False,
            today: dt.date | None = None) -> tuple[ReceiptNotice, list[str]]:
    """The notice of the 異動 ``change_id`` and its 異動者, or a refusal (audited where the Shield refuses)."""
    if not allowed(actor, ACTION):
        audit.record(actor, ACTION, f"change:{change_id}", "refused")
        raise PermissionRefused()
    rows = list(ResidentHistory.objects.filter(change_id=change_id, is_subject=True)
                .order_by("household_order", "atena_number"))
    if not rows:
        raise RegistryError("指定された異動は記録されていません。", code="unknown_change", field="change")
    first, reason = rows[0], Reason(rows[0].reason)
    befores = {r.atena_number: r for r in (ResidentHistory.objects.filter(
        atena_number=row.atena_number, history_no=row.history_no - 1).first() for row in rows) if r is not None}
    guard = suppression.ensure_view_allowed(actor, first.atena_number, records=[*rows, *befores.values()],
                                            via="receipt_notice", guard=suppression.shield(today))
    towns = {t.code: t for t in Town.objects.filter(code__in={r.town_code for r in [*rows, *befores.values()]})}
    notified_on, notifier = first.change_notified_on, _notifier(first)
    if reason is Reason.EX_OFFICIO_REMOVAL:
        issuance = _junzuru(rows)
        if issuance is None:
            raise RegistryError("この職権消除には転出証明書に準ずる証明書が交付されていないため、受理通知は出力しません"
                                "（標準仕様書 4.1.0.3）。", code="not_notifiable", field="change")
        notified_on, notifier = timezone.localdate(issuance.issued_at), issuance.requester_name
    elif first.notifier_kind == "ex_officio" and reason in NOTIFIABLE:
        raise RegistryError("職権による異動（届出なし）には受理通知を出力しません（標準仕様書 4.1.0.3）。",
                            code="not_notifiable", field="change")
    before = befores.get(first.atena_number)
    new: tuple[Addressee | None, Any] = (_address(first, towns), _place(first))
    if reason is Reason.MOVE_IN_DOMESTIC:
        former: tuple[Addressee | None, Any] = (Addressee("", first.previous_address), {"address": first.previous_address})
    elif reason in MOVES_OUT:
        former, new = (_address(first, towns), _place(first)), (Addressee("", first.destination_address), {})
    elif before is not None:
        former = (_address(before, towns), _place(before))
    else:
        former = (None, {})
    notice = compose(reason, notified_on=notified_on, notifier_name=notifier,
                     mover_names=tuple(r.name for r in rows), former=former[0], new=new[0],
                     former_unsuitable=to_person,
                     mover_mail_name=addressee_name(first.name, first.tsusho, mailing_codes.code_of(first.atena_number)))
    printed = former[1] if notice.sent_to == TO_FORMER else new[1]
    for row in rows:
        if guard.by_person.get(row.atena_number, frozenset()) & REFUSING:
            raise _refuse(actor, row.atena_number, row, guard, f"宛名番号 {row.atena_number} の異動者は支援措置・抑止の"
                          "対象者のため、受理通知は出力できません（標準仕様書 3.4）。支援措置責任者に確認してください。")
    if guard.kinds(printed) & suppression.PRIVACY:
        raise _refuse(actor, first.atena_number, printed, guard, "受理通知の宛先の住所が支援措置・照会抑止の対象者の住所のため、"
                      "受理通知は出力できません（標準仕様書 3.4）。支援措置責任者に確認してください。")
    return notice, [r.atena_number for r in rows]


def data_of(notice: ReceiptNotice, today: dt.date) -> dict[str, Any]:
    certifier = certifiers.certifier_on(today)
    return {
        "title": TITLE, "postcode": f"〒{notice.to.postcode}" if notice.to.postcode else "",
        "address": notice.to.address, "barcode": notice.to.barcode, "addressee": f"{notice.to.name}　様",
        "statement": notice.statement,
        "rows": [["届出日", to_wareki(notice.notified_on) if notice.notified_on else "（記録なし）"],
                 ["異動事由", notice.reason.label], ["届出人氏名", notice.notifier_name],
                 ["異動者氏名", "、".join(notice.mover_names)]],
        "issued": to_wareki(today), "issuer": f"{certifier.full_title}　{certifier.name}",
    }


def render(actor: Any, change_id: uuid.UUID, *, to_person: bool = False, today: dt.date | None = None) -> Printed:
    """The notice as PDF (Typst, the one engine); each print audited on the 異動者."""
    from jichitai.registry.certificates.render import typst_pdf

    today = today or timezone.localdate()
    notice, movers = prepare(actor, change_id, to_person=to_person, today=today)
    pdf = typst_pdf(TEMPLATE, data_of(notice, today))
    audit.record(actor, ACTION, f"change:{change_id}", "ok", sent_to=notice.sent_to, subjects=movers)
    return Printed(pdf, f"juri-tsuchi-{change_id}.pdf", notice)
