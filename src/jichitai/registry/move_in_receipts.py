"""転入通知の受理 and the 転入通知未着者一覧 (標準仕様書 4.1.3.1.1 j680, 4.1.3.1.3 j700, 4.1.3.1.4 j710; domain.move_in_receipt):
this city as 転出地. The clerk enters a paper notice (no CS here: j700) beside the 除票 — the 転出先住所（予定）and the
転出予定年月日 stay as they were — and lists the 国内転出・職権消除 of the past year whose notice has not come.

Under the Shield: both are staff reads. 照会抑止 hides a row (by 宛名番号 only) and refuses the entry (audited); a
支援対象者's 転出先住所（予定）is not shown in the list (their new address).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import PermissionRefused
from jichitai.common.recorded_date import display
from jichitai.common.wareki import to_wareki
from jichitai.registry import services, suppression
from jichitai.registry.certificates import certifiers
from jichitai.registry.domain.commands import ApplyMoveInNoticeDay
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.move_in_notice import municipality_name
from jichitai.registry.domain.move_in_receipt import RECEIVING, check_receipt, receivable
from jichitai.registry.domain.person import FOREIGN, MALE
from jichitai.registry.domain.reasons import Reason
from jichitai.registry.editlock import holder_name
from jichitai.registry.mailing import mailing
from jichitai.registry.models import MoveInNoticeReceipt, Resident, Town
from jichitai.registry.move_in_notices import TEMPLATE

ACTION = "registry.move_in_notice"
WINDOW = dt.timedelta(days=365)  # the 未着者一覧 looks back a year of 消除日・転出予定日


@dataclass(frozen=True)
class Unarrived:
    atena_number: str
    name: str            # "" when 照会抑止 hides the person
    kind: str            # 国内転出 / 転出予定 / 職権消除
    removed_on: str      # 和暦
    destination: str     # 転出先住所（予定）; "" when withheld
    hidden: bool
    supported: bool


def _check(actor: Any, target: str) -> None:
    if not allowed(actor, ACTION):
        audit.record(actor, ACTION, target, "refused")
        raise PermissionRefused()


def unarrived(actor: Any, *, today: dt.date | None = None) -> list[Unarrived]:
    """転入通知未着者一覧 (j710): 国内転出 (done or planned) and 職権消除 with a 消除日・転出予定日 in the past year and no
    notice received, oldest first."""
    _check(actor, "registry:move_in_notices")
    today = today or timezone.localdate()
    received = MoveInNoticeReceipt.objects.filter(atena_number=OuterRef("atena_number"), removed_on=OuterRef("removed_on"))
    rows = (Resident.objects.filter(Q(status="removed", removal_reason__in=RECEIVING)
                                    | Q(status="active", removed_on__isnull=False) & ~Q(destination_municipality_code=""))
            .filter(removed_on__gte=today - WINDOW).exclude(Exists(received)).order_by("removed_on", "atena_number"))
    guard = suppression.shield(clerk=actor)
    out, hidden = [], []
    for r in rows:
        concealed = guard.hides_from_staff(r)
        if concealed:
            hidden.append(r)
        kind = ("転出予定" if r.status == "active" else Reason(r.removal_reason).label)
        out.append(Unarrived(r.atena_number, "" if concealed else r.name, kind,
                             "" if concealed else to_wareki(r.removed_on) if r.removed_on else "",
                             "" if concealed or guard.withholds_address(r) else r.destination_address, concealed,
                             "support" in guard.kinds(r)))
    if hidden:
        audit.record_many([audit.Event(actor, "registry.view", f"resident:{r.atena_number}", "refused",
                                       {"code": suppression.CODE, "protected_by": guard.protected_by(r),
                                        "via": "move_in_receipts"}) for r in hidden])
    return out


def receive(actor: Any, atena_number: str, *, notified_on: dt.date, moved_out_on: dt.date, destination_address: str,
            today: dt.date | None = None, terminal: str = "") -> MoveInNoticeReceipt:
    """Enter a 転入通知 received for ``atena_number`` (j680/j700), audited. The 転出予定年月日 and 転出先住所（予定）
    stay; when the notice's 転入日 (``moved_out_on``) is earlier than the day the 国内転出 was (or is to be) removed
    on, the 消除 takes that day (j50), recorded as a 異動 of its own in the same transaction
    (:class:`~jichitai.registry.domain.commands.ApplyMoveInNoticeDay`: the 除票 made now for a 転出予定者, the
    転出年月日 corrected for a 除票)."""
    _check(actor, f"resident:{atena_number}")
    person = Resident.objects.filter(pk=atena_number).first()
    if person is None or not receivable(person.status, person.removal_reason, person.removed_on,
                                        person.destination_municipality_code):
        raise RegistryError(f"宛名番号 {atena_number} の方には国内転出又は職権消除の記録がないため、転入通知を受理できません"
                            "（標準仕様書 4.1.3.1.1）。", code="not_receivable", field="atena_number")
    suppression.ensure_view_allowed(actor, atena_number, via="move_in_receipt", guard=suppression.shield(clerk=actor))
    check_receipt(notified_on=notified_on, moved_out_on=moved_out_on, destination_address=destination_address,
                  today=today or timezone.localdate())
    assert person.removed_on is not None
    try:
        with transaction.atomic():
            receipt = MoveInNoticeReceipt.objects.create(
                atena_number=atena_number, removed_on=person.removed_on, notified_on=notified_on,
                destination_address=destination_address.strip(), moved_out_on=moved_out_on,
                recorded_by=holder_name(actor))
            audit.record(actor, ACTION, f"resident:{atena_number}", "ok", operation="receive",
                         notified_on=notified_on.isoformat(), moved_out_on=moved_out_on.isoformat())
            if _earlier_than_removal(person, moved_out_on):
                services.apply(ApplyMoveInNoticeDay(
                    moved_on=moved_out_on, notified_on=notified_on, atena_number=atena_number,
                    note=f"転入通知（住民基本台帳法第9条第1項、{to_wareki(notified_on)}受理）の転入日による消除（標準仕様書 1.1.5）"),
                    actor=actor, terminal=terminal)
    except IntegrityError:
        raise RegistryError(f"宛名番号 {atena_number} の方の転入通知はすでに受理しています。", code="already_received",
                            field="atena_number") from None
    except RegistryError as exc:  # the 消除 on the 転入日 refused (j490): nothing kept, the refusal audited
        audit.record(actor, ACTION, f"resident:{atena_number}", "refused", operation="receive", code=exc.code)
        raise
    return receipt


def removed_on_notice_day(receipt: MoveInNoticeReceipt) -> bool:
    """Whether receiving ``receipt`` moved the 消除 to its 転入日 (j50): what the counter tells the clerk."""
    return (Resident.objects.filter(pk=receipt.atena_number, status="removed", moved_out_on=receipt.moved_out_on)
            .exclude(removed_on=receipt.moved_out_on).exists())


def _earlier_than_removal(person: Resident, day: dt.date) -> bool:
    """A 国内転出 (planned or made) whose 消除 day the notice's 転入日 comes before (j50); not a 職権消除."""
    if person.status == "active":
        return person.removed_on is not None and day < person.removed_on
    return (person.removal_reason == Reason.MOVE_OUT_DOMESTIC.value
            and day < (person.moved_out_on or person.removed_on or day))


