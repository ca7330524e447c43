"""What an outbox event carries about its person, shared by the 異動 (registry/rowwriter.py) and the events that are
no 異動 (a 郵便物送付コード set, registry/mailing_codes.py).

Every event carries the person's whole state after it — the snapshot without 個人番号, plus the items held beside
the 住民票 that the hub offers (the 郵便物送付コード) — so the hub's 全件 (each person's latest event) is the whole
state whichever kind of event came last.
"""

from __future__ import annotations

from typing import Any

from jichitai.registry.domain.mailing_code import MailingCode
from jichitai.registry.domain.person import Person

MAILING_CODE_KEY = "mailing_code"


def snapshot(person: Person, mailing_code: MailingCode | str) -> dict[str, Any]:
    """The person's items (dates as dates: the column's encoder writes ISO text) without 個人番号, and the
    郵便物送付コード in force (``""``: 指定なし)."""
    items = person.fields_dict()
    del items["my_number"]
    items[MAILING_CODE_KEY] = MailingCode(mailing_code).value
    return items
