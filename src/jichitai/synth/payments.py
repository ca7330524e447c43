"""A small synthetic コンビニ収納 速報 file for the demo city: some of the 普通徴収 期 paid with the stored slips'
barcodes, in the layout `jichitai tax payments import` reads (docs/tax-year.md 「収納」), and one row whose amount
is not the slip's, so that the demo shows the unmatched list too. Deterministic: the same schedules give the same
file, so a second import records nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jichitai.common import csvout
from jichitai.tax.collection import payment_slip
from jichitai.tax.collection.models import CollectionInstalment, CollectionSchedule
from jichitai.tax.collection.receipts import COLUMNS

HEADER = [*COLUMNS[:2], "収納時刻", "店舗コード", *COLUMNS[2:]]


def rows(fiscal_year: int, *, people: int = 60) -> list[list[str]]:
    """第1期 of the first ``people`` with 普通徴収 (宛名番号 order), 第2期 too for every third, paid three days before
    the 納期限; then the first row again under a new 記録番号 with 1円 less (unmatched: not the slip's amount)."""
    code, limit, _ = payment_slip.configured_biller()
    if code is None:
        return []
    out: list[list[str]] = []
    schedules = (CollectionSchedule.objects.filter(fiscal_year=fiscal_year, current=True, ordinary_total__gt=0)
                 .order_by("atena_number").values_list("id", "atena_number", "assessment_version")[:people])
    for n, (sid, atena, version) in enumerate(schedules):
        ordinary = list(CollectionInstalment.objects.filter(schedule_id=sid, method="ordinary").order_by("position")
                        .values_list("due", "amount"))
        for term, (due, amount) in enumerate(ordinary[: 2 if n % 3 == 0 else 1], start=1):
            if not 0 < amount <= min(limit, payment_slip.GUIDELINE_MAX):
                continue
            barcode = payment_slip.payload(code, payment_slip.free_field(fiscal_year, atena, version, term),
                                           due=due, amount=amount)
            paid_on = due - dt.timedelta(days=3)
            out.append(["1", paid_on.strftime("%Y%m%d"), "1200", f"{n % 7 + 1:07d}",
                        f"DEMO{fiscal_year}-{atena}-{term:02d}", barcode, str(amount)])
    if out:
        wrong = list(out[0])
        wrong[4], wrong[6] = wrong[4] + "-X", str(int(wrong[6]) - 1)
        out.append(wrong)
    return out


def write(fiscal_year: int, path: Path, *, people: int = 60) -> int:
    """The file at ``path`` (UTF-8); the number of rows written."""
    data = rows(fiscal_year, people=people)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csvout.writer(f, for_people=False)  # the 収納代行's layout, read back exactly by the import
        w.writerow(HEADER)
        w.writerows(data)
    return len(data)
