"""Issuing the 課税（非課税）証明書 (地方税法第20条の10 and the city's rules on 税務証明): who may have it, whom the city
does not tax, the 支援措置 rules, then the PDF with its 交付番号, one 交付履歴 row and the audit entry.

Who may ask (神戸市 「所得・課税（非課税）証明書の交付申請」; さぬき市 「市税の証明を申請できる方」; 足立区 「税証明を
本人・同居の親族以外が申請する場合」): the taxpayer (本人), someone of the same household (同一世帯: the registry's
世帯番号 today), or a 代理人 with the taxpayer's 委任状 (the clerk confirms it and records the 代理人's name). The
contents are secret (地方税法第22条), so nobody else gets them.

Whom the city does not tax: the 個人住民税 of a 年度 is levied by the city where the person had their address on
1月1日 (賦課期日, 地方税法第318条・第294条第1項), so a person who arrived after it is sent to the city they came
from (the registry's 転入前住所), and one who left before it to the city they moved to (転出先). A person here on
1月1日 with no assessment (no 申告, no 給与支払報告書) is asked to declare first (下妻市 「市税の証明」: 収入の申告
等がない場合は交付することができません).

支援措置 (住民基本台帳事務処理要領 第6の10, the registry's Shield): a 代理人 is a third party and never gets a
protected person's certificate (:func:`jichitai.registry.suppression.ensure_issuance_allowed`); the address a
certificate prints goes through the Shield's one gate (``screen_addresses``): shown to the person and their
household, withheld from anyone else. 発行抑止 stops every certificate of the person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.common.errors import JichitaiError, NotFound
from jichitai.common.wareki import fiscal_year_label, to_wareki
from jichitai.tax import parameters as P
from jichitai.tax.certificates import content as C
from jichitai.tax.certificates.models import TaxCertificateIssuance
from jichitai.tax.models import Assessment

ACTION = "tax.certificate.issue"
OWN_ACTION = "tax.certificate.own"
TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "tax" / "certificates" / "certificate.typ"
DEMO_SEAL = Path(__file__).resolve().parents[1] / "static" / "tax" / "seal-sample.svg"
YEARS_ISSUED = 5  # 神戸市: 「交付できる年限は、今年度をいれて5年度分です」
REQUESTERS = TaxCertificateIssuance.REQUESTERS


class CertificateRefused(JichitaiError):
    """The certificate cannot be issued; ``message`` says why and what to do instead."""

    code = "tax_certificate_refused"


@dataclass(frozen=True)
class Request:
    atena_number: str
    fiscal_year: int
    requester_kind: str = "self"          # self / household / proxy
    requester_name: str = ""
    requester_atena_number: str = ""      # 同一世帯: the requester's 宛名番号, checked against the household
    proxy_letter: bool = False            # 代理人: the 委任状 was presented and checked
    purpose: str = ""
    channel: str = "counter"              # counter / portal
    terminal: str = ""


@dataclass(frozen=True)
class Issued:
    pdf: bytes
    issuance: TaxCertificateIssuance

    @property
    def filename(self) -> str:
        return f"kazei-shomei-{self.issuance.fiscal_year}-{self.issuance.issue_number}.pdf"


def _refuse(actor: Any, req: Request, message: str, code: str, **detail: Any) -> CertificateRefused:
    audit.record(actor, ACTION, f"resident:{req.atena_number}", "refused", code=code,
                 fiscal_year=req.fiscal_year, requester_kind=req.requester_kind, channel=req.channel, **detail)
    return CertificateRefused(message, code=code, field=detail.get("field", ""))


def validate(actor: Any, req: Request) -> None:
    """What the request must say before anything is read (each refusal audited)."""
    if req.requester_kind not in REQUESTERS:
        raise _refuse(actor, req, "請求者の区分（本人・同一世帯の方・代理人）を選んでください。", "requester_kind",
                      field="requester_kind")
    if req.requester_kind == "proxy":
        if not req.proxy_letter:
            raise _refuse(actor, req, "代理人からの請求には本人の委任状が必要です。委任状を確認してください。",
                          "proxy_letter", field="proxy_letter")
        if not req.requester_name.strip():
            raise _refuse(actor, req, "代理人の氏名を入力してください。", "requester_name", field="requester_name")
    if req.requester_kind == "household" and not req.requester_atena_number.strip():
        raise _refuse(actor, req, "同一世帯の方の宛名番号を入力してください（世帯を確認します）。", "requester_atena_number",
                      field="requester_atena_number")


def years_offered(today: dt.date) -> list[int]:
    """The 年度 a certificate can be asked for on ``today``: this 年度 and the four before (5年度分)."""
    from jichitai.common.wareki import fiscal_year_of

    current = fiscal_year_of(today)
    return list(range(current, current - YEARS_ISSUED, -1))


def _elsewhere(actor: Any, req: Request, person: Any) -> CertificateRefused | None:
    """When the person was not living in the city on 1月1日 of the 年度: the refusal naming the city to ask."""
    from jichitai.registry.models import ResidentHistory

    jan1 = dt.date(req.fiscal_year, 1, 1)
    first = None  # the first history row, read only when the record does not say when the person came
    if person.became_resident_on is None or person.became_resident_on > jan1:
        first = (ResidentHistory.objects.filter(atena_number=person.atena_number).order_by("history_no")
                 .values("moved_on", "previous_address").first())
    arrived = person.became_resident_on or (first["moved_on"] if first else None)
    label = fiscal_year_label(req.fiscal_year)
    if arrived is not None and arrived > jan1:
        where = C.municipality_of(person.previous_address or (str(first["previous_address"]) if first else ""))
        ask = where if where else "1月1日にお住まいだった市区町村"
        return _refuse(actor, req, f"{label}の賦課期日（{to_wareki(jan1)}）には当市に住所がなかったため（{to_wareki(arrived)}"
                       f"転入）、当市では{label}の課税証明書を交付できません。{ask}に請求してください（地方税法第318条）。",
                       "not_resident_on_tax_day", ask=ask)
    left = person.moved_out_on or person.removed_on  # a 転出: its 転出年月日 (the 転入通知's 転入日 when earlier, j50)
    if person.status != "active" and left is not None and left < jan1:
        where = C.municipality_of(person.destination_address or "")
        ask = where if where else "転出先の市区町村"
        return _refuse(actor, req, f"{to_wareki(left)}に転出されたため、{label}（賦課期日 {to_wareki(jan1)}）"
                       f"は当市では課税していません。{ask}に請求してください（地方税法第318条）。", "moved_out", ask=ask)
    return None


def current_assessment(fiscal_year: int, atena_number: str) -> Assessment | None:
    return Assessment.objects.filter(fiscal_year=fiscal_year, atena_number=atena_number).order_by("-version").first()


@lru_cache(maxsize=64)
def _rules(rule_set_id: int) -> dict[str, Any]:
    """A rule set's content: never changed once stored (RuleSet), so read once per process, not per certificate."""
    from jichitai.tax.models import RuleSet

    return dict(RuleSet.objects.get(pk=rule_set_id).content)


