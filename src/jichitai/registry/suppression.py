"""抑止設定 (j410) and 支援措置 (j440): the one place every read of the registry asks what it may show.

Kinds:
- ``change`` (異動抑止): every 異動 touching the person is refused;
- ``issuance`` (発行抑止): no certificate of the person is issued;
- ``view`` (照会抑止): the record is not shown to staff;
- ``support`` (支援措置, DV/stalking/abuse): no certificate to a third party and no address to a system
  without the right to it.

The last two protect a *place*, so they cover the whole household: a co-resident's record, certificate or
event shows the protected person's address (the household's address is theirs). :class:`Shield` holds the
suppressions in force with the households (世帯番号) and addresses (町字・番地・方書) of the people they
protect; every read path (pages, API, certificates, hub feeds and files, exports, lake landing) asks it about
each record it would reveal, and each refusal or withheld address is audited with code ``suppressed``.
``change`` and ``issuance`` stop work on the person's own record only.

A suppression never ends by itself (j410: 「抑止の終了日を経過しても、抑止は自動的に終了しないこと」): its
終了日 is the date by which someone must extend or lift it; past it, it stays in force and is listed as
overdue (:mod:`jichitai.registry.support`) until someone does.

抑止の一時解除 (j410, :mod:`jichitai.registry.lifts`) sets a suppression aside until a time, for one named clerk at
the counter only: the checks of the registry's own staff work (照会, 証明書の交付, 異動) pass the member of staff
(``clerk=``, or ``counter=True`` beside the actor) and skip a suppression while a lift *naming that clerk* runs;
every other member of staff, and everything else (the hub, files, exports, the lake, the tax office, the outbox
mark), reads the suppressions as if no lift existed (j410: 「庁内各システムへのデータ連携は不要とすること」). The
lift ends by the clock: each check compares ``ends_at`` with now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import PermissionRefused
from jichitai.common.text import address_key
from jichitai.dbcopy import any_of
from jichitai.registry import store
from jichitai.registry.domain.errors import RegistryError, SuppressedError
from jichitai.registry.domain.person import ACTIVE
from jichitai.registry.models import Resident, Suppression, TemporaryLift, Town

THIRD_PARTY = "third_party"
PRIVACY = frozenset({"view", "support"})  # kinds that protect the household's address, not only the person
ADDRESS_KEYS = ("town_code", "ward_code", "banchi", "katagaki", "postcode", "address_set_on", "previous_address",
                "previous_municipality_code", "previous", "destination_address", "destination_municipality_code")
CODE = "suppressed"
Address = tuple[str, str, str]


def in_force(on: dt.date) -> Any:
    """In force on ``on``: started and not lifted. The 終了日 is not a condition (j410)."""
    return Suppression.objects.filter(lifted_at__isnull=True, starts_on__lte=on)


def running_lifts(at: dt.datetime | None = None) -> Any:
    """The 一時解除 running at ``at`` (now by default): started and not yet over. Nothing restores a suppression
    at the end of its lift: this comparison is the end (j410: 「一定時間経過後に自動で抑止状態に戻ること」)."""
    at = at or timezone.now()
    return TemporaryLift.objects.filter(starts_at__lte=at, ends_at__gt=at)


def _clerk_id(clerk: Any) -> int | None:
    """The staff row a counter check is made for; None (a system, an anonymous actor): no lift applies."""
    pk = getattr(clerk, "pk", None)
    return pk if isinstance(pk, int) and getattr(clerk, "is_active", False) else None


def lifts_for(clerk: Any, at: dt.datetime | None = None) -> Any:
    """The 一時解除 running at ``at`` that name ``clerk``: the only ones their counter checks skip."""
    pk = _clerk_id(clerk)
    return running_lifts(at).filter(clerk_id=pk) if pk is not None else TemporaryLift.objects.none()


def in_force_rows(atena_numbers: Iterable[str], on: dt.date | None = None, *,
                  clerk: Any = None) -> list[tuple[str, str, bool]]:
    """(宛名番号, kind, set aside now for ``clerk`` at the counter by a running 一時解除 naming them) of each
    suppression in force on ``on`` on the people themselves: one query serves both that clerk's counter checks
    and everyone else's. Without a clerk nothing is set aside."""
    on, now, pk = on or timezone.localdate(), timezone.now(), _clerk_id(clerk)
    if store.use_raw_sql():
        where, params = any_of("s.atena_number", atena_numbers)
        with connection.cursor() as cur:  # the tables and columns are the models'; values are parameters
            cur.execute(f"SELECT s.atena_number, s.kind, EXISTS (SELECT 1 FROM {TemporaryLift._meta.db_table} t "  # noqa: S608
                        "WHERE t.suppression_id = s.id AND t.clerk_id = %s AND t.starts_at <= %s AND t.ends_at > %s) "
                        f"FROM {Suppression._meta.db_table} s WHERE {where} "
                        "AND s.lifted_at IS NULL AND s.starts_on <= %s", [pk, now, now, *params, on])
            return [(a, k, bool(lifted)) for a, k, lifted in cur.fetchall()]
    return list(in_force(on).filter(atena_number__in=list(atena_numbers))
                .annotate(lifted=Exists(lifts_for(clerk, now).filter(suppression=OuterRef("pk"))))
                .values_list("atena_number", "kind", "lifted"))


