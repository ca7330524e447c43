"""The tax office's page of one taxpayer (納税者): every assessment version of every 年度 with its inputs in words,
its explanation and notes, the collection schedule of each version, the 支払報告書, 確定申告書 and 異動届 behind it,
the 課税証明書 issued, and the notices to print. Search by 宛名番号, 氏名, フリガナ and 個人番号 (with a 利用目的 from
:mod:`jichitai.registry.purposes`, recorded).

Every read goes through the registry's Shield: 照会抑止 of the person, their household or their place refuses the
page (audited); a search lists a person under 照会抑止 by 宛名番号 only; the address shown to tax staff (working on
the person's own business) passes ``screen_addresses`` with the staff audience, which records each protected person
shown for the 支援措置責任者. Every search and page view is audited with the people it showed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import NotFound, PermissionRefused
from jichitai.common.money import format_yen
from jichitai.common.wareki import fiscal_year_label, to_wareki, to_wareki_year
from jichitai.tax.case import AMOUNTS, parse_case
from jichitai.tax.certificates.content import SEPARATE_LABELS
from jichitai.tax.certificates.models import TaxCertificateIssuance
from jichitai.tax.collection.domain.receipts import NOTHING_DUE, PARTLY, UNPAID, Settlement
from jichitai.tax.collection.domain.revision import refund_lines
from jichitai.tax.collection.models import CollectionSchedule, Payment
from jichitai.tax.models import Assessment, FinalReturn, ReceivedReport, SalaryEarnerChange

ACTION = "tax.taxpayer.view"
PAYMENT_ACTION = "tax.payment.record"
INPUT_LABELS = {
    "salary": "給与収入", "public_pension": "公的年金等の収入金額", "business": "営業等所得", "real_estate": "不動産所得",
    "misc_other": "雑所得（公的年金等以外）", "dividend": "配当所得", "social_insurance": "社会保険料",
    "small_enterprise_mutual_aid": "小規模企業共済等掛金", "life_general_new": "一般生命保険料（新契約）",
    "life_pension_new": "個人年金保険料（新契約）", "life_medical_care_new": "介護医療保険料",
    "life_general_old": "一般生命保険料（旧契約）", "life_pension_old": "個人年金保険料（旧契約）",
    "earthquake_insurance": "地震保険料", "long_term_damage_insurance_old": "旧長期損害保険料",
    "medical_paid": "医療費（支払額）", "medical_reimbursed": "医療費（保険金等で補填された額）",
    "donation_furusato": "ふるさと納税（都道府県・市区町村への寄附）", "donation_other": "その他の寄附金（条例指定）",
    "housing_loan_credit": "住宅借入金等特別税額控除の額", "withheld_dividend": "配当割額",
    "withheld_stock_transfer": "株式等譲渡所得割額",
    "sep_long_term_qualified": "うち優良住宅地の造成等のための譲渡", "sep_long_term_residential": "うち居住用財産の譲渡",
    "sep_listed_stock_loss": "上場株式等の譲渡損失の金額（その年）",
    "carryover_listed_stock_loss": "上場株式等の譲渡損失の繰越（前年以前3年内）",
}
FLAG_LABELS = (("widow", "寡婦"), ("single_parent", "ひとり親"), ("working_student", "勤労学生"),
               ("public_assistance", "生活保護（生活扶助）"))
DISABILITY = {0: "", 1: "障害者", 2: "特別障害者", 3: "同居特別障害者"}
METHODS = {"salary": "給与からの特別徴収", "pension": "公的年金からの特別徴収", "ordinary": "普通徴収"}


def _separate_labels() -> dict[str, str]:
    from jichitai.tax.rules.separate import ATTRS

    names = dict(SEPARATE_LABELS)
    return {attr: f"分離課税: {names[kind]}" for kind, attr in ATTRS.items()}


def source_label(source: str) -> str:
    """What the assessment was computed from, in words (Assessment.source)."""
    if source == "reports":
        return "給与支払報告書・公的年金等支払報告書"
    if source == "none":
        return "課税資料なし（所得なしとして計算）"
    if source.startswith("declaration:"):
        _, receipt, *rest = source.split(":")
        version = rest[0].lstrip("v") if rest else ""
        return f"住民税申告（受付番号 {receipt}" + (f"、第{version}版" if version else "") + "）"
    if source.startswith("final_return:"):
        return "所得税の確定申告書（国税連携）"
    return source


def inputs_in_words(case: dict[str, Any]) -> list[tuple[str, str]]:
    """The case the engine was given, as a person reads it: each amount that is not zero with its name, the
    taxpayer's flags, the spouse and each dependant."""
    c = parse_case(case)
    labels = {**INPUT_LABELS, **_separate_labels()}
    out = [(labels.get(attr, attr), format_yen(int(getattr(c, attr)))) for attr, _, _ in AMOUNTS
           if int(getattr(c, attr) or 0)]
    out += [(f"上場株式等の譲渡損失の繰越（{to_wareki_year(year)}分）", format_yen(amount))
            for year, amount in c.carryover_listed_by_year]
    out.insert(0, ("生年月日", to_wareki(c.birth_date)))
    out += [(label, "該当") for attr, label in FLAG_LABELS if getattr(c, attr)]
    if DISABILITY.get(c.disability):
        out.append(("障害者控除の区分", DISABILITY[c.disability]))
    if c.spouse is not None:
        out.append(("配偶者", f"{to_wareki(c.spouse.birth_date)}生、合計所得金額 {format_yen(c.spouse.total_income)}"))
    for i, d in enumerate(c.dependents, start=1):
        out.append((f"扶養親族{i}", f"{to_wareki(d.birth_date)}生、合計所得金額 {format_yen(d.total_income)}"
                    + ("、同居" if d.cohabiting else "") + (f"、{DISABILITY[d.disability]}" if d.disability else "")))
    if c.donation_onestop:
        out.append(("申告特例（ワンストップ特例）", "あり"))
    return out