def answer_of(a: Assessment) -> dict[str, Any]:
    """``a.explanation()`` with the rule set read from the process's cache."""
    if a.rule_set_id is None:
        return a.explanation()
    from jichitai.tax.calc.explain import render

    rules = _rules(a.rule_set_id)
    answer = render(rules, dict(zip(rules["columns"], a.figures or (), strict=True)))
    answer["notes"] = list(a.notes)
    return answer


def eligible_assessment(actor: Any, req: Request, today: dt.date) -> tuple[Assessment, Any]:
    """The assessment the certificate prints and the person's registry row, or a refusal saying why."""
    from jichitai.registry.models import Resident

    validate(actor, req)
    person = Resident.objects.filter(pk=req.atena_number).first()
    if person is None:
        raise _refuse(actor, req, f"宛名番号 {req.atena_number} の方は登録されていません。", "unknown_person",
                      field="atena_number")
    if req.fiscal_year not in years_offered(today):
        years = years_offered(today)
        raise _refuse(actor, req, f"証明できる年度は{fiscal_year_label(years[-1])}から{fiscal_year_label(years[0])}までです。",
                      "fiscal_year", field="fiscal_year")
    if req.requester_kind == "household":
        same = Resident.objects.filter(pk=req.requester_atena_number.strip(), setai_number=person.setai_number,
                                       status="active").exists()
        if not same or person.status != "active":
            raise _refuse(actor, req, "請求者はこの方と同一世帯ではありません。同一世帯以外の方は本人の委任状が必要です。",
                          "not_same_household", field="requester_atena_number")
    elsewhere = _elsewhere(actor, req, person)
    if elsewhere is not None:
        raise elsewhere
    a = current_assessment(req.fiscal_year, req.atena_number)
    if a is None:
        raise _refuse(actor, req, f"{fiscal_year_label(req.fiscal_year)}の住民税の申告や給与支払報告書がないため、証明書を"
                      "交付できません。先に住民税の申告をしてください（申告の内容を課税に反映した後に交付します）。",
                      "no_assessment")
    return a, person


@lru_cache(maxsize=4)
def _dependent_rules(fiscal_year: int) -> tuple[dict[str, Any], int]:
    p = P.load(fiscal_year)
    return dict(p["dependent"]), int(p["dependent_income_limit"])


def seal_image() -> str:
    """The 公印 image printed beside the 発行者: ``JICHITAI_SEAL_IMAGE``, else the certifier's registered image;
    outside production a 見本 seal so that the demo shows where it goes; in production without one 「公印省略」."""
    from jichitai.registry.certificates import certifiers

    if settings.CONFIG.seal_image:
        return str(settings.CONFIG.seal_image)
    registered = certifiers.certifier_on(timezone.localdate()).seal_image
    if registered:
        return registered
    return "" if settings.CONFIG.is_production else str(DEMO_SEAL)


