"""送付先 (宛先) of the tax office's notices: who the notice is addressed to and where it goes.

個人住民税 is assessed on who lived in the city on 1月1日 (賦課期日, 地方税法第318条): a resident who moves out after
that day is still taxed here for the whole 年度. Such a person is no longer in the 住民記録 — only their 除票 is —
so they are a 住登外者 of the city (共通機能標準仕様書 §2.3): the notice is addressed through their 住登外者宛名番号
and goes to the 住登外者's address (at first the 転出先 of the 除票; later whatever 住所変更 the city records),
not to the 市内 address they left. The 住登外者 is found by the link to the 除票 (``former_atena_number``), else
numbered from the 除票's 基本4情報 (付番 as any system does: a 住登外者 already registered for the same person —
by another system, or migrated — is reused and linked rather than numbered twice).

A person who died is not a 住登外者 (the notice goes to the heirs' representative, 地方税法第9条の2: not yet
handled) and keeps the registry's last address, as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jichitai.common.errors import NotFound
from jichitai.registry.mailing import mailing, postcode_text

MOVED_OUT = frozenset({"move_out_domestic", "move_out_abroad"})
UNKNOWN_DESTINATION = "転出先不明"
ACTOR = "system:tax-addressee"


def moved_out(row: Mapping[str, Any]) -> bool:
    """A 除票 of a 転出 (国内・国外): the person lives elsewhere now."""
    return row.get("status") == "removed" and row.get("removal_reason") in MOVED_OUT


def jutogai_for(rows: Sequence[Mapping[str, Any]], *, actor: Any = ACTOR) -> dict[str, Any]:
    """宛名番号 → the 住登外者 (``jutogai.models.Jutogaisha``) of each row that is a 転出 除票: one query for those
    linked already, a 付番 for each of the others (once: the link is recorded)."""
    from jichitai.jutogai import services as jutogai
    from jichitai.jutogai.facts import checked
    from jichitai.jutogai.models import ACTIVE, Jutogaisha

    left = {r["atena_number"]: r for r in rows if moved_out(r)}
    if not left:
        return {}
    found: dict[str, Any] = {}
    for p in Jutogaisha.objects.filter(former_atena_number__in=list(left), status=ACTIVE).order_by("updated_at"):
        found[p.former_atena_number] = p
    for atena, r in left.items():
        if atena in found:
            continue
        facts = checked(r["name"], r.get("kana") or "", r["birth_date"], r.get("sex") or "",
                        r.get("destination_address") or UNKNOWN_DESTINATION)
        result = jutogai.number(actor, facts, source="個人住民税（賦課期日後の転出）", former_atena_number=atena)
        if result.numbered is not None:
            found[atena] = result.numbered
            continue
        same = next((c for c in result.candidates if c["kind"] == "jutogai" and not c.get("former_atena_number")), None)
        if same is not None:  # registered before by another system (or migrated): the same person, link it
            found[atena] = jutogai.link_former_resident(actor, same["number"], atena)
            continue
        others = [c["number"] for c in result.candidates if c["number"] != atena]  # other people of the same facts
        found[atena] = jutogai.number(actor, facts, source="個人住民税（賦課期日後の転出）", former_atena_number=atena,
                                      distinct_from=others).numbered
    return found


def mailing_address(atena_number: str, *, actor: Any = "system:tax-notices", guard: Any = None) -> dict[str, str]:
    """送付先: name (as the person's 郵便物送付コード asks, 標準仕様書 1.1.19), 郵便番号 and the address in words (never a code), and the 住登外者宛名番号 when the person has
    moved out since (empty otherwise). A resident's comes from the registry's current row; every row goes through
    the Shield (the notice goes to the person themself; a protected person's is recorded for the 支援措置責任者)."""
    found = mailing_addresses([atena_number], actor=actor, guard=guard)
    if atena_number not in found:
        raise NotFound(f"宛名番号 {atena_number} の住民が見つかりません。", atena_number=atena_number)
    return found[atena_number]


def mailing_addresses(atena_numbers: Sequence[str], *, actor: Any = "system:tax-notices",
                      guard: Any = None) -> dict[str, dict[str, str]]:
    """宛名番号 → :func:`mailing_address` of each of ``atena_numbers`` found in the registry, read together (one
    registry query, one Shield pass, one query for their 町字, the 住登外者 of those who moved out): a bulk
    issuance's thousand notices cost a few queries, not a few thousand."""
    from jichitai.dbcopy import with_keys
    from jichitai.registry import mailing_codes, suppression
    from jichitai.registry.models import Resident, Town

    rows = list(with_keys(Resident.objects, "atena_number", atena_numbers).values(
        "name", "tsusho", "kana", "birth_date", "sex", "postcode", "status", "removal_reason",
        "destination_address", *suppression.PLACE_COLUMNS))
    suppression.screen_addresses(actor, rows, audience=suppression.SELF, action="tax.notice",
                                 via="tax.addressee", guard=guard)
    elsewhere = jutogai_for([r for r in rows if moved_out(r)], actor=actor)
    if elsewhere:  # the 住登外者's own address through the same gate: the person (or a place it names) may be protected
        suppression.screen_addresses(actor, [{"atena_number": a, "former_atena_number": a, "address": p.address}
                                             for a, p in elsewhere.items()], audience=suppression.SELF,
                                     action="tax.notice", via="tax.addressee.jutogai", guard=guard)
    towns = {t["code"]: t for t in Town.objects.filter(code__in={r["town_code"] for r in rows})
             .values("code", "ward_name", "name", "postcode")}
    codes = mailing_codes.codes_of(r["atena_number"] for r in rows)  # 郵便物送付コード (j190): the name printed
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        p = elsewhere.get(r["atena_number"])
        if p is not None:  # free text of another city, whose 町域 we cannot tell: mailed without a カスタマバーコード
            out[r["atena_number"]] = {"name": p.name, "postcode": postcode_text(p.postcode), "address": p.address,
                                      "barcode": "", "jutogai_number": p.number}
        else:
            sent = mailing(r, towns.get(r["town_code"]), codes.get(r["atena_number"], ""))
            out[r["atena_number"]] = {"name": sent.name, "postcode": sent.postcode, "address": sent.address,
                                      "barcode": sent.barcode, "jutogai_number": ""}
    return out


def address_words(r: Mapping[str, Any], towns: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, str]:
    """郵便番号 and the address in words (都道府県・市・区・町字 by name, 番地, 方書) of a registry row (``town_code``,
    ``banchi``, ``katagaki``, ``postcode``) that has been through the Shield; ``towns`` (code → ward_name, name,
    postcode) when the caller has read them already."""
    from jichitai.registry.models import Town

    town = towns.get(r["town_code"]) if towns is not None else \
        Town.objects.filter(code=r["town_code"]).values("ward_name", "name", "postcode").first()
    sent = mailing(r, town)
    return {"postcode": sent.postcode, "address": sent.address}


