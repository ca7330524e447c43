"""The auditor's questions to the access log (住民記録システム標準仕様書 10.2, j1370: オンラインでの検索・抽出・照会).

"Everything that touched resident X" (their 異動, certificates, every read and search that showed them), by
whom (名前と所属課, not a login name), between two dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from jichitai.audit.labels import OUTCOMES
from jichitai.audit.models import AuditEntry, AuditSubject
from jichitai.common.errors import JichitaiError

JST = ZoneInfo("Asia/Tokyo")
TEXT_FILTERS = ("actor", "action", "resource")


class InquiryError(JichitaiError):
    code = "invalid_filter"


@dataclass(frozen=True)
class Filters:
    actor: str = ""
    action: str = ""
    resource: str = ""
    outcome: str = ""
    subject: str = ""  # 宛名番号
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @classmethod
    def parse(cls, params: Any) -> Filters:
        """From a query string; dates as YYYY-MM-DD (JST days, both ends included)."""
        values = {k: str(params.get(k, "")).strip()[:100] for k in (*TEXT_FILTERS, "outcome", "subject")}
        dates: dict[str, dt.date | None] = {}
        for key, label in (("date_from", "開始日"), ("date_to", "終了日")):
            raw = str(params.get(key, "")).strip()
            try:
                dates[key] = dt.date.fromisoformat(raw) if raw else None
            except ValueError:
                raise InquiryError(f"{label}は YYYY-MM-DD の形で入力してください。", field=key) from None
        if dates["date_from"] and dates["date_to"] and dates["date_from"] > dates["date_to"]:
            raise InquiryError("開始日が終了日より後になっています。", field="date_from")
        if values["outcome"] and values["outcome"] not in OUTCOMES:
            raise InquiryError("結果の指定が正しくありません。", field="outcome")
        return cls(**values, **dates)  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, str]:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.__dict__.items() if v}


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=JST)


def in_period(qs: QuerySet[AuditEntry], date_from: dt.date | None, date_to: dt.date | None) -> QuerySet[AuditEntry]:
    if date_from:
        qs = qs.filter(at__gte=day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=day_start(date_to + dt.timedelta(days=1)))
    return qs


def entries(f: Filters) -> QuerySet[AuditEntry]:
    """The entries matching ``f``, newest first. A 宛名番号 finds the entries about that resident
    (``resident:X``) and those naming them among their subjects (a 異動, a search result list, a 決裁)."""
    qs = in_period(AuditEntry.objects.all(), f.date_from, f.date_to)
    for key in TEXT_FILTERS:
        value = getattr(f, key)
        if key == "actor" and value and ":" not in value:
            qs = qs.filter(actor__in=staff_labels(value))
        elif key == "action" and value:
            qs = qs.filter(Q(action=value) | Q(action__startswith=f"{value}."))
        elif value:
            qs = qs.filter(**{f"{key}__startswith": value})
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.subject:
        seqs = AuditSubject.objects.filter(subject=f.subject).values("seq")
        qs = qs.filter(Q(seq__in=seqs) | Q(resource=f"resident:{f.subject}"))
    return qs.order_by("-seq")


def staff_labels(name: str) -> list[str]:
    """The actor labels of the staff an auditor means by 「山田」 or 「madoguchi」 (name or 職員番号, in part)."""
    from jichitai.accounts.models import Staff

    found = Staff.objects.filter(Q(full_name__contains=name) | Q(username__startswith=name))
    return [f"staff:{u}" for u in found.values_list("username", flat=True)[:500]]


@dataclass(frozen=True)
class Person:
    label: str
    name: str
    department: str

    def __str__(self) -> str:
        return f"{self.name}（{self.department}）" if self.department else self.name


SYSTEM_LABELS = {"anonymous": "未ログイン", "system:": "システム", "resident:": "住民本人"}


def people(labels: Iterable[str]) -> dict[str, Person]:
    """Who each actor label is, by name and 所属課 (staff), or what kind of actor it is otherwise."""
    from jichitai.accounts.models import Staff

    labels = set(labels)
    usernames = {lab[len("staff:"):] for lab in labels if lab.startswith("staff:")}
    staff = {s.username: s for s in Staff.objects.filter(username__in=usernames).select_related("department")}
    out: dict[str, Person] = {}
    for lab in labels:
        if lab.startswith("staff:"):
            s = staff.get(lab[len("staff:"):])
            out[lab] = Person(lab, f"{s.full_name}（{s.username}）" if s else lab,
                              s.department.name if s and s.department else "")
        else:
            kind = next((v for k, v in SYSTEM_LABELS.items() if lab == k or (k.endswith(":") and lab.startswith(k))),
                        "")
            out[lab] = Person(lab, f"{kind} {lab}" if kind else lab, "")
    return out


def with_people(rows: list[AuditEntry]) -> list[tuple[AuditEntry, Person]]:
    names = people(e.actor for e in rows)
    return [(e, names[e.actor]) for e in rows]