def active(atena_numbers: Iterable[str], on: dt.date | None = None, *, clerk: Any = None) -> dict[str, set[str]]:
    """宛名番号 → the kinds of suppression in force on ``on`` on the person themselves (today by default); with
    ``clerk``, as that clerk's counter sees them (a suppression under a running 一時解除 naming them left out)."""
    out: dict[str, set[str]] = {}
    for atena, kind, lifted in in_force_rows(atena_numbers, on, clerk=clerk):
        if not lifted:
            out.setdefault(atena, set()).add(kind)
    return out


def _value(record: Any, key: str) -> Any:
    if isinstance(record, Mapping):
        return record.get(key)
    return getattr(record, key, None)


def address_of(record: Any) -> Address | None:
    """The place a record (a Resident row, a Person, a history row, a search row or an event payload) shows."""
    town, banchi = _value(record, "town_code") or "", _value(record, "banchi") or ""
    if not town or not banchi:
        return None
    return (str(town), str(banchi), str(_value(record, "katagaki") or ""))


@dataclass(frozen=True)
class Shield:
    """The suppressions in force on one day and whom they cover: the people themselves for every kind, their
    household and address for :data:`PRIVACY` kinds. Read once per request or batch (a city has few)."""

    on: dt.date
    by_person: Mapping[str, frozenset[str]]
    by_household: Mapping[str, frozenset[str]] = field(default_factory=dict)
    by_address: Mapping[Address, frozenset[str]] = field(default_factory=dict)
    protectors: Mapping[str, frozenset[str]] = field(default_factory=dict)  # 世帯番号 → the protected people
    # a protected place written as text (町字名 and 番地, folded as common.text.address_key) → kinds: what a
    # free-text address (a 住登外者's) is matched against; a whole 番地 is covered, whatever the 方書
    by_address_text: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # the counter's Shield while a 一時解除 runs: the Shield without it, so that what the lift lets through is
    # audited as an opening (``disclosed``) on the protected person; None when nothing is set aside
    base: Shield | None = None

    def set_aside(self, record: Any, kind: str) -> bool:
        """Would ``kind`` cover ``record`` but for a running 一時解除?"""
        return self.base is not None and kind in self.base.kinds(record) and kind not in self.kinds(record)

    def kinds(self, record: Any, setai_number: str | None = None) -> frozenset[str]:
        """Every kind that applies to showing ``record``: its own, and the privacy kinds of its household
        (``setai_number`` when the record does not carry it) and of its address."""
        atena = _value(record, "atena_number") or ""
        setai = setai_number if setai_number is not None else (_value(record, "setai_number") or "")
        out = set(self.by_person.get(atena, ()))
        out |= self.by_household.get(setai, frozenset())
        place = address_of(record)
        if place is not None:
            out |= self.by_address.get(place, frozenset())
        previous = _value(record, "previous")  # an event's household before the 異動
        if isinstance(previous, Mapping) and previous.get("setai_number"):
            out |= self.by_household.get(previous["setai_number"], frozenset())
        former = _value(record, "former_atena_number")  # a 住登外者 who was a resident: the measure follows them
        if former:
            out |= self.by_person.get(str(former), frozenset()) & PRIVACY
        text = _value(record, "address")
        if text and self.by_address_text:
            out |= self.text_kinds(str(text))
        return frozenset(out)

    def text_kinds(self, address: str) -> frozenset[str]:
        """The privacy kinds of the protected places a free-text address names."""
        key = address_key(address)
        out: set[str] = set()
        for place, kinds in self.by_address_text.items():
            if place in key:
                out |= kinds
        return frozenset(out)

    def withholds_address(self, record: Any, setai_number: str | None = None) -> bool:
        """A system without the right to supported people's addresses gets none of ``record``'s."""
        return "support" in self.kinds(record, setai_number)

    def hides_from_staff(self, record: Any, setai_number: str | None = None) -> bool:
        return "view" in self.kinds(record, setai_number)

    def protected_by(self, record: Any) -> list[str]:
        """The protected people whose suppression covers ``record`` (for the audit entry)."""
        atena = _value(record, "atena_number") or ""
        found = {atena} if atena in self.by_person else set()
        found |= self.protectors.get(_value(record, "setai_number") or "", frozenset())
        place = address_of(record)
        if place is not None:
            found |= self.protectors.get("@" + "|".join(place), frozenset())
        former = str(_value(record, "former_atena_number") or "")
        if former in self.by_person:
            found.add(former)
        text = _value(record, "address")
        if text and self.by_address_text:
            key = address_key(str(text))
            for place_text in self.by_address_text:
                if place_text in key:
                    found |= self.protectors.get("#" + place_text, frozenset())
        return sorted(found)


