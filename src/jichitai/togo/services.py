"""団体内統合宛名 (共通機能標準仕様書 §2.4): numbering every resident and 住登外者, each connected system's table
(its 宛名番号 ↔ 団体内統合宛名番号), and the conversion both ways. Every conversion is audited with the numbers
concerned; 個人番号 is given only to a system of 個人番号利用事務 (番号法第9条, ``System.may_use_my_number``) and
only for residents (the registry holds the 個人番号; a 住登外者's is not held here).

A standard system (標準準拠システム) keeps the city-wide numbers themselves — 住民の宛名番号 for residents and
住登外者宛名番号 for the others — so its 宛名番号 converts without a table row; a city-specific system (独自施策
システム) registers its own numbers first (:func:`link`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from jichitai.audit import services as audit
from jichitai.common.checkdigit import with_modulus11
from jichitai.common.errors import JichitaiError, NotFound, PermissionRefused
from jichitai.jutogai.numbering import serials
from jichitai.togo.models import JUTOGAI, RESIDENT, SystemAtena, TogoAtena

WIDTH = 15
SEQUENCE = "togo_number_seq"
CHUNK = 20_000


class MyNumberRefused(PermissionRefused):
    code = "my_number_refused"

    def __init__(self) -> None:
        super().__init__("このシステムは個人番号利用事務のシステムではないため、個人番号を受け取れません（番号法第9条）。")


def _exists(kind: str, number: str) -> bool:
    if kind == RESIDENT:
        from jichitai.registry.models import Resident

        return Resident.objects.filter(pk=number).exists()
    from jichitai.jutogai.models import Jutogaisha

    return Jutogaisha.objects.filter(pk=number).exists()


def ensure(kind: str, number: str) -> TogoAtena:
    """The 統合宛名番号 of a resident's 宛名番号 or a 住登外者宛名番号, numbered now when it has none yet."""
    row = TogoAtena.objects.filter(kind=kind, local_number=number).first()
    if row is not None:
        return row
    if not _exists(kind, number):
        raise NotFound(f"{'宛名番号' if kind == RESIDENT else '住登外者宛名番号'} {number} は登録されていません。",
                       number=number)
    with transaction.atomic():
        TogoAtena.objects.bulk_create([TogoAtena(togo_number=with_modulus11(serials(SEQUENCE, 1)[0], WIDTH), kind=kind,
                                                 local_number=number)], ignore_conflicts=True)
    return TogoAtena.objects.get(kind=kind, local_number=number)


def assign_all(progress: Any = None) -> dict[str, int]:
    """Number every resident (current and 除票) and every 住登外者 that has no 統合宛名番号 yet, ``CHUNK`` at a
    time (an anti-join read, serials drawn at once, rows written by COPY on PostgreSQL). Idempotent."""
    from jichitai.dbcopy import copy_new_rows
    from jichitai.jutogai.models import Jutogaisha
    from jichitai.registry.models import Resident

    counts = {}
    for kind, model, key in ((RESIDENT, Resident, "atena_number"), (JUTOGAI, Jutogaisha, "number")):
        done = 0
        while True:
            have = TogoAtena.objects.filter(kind=kind).values("local_number")
            batch = list(model.objects.exclude(**{f"{key}__in": have}).order_by(key)
                         .values_list(key, flat=True)[:CHUNK])
            if not batch:
                break
            drawn = serials(SEQUENCE, len(batch))
            with transaction.atomic():
                copy_new_rows(TogoAtena, [{"togo_number": with_modulus11(s, WIDTH), "kind": kind, "local_number": n,
                                       "created_at": _now()} for s, n in zip(drawn, batch, strict=True)])
            done += len(batch)
            if progress is not None:
                progress(kind, len(batch))
        counts[kind] = done
    audit.record("system:togo", "togo.assign", "togo:all", counts=counts)
    return counts


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


@dataclass(frozen=True)
class Resolved:
    togo_number: str
    kind: str
    local_number: str
    system_atena_number: str  # the asking system's own number ("" when it has none for this person)

    def as_dict(self) -> dict[str, Any]:
        return {"togo_number": self.togo_number, "kind": self.kind, "local_number": self.local_number,
                "system_atena_number": self.system_atena_number}


def _common_kind(number: str) -> str | None:
    """Which city-wide number ``number`` is (住民の宛名番号, 住登外者宛名番号), or None."""
    from jichitai.jutogai.models import Jutogaisha
    from jichitai.registry.models import Resident

    if Resident.objects.filter(pk=number).exists():
        return RESIDENT
    if Jutogaisha.objects.filter(pk=number).exists():
        return JUTOGAI
    return None


