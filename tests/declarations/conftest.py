"""Fixtures for the declarations tests: residents written straight into the registry tables, reports into the
tax tables (the owners' services may do more; these tests need only the rows the review reads)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from jichitai.common.checkdigit import make_my_number
from jichitai.declarations.actors import ResidentActor

_n = itertools.count(1)
TOWN = "281100010"


@pytest.fixture
def resident(db: Any) -> Callable[..., dict[str, Any]]:
    """``resident(name=…, birth=…, setai=…, town=…, banchi=…, died_on=…)`` → {my_number, atena_number, actor}."""
    from jichitai.declarations.sealing import blind_index, vault
    from jichitai.registry.models import Resident, ResidentHistory

    def make(name: str = "神戸 花子", kana: str = "コウベ ハナコ", birth: dt.date = dt.date(1980, 5, 1),
             setai: str | None = None, town: str = TOWN, banchi: str = "1-2-3", died_on: dt.date | None = None,
             since: dt.date = dt.date(2010, 4, 1), relationship: str = "世帯主", sex: str = "F") -> dict[str, Any]:
        n = next(_n)
        my_number = make_my_number(20000000000 + n)
        atena = f"{n:015d}"
        values = dict(
            atena_number=atena, setai_number=setai or f"S{n:014d}", resident_kind="japanese", name=name, kana=kana,
            birth_date=birth, sex=sex, relationship=relationship, town_code=town, ward_code="28110", banchi=banchi,
            address_set_on=since, my_number_index=blind_index(my_number),
            my_number_encrypted=vault().encrypt(my_number),
        )
        ResidentHistory.objects.create(**values, status="active", history_no=1, change_id=uuid.uuid4(),
                                       reason="move_in", moved_on=since, processed_on=since, entered_by="test")
        status = "removed" if died_on else "active"
        Resident.objects.create(**values, status=status, removal_reason="death" if died_on else "",
                                removed_on=died_on, name_key=name, kana_key=kana)
        actor = ResidentActor(subject=f"demo:{atena}", my_number_index=blind_index(my_number), atena_number=atena,
                              name=name, method="demo")
        return {"my_number": my_number, "atena_number": atena, "actor": actor, "name": name, "kana": kana,
                "birth": birth, "town": town, "banchi": banchi}

    return make


@pytest.fixture
def salary_report(db: Any) -> Callable[..., Any]:
    from jichitai.declarations.sealing import blind_index
    from jichitai.tax.models import ReceivedReport

    def make(my_number: str, amount: int, *, year: int = 2025, dependants: tuple[str, ...] = (),
             spouse: str = "", payer: str = "1000000000001", social_insurance: int = 600_000) -> Any:
        data: dict[str, Any] = {"salary_paid": amount, "year_end_adjusted": True, "spouse": bool(spouse),
                                "social_insurance": social_insurance,
                                "spouse_my_number": f"bi:{blind_index(spouse)}" if spouse else None}
        for i, dep in enumerate(dependants, start=1):
            data[f"dep{i}_my_number"] = f"bi:{blind_index(dep)}"
        return ReceivedReport.objects.create(
            kind="salary_report", income_year=year, payer_number=payer, payer_name="株式会社テスト",
            recipient_index=blind_index(my_number), recipient_my_number="x", source=f"test-{next(_n)}", line=2,
            amount=amount, data=data,
        )

    return make


def record_for(person: dict[str, Any], **over: Any) -> dict[str, Any]:
    """A declarations.jsonl record for a resident made by the ``resident`` fixture."""
    salary = over.pop("salary", 4_000_000)
    rec: dict[str, Any] = {
        "declaration_ref": over.pop("ref", f"T-{next(_n)}"), "channel": "online",
        "pattern": over.pop("pattern", "salary_only"),
        "my_number": person["my_number"], "name": person["name"], "kana": person["kana"],
        "birth_date": person["birth"].isoformat(),
        "address": {"town_code": person["town"], "banchi": person["banchi"], "katagaki": ""},
        "case": {
            "fiscal_year": 2026, "taxpayer": {"birth_date": person["birth"].isoformat(), "sex": "female"},
            "income": {"salary": salary, "public_pension": 0, "business": 0, "misc_other": 0},
            "deductions": {"social_insurance": 600_000,
                           "medical_expenses": over.pop("medical", {"paid": 0, "reimbursed": 0})},
            "spouse": over.pop("spouse", None), "dependents": over.pop("dependents", []),
            "donations": {"furusato": 0, "other": 0},
        },
        "declared": {"salary": salary, "pension": 0, "total_tax": None},
        "attachments": over.pop("attachments", []),
    }
    rec.update(over)
    return rec
