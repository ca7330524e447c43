"""住登外者宛名基本情報照会 (共通機能標準仕様書 §2.3): the 住登外者 — and the residents, so that nobody is numbered
twice (住民は住民宛名番号を使う) — matching the 基本4情報 given, exactly or partly.

- exact (完全一致): each fact given equals the stored one after folding (the registry's search keys: NFKC,
  カタカナ, 異体字, no spaces); 氏名 matches the whole name;
- partial (部分一致): 氏名・フリガナ from the start of the whole name or of the 名 alone
  (``registry.search.name_matches``, the residents' search), 住所 from its start; 生年月日 and 性別 still equal.

Residents are matched on 氏名・フリガナ, 生年月日 and 性別 (their address is the city's own: a 住登外者's is
elsewhere). A resident under 照会抑止 or 支援措置 (theirs, their household's, their place's) is answered with the
宛名番号 only, marked, and audited (registry.suppression.Shield); so is a 住登外者 who is a protected person (a
former resident: the measure follows them) or whose address names a protected place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Q, QuerySet

from jichitai.jutogai.facts import SEX_WORDS, Facts
from jichitai.jutogai.models import ACTIVE, Jutogaisha
from jichitai.registry.search import name_matches

Mode = Literal["exact", "partial"]
MAX_CANDIDATES = 100
_NO_DATE = dt.date.min  # 生年月日不詳 sorts first
COLUMNS = ("number", "name", "kana", "birth_date", "sex", "postcode", "address", "former_atena_number", "status",
           "merged_into")
RESIDENT_COLUMNS = ("atena_number", "setai_number", "name", "kana", "birth_date", "sex", "status", "town_code",
                    "banchi", "katagaki", "removal_reason", "removed_on", "destination_address")


def _name_condition(facts: Facts, exact: bool) -> Q | None:
    """氏名 and フリガナ: each one given must match (a clerk who typed both wants both)."""
    cond = None
    for field, typed in (("name", facts.name), ("kana", facts.kana)):
        if getattr(facts, f"{field}_key"):
            q = name_matches(field, typed, exact=exact)
            cond = q if cond is None else cond & q
    return cond


def jutogai_matches(facts: Facts, mode: Mode = "exact", *, include_merged: bool = False) -> QuerySet[Jutogaisha]:
    """The 住登外者 matching ``facts`` (at least one fact given; :func:`candidates` checks it)."""
    exact = mode == "exact"
    qs = Jutogaisha.objects.all()
    names = _name_condition(facts, exact)
    if names is not None:
        qs = qs.filter(names)
    if facts.birth_date:
        qs = qs.filter(birth_date=facts.birth_date)
    if facts.sex:
        qs = qs.filter(sex=facts.sex)
    if facts.address_key:
        qs = qs.filter(address_key=facts.address_key) if exact else qs.filter(address_key__startswith=facts.address_key)
    if not include_merged:
        qs = qs.filter(status=ACTIVE)
    return qs


def resident_matches(facts: Facts, mode: Mode = "exact") -> Any:
    """The residents (current and removed) whose 氏名/フリガナ, 生年月日 and 性別 match; none without a name."""
    from jichitai.registry.models import Resident

    names = _name_condition(facts, mode == "exact")
    if names is None:
        return Resident.objects.none()
    qs = Resident.objects.filter(names)
    if facts.birth_date:
        qs = qs.filter(birth_date=facts.birth_date)
    if facts.sex:
        qs = qs.filter(sex=facts.sex)
    return qs


def jutogai_row(r: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "jutogai", "number": r["number"], "name": r["name"], "kana": r["kana"],
            "birth_date": r["birth_date"], "sex": r["sex"], "sex_label": SEX_WORDS.get(r["sex"], "不明"),
            "postcode": r["postcode"], "address": r["address"], "former_atena_number": r["former_atena_number"],
            "status": r["status"], "merged_into": r["merged_into"], "suppressed": False}


def jutogai_rows(rows: list[dict[str, Any]], actor: Any) -> list[dict[str, Any]]:
    """住登外者 as candidates, through the one Shield as residents are: a 住登外者 who is a protected person (the
    measure follows them after a 転出: ``former_atena_number``) or whose address names a protected place keeps
    their number and the mark only; each such answer is audited as a refusal, naming who protects them."""
    from jichitai.audit import services as audit
    from jichitai.registry import suppression

    if not rows:
        return []
    guard = suppression.shield()
    out, withheld = [], []
    for r in rows:
        if guard.kinds(r) & suppression.PRIVACY:
            withheld.append(r)
            out.append({"kind": "jutogai", "number": r["number"], "suppressed": True})
        else:
            out.append(jutogai_row(r))
    if withheld:
        audit.record_many([audit.Event(actor, "jutogai.search", suppression.subject_of(r), "refused",
                                       {"code": suppression.CODE, "via": "jutogai", "number": r["number"],
                                        "protected_by": guard.protected_by(r)})
                           for r in withheld])
    return out


def resident_rows(rows: list[dict[str, Any]], actor: Any) -> list[dict[str, Any]]:
    """Residents as candidates, through the one Shield: a protected person's row keeps its number and the mark."""
    from jichitai.audit import services as audit
    from jichitai.registry import suppression
    from jichitai.registry.domain.person import ACTIVE as RESIDENT
    from jichitai.registry.models import Town

    if not rows:
        return []
    guard = suppression.shield()
    towns = {t.code: f"{t.ward_name}{t.name}" for t in Town.objects.filter(code__in={r["town_code"] for r in rows})}
    out, withheld = [], []
    for r in rows:
        kind = "resident" if r["status"] == RESIDENT else "former_resident"
        kinds = guard.kinds(r)
        if kinds & {"view", "support"}:
            withheld.append(r)
            out.append({"kind": kind, "number": r["atena_number"], "suppressed": True})
            continue
        place = towns.get(r["town_code"], "")
        address = " ".join(x for x in (place, r["banchi"], r["katagaki"]) if x)
        out.append({"kind": kind, "number": r["atena_number"], "name": r["name"], "kana": r["kana"],
                    "birth_date": r["birth_date"], "sex": r["sex"], "sex_label": SEX_WORDS.get(r["sex"], "不明"),
                    "postcode": "", "address": r["destination_address"] if kind == "former_resident" else address,
                    "former_atena_number": "", "status": r["status"], "merged_into": "", "suppressed": False})
    if withheld:
        audit.record_many([audit.Event(actor, "jutogai.search", f"resident:{r['atena_number']}", "refused",
                                       {"code": suppression.CODE, "via": "jutogai",
                                        "protected_by": guard.protected_by(r)})
                           for r in withheld])
    return out


def candidates(facts: Facts, mode: Mode = "exact", *, actor: Any = None, residents: bool = True,
               limit: int = MAX_CANDIDATES) -> list[dict[str, Any]]:
    """The matching 住登外者 first (by フリガナ, 生年月日, number), then the matching residents; at most ``limit``
    of each. Reading the indexed keys first without ORDER BY (as the residents' search does), sorting here."""
    from jichitai.jutogai.errors import JutogaiError

    if not facts.any_given():
        raise JutogaiError("氏名・フリガナ・生年月日・住所のいずれかを指定してください。", code="no_criteria", field="name")
    rows = list(jutogai_matches(facts, mode).values(*COLUMNS, "kana_key")[:limit])
    rows.sort(key=lambda r: (r["kana_key"], r["birth_date"] or _NO_DATE, r["number"]))
    out = jutogai_rows(rows, actor)
    if residents:
        found = list(resident_matches(facts, mode).values(*RESIDENT_COLUMNS, "kana_key")[:limit])
        found.sort(key=lambda r: (r["kana_key"], r["birth_date"], r["atena_number"]))
        out.extend(resident_rows(found, actor))
    return out
