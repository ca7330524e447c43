"""From a :class:`Certificate` to printed pages: which items, in which words, on which page.

One plan serves the four certificates of j1000: the 住民票の写し, the 住民票の除票の写し (the same items and
switches, plus the 除票固有の記載事項 of j50), and the 記載事項証明書 of either (only the items chosen).

Pure Python: every value is already a string here (和暦 via :func:`jichitai.common.wareki.to_wareki`, 西暦 for the
foreign-resident items j90 names); the renderer hands the :class:`Layout` to the template as JSON, which only
places text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from jichitai.common.recorded_date import display
from jichitai.common.wareki import to_wareki
from jichitai.registry.certificates.ordering import ordered
from jichitai.registry.certificates.snapshot import (
    Certificate,
    CertificateFormat,
    CertificateKind,
    Item,
    Omit,
    PersonEntry,
    Removal,
)
from jichitai.registry.domain.furigana import printed as printed_furigana

CERT_WHOLE = "この写しは、世帯全員の住民票の原本と相違ないことを証明する。"
CERT_PART = "この写しは、住民票の原本と相違ないことを証明する。"
# j1000 asks for the 認証文 「第４章に記載のもの」; 第4章 (帳票) is not in the reference extract, so these follow the
# 住民票の写し's wording (docs/standard-conformance.md 5.1 records it as not confirmed).
CERT_JOSHUHYO = "この写しは、住民票の除票の原本と相違ないことを証明する。"
CERT_KISAI_JIKO = "上記の事項は、住民票に記載されていることを証明する。"
CERT_JOSHUHYO_KISAI_JIKO = "上記の事項は、住民票の除票に記載されていることを証明する。"
CERTIFICATION_TEXT = {
    CertificateKind.JUMINHYO: CERT_PART, CertificateKind.JOSHUHYO: CERT_JOSHUHYO,
    CertificateKind.KISAI_JIKO: CERT_KISAI_JIKO, CertificateKind.JOSHUHYO_KISAI_JIKO: CERT_JOSHUHYO_KISAI_JIKO,
}
# The printed labels each item of a 記載事項証明書 brings; 氏名 is always printed.
ITEM_CELLS: dict[Item, frozenset[str]] = {
    Item.BIRTH_DATE: frozenset({"生年月日"}), Item.SEX: frozenset({"性別"}), Item.ADDRESS: frozenset({"住所"}),
    Item.KATAGAKI: frozenset(), Item.SETAINUSHI: frozenset({"世帯主"}), Item.RELATIONSHIP: frozenset({"続柄"}),
    Item.BECAME_RESIDENT: frozenset({"住民となった年月日", "外国人住民となった年月日"}),
    Item.ADDRESS_SET: frozenset({"住所を定めた年月日"}), Item.NOTIFIED: frozenset({"届出日"}),
    Item.PREVIOUS_ADDRESS: frozenset({"転入前住所"}), Item.KYUUJI: frozenset({"旧氏"}),
    Item.FURIGANA: frozenset({"氏名の振り仮名"}),
    Item.HONSEKI: frozenset({"本籍", "筆頭者"}), Item.MY_NUMBER: frozenset({"個人番号"}),
    Item.JUMINHYO_CODE: frozenset({"住民票コード"}), Item.NATIONALITY: frozenset({"国籍・地域"}),
    Item.ZAIRYU: frozenset({"法第30条の45に規定する区分", "在留資格", "在留期間等", "在留期間の満了の日"}),
    Item.ZAIRYU_CARD: frozenset({"在留カード等番号"}), Item.TSUSHO: frozenset({"通称"}),
    Item.REMOVAL: frozenset({"消除事由", "消除年月日"}), Item.PLANNED_MOVE_OUT: frozenset({"転出予定年月日"}),
    Item.DESTINATION: frozenset({"転出先住所（予定）"}), Item.REMOVAL_NOTIFIED: frozenset({"消除の届出日"}),
    Item.MOVE_IN_NOTICE: frozenset({"転入通知年月日", "転出年月日（確定）", "転出先住所（確定）"}),
}


@dataclass
class Row:
    """One line of a person block: up to two (label, value) cells; ``wide`` spans the block."""

    cells: list[tuple[str, str]]
    wide: bool = False


@dataclass
class PersonBlock:
    number: int           # position on the certificate (1, 2, …)
    rows: list[Row]


@dataclass
class Page:
    issue_number: str
    household_rows: list[Row]
    people: list[PersonBlock]
    certification: dict[str, str] | None = None   # only on the last page of a certificate (j1000)
    notes: list[str] = field(default_factory=list)  # lines printed above the 認証文


@dataclass
class Layout:
    title: str
    format_label: str
    pages: list[Page] = field(default_factory=list)
    numbered: bool = False                         # （1）（2）… before each person (世帯連記式)
    marks: list[str] = field(default_factory=list)  # boxed marks in the header: 公用 (j1060), 再交付 (j660)


def wareki(day: dt.date | None) -> str:
    return to_wareki(day) if day else ""


def seireki(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _name(p: PersonEntry, furigana: bool) -> str:
    name = p.name
    if p.is_foreign and p.foreign and p.foreign.name_roman:
        name = f"{p.foreign.name_roman}　{p.name}".strip("　") if p.name != p.foreign.name_roman else p.name
    if furigana and p.kana:
        name += f"　（{p.kana}）"
    return name


def born(p: PersonEntry) -> str:
    """生年月日 as printed: 和暦, 西暦 for a foreign resident (j90); a 不詳日 or 暦上日以外 as the 戸籍 has it, never
    its internal day (j80)."""
    return display(p.birth_date, p.birth_date_text, seireki=p.is_foreign)


def person_rows(p: PersonEntry, omit: frozenset[Omit], furigana: bool, *, selecting: bool = False) -> list[Row]:
    """The items of j10/j20 printed for one person, leaving out what the requester left out (j1000); ``selecting``:
    a 記載事項証明書's rows, from which only the chosen ones are kept."""
    born_on = born(p)
    rows = [Row([("氏名", _name(p, furigana))], wide=True)]
    if not p.is_foreign:  # 住基法第7条 as amended: printed for every Japanese resident, 「********」 until the 戸籍 has it
        rows.append(Row([("氏名の振り仮名", printed_furigana(p.furigana_shi, p.furigana_mei))], wide=True))
    if p.old_surname:
        rows.append(Row([("旧氏", p.old_surname)], wide=True))
    if p.tsusho and Omit.TSUSHO not in omit:
        rows.append(Row([("通称", p.tsusho)], wide=True))
    first = [("生年月日", born_on), ("性別", p.sex)]
    rows.append(Row(first))
    second = []
    if Omit.SETAINUSHI not in omit:
        second.append(("続柄", p.relationship))
    if not p.is_foreign:
        second.append(("住民となった年月日", p.became_resident_on_text or wareki(p.became_resident_on)))
    elif p.foreign and p.foreign.became_resident_on:
        second.append(("外国人住民となった年月日", p.foreign.became_resident_on_text or wareki(p.foreign.became_resident_on)))
    if second:
        rows.append(Row(second))
    rows.append(Row([("住所を定めた年月日", p.address_set_on_text or wareki(p.address_set_on)),
                     ("届出日", wareki(p.notified_on))]))
    rows.append(Row([("転入前住所", p.previous_address)], wide=True))
    if Omit.HONSEKI not in omit and not p.is_foreign:
        rows.append(Row([("本籍", p.honseki)], wide=True))
        rows.append(Row([("筆頭者", p.hittosha)], wide=True))
    numbers = []
    if Omit.MY_NUMBER not in omit:
        numbers.append(("個人番号", p.my_number))
    if Omit.JUMINHYO_CODE not in omit:
        numbers.append(("住民票コード", p.juminhyo_code))
    if numbers:
        rows.append(Row(numbers))
    f = p.foreign
    if f is not None:
        if Omit.NATIONALITY not in omit:
            rows.append(Row([("国籍・地域", f.nationality)], wide=True))
        if Omit.ZAIRYU not in omit:
            rows.append(Row([("法第30条の45に規定する区分", f.article_30_45)], wide=True))
            rows.append(Row([("在留資格", f.status), ("在留期間等", f.period)]))
            rows.append(Row([("在留期間の満了の日", seireki(f.period_end))], wide=True))
        if Omit.ZAIRYU_CARD not in omit:
            rows.append(Row([("在留カード等番号", f.card_number)], wide=True))
    if p.removal is not None:
        rows.extend(removal_rows(p.removal, every_item=selecting))
    if p.remarks:
        rows.append(Row([("備考", "　".join(p.remarks))], wide=True))
    return rows