def link(system: Any, system_atena_number: str, *, kind: str, local_number: str, actor: Any = None) -> Resolved:
    """Register one row of ``system``'s table: its ``system_atena_number`` is the person with the city-wide
    ``local_number`` (a resident's 宛名番号 or a 住登外者宛名番号). A number already linked to another person is
    refused (one 宛名番号 is one person in a system's table)."""
    togo = ensure(kind, local_number)
    with transaction.atomic():
        row, created = SystemAtena.objects.get_or_create(
            system=system, system_atena_number=system_atena_number,
            defaults={"togo": togo, "created_by": audit.actor_label(actor or system)[:100]})
        if not created and row.togo_id != togo.togo_number:
            audit.record(actor or system, "togo.link", f"togo:{togo.togo_number}", "refused", code="linked_elsewhere",
                         system=system.code, system_atena_number=system_atena_number)
            raise _conflict(system_atena_number)
        audit.record(actor or system, "togo.link", togo.audit_label(), system=system.code,
                     system_atena_number=system_atena_number, created=created, **_subject(togo))
    return Resolved(togo.togo_number, togo.kind, togo.local_number, system_atena_number)


class LinkConflict(JichitaiError):
    code = "linked_elsewhere"
    status = 409


def _conflict(number: str) -> LinkConflict:
    return LinkConflict(f"宛名番号 {number} は別の人として登録済みです。", field="system_atena_number")


def _subject(togo: TogoAtena) -> dict[str, Any]:
    return {"subjects": [togo.local_number]} if togo.kind == RESIDENT else {}


def to_togo(system: Any, system_atena_numbers: Iterable[str]) -> list[Resolved | None]:
    """The 統合宛名番号 of each of ``system``'s 宛名番号 (None for one the function does not know), audited."""
    wanted = list(dict.fromkeys(system_atena_numbers))
    rows = {r.system_atena_number: r.togo for r in
            SystemAtena.objects.select_related("togo").filter(system=system, system_atena_number__in=wanted)}
    out: list[Resolved | None] = []
    for number in wanted:
        togo = rows.get(number)
        if togo is None and system.kind == "standard":
            kind = _common_kind(number)
            togo = ensure(kind, number) if kind else None
        out.append(None if togo is None else Resolved(togo.togo_number, togo.kind, togo.local_number, number))
    _audit(system, "togo.to_togo", out, wanted)
    return out


def from_togo(system: Any, togo_numbers: Iterable[str], *, my_number: bool = False) -> list[dict[str, Any] | None]:
    """``system``'s own 宛名番号 for each 統合宛名番号 (its table's row, else — for a standard system — the city-wide
    number), with the 個人番号 of residents when asked by a system of 個人番号利用事務; audited."""
    if my_number and not system.may_use_my_number:
        audit.record(system, "togo.from_togo", "togo:my_number", "refused", code="my_number_refused")
        raise MyNumberRefused()
    wanted = list(dict.fromkeys(togo_numbers))
    found = {t.togo_number: t for t in TogoAtena.objects.filter(togo_number__in=wanted)}
    own: dict[str, str] = {}
    for togo_id, number in (SystemAtena.objects.filter(system=system, togo_id__in=list(found))
                            .order_by("created_at").values_list("togo_id", "system_atena_number")):
        own.setdefault(togo_id, number)
    numbers = _my_numbers([t.local_number for t in found.values() if t.kind == RESIDENT]) if my_number else {}
    out: list[dict[str, Any] | None] = []
    for n in wanted:
        t = found.get(n)
        if t is None:
            out.append(None)
            continue
        mine = own.get(n) or (t.local_number if system.kind == "standard" else "")
        item = Resolved(t.togo_number, t.kind, t.local_number, mine).as_dict()
        if my_number:
            item["my_number"] = numbers.get(t.local_number) if t.kind == RESIDENT else None
        out.append(item)
    resolved = [None if o is None else Resolved(o["togo_number"], o["kind"], o["local_number"], o["system_atena_number"])
                for o in out]
    _audit(system, "togo.from_togo", resolved, wanted, my_numbers=len(numbers))
    return out


def _my_numbers(atena_numbers: list[str]) -> dict[str, str]:
    from jichitai.registry.models import Resident
    from jichitai.registry.store import vault

    v = vault()
    rows = Resident.objects.filter(atena_number__in=atena_numbers).exclude(my_number_encrypted="")
    return {a: v.decrypt(enc) for a, enc in rows.values_list("atena_number", "my_number_encrypted")}


def _audit(system: Any, action: str, out: list[Resolved | None], asked: list[str], **detail: Any) -> None:
    audit.record(system, action, f"system:{system.code}", count=len(asked),
                 found=sum(1 for o in out if o is not None), asked=asked[:100],
                 answered=[o.togo_number for o in out if o is not None][:100],
                 subjects=[o.local_number for o in out if o is not None and o.kind == RESIDENT][:100], **detail)
