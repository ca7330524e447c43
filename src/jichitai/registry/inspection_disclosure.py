"""閲覧の状況の公表 (住民基本台帳法第11条第3項・第11条の2第12項; 住民基本台帳の一部の写しの閲覧及び住民票の写し等の
交付に関する省令第3条): at least once a year the city publishes who saw the 住民基本台帳の一部の写し, why, when and
which residents the list covered.

What is published, per list made (the recorded 閲覧の請求・申出, registry/inspection.py):
- the 国又は地方公共団体の機関's name (第11条第3項), or the 申出者's name — for a 法人 its name and its 代表者又は管理人
  (第11条の2第12項);
- the 請求事由 or 利用目的 in summary;
- 閲覧の年月日 and 閲覧に係る住民の範囲 (省令第3条): the day the list was made and its 抽出条件 in words (町字 by
  name, the age on the 基準日, the sex).
Left out, as 第11条の2第12項 says: a 申出 for 居住関係の確認 (第11条の2第1項第3号 — a private person's litigation
or the like; published, it would say whose residence someone looked for). Not yet told apart: a 第11条 請求 whose
請求事由 cannot be made clear (犯罪捜査等): its recorded 利用目的 is published as written, so the clerk records such a
request's purpose as 「法令で定める事務の遂行のため（根拠法令名）」.

A period is a 年度 (4月1日–3月31日) by default, as cities publish it.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common import csvout
from jichitai.common.errors import PermissionRefused
from jichitai.common.wareki import to_wareki
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.inspection import SEXES
from jichitai.registry.models import InspectionRequest, Town

ACTION = "registry.inspection"
NOT_PUBLISHED = frozenset({"residence"})      # 第11条の2第1項第3号
KINDS = {"official": "国又は地方公共団体の機関", "private": "個人又は法人"}
HEADER = ["番号", "区分", "請求者・申出者", "請求事由・利用目的の概要", "閲覧の年月日", "閲覧に係る住民の範囲"]


@dataclass(frozen=True)
class Disclosed:
    kind: str
    who: str
    purpose: str
    day: dt.date
    scope: str

    def cells(self, n: int) -> list[str]:
        return [str(n), self.kind, self.who, self.purpose, to_wareki(self.day), self.scope]


@dataclass(frozen=True)
class Report:
    start: dt.date
    end: dt.date
    rows: list[Disclosed]
    left_out: int             # 第11条の2第1項第3号, counted here, never listed

    @property
    def period(self) -> str:
        return f"{to_wareki(self.start)}から{to_wareki(self.end)}まで"


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def _scope(criteria: dict[str, Any], towns: dict[str, Town]) -> str:
    """「中央区加納町、中央区三宮町のうち令和8年12月1日現在で20歳以上39歳以下・女性」."""
    names = "、".join(f"{t.ward_name}{t.name}" if (t := towns.get(c)) else "（廃止された町字）"
                     for c in criteria.get("town_codes", []))
    narrower = []
    low, high = criteria.get("age_from"), criteria.get("age_to")
    if low is not None or high is not None:
        narrower.append(f"{to_wareki(dt.date.fromisoformat(criteria['on']))}現在で" +
                        ("" if low is None else f"{low}歳以上") + ("" if high is None else f"{high}歳以下"))
    if criteria.get("sex"):
        narrower.append(f"{SEXES[criteria['sex']]}性")
    return names + (f"のうち{'・'.join(narrower)}" if narrower else "")


def _who(r: InspectionRequest) -> str:
    return f"{r.requester_name}（{r.representative}）" if r.representative else r.requester_name


def report(actor: Any, start: dt.date, end: dt.date) -> Report:
    """The lists made from ``start`` to ``end`` (inclusive, by the day made in Japan), oldest first."""
    if not allowed(actor, ACTION):
        audit.record(actor, ACTION, "inspection:disclosure", "refused")
        raise PermissionRefused()
    if end < start:
        raise RegistryError("公表期間の終わりが始まりより前です。", code="bad_period", field="end")
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, zone)
    found = list(InspectionRequest.objects.filter(created_at__gte=since, created_at__lt=until).order_by("created_at"))
    towns = {t.code: t for t in Town.objects.filter(code__in={c for r in found
                                                               for c in r.criteria.get("town_codes", [])})}
    rows = [Disclosed(KINDS.get(r.requester_kind, r.requester_kind), _who(r), r.purpose,
                      timezone.localtime(r.created_at).date(), _scope(r.criteria, towns))
            for r in found if r.purpose_kind not in NOT_PUBLISHED]
    audit.record(actor, ACTION, "inspection:disclosure", "ok", start=start.isoformat(), end=end.isoformat(),
                 count=len(rows))
    return Report(start, end, rows, len(found) - len(rows))


def csv_bytes(made: Report) -> bytes:
    """The list as published: UTF-8 with BOM (opens in a spreadsheet), one row a list made."""
    out = io.StringIO()
    w = csvout.writer(out, for_people=True)
    w.writerow(HEADER)
    for n, row in enumerate(made.rows, start=1):
        w.writerow(row.cells(n))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
