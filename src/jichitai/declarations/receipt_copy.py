"""The 控え (the resident's copy of a submitted declaration) as PDF: what was filed, with its 受付番号 and the time it
reached the city, the amounts in words and yen, the relatives by name, 続柄 and 和暦 birth date (never a
個人番号), each attachment with what was read of it, and the review's current result. Typst, the one PDF engine
(registry/certificates/render.typst_pdf)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone

from jichitai.common.money import format_yen
from jichitai.common.wareki import fiscal_year_label, to_wareki
from jichitai.declarations.domain.documents import read as read_document
from jichitai.declarations.domain.model import ATTACHMENT_KINDS, PATTERN_LABELS, Pattern
from jichitai.declarations.filing import record_of
from jichitai.declarations.models import Declaration
from jichitai.declarations.portal.forms import amounts_in_words

TEMPLATE = Path(__file__).parent / "templates" / "declarations" / "pdf" / "receipt_copy.typ"
RELATIONS = {"spouse": "配偶者", "child": "子", "parent": "父母", "grandparent": "祖父母", "grandchild": "孫",
             "sibling": "兄弟姉妹", "other": "その他の親族"}
STATUS_WORDS = {"widow": "寡婦", "single_parent": "ひとり親", "working_student": "勤労学生"}
DISABILITY = {"general": "障害者", "special": "特別障害者"}


def _moment(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return f"{to_wareki(local.date())} {local:%H時%M分}"


def _relative(r: dict[str, Any], role: str) -> list[str]:
    born = r.get("birth_date")
    try:
        birth = to_wareki(dt.date.fromisoformat(born)) + "生" if born else "—"
    except ValueError:
        birth = str(born)
    marks = [DISABILITY[r["disability"]]] if r.get("disability") in DISABILITY else []
    if role == "dependent" and r.get("cohabiting") is False:
        marks.append("別居")
    return [str(r.get("name") or "—"), "配偶者" if role == "spouse" else RELATIONS.get(r.get("relation") or "other",
            "その他の親族"), birth, format_yen(int(r.get("total_income") or 0)), "・".join(marks) or "—"]


def copy_data(d: Declaration) -> dict[str, Any]:
    """What the 控え prints (plain text and numbers; Typst places them as text, never markup)."""
    record = record_of(d)
    case = record.get("case") or {}
    amounts = amounts_in_words(record)
    if int(case.get("housing_loan_credit") or 0):
        amounts.append(("住宅借入金等特別税額控除（住民税）", format_yen(int(case["housing_loan_credit"]))))
    tp = case.get("taxpayer") or {}
    status = [w for k, w in STATUS_WORDS.items() if tp.get(k)]
    if tp.get("disability") in DISABILITY:
        status.append(DISABILITY[tp["disability"]])
    relatives = ([_relative(case["spouse"], "spouse")] if case.get("spouse") else []) + \
        [_relative(x, "dependent") for x in case.get("dependents") or []]
    attachments = [[a.filename, ATTACHMENT_KINDS.get(a.kind, "その他"),
                    read_document(a.kind, a.document or {}, d.fiscal_year - 1).describe()]
                   for a in d.attachment_files.order_by("id")]
    last = d.decisions.order_by("decided_at", "id").last()
    return {
        "title": f"{fiscal_year_label(d.fiscal_year)} 市民税・県民税申告書（控え）",
        "receipt_number": d.receipt_number or "（未提出）",
        "submitted": _moment(d.submitted_at),
        "printed": _moment(timezone.now()),
        "name": d.name, "kana": d.kana,
        "pattern": PATTERN_LABELS[Pattern(d.pattern)],
        "status": d.status_label,
        "tax": format_yen(int((d.computed or {}).get("total") or 0)) if d.computed else "—",
        "amounts": amounts or [("収入・控除の記載", "なし")],
        "own_status": "・".join(status) or "該当なし",
        "relatives": relatives,
        "attachments": attachments,
        "findings": [f.get("resident_message", "") for f in (last.findings if last else [])
                     if f.get("severity") != "note"],
        "note": "この控えは、提出された申告の内容を写したものです。税額は申告時点の見込みで、"
                "決定した税額は税額決定通知書でお知らせします。",
    }


def copy_pdf(d: Declaration) -> bytes:
    from jichitai.registry.certificates.render import typst_pdf

    return typst_pdf(TEMPLATE, copy_data(d))
