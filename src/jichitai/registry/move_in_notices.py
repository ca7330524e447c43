"""転入通知 (住民基本台帳法第9条第1項; domain.move_in_notice): the clerk's list of the notices this city owes the 転出地,
未送付 and 送付済 per 転出地; the notices of one 転出地 as one PDF (Typst, the notice template); marking them sent (each
person audited).

Under the Shield: the list and the print are staff reads. A person (or household, or place) under 照会抑止 is listed
by 宛名番号 only and not printed (refused, audited; the 支援措置責任者 decides, with a 一時解除 at the counter). A 支援対象者
is listed and printed with the 支援措置 remark (see the domain module for the source of that choice).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import PermissionRefused
from jichitai.common.recorded_date import display
from jichitai.common.wareki import to_wareki
from jichitai.registry import history, store, suppression
from jichitai.registry.certificates import certifiers
from jichitai.registry.domain.errors import RegistryError, SuppressedError
from jichitai.registry.domain.move_in_notice import (
    NOTIFYING,
    STATEMENT,
    SUPPORT_REMARK,
    TITLE,
    MoveInNotice,
    municipality_name,
    notifiable,
)
from jichitai.registry.domain.person import FOREIGN, HEAD, MALE
from jichitai.registry.editlock import holder_name
from jichitai.registry.mailing import mailing
from jichitai.registry.models import MoveInNoticeSending, ResidentHistory, Town

ACTION = "registry.move_in_notice"
TEMPLATE = Path(__file__).resolve().parent / "templates" / "registry" / "certificates" / "notice.typ"
UNSENT, SENT = "unsent", "sent"
STATES = {UNSENT: "未送付", SENT: "送付済"}
Key = tuple[str, int]  # 宛名番号, 履歴番号 of the 転入


@dataclass(frozen=True)
class Row:
    """One person's notice in the clerk's list (no 住民票コード, no address: the PDF has them)."""

    atena_number: str
    history_no: int
    name: str           # "" when 照会抑止 hides the person
    moved_in_on: str    # 和暦
    supported: bool
    hidden: bool
    sent_on: str        # 和暦, "" while 未送付
    sent_by: str


@dataclass(frozen=True)
class Group:
    code: str
    name: str            # 市区町村名, from the 転入前住所 recorded from the 転出証明書
    rows: list[Row]


@dataclass(frozen=True)
class Printed:
    pdf: bytes
    filename: str
    count: int


def _check(actor: Any, target: str, **detail: Any) -> None:
    if not allowed(actor, ACTION):
        audit.record(actor, ACTION, target, "refused", **detail)
        raise PermissionRefused()


def _candidates(state: str, code: str = "", since: dt.date | None = None) -> list[ResidentHistory]:
    """The 記載 that give a notice (第9条第1項: from another municipality; not cancelled) in ``state`` (送付済: sent on
    or after ``since`` when given), oldest first, for the 転出地 ``code`` or all."""
    sent = MoveInNoticeSending.objects.filter(atena_number=OuterRef("atena_number"), history_no=OuterRef("history_no"))
    rows = (ResidentHistory.objects.filter(reason__in=[r.value for r in NOTIFYING], is_subject=True)
            .exclude(previous_municipality_code="").exclude(change_id__in=history.cancelled_ids()))
    if state == SENT:
        rows = rows.filter(Exists(sent.filter(sent_on__gte=since) if since else sent))
    else:
        rows = rows.exclude(Exists(sent))
    if code:
        rows = rows.filter(previous_municipality_code__startswith=code[:5])
    own = store.own_codes()
    return [r for r in rows.order_by("moved_on", "change_id", "household_order", "atena_number")
            if notifiable(r.reason, r.previous_municipality_code, own)]


def listing(actor: Any, *, state: str = UNSENT, since: dt.date | None = None) -> list[Group]:
    """The notices per 転出地 (市区町村名 order by code), 未送付 or 送付済 (since ``since``, 30 days by default)."""
    if state not in STATES:
        raise RegistryError("表示する区分は「未送付」か「送付済」を選んでください。", code="invalid_state", field="state")
    _check(actor, "registry:move_in_notices")
    if state == SENT and since is None:
        since = timezone.localdate() - dt.timedelta(days=30)
    rows = _candidates(state, since=since if state == SENT else None)
    guard = suppression.shield(clerk=actor)
    sendings = {(s.atena_number, s.history_no): s for s in MoveInNoticeSending.objects.filter(
        atena_number__in={r.atena_number for r in rows})}
    hidden = [r for r in rows if guard.hides_from_staff(r)]
    if hidden:
        audit.record_many([audit.Event(actor, "registry.view", f"resident:{r.atena_number}", "refused",
                                       {"code": suppression.CODE, "protected_by": guard.protected_by(r),
                                        "via": "move_in_notices"}) for r in hidden])
    groups: dict[str, Group] = {}
    for r in rows:
        code = r.previous_municipality_code[:5]
        group = groups.setdefault(code, Group(code, municipality_name(r.previous_address) or "（市区町村名不明）", []))
        s = sendings.get((r.atena_number, r.history_no))
        concealed = guard.hides_from_staff(r)
        group.rows.append(Row(r.atena_number, r.history_no, "" if concealed else r.name,
                              "" if concealed else to_wareki(r.moved_on), "support" in guard.kinds(r), concealed,
                              to_wareki(s.sent_on) if s else "", s.sent_by if s else ""))
    return [groups[c] for c in sorted(groups)]


def _notice(row: ResidentHistory, towns: dict[str, Town], heads: dict[str, str], supported: bool) -> MoveInNotice:
    address = mailing(row, towns.get(row.town_code)).address
    born = row.birth_date
    return MoveInNotice(
        name=row.name, birth_date=display(born, row.birth_date_text, seireki=row.resident_kind == FOREIGN),
        sex="男" if row.sex == MALE else "女", juminhyo_code=row.juminhyo_code, new_address=address,
        moved_in_on=row.moved_on, notified_on=row.change_notified_on, former_address=row.previous_address,
        head_name=heads.get(row.setai_number, row.name if row.relationship == HEAD else ""),
        relationship=row.relationship, supported=supported)


def _data(notice: MoveInNotice, today: dt.date) -> dict[str, Any]:
    certifier = certifiers.certifier_on(today)
    code = notice.juminhyo_code
    return {
        "title": TITLE, "postcode": "", "address": "", "addressee": f"{notice.destination}長　様",
        "statement": STATEMENT, "remark": SUPPORT_REMARK if notice.supported else "",
        "rows": [["氏名", notice.name], ["生年月日", notice.birth_date], ["性別", notice.sex],
                 ["住民票コード", " ".join(code[i:i + 4] for i in range(0, 11, 4)) if code else "（記載なし）"],
                 ["転入年月日", to_wareki(notice.moved_in_on)],
                 ["届出年月日", to_wareki(notice.notified_on) if notice.notified_on else "（職権記載）"],
                 ["新住所", notice.new_address], ["世帯主", f"{notice.head_name}（続柄　{notice.relationship}）"],
                 ["転入前の住所", notice.former_address]],
        "issued": to_wareki(today), "issuer": f"{certifier.full_title}　{certifier.name}",
    }


def render(actor: Any, code: str, *, state: str = UNSENT, today: dt.date | None = None) -> Printed:
    """The notices to the 転出地 ``code`` in ``state`` (未送付 by default: the day's batch; 送付済 again on request)
    as one PDF, a page a person; audited on each person printed."""
    from jichitai.registry.certificates.render import typst_pdf

    _check(actor, f"municipality:{code}")
    if not allowed(actor, "registry.view_juminhyo_code"):  # the notice prints it (10.4)
        audit.record(actor, ACTION, f"municipality:{code}", "refused", item="juminhyo_code")
        raise PermissionRefused()
    if not (code.isdigit() and len(code) in (5, 6)):
        raise RegistryError("転出地の市区町村コード（5桁）を指定してください。", code="invalid_municipality", field="code")
    today = today or timezone.localdate()
    rows = _candidates(state, code)
    if not rows:
        raise RegistryError(f"この転出地への{STATES.get(state, '')}の転入通知はありません。", code="nothing_to_print",
                            field="code")
    guard = suppression.shield(clerk=actor)
    hidden = [r for r in rows if guard.hides_from_staff(r)]
    if hidden:
        audit.record_many([audit.Event(actor, ACTION, f"resident:{r.atena_number}", "refused",
                                       {"code": suppression.CODE, "protected_by": guard.protected_by(r),
                                        "via": "move_in_notice"}) for r in hidden])
        raise SuppressedError(f"宛名番号 {'、'.join(r.atena_number for r in hidden)} の住民又はその世帯には照会抑止が"
                              "設定されているため、転入通知は出力できません（標準仕様書 3.1）。支援措置責任者に確認してください。",
                              atena_number=hidden[0].atena_number)
    towns = {t.code: t for t in Town.objects.filter(code__in={r.town_code for r in rows})}
    heads = dict(ResidentHistory.objects.filter(change_id__in={r.change_id for r in rows}, relationship=HEAD)
                 .values_list("setai_number", "name"))
    notices = [_notice(r, towns, heads, "support" in guard.kinds(r)) for r in rows]
    pdf = typst_pdf(TEMPLATE, [_data(n, today) for n in notices])
    audit.record_many([audit.Event(actor, ACTION, f"resident:{r.atena_number}", "ok",
                                   {"operation": "print", "history_no": r.history_no, "municipality": code[:5],
                                    "state": state, "supported": n.supported}) for r, n in zip(rows, notices, strict=True)])
    return Printed(pdf, f"tennyu-tsuchi-{code[:5]}-{today:%Y%m%d}.pdf", len(rows))


def mark_sent(actor: Any, keys: list[Key], *, sent_on: dt.date) -> int:
    """Record the notices ``keys`` as 送付済 on ``sent_on`` (each audited on the person); a notice already marked, or
    a 記載 that gives none, is refused with the reason and nothing is written."""
    _check(actor, "registry:move_in_notices")
    if not keys:
        raise RegistryError("送付済にする転入通知を選んでください。", code="nothing_selected", field="keys")
    if sent_on > timezone.localdate():
        raise RegistryError("送付日に未来の日付は入力できません。", code="future_date", field="sent_on")
    wanted = set(keys)
    match = Q()
    for atena, no in wanted:
        match |= Q(atena_number=atena, history_no=no)
    rows = {(r.atena_number, r.history_no): r for r in _candidates(UNSENT) if (r.atena_number, r.history_no) in wanted}
    missing = wanted - set(rows)
    if missing:
        already = set(MoveInNoticeSending.objects.filter(match).values_list("atena_number", "history_no"))
        first = sorted(missing)[0]
        if first in already:
            raise RegistryError(f"宛名番号 {first[0]} の転入通知はすでに送付済です。", code="already_sent", field="keys")
        raise RegistryError(f"宛名番号 {first[0]} の履歴番号 {first[1]} は転入通知の対象の記載ではありません。",
                            code="not_notifiable", field="keys")
    label = holder_name(actor)
    with transaction.atomic():
        MoveInNoticeSending.objects.bulk_create([MoveInNoticeSending(
            atena_number=r.atena_number, history_no=r.history_no, change_id=r.change_id,
            municipality_code=r.previous_municipality_code[:5], sent_on=sent_on, sent_by=label) for r in rows.values()])
        audit.record_many([audit.Event(actor, ACTION, f"resident:{r.atena_number}", "ok",
                                       {"operation": "sent", "history_no": r.history_no, "sent_on": sent_on.isoformat(),
                                        "municipality": r.previous_municipality_code[:5]}) for r in rows.values()])
    return len(rows)
