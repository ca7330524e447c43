"""税額決定通知書 (地方税法第319条の2 / 第320条 の通知) as an A4 PDF per taxpayer, from a stored assessment version.

Rendered with WeasyPrint from a Django template with the installed Japanese fonts (IPAex / Noto CJK); nothing
fetched at run time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string

from jichitai.common.money import format_yen
from jichitai.common.wareki import fiscal_year_label, to_wareki
from jichitai.tax.models import Assessment


def notice_context(a: Assessment, person: dict[str, Any]) -> dict[str, Any]:
    r = a.explanation()
    rows = [(s["rule"], format_yen(s["value"]) if isinstance(s["value"], int) and not isinstance(s["value"], bool)
             else ("該当" if s["value"] else "非該当"), s["basis"]) for s in r["steps"]]
    return {
        "a": a, "person": person, "title": f"{fiscal_year_label(a.fiscal_year)} 市民税・県民税・森林環境税 税額決定通知書",
        "issued": to_wareki(dt.date.today()), "rows": rows, "municipality": r["municipality"]["name"],
        "amounts": [("市民税", format_yen(r["city_income_levy"] + r["city_per_capita"])),
                    ("県民税", format_yen(r["pref_income_levy"] + r["pref_per_capita"])),
                    ("森林環境税", format_yen(r["forest_env_tax"])), ("年税額", format_yen(r["total"]))],
        "notes": r.get("notes", []),
    }


def render_pdf(a: Assessment, *, actor: Any = "system:tax-notice") -> bytes:
    """The notice of assessment version ``a``, mailed to the taxpayer (name and address from the registry's
    current row, through the Shield: a protected person's notice is recorded for the 支援措置責任者)."""
    from weasyprint import HTML

    from jichitai.registry import suppression
    from jichitai.registry.models import Resident

    row = Resident.objects.filter(atena_number=a.atena_number).values(
        "name", "kana", "postcode", *suppression.PLACE_COLUMNS).first()
    person: dict[str, Any] = dict(row or {"name": a.atena_number})
    suppression.screen_addresses(actor, [row] if row else [], audience=suppression.SELF, action="tax.notice",
                                 via="tax.notice")
    html = render_to_string("tax/notice.html", notice_context(a, person))
    return bytes(HTML(string=html).write_pdf())