@dataclass
class Version:
    assessment: Assessment
    source: str
    inputs: list[tuple[str, str]]
    amounts: list[tuple[str, str]]
    steps: list[tuple[str, str, str]]
    notes: list[str]
    schedule: CollectionSchedule | None
    instalments: list[tuple[str, str, str, str]]  # 徴収方法, 期別・月, 納期限, 金額 (特別徴収義務者)
    payers: list[tuple[str, str]] = field(default_factory=list)  # (法人番号, 名称) withholding this version
    collection: Collection | None = None  # what was paid (the current version only)


@dataclass
class Collection:
    """What the payments say about the current schedule's 普通徴収 (collection/receipts)."""

    states: dict[str, tuple[str, str]]  # 期 → (納付額, 状態 in words)
    payments: list[dict[str, str]]
    refund: list[tuple[str, str]]  # (what, 1,234円): 過誤納金 / 還付（特別徴収分） / 還付（納付済みの場合）
    terms: list[str]  # the 期 a 窓口 payment may be recorded against
    outstanding: str
    rows: list[tuple[str, ...]] = field(default_factory=list)  # the schedule's rows with 納付額 and 納付状況


@dataclass
class Year:
    fiscal_year: int
    label: str
    versions: list[Version]
    reports: list[dict[str, str]]
    final_returns: list[dict[str, str]]
    earner_changes: list[dict[str, str]]


@dataclass
class TaxpayerPage:
    atena_number: str
    name: str
    kana: str
    birth_date: str
    status: str
    address: str
    postcode: str
    years: list[Year]
    certificates: list[TaxCertificateIssuance]
    can_record_payment: bool = False


def _ensure(actor: Any, resource: str) -> None:
    if not allowed(actor, ACTION):
        audit.record(actor, ACTION, resource, "refused")
        raise PermissionRefused()


def find(actor: Any, *, atena_number: str = "", name: str = "", kana: str = "", my_number: str = "",
         purpose: str = "", offset: int = 0) -> Any:
    """One page of taxpayers (former residents included: a 年度 may be theirs); 照会抑止 rows by 宛名番号 only;
    a 個人番号 only with a listed 利用目的 (番号法第9条), recorded in the audit entry with the people shown."""
    from jichitai.registry import purposes, suppression
    from jichitai.registry.domain import RegistryError
    from jichitai.registry.search import search_page

    _ensure(actor, "search")
    purpose_code = ""
    criteria = {k: ("***" if k == "my_number" else v) for k, v in
                {"atena_number": atena_number, "name": name, "kana": kana, "my_number": my_number}.items() if v}
    if my_number:
        try:
            purpose_code, _ = purposes.purpose_of(purpose)
        except RegistryError:  # refused with its terms too (10.2), the 個人番号 masked
            audit.record(actor, ACTION, "search", "refused", code="purpose_required", criteria=dict(criteria))
            raise
    page = search_page(atena_number=atena_number, name=name, kana=kana, my_number=my_number, include_removed=True,
                       offset=offset)
    rows = suppression.screen_rows(actor, page.rows, via="tax.taxpayer.search")
    shown = [r["atena_number"] for r in rows if not r["hidden"]]
    if purpose_code:
        criteria["my_number_purpose"] = purpose_code
    audit.record(actor, ACTION, "search", "ok", criteria=criteria, count=len(rows), total=page.total, subjects=shown)
    for r in rows:
        if not r["hidden"]:
            r["birth_wareki"] = to_wareki(r["birth_date"])
    page.rows = rows
    return page


