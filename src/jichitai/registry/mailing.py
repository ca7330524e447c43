"""The 送付先 of a notice mailed to a 市内 address: 郵便番号, the address in words and the カスタマバーコード.

One place for every mailed notice (住民票コード通知票, 受理通知, 世帯主変更依頼通知書 here; the tax office's 納税通知書 and
税額決定通知書 through tax/addressee.py), so that what the envelope window shows and what the bars hold agree. The
address is 都道府県・市・区・町字 by name, the 番地 and, after a full-width space, the 方書 — never a code. The bars hold
the 郵便番号 and the 住所表示番号 of the 町字's 丁目, the 番地 and the 方書 (common/customer_barcode.py); a row read
through the Shield prints what the Shield left.

The name on the envelope follows the person's 郵便物送付コード (標準仕様書 1.1.19: 通称のみ or 本名のみ,
domain/mailing_code.py) when the caller passes it: every notice addressed to a person of the registry does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jichitai.common import customer_barcode
from jichitai.registry.domain.mailing_code import MailingCode, addressee_name


@dataclass(frozen=True)
class Mailing:
    postcode: str   # 「650-0021」, or as recorded when it is not 7 digits
    address: str
    barcode: str    # SVG, or "" without a 7-digit 郵便番号
    name: str = ""  # the addressee's name as their 郵便物送付コード asks (the 氏名 without one)

    @property
    def postcode_mark(self) -> str:
        return f"〒{self.postcode}" if self.postcode else ""


def _get(row: Any, key: str) -> Any:
    return row.get(key) if isinstance(row, Mapping) else getattr(row, key, None)


def mailing(row: Any, town: Any, mailing_code: MailingCode | str = MailingCode.UNSET) -> Mailing:
    """The 送付先 of ``row`` (a registry row or mapping: ``banchi``, ``katagaki``, ``postcode``; ``name`` and
    ``tsusho`` for the addressee) in ``town`` (a Town or a mapping with ``ward_name``, ``name``, ``postcode``; None
    when the 町字 is unknown); ``mailing_code``: the person's 郵便物送付コード (mailing_codes.code_of)."""
    from jichitai.registry.certificates import certifiers

    banchi, katagaki = _get(row, "banchi") or "", _get(row, "katagaki") or ""
    addressee = addressee_name(_get(row, "name") or "", _get(row, "tsusho") or "", mailing_code)
    name = _get(town, "name") if town is not None else ""
    prefecture, city = certifiers.city()
    place = f"{prefecture}{city}{_get(town, 'ward_name') if town is not None else ''}{name}{banchi}"
    code = (_get(row, "postcode") or (_get(town, "postcode") if town is not None else "") or "").replace("-", "")
    return Mailing(postcode_text(code), place + (f"　{katagaki}" if katagaki else ""),
                   barcode(code, name, banchi, katagaki), addressee)


def barcode(postcode: str, town_name: str, banchi: str, katagaki: str) -> str:
    """The カスタマバーコード as SVG: the 住所表示番号 from the 丁目 of the 町字 (三宮町一丁目 → 1), the 番地 and the 方書;
    "" without a 7-digit 郵便番号."""
    try:
        data = customer_barcode.customer_data(
            postcode, customer_barcode.town_and_chome(town_name)[1] + banchi + "　" + katagaki)
    except ValueError:
        return ""
    return customer_barcode.svg(data)


def postcode_text(code: str) -> str:
    digits = code.replace("-", "")
    return f"{digits[:3]}-{digits[3:]}" if len(digits) == 7 else code