def certificate_data(a: Assessment, person: Any, *, issue_number: str, today: dt.date,
                     address_withheld: bool) -> dict[str, Any]:
    """The Typst template's input: the person, the tax content, the 交付番号 and the 発行者."""
    from jichitai.registry.certificates import certifiers
    from jichitai.tax.addressee import address_words

    rules, limit = _dependent_rules(a.fiscal_year)
    body = C.content(answer_of(a), a.case, C.dependent_counts(a.case, a.fiscal_year, rules, limit))
    certifier = certifiers.certifier_on(today)
    # the row has been through the Shield's address gate in issue(): its address in words, no second read
    place = address_words(person.__dict__) if person.status == "active" and not address_withheld else None
    if address_withheld:
        address = "（支援措置の対象のため記載を省略）"
    elif place is not None:
        address = place["address"]
    else:
        address = person.destination_address or "（転出）"
    return {
        "title": body.title, "fiscal_year": body.fiscal_year, "income_year": body.income_year,
        "issue_number": issue_number, "issued": to_wareki(today), "atena_number": person.atena_number,
        "name": person.name, "kana": person.kana, "birth_date": to_wareki(person.birth_date), "address": address,
        "incomes": body.incomes, "total_income": body.total_income, "deductions": body.deductions,
        "deduction_total": body.deduction_total, "taxable": body.taxable, "spouse": body.spouse,
        "dependents": body.dependents, "taxes": body.taxes, "exempt": body.exempt, "exempt_reason": body.exempt_reason,
        "statement": "上記のとおり相違ないことを証明します。",
        "issuer": f"{certifier.title}　{certifier.name}", "seal": seal_image(),
        "basis": "この証明書は地方税法第20条の10の規定による証明です。金額の単位は円。",
    }


def issue_number(today: dt.date) -> str:
    from jichitai.registry import numbering

    return f"{today.year}-{numbering.next_serial('tax_certificate'):08d}"


def issue(actor: Any, req: Request, *, today: dt.date | None = None) -> Issued:
    """One certificate: checks (each refusal audited), the Shield, the PDF, then 交付履歴 and audit in one transaction."""
    from jichitai.registry import suppression
    from jichitai.registry.certificates.render import typst_pdf

    today = today or timezone.localdate()
    a, person = eligible_assessment(actor, req, today)
    guard = suppression.shield()  # read once for the request
    if req.channel == "counter":  # the clerk sees what is printed: 照会抑止 of the person, household or place (3.1)
        suppression.ensure_view_allowed(actor, person.atena_number, via="tax.certificate", guard=guard)
    third_party = suppression.THIRD_PARTY if req.requester_kind == "proxy" else req.requester_kind
    suppression.ensure_issuance_allowed(actor, [person.atena_number], third_party, action=ACTION, guard=guard)
    record = {"atena_number": person.atena_number, "setai_number": person.setai_number, "town_code": person.town_code,
              "banchi": person.banchi, "katagaki": person.katagaki}
    audience = suppression.OTHERS if req.requester_kind == "proxy" else suppression.SELF
    withheld = person.atena_number in suppression.screen_addresses(actor, [record], audience=audience, action=ACTION,
                                                                   via="tax.certificate", guard=guard)
    number = issue_number(today)
    pdf = typst_pdf(TEMPLATE, certificate_data(a, person, issue_number=number, today=today, address_withheld=withheld))
    kind = "hikazei" if a.total == 0 else "kazei"
    with transaction.atomic():
        row = TaxCertificateIssuance.objects.create(
            issue_number=number, fiscal_year=req.fiscal_year, atena_number=person.atena_number, assessment=a, kind=kind,
            requester_kind=req.requester_kind, requester_name=req.requester_name.strip()[:200],
            requester_atena_number=req.requester_atena_number.strip()[:15], proxy_letter=req.proxy_letter,
            purpose=req.purpose.strip()[:200], channel=req.channel, address_withheld=withheld,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(), issued_by=actor if getattr(actor, "pk", None) else None,
            terminal=req.terminal[:100])
        audit.record(actor, ACTION, f"resident:{person.atena_number}", "ok", issue_number=number,
                     fiscal_year=req.fiscal_year, assessment_version=a.version, kind=kind,
                     requester_kind=req.requester_kind, channel=req.channel, address_withheld=withheld)
    return Issued(pdf, row)


def history(atena_number: str) -> list[TaxCertificateIssuance]:
    """交付履歴 of one person, newest first."""
    return list(TaxCertificateIssuance.objects.filter(atena_number=atena_number).select_related("issued_by"))


def not_found(atena_number: str) -> NotFound:
    return NotFound(f"宛名番号 {atena_number} の方は登録されていません。", atena_number=atena_number)