def _version(a: Assessment, schedules: dict[int, CollectionSchedule]) -> Version:
    r = a.explanation()
    steps = [(s["rule"], format_yen(s["value"]) if isinstance(s["value"], int) and not isinstance(s["value"], bool)
              else ("該当" if s["value"] else "非該当"), s["basis"]) for s in r.get("steps", [])]
    schedule = schedules.get(a.version)
    instalments, payers = [], []
    if schedule is not None:
        for i in schedule.instalments.order_by("position"):
            instalments.append((METHODS.get(i.method, i.method), i.label, to_wareki(i.due), format_yen(i.amount)
                                + (f"（{i.payer_name}）" if i.payer_name else "")))
            if i.payer_number and (i.payer_number, i.payer_name) not in payers:
                payers.append((i.payer_number, i.payer_name))
    return Version(a, source_label(a.source), inputs_in_words(a.case), [
        ("合計所得金額", format_yen(a.total_income)), ("課税総所得金額", format_yen(a.taxable_income)),
        ("市民税 所得割", format_yen(a.city_income_levy)), ("市民税 均等割", format_yen(a.city_per_capita)),
        ("県民税 所得割", format_yen(a.pref_income_levy)), ("県民税 均等割", format_yen(a.pref_per_capita)),
        ("森林環境税", format_yen(a.forest_env_tax)), ("年税額", format_yen(a.total))],
        steps, list(r.get("notes", [])), schedule, instalments, payers)


REPORT_STATUS = dict(ReceivedReport.STATUSES)
REPORT_KIND = dict(ReceivedReport.KINDS)


def _year(fiscal_year: int, versions: list[Assessment], index: str) -> Year:
    schedules = {s.assessment_version: s for s in CollectionSchedule.objects.filter(
        fiscal_year=fiscal_year, atena_number=versions[0].atena_number)}
    reports = [{"kind": REPORT_KIND.get(r.kind, r.kind), "payer": r.payer_name, "amount": format_yen(r.amount),
                "status": REPORT_STATUS.get(r.status, r.status), "received": to_wareki(r.received_at.date()),
                "file": r.source} for r in ReceivedReport.objects.filter(
                    recipient_index=index, income_year=fiscal_year - 1).order_by("received_at")] if index else []
    returns = [{"kind": f.return_kind, "filed": to_wareki(f.filed_on), "file": f.source}
               for f in FinalReturn.objects.filter(recipient_index=index, income_year=fiscal_year - 1)
               .order_by("filed_on")] if index else []
    changes = [{"payer": c.payer_name, "on": to_wareki(c.changed_on), "reason": c.reason, "file": c.source}
               for c in SalaryEarnerChange.objects.filter(recipient_index=index,
                                                          changed_on__gte=dt.date(fiscal_year, 6, 1),
                                                          changed_on__lt=dt.date(fiscal_year + 1, 6, 1))] if index else []
    year = Year(fiscal_year, fiscal_year_label(fiscal_year),
                [_version(a, schedules) for a in versions], reports, returns, changes)
    current = year.versions[0].schedule
    if current is not None and current.current:
        c = collection_of(current)
        ordinary = METHODS["ordinary"]
        c.rows = [(*row, *(c.states.get(row[1], ("", "")) if row[0] == ordinary else ("", "")))
                  for row in year.versions[0].instalments]
        year.versions[0].collection = c
    return year


CHANNELS = dict(Payment.CHANNELS)


def refund_words(schedule: CollectionSchedule, settlement: Settlement | None) -> list[tuple[str, str]]:
    """The schedule's 還付 in words (domain.revision.refund_lines): the 過誤納金 once payments are known."""
    return [(label, format_yen(amount)) for label, amount in refund_lines(int(schedule.refund), settlement)]