def shield(on: dt.date | None = None, *, clerk: Any = None) -> Shield:
    """The :class:`Shield` of ``on`` (today by default): two queries whatever the size of the output. With
    ``clerk``, as the registry's own counter sees it for that member of staff: the suppressions under a running
    一時解除 naming them set aside (and the whole Shield kept as ``base``). Every other reader gives no clerk:
    the lift reaches no other member of staff and no other system (j410)."""
    if clerk is not None:
        lifted = set(lifts_for(clerk).values_list("suppression_id", flat=True))
        if lifted:
            return _build(on or timezone.localdate(), lifted, base=shield(on))
    return _build(on or timezone.localdate(), set())


def at_counter(actor: Any, counter: bool) -> Any:
    """The clerk a check is made for: ``actor`` at the registry's counter, nobody elsewhere."""
    return actor if counter else None


def _build(on: dt.date, set_aside: set[int], base: Shield | None = None) -> Shield:
    by_person: dict[str, set[str]] = {}
    for atena, kind in in_force(on).exclude(pk__in=set_aside).values_list("atena_number", "kind"):
        by_person.setdefault(atena, set()).add(kind)
    private = {a for a, kinds in by_person.items() if kinds & PRIVACY}
    by_household: dict[str, set[str]] = {}
    by_address: dict[Address, set[str]] = {}
    protectors: dict[str, set[str]] = {}
    rows = Resident.objects.filter(pk__in=private).values("atena_number", "setai_number", "status", "town_code",
                                                          "banchi", "katagaki")
    for row in rows:
        kinds = by_person[row["atena_number"]] & PRIVACY
        if row["status"] != ACTIVE:
            continue  # 消除: the place they left is no longer theirs; their own record stays covered
        by_household.setdefault(row["setai_number"], set()).update(kinds)
        protectors.setdefault(row["setai_number"], set()).add(row["atena_number"])
        place = address_of(row)
        if place is not None:
            by_address.setdefault(place, set()).update(kinds)
            protectors.setdefault("@" + "|".join(place), set()).add(row["atena_number"])
    by_text: dict[str, set[str]] = {}
    if by_address:
        names = dict(Town.objects.filter(code__in={town for town, _, _ in by_address}).values_list("code", "name"))
        for (town, banchi, katagaki), kinds in by_address.items():
            if town in names:
                text = address_key(names[town] + banchi)
                by_text.setdefault(text, set()).update(kinds)
                protectors.setdefault("#" + text, set()).update(protectors.get("@" + "|".join((town, banchi, katagaki)), ()))
    return Shield(on, {a: frozenset(k) for a, k in by_person.items()},
                  {s: frozenset(k) for s, k in by_household.items()}, {p: frozenset(k) for p, k in by_address.items()},
                  {k: frozenset(v) for k, v in protectors.items()}, {t: frozenset(k) for t, k in by_text.items()},
                  base)