INQUIRY_TITLE = "転入通知未着照会書"
INQUIRY_STATEMENT = ("下記の者は本市区町村から貴市区町村へ転出した旨の届出等がありましたが、住民基本台帳法第9条第1項の規定による"
                     "転入通知が届いておりません。転入の届出の有無等について御回答くださるようお願いします。")


def inquiry(actor: Any, atena_number: str, *, today: dt.date | None = None) -> tuple[bytes, str]:
    """転入通知未着照会書 (j710) of one person on the 未着者一覧, to the 転入地 (the 市区町村 of the 転出先住所（予定）), as
    PDF (Typst, the notice template); audited. 照会抑止 refuses it (a staff read)."""
    from jichitai.registry.certificates.render import typst_pdf

    _check(actor, f"resident:{atena_number}")
    today = today or timezone.localdate()
    waiting = [r for r in unarrived(actor, today=today) if r.atena_number == atena_number]
    if not waiting:
        raise RegistryError(f"宛名番号 {atena_number} の方は転入通知未着者一覧にいません（受理済み、又は国内転出・職権消除の"
                            "記録がありません）。", code="not_waiting", field="atena_number")
    suppression.ensure_view_allowed(actor, atena_number, via="move_in_inquiry", guard=suppression.shield(clerk=actor))
    person = Resident.objects.get(pk=atena_number)
    former = mailing(person, Town.objects.filter(code=person.town_code).first()).address
    born = person.birth_date
    certifier = certifiers.certifier_on(today)
    destination = municipality_name(person.destination_address)
    pdf = typst_pdf(TEMPLATE, {
        "title": INQUIRY_TITLE, "postcode": "", "address": "",
        "addressee": f"{destination or person.destination_address}長　様", "statement": INQUIRY_STATEMENT,
        "remark": SUPPORT_NOTE if waiting[0].supported else "",
        "rows": [["氏名", person.name],
                 ["生年月日", display(born, person.birth_date_text, seireki=person.resident_kind == FOREIGN)],
                 ["性別", "男" if person.sex == MALE else "女"], ["転出前の住所", former],
                 ["転出先住所（予定）", person.destination_address],
                 ["転出予定年月日・消除日", to_wareki(person.removed_on) if person.removed_on else ""],
                 ["区分", waiting[0].kind]],
        "issued": to_wareki(today), "issuer": f"{certifier.full_title}　{certifier.name}",
    })
    audit.record(actor, ACTION, f"resident:{atena_number}", "ok", operation="inquiry")
    return pdf, f"tennyu-tsuchi-michaku-{atena_number}.pdf"


SUPPORT_NOTE = ("この者は本市区町村において住民基本台帳事務における支援措置（DV等支援措置）の支援対象者です。"
                "回答及び住所の取扱いに当たっては、第三者に知られることのないよう御配慮ください（住民記録システム標準仕様書 3.4）。")