def removal_rows(r: Removal, every_item: bool = False) -> list[Row]:
    """The 除票固有の記載事項 (j50): 消除事由 and its day (a 転出: the 転出予定年月日), the 届出日, the 転出先.
    ``every_item`` (a 記載事項証明書, which keeps the chosen rows): the 転出予定年月日 even when the 消除 took effect
    on it; the 写し prints it only beside an earlier 消除年月日, as the same day twice says nothing more."""
    rows = [Row([("消除事由", r.reason), ("消除年月日", r.removed_on_text or wareki(r.removed_on))])]
    if r.planned_on and (every_item or r.planned_on != r.removed_on):  # j680 keeps it beside a 転入通知's 転入日
        rows.append(Row([("転出予定年月日", wareki(r.planned_on))], wide=True))
    if r.notified_on:
        rows.append(Row([("消除の届出日", wareki(r.notified_on))], wide=True))
    if r.destination:
        rows.append(Row([("転出先住所（予定）", r.destination)], wide=True))
    if r.notice_on:  # the 転入通知 received (j680; j50 「転入通知年月日」)
        rows.append(Row([("転入通知年月日", wareki(r.notice_on)), ("転出年月日（確定）", wareki(r.moved_out_confirmed))]))
        rows.append(Row([("転出先住所（確定）", r.destination_confirmed)], wide=True))
    return rows


