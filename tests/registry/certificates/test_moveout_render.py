"""転出証明書 as printed, from plain data (標準仕様書 4.1.3.0.3, j660; 住民基本台帳法施行令第23条第1項).

Checked on the text poppler extracts from the PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from jichitai.registry.certificates.moveout import (
    CERT_EQUIVALENT,
    CERT_MOVEOUT,
    Departure,
    MoveOutCertificate,
    MoveOutKind,
    Reissue,
    plan,
)
from jichitai.registry.certificates.render import fitted
from jichitai.registry.certificates.snapshot import Address, Certifier, IssueNumber
from tests.registry.certificates.factories import household

D = dt.date


def flat(text: str) -> str:
    return "".join(text.split())


def moveout(kind: MoveOutKind = MoveOutKind.CERTIFICATE, reissue: Reissue | None = None, **kw: Any) -> MoveOutCertificate:
    hh = household(n_children=1)
    departure = Departure(
        kind=kind, address=Address("兵庫県神戸市中央区加納町六丁目5番1号", "神戸ハイツ201号"), head_name="神戸　太郎",
        destination="東京都千代田区千代田1番1号", moved_on=D(2026, 12, 10),
        notified_on=D(2026, 12, 1) if kind is MoveOutKind.CERTIFICATE else None, members=hh.members)
    departure = replace(departure, **kw)
    return MoveOutCertificate(departure, Certifier("神戸市長", "久元　喜造"), D(2026, 12, 1),
                              IssueNumber(D(2026, 12, 1), "神戸市", "本庁1", "", 77), reissue)


def pdf_text(cert: MoveOutCertificate, pages_of: Any) -> list[str]:
    pdf, pages = fitted(lambda n: plan(cert, n), [4, 3, 2, 1], [])
    texts = [flat(p) for p in pages_of(pdf)]
    assert len(texts) == pages
    return texts


def test_items_of_the_moveout_certificate(pages_of: Any) -> None:
    """令第23条第1項: 氏名, 出生の年月日, 男女の別, 続柄, 本籍・筆頭者, 住民票コード, 個人番号 of each person moving,
    with the 住所, 世帯主, 転出先 and 転出の予定年月日; nothing of these is left out (no 省略 as on a 写し)."""
    pages = pdf_text(moveout(), pages_of)
    text = "".join(pages)
    assert all("転出証明書" in p for p in pages)
    for item in ("住所兵庫県神戸市中央区加納町六丁目5番1号神戸ハイツ201号", "世帯主神戸太郎",
                 "転出先東京都千代田区千代田1番1号", "転出予定年月日令和8年12月10日", "届出年月日令和8年12月1日",
                 "氏名神戸太郎", "生年月日昭和55年4月1日", "性別男", "続柄世帯主", "個人番号123456789018",
                 "住民票コード98765432109", "本籍兵庫県神戸市中央区加納町六丁目5番地", "筆頭者神戸太郎",
                 "旧氏山田", "続柄妻", "国籍・地域中国", "在留資格留学", "在留カード等番号AB12345678CD",
                 "1995年2月3日"):   # a foreign resident's birth date in 西暦 (j90)
        assert item in text, item
    for absent in ("転入前住所", "住所を定めた年月日", "再交付"):
        assert absent not in text, absent
    assert flat(CERT_MOVEOUT) in pages[-1] and "兵庫県神戸市長久元喜造" in pages[-1]
    assert "20261201神戸市本庁100000077" in pages[0]


def test_four_people_a_page_and_certification_on_the_last_page(pages_of: Any) -> None:
    """Four people move: one page; with six (two more children) the 認証文 is on the last page only and every
    page carries its k/N (j1040)."""
    hh = household(n_children=4)
    pages = pdf_text(moveout(members=hh.members), pages_of)
    assert len(pages) == 2
    assert "00000771/2" in pages[0] and "00000772/2" in pages[1]
    assert flat(CERT_MOVEOUT) not in pages[0] and flat(CERT_MOVEOUT) in pages[1]


def test_late_notice_gives_the_equivalent_certificate(pages_of: Any) -> None:
    """j660: after a 職権 record of a late 転出 the certificate says it is issued as the document the 転入届 needs."""
    text = "".join(pdf_text(moveout(MoveOutKind.EQUIVALENT), pages_of))
    assert "転出証明書に準ずる証明書" in text and flat(CERT_EQUIVALENT) in text
    assert "転入届に添付すべき書類" in text and "転出年月日令和8年12月10日" in text
    assert "転出予定年月日" not in text


def test_reissue_is_marked_and_names_the_first_certificate(pages_of: Any) -> None:
    """j660: 再交付と明記."""
    pages = pdf_text(moveout(reissue=Reissue("20261201-00000012", D(2026, 12, 1))), pages_of)
    assert "再交付" in pages[0]
    assert "当初の発行番号20261201-00000012" in pages[-1] and "当初の交付日令和8年12月1日" in pages[-1]
