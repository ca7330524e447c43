"""From a :class:`Certificate` to printed pages: which items, in which words, on which page.

Pure Python: every value is already a string here (和暦 via :func:`jichitai.common.wareki.to_wareki`, 西暦 for the
foreign-resident items j90 names); the renderer hands the :class:`Layout` to the template as JSON, which only
places text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from jichitai.common.wareki import to_wareki
from jichitai.registry.certificates.ordering import ordered
from jichitai.registry.certificates.snapshot import Certificate, CertificateFormat, Omit, PersonEntry

TITLE = "住民票の写し"
CERT_WHOLE = "この写しは、世帯全員の住民票の原本と相違ないことを証明する。"
CERT_PART = "この写しは、住民票の原本と相違ないことを証明する。"


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


def person_rows(p: PersonEntry, omit: frozenset[Omit], furigana: bool) -> list[Row]:
    """The items of j10/j20 printed for one person, leaving out what the requester left out (j1000)."""
    born = seireki(p.birth_date) if p.is_foreign else wareki(p.birth_date)
    rows = [Row([("氏名", _name(p, furigana))], wide=True)]
    if p.old_surname:
        rows.append(Row([("旧氏", p.old_surname)], wide=True))
    if p.tsusho and Omit.TSUSHO not in omit:
        rows.append(Row([("通称", p.tsusho)], wide=True))
    first = [("生年月日", born), ("性別", p.sex)]
    rows.append(Row(first))
    second = []
    if Omit.SETAINUSHI not in omit:
        second.append(("続柄", p.relationship))
    if not p.is_foreign:
        second.append(("住民となった年月日", wareki(p.became_resident_on)))
    elif p.foreign and p.foreign.became_resident_on:
        second.append(("外国人住民となった年月日", wareki(p.foreign.became_resident_on)))
    if second:
        rows.append(Row(second))
    rows.append(Row([("住所を定めた年月日", wareki(p.address_set_on)), ("届出日", wareki(p.notified_on))]))
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
    if p.remarks:
        rows.append(Row([("備考", "　".join(p.remarks))], wide=True))
    return rows


def household_rows(cert: Certificate) -> list[Row]:
    hh = cert.household
    rows = [Row([("住所", str(hh.address))], wide=True)]
    if Omit.SETAINUSHI not in cert.request.omit:
        rows.append(Row([("世帯主", hh.head_name)], wide=True))
    return rows


def certification(cert: Certificate) -> dict[str, str]:
    whole = cert.whole_household and cert.request.format is CertificateFormat.SETAI_RENKI
    return {
        "text": CERT_WHOLE if whole else CERT_PART,
        "date": to_wareki(cert.issued_on),
        "title": cert.certifier.full_title,
        "name": cert.certifier.name,
        "seal_image": cert.certifier.seal_image,
    }


def plan(cert: Certificate, per_page: int) -> Layout:
    """Pages of the certificate with ``per_page`` people on each page of a 世帯連記式 (1 for 個人票)."""
    selected = set(cert.request.members)
    people = [p for p in ordered(cert.household.members) if p.atena_number in selected]
    req = cert.request
    blocks = [PersonBlock(i + 1, person_rows(p, req.omit, req.furigana)) for i, p in enumerate(people)]
    layout = Layout(TITLE, req.format.label, numbered=req.format is CertificateFormat.SETAI_RENKI,
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