def only(rows: list[Row], labels: frozenset[str]) -> list[Row]:
    """The cells of ``rows`` whose label is in ``labels`` (a 記載事項証明書 prints only what was chosen)."""
    kept = []
    for row in rows:
        cells = [c for c in row.cells if c[0] in labels]
        if cells:
            kept.append(Row(cells, row.wide))
    return kept


def chosen_labels(items: frozenset[Item]) -> frozenset[str]:
    return frozenset({"氏名"}).union(*(ITEM_CELLS[i] for i in items))


def household_rows(cert: Certificate) -> list[Row]:
    hh, req = cert.household, cert.request
    # j1030: the 方書 is always printed, unless a 記載事項証明書's request leaves it out
    address = hh.address.text if req.kind.selects_items and Item.KATAGAKI not in req.items else str(hh.address)
    rows = [Row([("住所", address)], wide=True)]
    if Omit.SETAINUSHI not in req.omit:
        rows.append(Row([("世帯主", hh.head_name)], wide=True))
    return only(rows, chosen_labels(req.items)) if req.kind.selects_items else rows


def certification(cert: Certificate) -> dict[str, str]:
    req = cert.request
    whole = (cert.whole_household and req.format is CertificateFormat.SETAI_RENKI
             and req.kind is CertificateKind.JUMINHYO)
    return {
        "text": CERT_WHOLE if whole else CERTIFICATION_TEXT[req.kind],
        "date": to_wareki(cert.issued_on),
        "title": cert.certifier.full_title,
        "name": cert.certifier.name,
        "seal_image": cert.certifier.seal_image,
    }


def printed_rows(p: PersonEntry, cert: Certificate) -> list[Row]:
    req = cert.request
    if not req.kind.selects_items:
        return person_rows(p, req.omit, req.furigana)
    return only(person_rows(p, req.omit, req.furigana, selecting=True), chosen_labels(req.items))


def plan(cert: Certificate, per_page: int) -> Layout:
    """Pages of the certificate with ``per_page`` people on each page of a 世帯連記式 (1 for 個人票)."""
    selected = set(cert.request.members)
    people = [p for p in ordered(cert.household.members) if p.atena_number in selected]
    req = cert.request
    blocks = [PersonBlock(i + 1, printed_rows(p, cert)) for i, p in enumerate(people)]
    layout = Layout(req.kind.label, req.format.label, numbered=req.format is CertificateFormat.SETAI_RENKI,
                    marks=["公用"] if req.official_use else [])
    hh_rows = household_rows(cert)
    if req.format is CertificateFormat.KOJIN:
        for block, number in zip(blocks, cert.issue_numbers, strict=True):
            block.number = 1
            layout.pages.append(Page(number.text(1, 1), hh_rows, [block], certification(cert)))
        return layout
    number = cert.issue_numbers[0]
    chunks = [blocks[i:i + per_page] for i in range(0, len(blocks), per_page)] or [[]]
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        layout.pages.append(Page(number.text(i + 1, len(chunks)), hh_rows, chunk,
                                 certification(cert) if last else None))
    return layout


def issue_numbers_needed(fmt: CertificateFormat, members: int) -> int:
    """個人票: each person is one certificate with its own 発行番号 (j1040 一部ずつ異なる発行番号)."""
    return members if fmt is CertificateFormat.KOJIN else 1

