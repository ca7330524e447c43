"""Making the 住民基本台帳の一部の写し（閲覧用） (標準仕様書 9.5, j1320): the permission, the request recorded, the
residents read, the protected left out, the PDF or CSV, 交付履歴 (j300, kind ``etsuran``) and the audit trail.

- Who is left out is not a choice of the clerk: everyone the Shield covers with 支援措置 or 照会抑止 — the person, the
  people of their household and everyone at their place (a co-resident's line would print their address) — and
  anyone under 発行抑止. Each one left out is audited on the person (``refused`` under 照会抑止, as every staff read
  is; ``withheld`` otherwise), so the 支援措置責任者's list shows it; the list never says who or how many.
- Only 本登録 data is read (the ``Resident`` rows); a 異動 waiting for 決裁 is not on the 住民票 yet (j530). j530
  lists 「仮登録の状態の間、閲覧用の作成ができないようにすること」 under 実装しない機能: making the list is not blocked.
- The random order's seed is drawn here and kept with the request, so the list can be made again as it was shown.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common import csvout
from jichitai.common.errors import PermissionRefused
from jichitai.common.wareki import to_wareki
from jichitai.registry import numbering, suppression
from jichitai.registry.certificates import certifiers
from jichitai.registry.certificates.snapshot import IssueNumber
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.inspection import PURPOSES, REQUESTERS, Criteria, InspectionList, Listed, select
from jichitai.registry.domain.person import ACTIVE, FOREIGN, MALE
from jichitai.registry.models import CertificateIssuance, InspectionRequest, Resident, Town

ACTION = "registry.inspection"
KIND = "etsuran"  # 交付履歴の証明書の種別: 住民基本台帳の一部の写し（閲覧用） (20.3.1)
TITLE = "住民基本台帳の一部の写し（閲覧用）"
LEFT_OUT = suppression.PRIVACY | {"issuance"}
HEADER = ("番号", "住所", "氏名", "生年月日", "性別")
OUTPUTS = {"pdf": "PDF", "csv": "CSV（UTF-8）"}
TEMPLATE = Path(__file__).resolve().parent / "templates" / "registry" / "certificates" / "inspection.typ"
COLUMNS = ("atena_number", "setai_number", "name", "birth_date", "sex", "town_code", "banchi", "katagaki", "status",
           "household_order", "resident_kind")


@dataclass(frozen=True)
class Application:
    """The 請求 (第11条) or 申出 (第11条の2) as the clerk receives it."""

    requester_kind: str
    requester_name: str
    purpose_kind: str
    purpose: str
    viewers: tuple[str, ...]
    requested_on: dt.date
    requester_address: str = ""
    representative: str = ""   # 法人の代表者又は管理人の氏名 (第11条の2第2項第1号; published, 第11条の2第12項)


@dataclass(frozen=True)
class Made:
    content: bytes
    filename: str
    content_type: str
    record: InspectionRequest


def check_application(a: Application) -> None:
    if a.requester_kind not in REQUESTERS:
        raise RegistryError("請求・申出の区分を選んでください。", code="requester_kind", field="requester_kind")
    if not a.requester_name.strip():
        raise RegistryError("請求者・申出者の氏名又は名称を入力してください。", code="requester_name", field="requester_name")
    official = a.requester_kind == "official"
    if a.purpose_kind not in PURPOSES or (a.purpose_kind == "official") != official:
        raise RegistryError("請求・申出の区分に合う利用目的の区分を選んでください（国等の請求は第11条、個人・法人の申出は"
                            "第11条の2第1項各号）。", code="purpose_kind", field="purpose_kind")
    if not a.purpose.strip():
        raise RegistryError("利用目的を入力してください。", code="purpose", field="purpose")
    if not [v for v in a.viewers if v.strip()]:
        raise RegistryError("閲覧者の氏名（及び住所）を入力してください。", code="viewers", field="viewers")


def _listed(row: dict[str, Any]) -> Listed:
    return Listed(row["atena_number"], row["setai_number"], row["name"], row["birth_date"], row["sex"],
                  row["town_code"], row["banchi"], row["katagaki"], row["status"], row["household_order"],
                  row["resident_kind"] == FOREIGN)


def _rows(listing: InspectionList, towns: dict[str, Town]) -> list[tuple[str, str, str, str, str]]:
    """Each line in words: 住所 in full, 氏名, 生年月日 (和暦; a foreign resident's in 西暦, j90), 男・女."""
    prefecture, city = certifiers.city()
    out = []
    for n, p in enumerate(listing.people, 1):
        town = towns[p.town_code]
        address = f"{prefecture}{city}{town.ward_name}{town.name}{p.banchi}" + (f"　{p.katagaki}" if p.katagaki else "")
        born = f"{p.birth_date.year}年{p.birth_date.month}月{p.birth_date.day}日" if p.foreign else to_wareki(p.birth_date)
        out.append((str(n), address, p.name, born, "男" if p.sex == MALE else "女"))
    return out


def _pdf(data: dict[str, Any]) -> tuple[bytes, int]:
    from jichitai.registry.certificates.render import typst_pdf

    pdf = typst_pdf(TEMPLATE, data)
    return pdf, len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def _csv(rows: list[tuple[str, str, str, str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csvout.writer(out, for_people=True, lineterminator="\r\n")  # opened by the viewer in a spreadsheet
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def make(*, actor: Any, criteria: Criteria, application: Application, output: str = "pdf", terminal: str = "",
         today: dt.date | None = None) -> Made:
    """Make the list for ``application`` under ``criteria`` (its ``seed`` drawn here for a random order), record it
    and return the file."""
    if not allowed(actor, ACTION):
        audit.record(actor, ACTION, "inspection", "refused")
        raise PermissionRefused()
    today = today or timezone.localdate()
    check_application(application)
    if output not in OUTPUTS:
        raise RegistryError("出力形式は PDF 又は CSV を選んでください。", code="output", field="output")
    towns = {t.code: t for t in Town.objects.filter(code__in=criteria.town_codes)}
    unknown = [c for c in criteria.town_codes if c not in towns]
    if unknown:
        raise RegistryError(f"住所辞書にない町字です（{'・'.join(unknown)}）。", code="unknown_town", field="town_codes")
    criteria = Criteria(**{**criteria.__dict__, "seed": secrets.randbelow(2**31)})
    found = list(Resident.objects.filter(status=ACTIVE, town_code__in=criteria.town_codes).values(*COLUMNS))
    guard = suppression.shield(today)
    protected = frozenset(r["atena_number"] for r in found if guard.kinds(r) & LEFT_OUT)
    listing = select((_listed(r) for r in found), criteria, protected)
    names = {c: f"{t.ward_name}{t.name}" for c, t in towns.items()}
    rows = _rows(listing, towns)
    _, city = certifiers.city()
    number = IssueNumber(today, city, terminal, "", numbering.serials("issue", 1)[0])
    if output == "pdf":
        content, pages = _pdf({"title": TITLE, "city": city, "conditions": criteria.describe(names),
                               "reference": to_wareki(criteria.on), "made": to_wareki(today), "count": len(rows),
                               "issue_number": number.text(1, 1).rsplit(" ", 1)[0], "rows": rows})
    else:
        content, pages = _csv(rows), 0
    atenas = [p.atena_number for p in listing.people]
    with transaction.atomic():
        issuance = CertificateIssuance.objects.create(
            issue_number=number.stored, kind=KIND, layout=criteria.order.value, atena_numbers=atenas,
            requester_kind="official" if application.requester_kind == "official" else suppression.THIRD_PARTY,
            requester_name=application.requester_name[:200], purpose=application.purpose[:200],
            omissions={"criteria": criteria.describe(names), "output": output}, pages=pages,
            issued_by=actor if getattr(actor, "pk", None) else None, terminal=terminal[:100])
        record = InspectionRequest.objects.create(
            issuance=issuance, requester_kind=application.requester_kind,
            requester_name=application.requester_name[:200], requester_address=application.requester_address[:300],
            representative=application.representative.strip()[:200],
            purpose_kind=application.purpose_kind, purpose=application.purpose[:300],
            viewers="\n".join(v.strip() for v in application.viewers if v.strip()),
            requested_on=application.requested_on, count=len(atenas), output=output,
            criteria={"town_codes": list(criteria.town_codes), "on": criteria.on.isoformat(),
                      "age_from": criteria.age_from, "age_to": criteria.age_to, "sex": criteria.sex,
                      "order": criteria.order.value, "seed": criteria.seed})
        audit.record(actor, ACTION, f"inspection:{record.pk}", "ok", issue_number=number.stored, count=len(atenas),
                     output=output, requester_kind=application.requester_kind, subjects=atenas)
        left_out = [r for r in found if r["atena_number"] in listing.left_out]
        audit.record_many([audit.Event(actor, ACTION, f"resident:{r['atena_number']}",
                                       "refused" if guard.hides_from_staff(r) else "withheld",
                                       {"code": suppression.CODE, "protected_by": guard.protected_by(r),
                                        "via": "inspection", "inspection": record.pk}) for r in left_out])
    extension = "pdf" if output == "pdf" else "csv"
    return Made(content, f"etsuran-{number.stored}.{extension}",
                "application/pdf" if output == "pdf" else "text/csv; charset=utf-8", record)