# ---- staff reading the registry ------------------------------------------------------------------------------


def _refusal(actor: Any, action: str, record: Any, guard: Shield, **detail: Any) -> audit.Event:
    return audit.Event(actor, action, subject_of(record), "refused",
                       {"code": CODE, "protected_by": guard.protected_by(record), **detail})


def _openings(actor: Any, action: str, records: Iterable[Any], guard: Shield, kind: str, **detail: Any) -> None:
    """Audit, once per person, each record shown only because a 一時解除 set ``kind`` aside (``disclosed``, on the
    person, naming who is protected): the 支援措置責任者's list has what each lift let through."""
    if guard.base is None:
        return
    opened: dict[str, Any] = {}
    for r in records:
        if guard.set_aside(r, kind):
            opened.setdefault(str(_value(r, "atena_number") or ""), r)
    audit.record_many([audit.Event(actor, action, f"resident:{a}", "disclosed",
                                   {"code": CODE, "protected_by": guard.base.protected_by(r), "temporary_lift": kind,
                                    **detail}) for a, r in opened.items()])


UNNAMED = "resident:不明"  # a record naming nobody, from a caller that named nothing else: never "None"


def subject_of(record: Any, otherwise: str = "") -> str:
    """The audit resource of a record: the resident, or the 住登外者 when they were never one, or — for a record
    naming neither (an address a declaration gives for a filer without a registry row) — ``otherwise``, what the
    caller shows it in (``declaration:…``); never ``…:None``."""
    atena = _value(record, "atena_number") or _value(record, "former_atena_number")
    if atena:
        return f"resident:{atena}"
    number = _value(record, "number")
    if number:
        return f"jutogai:{number}"
    return otherwise or UNNAMED


def ensure_jutogai_view_allowed(actor: Any, record: Any, *, via: str = "jutogai",
                                guard: Shield | None = None) -> None:
    """Before a page or answer showing a 住登外者's record: refused, and audited, under 照会抑止 of the person
    they were as a resident (the measure follows them) or of a place their address names (3.1). 支援措置 alone
    does not hide a record from staff, as for residents."""
    guard = guard or shield()
    if guard.hides_from_staff(record):
        audit.record_many([audit.Event(actor, "jutogai.view", subject_of(record), "refused",
                                       {"code": CODE, "via": via, "number": _value(record, "number"),
                                        "protected_by": guard.protected_by(record)})])
        raise SuppressedError(f"住登外者宛名番号 {_value(record, 'number')} の方又はその住所には照会抑止が設定されています"
                              "（標準仕様書 3.1）。支援措置責任者に確認してください。",
                              atena_number=str(_value(record, "former_atena_number") or ""))