def collection_of(schedule: CollectionSchedule) -> Collection:
    from jichitai.tax.collection import receipts

    ordinary = receipts.ordinary_of(schedule)
    rows = list(Payment.objects.filter(fiscal_year=schedule.fiscal_year, atena_number=schedule.atena_number)
                .order_by("paid_on", "id"))
    settlement = receipts.settlement(schedule, ordinary) if rows else None
    states: dict[str, tuple[str, str]] = {}
    if settlement is not None:
        for t in settlement.states:
            words = t.state
            if t.overpaid:
                words += f"（過誤納 {format_yen(t.overpaid)}）"
            elif t.state == PARTLY:
                words += f"（残 {format_yen(t.outstanding)}）"
            states[t.label] = (format_yen(t.paid), words)
    else:
        states = {i.label: (format_yen(0), UNPAID if i.amount > 0 else NOTHING_DUE) for i in ordinary}
    reversed_ids = {p.reverses_id for p in rows if p.reverses_id}
    payments = [{"id": str(p.pk), "term": p.term, "paid_on": to_wareki(p.paid_on), "amount": format_yen(p.amount),
                 "channel": CHANNELS.get(p.channel, p.channel) + ("（取消）" if p.reverses_id else ""),
                 "source": (f"{p.source_file} {p.source_line}行目" if p.source_file else f"記録者 {p.recorded_by}"),
                 "cancellable": "1" if p.amount > 0 and not p.reverses_id and p.pk not in reversed_ids else "",
                 "state": "取消済み" if p.pk in reversed_ids else ""}
                for p in rows]
    outstanding = settlement.outstanding if settlement is not None else sum(max(i.amount, 0) for i in ordinary)
    return Collection(states, payments, refund_words(schedule, settlement), [i.label for i in ordinary],
                      format_yen(outstanding))


def taxpayer(actor: Any, atena_number: str) -> TaxpayerPage:
    """照会 of one taxpayer (audited; refused under 照会抑止 of the person, their household or place)."""
    from jichitai.registry import suppression
    from jichitai.registry.models import Resident
    from jichitai.tax.addressee import address_words

    resource = f"resident:{atena_number}"
    _ensure(actor, resource)
    person = Resident.objects.filter(pk=atena_number).first()
    if person is None:
        audit.record(actor, ACTION, resource, "failed", code="not_found")
        raise NotFound(f"宛名番号 {atena_number} の方は登録されていません。", atena_number=atena_number)
    guard = suppression.ensure_view_allowed(actor, atena_number, via="tax.taxpayer")
    record = {"atena_number": person.atena_number, "setai_number": person.setai_number,
              "town_code": person.town_code, "banchi": person.banchi, "katagaki": person.katagaki,
              "postcode": person.postcode}
    withheld = suppression.screen_addresses(actor, [record], audience=suppression.STAFF, action=ACTION,
                                            via="tax.taxpayer", guard=guard)
    place = {"address": "（照会抑止のため表示しません）", "postcode": ""} if withheld else address_words(record)
    if person.status != "active":
        place = {"address": f"（転出等により消除: {person.destination_address or person.removal_reason}）", "postcode": ""}
    by_year: dict[int, list[Assessment]] = {}
    for a in Assessment.objects.select_related("rule_set").filter(atena_number=atena_number).order_by(
            "-fiscal_year", "-version"):
        by_year.setdefault(a.fiscal_year, []).append(a)
    years = [_year(fy, versions, person.my_number_index) for fy, versions in by_year.items()]
    audit.record(actor, ACTION, resource, "ok", years=sorted(by_year))
    return TaxpayerPage(person.atena_number, person.name, person.kana, to_wareki(person.birth_date),
                        "住民" if person.status == "active" else "消除", place["address"], place["postcode"], years,
                        list(TaxCertificateIssuance.objects.filter(atena_number=atena_number)[:50]),
                        allowed(actor, PAYMENT_ACTION))


def version_of(actor: Any, atena_number: str, fiscal_year: int, version: int | None) -> Assessment:
    """The assessment version a printed notice is made from (the newest when ``version`` is None), after the same
    checks as the page."""
    from jichitai.registry import suppression

    _ensure(actor, f"resident:{atena_number}")
    suppression.ensure_view_allowed(actor, atena_number, via="tax.taxpayer.notice")
    qs = Assessment.objects.filter(atena_number=atena_number, fiscal_year=fiscal_year)
    a = (qs.filter(version=version) if version else qs.order_by("-version")).first()
    if a is None:
        raise NotFound(f"宛名番号 {atena_number} の{fiscal_year_label(fiscal_year)}の税額決定はありません。")
    return a
