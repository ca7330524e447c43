"""What the city already knows about the resident filing: the registry record, the household, the reports
received for the income year. The starting point of the online form (eLTAX asks the resident for all of it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from jichitai.declarations.actors import ResidentActor
from jichitai.declarations.domain.kinship import kinship
from jichitai.declarations.sealing import vault


@dataclass
class Member:
    my_number: str
    name: str
    kana: str
    birth_date: dt.date
    relationship: str  # 続柄 to the filer, in words (「母」), worked out by domain.kinship
    relation: str  # the tax case's relation to the filer: spouse / child / parent / grandparent / other
    registry_relationship: str = ""  # 続柄 to the 世帯主 as the registry holds it (「妻」)
    kin: bool = True  # 親族 (民法第725条): may be claimed as a 扶養親族
    presumed: bool = False  # the registry could not tell: shown for the resident to confirm
    income: int | None = None  # 合計所得金額 from the reports received, when any

    @property
    def shown_relationship(self) -> str:
        """「母（住民記録では世帯主の妻）」 when the registry's 続柄 differs from the relation to the filer."""
        if self.registry_relationship and self.registry_relationship != self.relationship:
            return f"{self.relationship}（住民記録では世帯主の{self.registry_relationship}）" \
                if self.registry_relationship != "世帯主" else f"{self.relationship}（世帯主）"
        return self.relationship


@dataclass
class Prefill:
    my_number: str
    name: str
    kana: str
    birth_date: dt.date
    sex: str
    town_code: str
    banchi: str
    katagaki: str
    address_label: str
    salary: int = 0
    salary_reports: list[dict[str, Any]] = field(default_factory=list)
    pension: int = 0
    pension_reports: list[dict[str, Any]] = field(default_factory=list)
    social_insurance: int = 0
    life_insurance: dict[str, int] = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)


def _decrypt(token: str) -> str:
    try:
        return vault().decrypt(token) if token else ""
    except Exception:
        return ""


def load(actor: ResidentActor, fiscal_year: int) -> Prefill | None:
    from jichitai.declarations import taxlink
    from jichitai.registry import suppression
    from jichitai.registry.models import Resident, Town
    from jichitai.tax.models import ReceivedReport

    me = Resident.objects.filter(my_number_index=actor.my_number_index).first()
    if me is None:
        return None
    household = list(Resident.objects.filter(setai_number=me.setai_number, status="active").exclude(pk=me.pk))
    # the resident is shown their own address and household (本人・同一世帯員, as their certificates): through the
    # Shield, so that a protected person's prefill is recorded for the 支援措置責任者
    suppression.screen_addresses(actor, [me, *household], audience=suppression.SELF, action="declarations.prefill",
                                 via="portal.prefill")
    town = Town.objects.filter(code=me.town_code).first()
    p = Prefill(
        my_number=_decrypt(me.my_number_encrypted), name=me.name, kana=me.kana, birth_date=me.birth_date,
        sex="female" if me.sex == "F" else "male", town_code=me.town_code, banchi=me.banchi, katagaki=me.katagaki,
        address_label=f"{town.ward_name if town else ''}{town.name if town else me.town_code} {me.banchi}",
    )
    reports = ReceivedReport.in_force().filter(income_year=fiscal_year - 1)
    life_keys = {"life_general_new": "general_new", "life_pension_new": "pension_new",
                 "life_medical_care_new": "medical_care_new", "life_general_old": "general_old",
                 "life_pension_old": "pension_old"}
    for r in reports.filter(recipient_index=actor.my_number_index).order_by("id"):
        row = {"payer": r.payer_name, "amount": r.amount, "kind": r.get_kind_display()}
        if r.kind == "salary_report":
            p.salary += r.amount
            p.salary_reports.append(row)
        else:
            p.pension += r.amount
            p.pension_reports.append(row)
        p.social_insurance += int(r.data.get("social_insurance") or 0)
        for src, dst in life_keys.items():
            p.life_insurance[dst] = p.life_insurance.get(dst, 0) + int(r.data.get(src) or 0)
    for m in household:
        k = kinship(me.relationship, m.relationship, member_female=m.sex == "F")
        member = Member(my_number=_decrypt(m.my_number_encrypted), name=m.name, kana=m.kana,
                        birth_date=m.birth_date, relationship=k.label, relation=k.relation,
                        registry_relationship=m.relationship, kin=k.kin, presumed=k.presumed)
        own = reports.filter(recipient_index=m.my_number_index)
        salary = sum(r.amount for r in own if r.kind == "salary_report")
        pension = sum(r.amount for r in own if r.kind == "pension_report")
        member.income = taxlink.total_income(fiscal_year, m.birth_date, {"salary": salary, "public_pension": pension})
        p.members.append(member)
    return p


def initial_record(p: Prefill, fiscal_year: int, pattern: str) -> dict[str, Any]:
    """The declaration record the resident starts from."""
    salary = p.salary if pattern in ("salary_only", "other") else 0
    pension = p.pension if pattern in ("pension_only", "other") else 0
    return {
        "channel": "online", "pattern": pattern, "my_number": p.my_number, "name": p.name, "kana": p.kana,
        "birth_date": p.birth_date.isoformat(),
        "address": {"town_code": p.town_code, "banchi": p.banchi, "katagaki": p.katagaki},
        "case": {
            "fiscal_year": fiscal_year,
            "taxpayer": {"birth_date": p.birth_date.isoformat(), "sex": p.sex, "disability": None, "widow": False,
                         "single_parent": False, "working_student": False, "public_assistance": False},
            "income": {"salary": salary, "public_pension": pension, "business": 0, "misc_other": 0},
            "deductions": {
                "social_insurance": p.social_insurance if pattern != "no_income" else 0,
                "small_enterprise_mutual_aid": 0,
                "life_insurance": {k: p.life_insurance.get(k, 0) for k in
                                   ("general_new", "pension_new", "medical_care_new", "general_old", "pension_old")},
                "earthquake_insurance": 0, "long_term_damage_insurance_old": 0,
                "medical_expenses": {"paid": 0, "reimbursed": 0},
            },
            "spouse": None, "dependents": [], "donations": {"furusato": 0, "other": 0}, "housing_loan_credit": 0,
        },
        "declared": {"salary": salary, "pension": pension, "total_tax": None},
        "attachments": [],
    }
