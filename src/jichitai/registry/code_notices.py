"""Printing the 住民票コード通知票・変更通知票・修正通知票 (標準仕様書 4.3.3, j890) of a history row that wrote or changed
a person's 住民票コード: right after the 異動 (the counter lands on the resident page, which offers it on that row)
or again later (再出力), each print a 交付履歴 row (j300: 20.4.1–20.4.3) and an audit entry.

It goes to the person themself at their own address (本人: a 支援措置 does not stop it, as it does not stop their own
住民票の写し); 照会抑止 refuses the page (a staff read), 発行抑止 the issuance (j410), and the clerk needs the right
to see 住民票コード (10.4), since the notice prints it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import PermissionRefused
from jichitai.common.recorded_date import display
from jichitai.common.wareki import to_wareki
from jichitai.registry import mailing_codes, numbering, suppression
from jichitai.registry.certificates import certifiers
from jichitai.registry.certificates.services import record_issuance
from jichitai.registry.certificates.snapshot import IssueNumber
from jichitai.registry.domain.code_notice import CodeNoticeKind, kind_of
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.person import FOREIGN, MALE
from jichitai.registry.mailing import mailing
from jichitai.registry.models import CertificateIssuance, ResidentHistory, Town

ACTION = "registry.certificate.issue"
TEMPLATE = Path(__file__).resolve().parent / "templates" / "registry" / "certificates" / "notice.typ"


@dataclass(frozen=True)
class Printed:
    pdf: bytes
    filename: str
    kind: CodeNoticeKind


def offered(history: Iterable[Any]) -> dict[int, str]:
    """履歴番号 → the notice that row gives (its label), over one person's history in any order."""
    out: dict[int, str] = {}
    before = ""
    for row in sorted(history, key=lambda h: h.history_no):
        kind = kind_of(row.reason, before, row.juminhyo_code)
        if kind is not None:
            out[row.history_no] = kind.label
        before = row.juminhyo_code or before
    return out


def issue(*, actor: Any, atena_number: str, history_no: int, terminal: str = "",
          today: dt.date | None = None) -> Printed:
    """The notice of history row ``history_no`` of ``atena_number`` as PDF, recorded in 交付履歴 and audited."""
    today = today or timezone.localdate()
    if not (allowed(actor, ACTION) and allowed(actor, "registry.view_juminhyo_code")):
        audit.record(actor, ACTION, f"resident:{atena_number}", "refused", kind="juminhyo_code_notice")
        raise PermissionRefused()
    suppression.ensure_view_allowed(actor, atena_number, via="code_notice")  # a staff read first (3.1)
    rows = list(ResidentHistory.objects.filter(atena_number=atena_number, history_no__lte=history_no)
                .order_by("history_no"))
    row = rows[-1] if rows and rows[-1].history_no == history_no else None
    label = offered(rows).get(history_no) if row is not None else None
    if row is None or label is None:
        raise RegistryError("この異動では住民票コードを記載・変更していないため、住民票コード通知票は出力できません"
                            "（標準仕様書 4.3.3）。", code="no_code_change", field="history_no")
    kind = next(k for k in CodeNoticeKind if k.label == label)
    suppression.ensure_view_allowed(actor, atena_number, records=[row], via="code_notice")  # the place printed
    suppression.ensure_issuance_allowed(actor, [atena_number], "self")
    sent = mailing(row, Town.objects.filter(code=row.town_code).first(), mailing_codes.code_of(atena_number))
    address = sent.address
    _, city = certifiers.city()
    born = row.birth_date
    number = IssueNumber(today, city, terminal, "", numbering.serials("issue", 1)[0])
    certifier = certifiers.certifier_on(today)
    from jichitai.registry.certificates.render import typst_pdf

    pdf = typst_pdf(TEMPLATE, {
        "title": kind.label, "statement": kind.statement, "issue_number": number.text(1, 1),
        "postcode": sent.postcode_mark, "address": address, "barcode": sent.barcode, "addressee": f"{sent.name}　様",
        "rows": [["氏名", row.name],
                 ["生年月日", display(born, row.birth_date_text, seireki=row.resident_kind == FOREIGN)],
                 ["性別", "男" if row.sex == MALE else "女"], ["住所", address],
                 ["住民票コード", " ".join(row.juminhyo_code[i:i + 4] for i in range(0, 11, 4))],
                 [kind.date_label, to_wareki(row.moved_on)]],
        "issued": to_wareki(today), "issuer": f"{certifier.full_title}　{certifier.name}",
    })
    record_issuance(actor, (number,), [[atena_number]], kind=kind.value, setai_number=row.setai_number, pages=1,
                    requester_kind="self", requester_name=row.name, terminal=terminal,
                    detail={"history_no": history_no, "reissue": _issued_before(atena_number, kind)})
    return Printed(pdf, f"{kind.value}-{number.stored}.pdf", kind)


def _issued_before(atena_number: str, kind: CodeNoticeKind) -> bool:
    """A 再出力: this notice was printed before (the audit detail says so; the 交付履歴 keeps each print)."""
    return any(atena_number in (i.atena_numbers or []) for i in CertificateIssuance.objects.filter(kind=kind.value))
