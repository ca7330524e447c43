"""Queries behind the counter's pages (service functions; the views only call these and render).

Every read of a person's record is audited (``registry.view``, resource ``resident:<宛名番号>``), after the
照会抑止 check of :mod:`jichitai.registry.suppression` (j410; the person's and their household's): the resident
page through :mod:`jichitai.registry.access`, the search and the household page here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import NotFound, PermissionRefused
from jichitai.common.text import hiragana_to_katakana, nfkc
from jichitai.registry import access, de_facto_heads, mailing_codes, memos, purposes, support, suppression
from jichitai.registry.certificates.ordering import in_standard_order
from jichitai.registry.domain import RegistryError
from jichitai.registry.domain.mailing_code import MailingCode, addressee_name
from jichitai.registry.domain.person import ACTIVE, REMOVED, Person
from jichitai.registry.history import household_as_of
from jichitai.registry.memos import Memo
from jichitai.registry.models import DeFactoHead, Household, MailingCodeSetting, Resident, Suppression, Town
from jichitai.registry.search import SearchPage, search_page
from jichitai.registry.store import to_person


@dataclass
class ResidentPage:
    """The resident page: :class:`jichitai.registry.access.ResidentView` plus what the counter shows around it."""

    view: access.ResidentView
    address: str
    suppressions: list[Suppression]
    my_number: str = ""
    notices: dict[int, str] = field(default_factory=dict)  # suppression id → what its period calls for
    memos: list[Memo] = field(default_factory=list)  # j150: the memos as they stand …
    deleted_memos: list[Memo] = field(default_factory=list)  # … and those deleted, with their history
    mailing_code: MailingCode = MailingCode.UNSET  # j190 郵便物送付コード in force …
    mailing_history: list[MailingCodeSetting] = field(default_factory=list)  # … and every setting, latest first

    @property
    def mailing_name(self) -> str:
        """The name the registry's and the tax office's mail print for this person (registry/mailing.py)."""
        person = self.view.person
        return addressee_name(person.name, person.tsusho, self.mailing_code)


def town_names(codes: set[str]) -> dict[str, Town]:
    return {t.code: t for t in Town.objects.filter(code__in=codes)}


TOWN_LIMIT = 30


def find_towns(query: str) -> tuple[list[Town], int]:
    """町字 of the 住所辞書 (j250) for the picker: by 郵便番号 (digits, hyphen or 〒 ignored) when the query is a
    number, else by 町字名 or 行政区名 (contains) or よみ (prefix; かな typed is taken as カナ); in 町字 order (the
    dictionary's 町字コード), the first :data:`TOWN_LIMIT` and the count of all matches."""
    text = nfkc(query).replace(" ", "").replace("　", "").replace("〒", "").strip()
    if not text:
        return [], 0
    digits = text.replace("-", "").replace("ー", "")
    if digits.isdigit():
        rows = Town.objects.filter(postcode__startswith=digits)
    else:
        kana = hiragana_to_katakana(text)
        rows = Town.objects.filter(Q(name__contains=text) | Q(kana__startswith=kana) | Q(ward_name__contains=text))
    rows = rows.order_by("code")
    return list(rows[:TOWN_LIMIT]), rows.count()


def address_of(person: Person, towns: dict[str, Town] | None = None) -> str:
    towns = towns if towns is not None else town_names({person.town_code})
    town = towns.get(person.town_code)
    place = f"{town.ward_name}{town.name}" if town else person.town_code
    return f"{place}{person.banchi}{('　' + person.katagaki) if person.katagaki else ''}"


def find(actor: Any, criteria: dict[str, Any]) -> SearchPage:
    """Resident search (j340), one page of it (``offset``, ``limit`` in ``criteria``) with the total count; the
    search itself is audited with its criteria (個人番号 masked) and every person the page shows."""
    criteria = dict(criteria)
    purpose = criteria.pop("my_number_purpose", "")
    # a refused search names its terms too (10.2), the numbers it was refused for masked
    tried = {k: ("***" if k in ("my_number", "juminhyo_code") else str(v)) for k, v in criteria.items() if v}
    if criteria.get("juminhyo_code") and not allowed(actor, "registry.view_juminhyo_code"):
        audit.record(actor, "registry.view_juminhyo_code", "search", "refused", criteria=tried)
        raise PermissionRefused("住民票コードによる検索は住民票コードの表示権限のある職員のみ行えます（標準仕様書 10.4）。")
    if criteria.get("my_number"):
        if not allowed(actor, "registry.view_mynumber"):
            audit.record(actor, "registry.view_mynumber", "search", "refused", criteria=tried)
            raise PermissionRefused("個人番号による検索は権限のある職員のみ行えます。")
        try:
            purpose, _label = purposes.purpose_of(purpose)
        except RegistryError:
            audit.record(actor, "registry.view_mynumber", "search", "refused", code="purpose_required",
                         criteria=tried)
            raise
    found_page = search_page(**criteria)
    rows = suppression.screen_rows(actor, found_page.rows, via="search", counter=True)
    shown = {k: ("***" if k == "my_number" else str(v)) for k, v in criteria.items() if v}
    if criteria.get("my_number"):
        shown["my_number_purpose"] = purpose
    found = [r["atena_number"] for r in rows if not r["hidden"]]
    # every person the result list showed is a subject of the entry (the auditor's "who looked at X")
    audit.record(actor, "registry.view", "search", "ok", criteria=shown, results=found[:50], count=len(rows),
                 total=found_page.total, subjects=found)
    towns = town_names({r["town_code"] for r in rows if not r["hidden"]})
    for r in rows:
        if r["hidden"]:
            continue
        town = towns.get(r["town_code"])
        r["address"] = f"{town.ward_name}{town.name}{r['banchi']}" if town else r["banchi"]
    found_page.rows = rows
    return found_page


def resident(actor: Any, atena_number: str, *, my_number_purpose: str = "") -> ResidentPage:
    """照会 through :func:`jichitai.registry.access.view_resident` (audited, 照会抑止 honoured); the 個人番号
    only through :func:`~jichitai.registry.access.reveal_my_number` with the purpose given."""
    view = access.view_resident(actor, atena_number)
    number = access.reveal_my_number(actor, atena_number, my_number_purpose) if my_number_purpose else ""
    rows = list(Suppression.objects.filter(atena_number=atena_number).order_by("-starts_on"))
    settings = mailing_codes.history_of(atena_number)
    return ResidentPage(view=view, address=address_of(view.person), suppressions=rows, my_number=number,
                        notices={s.pk: support.period_notice(s) for s in rows},
                        memos=memos.memos_of(atena_number), deleted_memos=memos.deleted_of(atena_number),
                        mailing_code=MailingCode(settings[0].code) if settings else MailingCode.UNSET,
                        mailing_history=settings)


@dataclass
class HouseholdView:
    setai_number: str
    household: Household | None
    members: list[Person]
    address: str
    head: Person | None
    flags: dict[str, list[str]]
    ward_name: str = ""
    removed: list[Person] = field(default_factory=list)  # j430: members 消除 from it (転出・死亡 …), on request
    de_facto_head: str = ""  # j740 事実上の世帯主 in force …
    de_facto_history: list[DeFactoHead] = field(default_factory=list)  # … and every 記載・削除, latest first


def household(actor: Any, setai_number: str, *, with_removed: bool = False) -> HouseholdView:
    """The household page: its current members and, ``with_removed`` (j430 消除対象者記載), those 消除 from it, the
    latest first (every one of them audited as viewed; 照会抑止 of any of them, or of their last address, refuses)."""
    rows = list(Resident.objects.filter(setai_number=setai_number, status=ACTIVE).order_by("household_order", "pk"))
    gone = list(Resident.objects.filter(setai_number=setai_number, status=REMOVED)
                .order_by("-removed_on", "pk")) if with_removed else []
    hh = Household.objects.filter(pk=setai_number).first()
    if not rows and hh is None and not gone:
        raise NotFound(f"世帯番号 {setai_number} の世帯は登録されていません。")
    guard = suppression.ensure_view_allowed(actor, (rows or gone)[0].atena_number, records=rows + gone,
                                              via="household", counter=True) if rows or gone \
        else None
    hidden = access.hidden_items(actor)
    members = in_standard_order(access.mask(to_person(r), hidden) for r in rows)  # j1010: 世帯主 first
    for m in members:
        audit.record(actor, "registry.view", f"resident:{m.atena_number}", "ok", page="household",
                     setai_number=setai_number)
    removed = [access.mask(to_person(r), hidden) for r in gone]
    for m in removed:
        audit.record(actor, "registry.view", f"resident:{m.atena_number}", "ok", page="household",
                     setai_number=setai_number, removed=True)
    head = next((m for m in members if m.is_head), None)
    flags = {r.atena_number: sorted(Suppression.KINDS[k] for k in (guard.base or guard).kinds(r))
             for r in rows} if guard else {}
    towns = town_names({members[0].town_code}) if members else {}
    town = towns.get(members[0].town_code) if members else None
    in_fact = de_facto_heads.history_of(setai_number)
    return HouseholdView(setai_number, hh, members, address_of(members[0], towns) if members else "", head, flags,
                         town.ward_name if town else "", removed, in_fact[0].name if in_fact else "", in_fact)


def household_on(actor: Any, setai_number: str, on: dt.date | None = None) -> list[dict[str, Any]]:
    """The members of a household on a day (today by default), from history; refused under 照会抑止 of a member
    or of the address they lived at. Every member shown is audited."""
    members = household_as_of(setai_number, on or timezone.localdate())
    if members:
        suppression.ensure_view_allowed(actor, members[0]["atena_number"], records=members, via="household_as_of",
                                          counter=True)
    audit.record_many([audit.Event(actor, "registry.view", f"resident:{m['atena_number']}", "ok",
                                   {"page": "household_as_of", "setai_number": setai_number, "as_of": str(on or "")})
                       for m in members] or [audit.Event(actor, "registry.view", f"household:{setai_number}", "ok",
                                                         {"as_of": str(on or ""), "members": 0})])
    hidden = access.hidden_items(actor)
    return [access.mask_row(m, hidden) for m in members]


def ensure_household_visible(actor: Any, setai_number: str, *, via: str,
                             members: list[Any] | None = None) -> suppression.Shield | None:
    """Before a form that lists a household's members (a 異動 or certificate form): refused, audited, under 照会抑止
    of a member or of their address, as the household page is. Returns the shield it read (None: no members),
    for the request's later checks."""
    rows = members if members is not None else list(Resident.objects.filter(setai_number=setai_number, status=ACTIVE))
    if rows:
        return suppression.ensure_view_allowed(actor, rows[0].atena_number, records=rows, via=via, counter=True)
    return None


def ensure_change_visible(actor: Any, change: Any, *,
                          guard: suppression.Shield | None = None) -> suppression.Shield | None:
    """Before the confirmation page of a 異動 typed by 宛名番号: it shows each person's record as it stands, so
    照会抑止 of the person, their household or their place refuses it (audited) as the resident page does.
    ``guard``: the shield this request already read (else read here)."""
    shown = [e.before for e in change.entries if e.before is not None]
    if shown:
        return suppression.ensure_view_allowed(actor, shown[0].atena_number, records=shown, via="change_confirm",
                                               guard=guard, counter=True)
    return guard


def household_members(setai_number: str) -> list[Person]:
    """Current members for a form's choices, 世帯主 first in the order of j1010 (no audit: names only, inside a 異動
    the clerk is entering; the form checked :func:`ensure_household_visible` first)."""
    return in_standard_order(to_person(r) for r in Resident.objects.filter(setai_number=setai_number, status=ACTIVE))
