"""税額決定通知書 (地方税法第319条の2 / 第320条 の通知) as an A4 PDF per taxpayer, from a stored assessment version.

Rendered with Typst, the one PDF engine (registry.certificates.render.typst_pdf), from
``templates/tax/notices/assessment_notice.typ``: the 送付先 in words with its 郵便番号 (tax.collection.notices.
mailing_address), the amounts, every step of the computation with its legal basis, the 発行者 in force and the
審査請求 notice. No internal strings (parameter versions, sources, version numbers) are printed; a later version
says 「税額変更」 in its title.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jichitai.common.money import format_yen
from jichitai.common.wareki import fiscal_year_label, to_wareki
from jichitai.tax.models import Assessment

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "tax" / "notices" / "assessment_notice.typ"


def notice_context(a: Assessment, person: dict[str, Any], on: dt.date | None = None) -> dict[str, Any]:
    r = a.explanation()
    rows = [(s["rule"], format_yen(s["value"]) if isinstance(s["value"], int) and not isinstance(s["value"], bool)
             else ("該当" if s["value"] else "非該当"), s["basis"]) for s in r["steps"]]
    kind = "税額変更通知書" if a.version > 1 else "税額決定通知書"
    municipality = r["municipality"]["name"]
    return {
        "title": f"{fiscal_year_label(a.fiscal_year)} 市民税・県民税・森林環境税 {kind}",
        "issued": to_wareki(on or dt.date.today()), "rows": rows, "municipality": municipality,
        "recipient": person, "atena_number": a.atena_number,
        "amounts": [("市民税", format_yen(r["city_income_levy"] + r["city_per_capita"])),
                    ("県民税", format_yen(r["pref_income_levy"] + r["pref_per_capita"])),
                    ("森林環境税", format_yen(r["forest_env_tax"])), ("年税額", format_yen(r["total"]))],
        "notes": r.get("notes", []),
        "appeal": f"この決定に不服がある場合は、この通知を受けた日の翌日から起算して3か月以内に{municipality}長に対して審査請求を"
                  "することができます（行政不服審査法第18条）。",
    }


def render_pdf(a: Assessment, *, on: dt.date | None = None, actor: Any = "system:tax-notice") -> bytes:
    """The notice of assessment version ``a``, mailed to the taxpayer: name, 郵便番号 and address in words from the
    registry's current row, through the Shield (mailing_address: a protected person's notice is recorded for the
    支援措置責任者)."""
    from jichitai.registry.certificates import certifiers
    from jichitai.registry.certificates.render import typst_pdf
    from jichitai.tax.collection.notices import mailing_address

    day = on or dt.date.today()
    data = notice_context(a, mailing_address(a.atena_number, actor=actor), day)
    c = certifiers.certifier_on(day)
    data["issuer"] = f"{c.title}　{c.name}"
    return typst_pdf(TEMPLATE, data)