def ensure_view_allowed(actor: Any, atena_number: str, *, records: Iterable[Any] = (), via: str = "record",
                        guard: Shield | None = None, counter: bool = False) -> Shield:
    """Before a page or answer showing a person's record (and ``records``: whatever else it shows — their
    household, their history): refused, and audited per person, when 照会抑止 covers the person, their household
    or any place shown (3.1). ``counter``: the registry's own counter, where a 一時解除 naming ``actor`` applies."""
    guard = guard or shield(clerk=at_counter(actor, counter))
    row = Resident.objects.filter(pk=atena_number).values("atena_number", "setai_number", "town_code", "banchi",
                                                          "katagaki").first()
    shown = [row or {"atena_number": atena_number}, *records]
    hidden: dict[str, Any] = {}  # 宛名番号 → the first record of theirs that 照会抑止 covers (one audit entry each)
    for r in shown:
        if guard.hides_from_staff(r):
            hidden.setdefault(_value(r, "atena_number"), r)
    if hidden:
        audit.record_many([_refusal(actor, "registry.view", r, guard, via=via) for r in hidden.values()])
        raise SuppressedError(f"宛名番号 {atena_number} の住民又はその世帯には照会抑止が設定されています（標準仕様書 3.1）。"
                              "支援措置責任者に確認してください。", atena_number=atena_number)
    _openings(actor, "registry.view", shown, guard, "view", via=via)
    return guard


def screen_rows(actor: Any, rows: list[dict[str, Any]], *, via: str, counter: bool = False) -> list[dict[str, Any]]:
    """A list for staff (search results): a row covered by 照会抑止 keeps only its 宛名番号 and the mark, so the
    result shows that someone is suppressed (j410: 「検索結果の表示の際、抑止対象であることが明らかとなること」)
    without showing them; each one is audited. Every row gets ``suppressed``: the labels of the kinds covering it
    (``counter``: the registry's counter, where a 一時解除 applies; the row then still carries the mark)."""
    guard = shield(clerk=at_counter(actor, counter))
    out, hidden = [], []
    for r in rows:
        kinds = guard.kinds(r)
        labels = sorted(Suppression.KINDS[k] for k in (guard.base or guard).kinds(r))
        if "view" in kinds:
            hidden.append(r)
            out.append({"atena_number": r["atena_number"], "suppressed": labels, "hidden": True})
        else:
            out.append({**r, "suppressed": labels, "hidden": False})
    if hidden:
        audit.record_many([_refusal(actor, "registry.view", r, guard, via=via) for r in hidden])
    _openings(actor, "registry.view", rows, guard, "view", via=via)
    return out


def screen_change(actor: Any, change: Any, *, via: str, guard: Shield | None = None) -> list[str]:
    """A 異動 shown to staff before it is recorded (the 決裁 queue's draft, person by person, before and after):
    the 宛名番号 of the people in it whom 照会抑止 covers — their own, their household's before or after the
    change, their place's — each refusal audited. The page then shows the draft by 宛名番号 only. The
    支援措置責任者 (``registry.approve_protected``) sees it whole: nothing is returned, and each protected person
    shown is audited as an opening (``disclosed``) for the 責任者's list."""
    guard = guard or shield(clerk=actor)
    _openings(actor, "registry.view", [rec for e in change.entries for rec in (e.after, e.before) if rec is not None],
              guard, "view", via=via)
    hidden = protected_in_change(change, guard)
    if not hidden:
        return []
    opened = allowed(actor, "registry.approve_protected")
    audit.record_many([audit.Event(actor, "registry.view", f"resident:{atena}", "disclosed" if opened else "refused",
                                   {"code": CODE, "protected_by": guard.protected_by(r), "via": via})
                       for atena, r in hidden.items()])
    return [] if opened else sorted(hidden)


