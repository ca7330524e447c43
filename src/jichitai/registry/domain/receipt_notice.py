"""住民異動届受理通知 (標準仕様書 4.1.0.3, j580): which 届出 give one, what it says and where it goes. Pure.

j580 【実装すべき機能】:
- 「転入届、転居届、転出届及び世帯変更届並びに転出証明書に準ずる証明書を交付する場合の手続において…住民異動届受理通知を
  任意で出力することができること。」 — :data:`NOTIFIABLE` (and 出生, which the file names as a case without a 異動前住所).
- 「出力内容は届出日、異動事由、届出人氏名、異動者氏名及び受理した旨で、宛先は異動前住所・届出人本人とすること。」
- 「出生による住民票の記載や国外からの転入など、異動前の住所がないか、送付することが適当でない場合は、異動後住所・
  異動者本人とする。」 — :func:`compose` (the caller says when sending to the former address is not appropriate).
- 「処理日に限らず、後日でも発行できること。」 — the notice is composed from the 異動履歴 whenever asked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.reasons import Reason

TITLE = "住民異動届受理通知"
ACCEPTED = "あなたから届出のあった下記の住民異動届を受理しましたので、通知します。"
ACCEPTED_TO_MOVER = "下記のとおり、あなたについての住民異動届を受理しましたので、通知します。"
TO_FORMER = "異動前住所・届出人"
TO_NEW = "異動後住所・異動者本人"
NOTIFIABLE = frozenset({
    Reason.MOVE_IN_DOMESTIC, Reason.MOVE_IN_ABROAD,            # 転入届
    Reason.MOVE_WITHIN,                                        # 転居届
    Reason.MOVE_OUT_DOMESTIC, Reason.MOVE_OUT_ABROAD,          # 転出届
    Reason.HOUSEHOLD_SPLIT, Reason.HOUSEHOLD_MERGE, Reason.HOUSEHOLD_CHANGE, Reason.HEAD_CHANGE,  # 世帯変更届
    Reason.EX_OFFICIO_REMOVAL,                                 # 転出証明書に準ずる証明書を交付する場合の手続
    Reason.BIRTH,                                              # 出生届 (j580: no 異動前住所 → the person)
})
NO_FORMER_ADDRESS = frozenset({Reason.BIRTH, Reason.MOVE_IN_ABROAD})


@dataclass(frozen=True)
class Addressee:
    name: str
    address: str
    postcode: str = ""     # 「650-0021」
    barcode: str = ""      # the カスタマバーコード (SVG), registry/mailing.py


@dataclass(frozen=True)
class ReceiptNotice:
    notified_on: dt.date | None
    reason: Reason
    notifier_name: str
    mover_names: tuple[str, ...]
    to: Addressee
    sent_to: str  # TO_FORMER or TO_NEW

    @property
    def statement(self) -> str:
        return ACCEPTED if self.sent_to == TO_FORMER else ACCEPTED_TO_MOVER


def compose(reason: Reason, *, notified_on: dt.date | None, notifier_name: str, mover_names: tuple[str, ...],
            former: Addressee | None, new: Addressee | None, former_unsuitable: bool = False,
            mover_mail_name: str = "") -> ReceiptNotice:
    """The notice of one 届出. ``former``: the 異動前住所 (None when there is none); ``new``: the 異動後住所;
    ``former_unsuitable``: sending to the former address is not appropriate (j580), so it goes to the person;
    ``mover_mail_name``: the first 異動者's name as their 郵便物送付コード asks (1.1.19), on the envelope when the
    notice goes to them (本人届出 or 異動後住所)."""
    if reason not in NOTIFIABLE:
        raise RegistryError(f"「{reason.label}」の異動には住民異動届受理通知を出力しません（転入・転居・転出・世帯変更の届出、"
                            "出生及び転出証明書に準ずる証明書の交付の手続が対象です。標準仕様書 4.1.0.3）。",
                            code="not_notifiable", field="change")
    if not mover_names:
        raise RegistryError("異動者がいません。", code="no_movers", field="change")
    notifier = notifier_name.strip() or mover_names[0]
    if reason in NO_FORMER_ADDRESS or former is None or not former.address or former_unsuitable:
        if new is None or not new.address:
            raise RegistryError("異動前住所も異動後住所もないため、宛先を決められません。", code="no_address",
                                field="change")
        return ReceiptNotice(notified_on, reason, notifier, mover_names,
                             replace(new, name=mover_mail_name or mover_names[0]), TO_NEW)
    to_name = notifier_name.strip() or mover_mail_name or notifier  # 本人届出: the 異動者's own mail name
    return ReceiptNotice(notified_on, reason, notifier, mover_names, replace(former, name=to_name), TO_FORMER)
