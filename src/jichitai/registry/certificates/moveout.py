"""転出証明書 (標準仕様書 4.1.3.0.3, j660): what it says and on which page. Pure Python, no database.

- After a 転出届 (国内転出, not 特例転出) the 届出人 receives a 転出証明書 (住民基本台帳法施行令第23条第1項), the
  document the 転入届 at the new municipality needs (法第22条第2項). It carries, for each person moving, the
  住民票's 氏名, 出生の年月日, 男女の別, 世帯主との続柄, 本籍・筆頭者, 住民票コード and 個人番号 (and a foreign
  resident's 国籍・地域, 法第30条の45の区分, 在留資格, 在留期間等, 満了日, 在留カード等番号, 通称), with the 住所 left,
  the 世帯主, the 転出先 and the 転出の予定年月日 of the 届出.
- A 転出 notified more than 14 days after it happened is recorded 職権 (j640: 職権消除); instead of a 転出証明書
  the person then receives a 転出証明書に準ずる証明書 that says it was issued as the document to attach to the
  転入届 (j660).
- A 再交付 (lost certificate) is marked 「再交付」 and prints the record as it was when the first one was issued
  (j660; the latest state is explicitly not wanted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from jichitai.common.wareki import to_wareki
from jichitai.registry.certificates.layout import Layout, Page, PersonBlock, Row, born, seireki, wareki
from jichitai.registry.certificates.ordering import ordered
from jichitai.registry.certificates.snapshot import Address, Certifier, IssueNumber, PersonEntry

CERT_MOVEOUT = "上記のとおり転出の届出があったことを証明する。"
CERT_EQUIVALENT = ("上記の者は、転出をした日から14日を経過して転出の届出をしたため、職権により住民票を消除した。"
                   "この証明書は、転出証明書に代えて転入届に添付すべき書類として発行したものであることを証明する。")
REISSUE = "再交付"


class MoveOutKind(StrEnum):
    """Which certificate a 転出 gives (the value is the 交付履歴's 証明書の種類)."""

    CERTIFICATE = "tenshutsu"                # 転出証明書 (20.2.1)
    EQUIVALENT = "tenshutsu_junzuru"         # 転出証明書に準ずる証明書 (20.2.2)

    @property
    def label(self) -> str:
        return {"tenshutsu": "転出証明書", "tenshutsu_junzuru": "転出証明書に準ずる証明書"}[self.value]


@dataclass(frozen=True)
class Departure:
    """One 転出 as the registry recorded it, with the people in it as they were at the moment printed."""

    kind: MoveOutKind
    address: Address                  # the 住所 the people leave
    head_name: str                    # 世帯主 of the household they leave
    destination: str                  # 転出先（予定）
    moved_on: dt.date                 # 転出の予定年月日 (職権消除: the day of the 転出 found)
    notified_on: dt.date | None       # 届出年月日 (None for a 職権 record)
    members: tuple[PersonEntry, ...]


@dataclass(frozen=True)
class Reissue:
    """The first certificate of this 転出, which a 再交付 replaces."""

    issue_number: str
    issued_on: dt.date


@dataclass(frozen=True)
class MoveOutCertificate:
    departure: Departure
    certifier: Certifier
    issued_on: dt.date
    issue_number: IssueNumber
    reissue_of: Reissue | None = None


def person_rows(p: PersonEntry) -> list[Row]:
    """The 住民票 items a 転出証明書 carries for one person (令第23条第1項); nothing is left out."""
    rows = [Row([("氏名", p.name)], wide=True)]
    if p.old_surname:
        rows.append(Row([("旧氏", p.old_surname)], wide=True))
    if p.tsusho:
        rows.append(Row([("通称", p.tsusho)], wide=True))
    rows.append(Row([("生年月日", born(p)), ("性別", p.sex)]))
    rows.append(Row([("続柄", p.relationship)], wide=True))
    rows.append(Row([("住民票コード", p.juminhyo_code), ("個人番号", p.my_number)]))
    if not p.is_foreign:
        rows.append(Row([("本籍", p.honseki)], wide=True))
        rows.append(Row([("筆頭者", p.hittosha)], wide=True))
    f = p.foreign
    if f is not None:
        rows.append(Row([("国籍・地域", f.nationality)], wide=True))
        rows.append(Row([("法第30条の45に規定する区分", f.article_30_45)], wide=True))
        rows.append(Row([("在留資格", f.status), ("在留期間等", f.period)]))
        rows.append(Row([("在留期間の満了の日", seireki(f.period_end))], wide=True))
        rows.append(Row([("在留カード等番号", f.card_number)], wide=True))
    return rows


def departure_rows(d: Departure) -> list[Row]:
    rows = [Row([("住所", str(d.address))], wide=True), Row([("世帯主", d.head_name)], wide=True),
            Row([("転出先", d.destination)], wide=True)]
    if d.kind is MoveOutKind.CERTIFICATE:
        rows.append(Row([("転出予定年月日", wareki(d.moved_on)), ("届出年月日", wareki(d.notified_on))]))
    else:
        rows.append(Row([("転出年月日", wareki(d.moved_on)), ("届出年月日", wareki(d.notified_on))]))
    return rows


def reissue_note(r: Reissue) -> str:
    return (f"この証明書は再交付したものです（当初の発行番号 {r.issue_number}、当初の交付日 {to_wareki(r.issued_on)}）。"
            "記載事項は当初の交付時のものです。")


def plan(cert: MoveOutCertificate, per_page: int) -> Layout:
    """Pages with ``per_page`` people each; the 認証文 on the last page, 発行番号 k/N on every page."""
    d = cert.departure
    blocks = [PersonBlock(i + 1, person_rows(p)) for i, p in enumerate(ordered(d.members))]
    layout = Layout(d.kind.label, "", numbered=True, marks=[REISSUE] if cert.reissue_of else [])
    chunks = [blocks[i:i + per_page] for i in range(0, len(blocks), per_page)] or [[]]
    certification = {
        "text": CERT_MOVEOUT if d.kind is MoveOutKind.CERTIFICATE else CERT_EQUIVALENT,
        "date": to_wareki(cert.issued_on), "title": cert.certifier.full_title, "name": cert.certifier.name,
        "seal_image": cert.certifier.seal_image,
    }
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        notes = [reissue_note(cert.reissue_of)] if last and cert.reissue_of else []
        layout.pages.append(Page(cert.issue_number.text(i + 1, len(chunks)), departure_rows(d), chunk,
                                 certification if last else None, notes))
    return layout