def protected_in_change(change: Any, guard: Shield) -> dict[str, Any]:
    """宛名番号 → the first record (after, then before) of a person in ``change`` whom 照会抑止 covers."""
    hidden: dict[str, Any] = {}
    for entry in change.entries:
        for record in (entry.after, entry.before):
            if record is not None and guard.hides_from_staff(record):
                hidden.setdefault(entry.after.atena_number, record)
    return hidden


# ---- certificates ------------------------------------------------------------------------------------------


def ensure_issuance_allowed(actor: Any, atena_numbers: Iterable[str], requester_kind: str, *,
                            action: str = "registry.certificate.issue", guard: Shield | None = None,
                            counter: bool = False) -> None:
    """Before a certificate: 発行抑止 on a person printed stops it; 支援措置 on anyone at the address it prints
    (the person, their household, their place) stops it for a third party (j440, 住基法第12条の3). ``action``: the
    certificate's own action in the audit entry of a refusal (the tax office's 課税証明書 asks the same question);
    ``guard``: the Shield the caller already read for this request; ``counter``: the registry's own counter, where
    a 一時解除 naming ``actor`` applies (what it lets through is audited ``disclosed``)."""
    guard = guard or shield(clerk=at_counter(actor, counter))
    wanted = list(atena_numbers)
    rows = {r["atena_number"]: r for r in Resident.objects.filter(pk__in=wanted).values(
        "atena_number", "setai_number", "town_code", "banchi", "katagaki")}
    opened: list[audit.Event] = []
    for atena in wanted:
        record = rows.get(atena, {"atena_number": atena})
        reason = _issuance_refusal(guard, record, requester_kind)
        if reason:
            audit.record_many([_refusal(actor, action, record, guard, requester_kind=requester_kind)])
            raise SuppressedError(f"宛名番号 {atena} の住民は{reason}", atena_number=atena)
        if guard.base is not None and _issuance_refusal(guard.base, record, requester_kind):
            opened.append(audit.Event(actor, action, f"resident:{atena}", "disclosed", {
                "code": CODE, "protected_by": guard.base.protected_by(record), "temporary_lift": "issuance",
                "requester_kind": requester_kind}))
    audit.record_many(opened)


def _issuance_refusal(guard: Shield, record: Any, requester_kind: str) -> str:
    atena = str(_value(record, "atena_number") or "")
    own, kinds = guard.by_person.get(atena, frozenset()), guard.kinds(record)
    if "issuance" in own:
        return "発行抑止が設定されているため、証明書を交付できません（標準仕様書 3.1）。"
    if "support" in kinds and requester_kind == THIRD_PARTY:
        return ("支援措置の対象者" + ("" if "support" in own else "と同じ住所の方") +
                "のため、第三者からの請求には交付できません（標準仕様書 3.4）。")
    return ""


# ---- connected systems: feeds, files, exports, the lake ------------------------------------------------------


def withhold_address(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload without any address item (the keys of the hub's 住所 item)."""
    return {k: v for k, v in payload.items() if k not in ADDRESS_KEYS}


def withheld_events(actor: Any, action: str, records: Iterable[Any], guard: Shield, **detail: Any) -> None:
    """Audit each record whose address was withheld from a system (one entry per person, in one append)."""
    audit.record_many([audit.Event(actor, action, subject_of(r), "withheld",
                                   {"code": CODE, "protected_by": guard.protected_by(r), **detail})
                       for r in records])


def withholds_from_analysis(guard: Shield, record: Any, setai_number: str | None = None) -> bool:
    """The lake (every zone, and what the lounge builds from it) holds no address that either privacy kind
    covers: analysts are staff (3.1, 照会抑止) and the lake is a system without the right to supported
    addresses (3.4, 支援措置)."""
    return bool(guard.kinds(record, setai_number) & PRIVACY)


def covered_people(guard: Shield) -> frozenset[str]:
    """The 宛名番号 of everyone whose address a privacy kind covers on ``guard.on``: the protected people
    themselves, whatever their status (the 支援措置 follows the person, also after a 転出), and every current
    resident of their household or at their place (a member who joined after the measure started included)."""
    people = {a for a, kinds in guard.by_person.items() if kinds & PRIVACY}
    setais = sorted(guard.by_household)
    if setais or guard.by_address:
        where = Q(setai_number__in=setais)
        for town, banchi, katagaki in guard.by_address:
            where |= Q(town_code=town, banchi=banchi, katagaki=katagaki)
        people.update(Resident.objects.filter(where, status=ACTIVE).values_list("atena_number", flat=True))
    return frozenset(people)


# ---- other offices' outputs: tax notices, the declarations' pages, the residents' portal -------------------

SELF = "self"  # the person or their own household: a notice mailed to them, their own page in the portal
STAFF = "staff"  # staff at work on the person's own business (the tax reviewer of their own declaration)
OTHERS = "others"  # anyone else: someone else's case or declaration, an employer, a third party
AUDIENCES = (SELF, STAFF, OTHERS)
PLACE_COLUMNS = ("atena_number", "setai_number", "town_code", "banchi", "katagaki")


def records_of(atena_numbers: Iterable[str]) -> list[dict[str, Any]]:
    """What :func:`screen_addresses` needs of each person: their household and place (one query)."""
    wanted = sorted({a for a in atena_numbers if a})
    return list(Resident.objects.filter(pk__in=wanted).values(*PLACE_COLUMNS)) if wanted else []


def screen_addresses(actor: Any, records: Iterable[Any], *, audience: str, action: str, via: str,
                     guard: Shield | None = None, otherwise: str = "") -> frozenset[str]:
    """The one gate of every output outside the registry that prints or returns a person's address or household
    (the tax office's notices, the declarations' review pages and findings, the portal's prefill): the 宛名番号
    of ``records`` whose address and household it must not show to ``audience`` ("" for a record naming nobody).

    - :data:`SELF`: nothing (本人 and 同一世帯員 are shown their own address, as their certificates are);
    - :data:`STAFF`: under 照会抑止 of the person, their household or their place (3.1);
    - :data:`OTHERS`: under 照会抑止 or 支援措置 (3.4: a protected address never goes to anyone else).

    Each person (:func:`subject_of`; ``otherwise`` names the output for a record naming nobody) is audited once
    per screening: ``withheld`` when any of their records was withheld, else ``ok`` when a protected record of
    theirs was shown, naming everyone who protects them: the 支援措置責任者's list has every output about them."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    guard = guard or shield()
    if not guard.by_household and not guard.by_person:
        return frozenset()  # nobody is protected today: nothing to withhold or to record
    hidden: set[str] = set()
    outcome: dict[str, str] = {}  # audit subject → withheld / ok (withheld wins)
    protectors: dict[str, set[str]] = {}
    for r in records:
        kinds = guard.kinds(r) & PRIVACY
        if not kinds:
            continue
        subject = subject_of(r, otherwise)
        hide = bool(kinds) if audience == OTHERS else ("view" in kinds if audience == STAFF else False)
        if hide:
            hidden.add(str(_value(r, "atena_number") or ""))
            outcome[subject] = "withheld"
        else:
            outcome.setdefault(subject, "ok")
        protectors.setdefault(subject, set()).update(guard.protected_by(r))
    audit.record_many([audit.Event(actor, action, subject, result,
                                   {"code": CODE, "protected_by": sorted(protectors[subject]), "via": via,
                                    "audience": audience})
                       for subject, result in outcome.items()])
    return frozenset(hidden)


# ---- 異動 -------------------------------------------------------------------------------------------------


def ensure_change_allowed(actor: Any, atena_numbers: list[str]) -> None:
    """Raised inside the 異動's transaction; the service audits the refusal after the rollback. The counter's
    check: a 異動抑止 under a running 一時解除 naming ``actor`` lets the 異動 through."""
    check_change(active(atena_numbers, clerk=actor))


def check_change(flags: dict[str, set[str]]) -> set[str]:
    """The 異動抑止 check on suppressions already read (宛名番号 → kinds in force): raises for a person whose
    changes are stopped, returns who is under 支援措置."""
    for atena, kinds in flags.items():
        if "change" in kinds:
            raise SuppressedError(f"宛名番号 {atena} の住民には異動抑止が設定されているため、異動を記録できません（標準仕様書 3.1）。",
                                  atena_number=atena)
    return {a for a, kinds in flags.items() if "support" in kinds}


def supported_in_change(change: Any, flags: Mapping[str, set[str]], members: Any, guard: Shield) -> set[str]:
    """Whose outbox event of ``change`` must be marked 支援措置: everyone whose event shows the address of a
    supported person — the person, the people of the household they are in after the change (as the batch
    leaves it: ``members(setai)`` gives 宛名番号) and of the household and place they came from."""
    out: set[str] = set()
    private = {a for a, k in flags.items() if "support" in k}
    for entry in change.entries:
        after, before = entry.after, entry.before
        together = {e.after.atena_number for e in change.entries if e.after.setai_number == after.setai_number}
        if (after.atena_number in private or (together | set(members(after.setai_number))) & private
                or guard.withholds_address(after) or (before is not None and guard.withholds_address(before))):
            out.add(after.atena_number)
    return out


# ---- setting and lifting (the 支援措置 screens go through jichitai.registry.support) ------------------------


def set_suppression(actor: Any, atena_number: str, kind: str, reason: str, starts_on: dt.date,
                    ends_on: dt.date | None = None, *, approved: bool = False) -> Suppression:
    """Record a suppression. 支援措置 only through an approved request (``approved``, from
    :func:`jichitai.registry.support.approve`): a supervisor sets the other kinds directly."""
    if not allowed(actor, "registry.suppression.manage"):
        audit.record(actor, "registry.suppression.manage", f"resident:{atena_number}", "refused")
        raise PermissionRefused()
    if kind == "support" and not approved:
        raise RegistryError("支援措置は申出の起案と決裁を経て設定します。", code="approval_required", field="kind")
    if kind not in Suppression.KINDS:
        raise RegistryError(f"抑止区分「{kind}」はありません。", code="invalid_kind", field="kind")
    if not reason.strip():
        raise RegistryError("抑止の理由を入力してください。", code="reason_required", field="reason")
    if not Resident.objects.filter(pk=atena_number).exists():
        raise RegistryError(f"宛名番号 {atena_number} の住民は登録されていません。", code="unknown_person")
    if ends_on is not None and ends_on < starts_on:
        raise RegistryError("抑止の終了日が開始日より前です。", code="invalid_period", field="ends_on")
    row = Suppression.objects.create(atena_number=atena_number, kind=kind, reason=reason, starts_on=starts_on,
                                     ends_on=ends_on, set_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor, "registry.suppression.manage", f"resident:{atena_number}", "ok", kind=kind,
                 suppression_id=row.pk)
    return row


def lift(actor: Any, suppression_id: int, *, approved: bool = False) -> Suppression:
    if not allowed(actor, "registry.suppression.manage"):
        audit.record(actor, "registry.suppression.manage", f"suppression:{suppression_id}", "refused")
        raise PermissionRefused()
    row = Suppression.objects.filter(pk=suppression_id).first()
    if row is None:
        raise RegistryError("指定された抑止設定はありません。", code="unknown_suppression")
    if row.kind == "support" and not approved:
        raise RegistryError("支援措置の終了は起案と決裁を経て行います。", code="approval_required")
    if row.lifted_at is not None:
        raise RegistryError("この抑止設定は既に解除されています。", code="already_lifted")
    row.lifted_at = timezone.now()
    row.lifted_by = actor if getattr(actor, "pk", None) else None
    row.save(update_fields=["lifted_at", "lifted_by"])
    audit.record(actor, "registry.suppression.manage", f"resident:{row.atena_number}", "ok", lifted=row.pk)
    return row
