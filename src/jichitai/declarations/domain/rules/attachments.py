"""What the attachments say, against what is claimed: an attached file is read (domain/documents.py), never
trusted for its presence alone (DE05 and DE06 ask for the file; these rules read it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from jichitai.declarations.domain.documents import (
    OCR_MIN_CONFIDENCE,
    Reading,
    name_key,
    names_shown,
    read,
    statement_amount,
    statement_unconfirmed,
)
from jichitai.declarations.domain.facts import Facts
from jichitai.declarations.domain.model import ATTACHMENT_KINDS, Declaration
from jichitai.declarations.domain.rulebook import Finding, Rule, Severity, rule


def _readings(d: Declaration, kind: str) -> list[Reading]:
    return [read(kind, a.document, d.income_year) for a in d.attached(kind)]


def _known(d: Declaration, f: Facts) -> list[str]:
    """Whose 医療費 the filer may claim, by name: the filer (name and reading), the relatives claimed and the
    members of the filer's household in the registry — 医療費控除 is for the filer and the relatives who share
    the filer's livelihood (地方税法第314条の2第1項第1号)."""
    people = [*(() if f.person is None else (f.person,)), *f.household]
    return [n for n in (d.name, d.kana, *(x.name for x in d.relatives), *(p.name for p in people),
                        *(p.kana for p in people)) if n]


def _strangers(d: Declaration, f: Facts, readings: list[Reading]) -> list[str]:
    """Names on a 医療費通知 (①被保険者等の氏名, ③療養を受けた者) who are none of :func:`_known` (names folded:
    異体字, kana, spaces)."""
    known = {name_key(n) for n in _known(d, f)}
    seen = [n for x in readings if x.source == "xml" and x.usable for n in x.names if n]
    return list(dict.fromkeys(n for n in seen if name_key(n) not in known))


def _unnamed_scans(d: Declaration, f: Facts, kind: str = "medical_detail", known: list[str] | None = None,
                   typed: tuple[str, ...] = ("lines", "xml")) -> list[str]:
    """The scanned documents of ``kind`` (OCR readings good enough to be trusted) on which none of ``known``
    (default :func:`_known`) can be read: a document in another person's name, or one the clerk must read for the
    name. Attachments whose content was entered as ``typed`` data instead of scanned are not looked at."""
    known = _known(d, f) if known is None else known
    out = []
    for a in d.attached(kind):
        ocr = a.document.get("ocr") or {}
        if any(t in a.document for t in typed) or ocr.get("problem") or not ocr.get("text"):
            continue
        if int(ocr.get("confidence") or 0) >= OCR_MIN_CONFIDENCE and not names_shown(str(ocr["text"]), known):
            out.append(a.filename or ("領収書" if kind == "medical_detail" else "受領証明書"))
    return out


def _donor_names(d: Declaration, f: Facts) -> list[str]:
    """The filer, as the declaration and the registry write them: a 寄附金控除 is for gifts the taxpayer made
    (地方税法第314条の7第1項 「所得割の納税義務者が…寄附金を支出し」), not a relative's."""
    return [n for n in (d.name, d.kana, *(() if f.person is None else (f.person.name, f.person.kana))) if n]


def _unread(readings: list[Reading]) -> str:
    """Why none could be used, in words: each attachment's problem, or its OCR confidence below the bar."""
    reasons = []
    for r in readings:
        if r.problem:
            reasons.append(r.problem)
        elif r.source == "ocr":
            reasons.append(f"読み取りの信頼度 {r.confidence or 0}%（{OCR_MIN_CONFIDENCE}%未満）")
    return "、".join(dict.fromkeys(reasons)) or "金額の記載なし"


@dataclass(frozen=True)
class _Words:
    """How one rule names its documents and its claim, in its two texts."""

    document: str  # 書類 / 受領証明書
    what: str  # 医療費 / 寄附
    claim: str  # 申告された支払医療費 / 申告された寄附金
    unread_advice: str
    short_advice: str
    look: str  # what the clerk checks when nothing could be read
    others: str  # what the clerk checks when the documents show less


def _compare(r: Rule, readings: list[Reading], claimed: int, w: _Words) -> Iterator[Finding]:
    """The documents that could be used must show at least ``claimed``; nothing readable, or less, is a finding
    with what was read (each attachment's reading and its OCR confidence) for the clerk."""
    usable = [x for x in readings if x.usable]
    found = sum(x.total or 0 for x in usable)
    detail = " / ".join(x.describe() for x in readings)
    if not usable:
        reason = _unread(readings)
        yield r.finding(claimed=claimed, found=detail, check=f"読み取れない（{reason}）。{w.look}。",
                        message=f"添付された{w.document}から{w.what}の金額を読み取れませんでした（{reason}）。"
                        f"{w.unread_advice}")
    elif found < claimed:
        yield r.finding(claimed=claimed, found=detail,
                        check=f"{w.document}の合計 {found:,}円 が申告より {claimed - found:,}円 少ない。{w.others}。",
                        message=f"添付された{w.document}の{w.what}の合計（{found:,}円）が、{w.claim}（{claimed:,}円）より"
                        f"{claimed - found:,}円少なくなっています。職員が確認します。{w.short_advice}")


MEDICAL_WORDS = _Words(
    "書類", "医療費", "申告された支払医療費",
    "職員が書類を確認します。マイナポータルの医療費通知情報（XML）か、医療費控除の明細書の添付をお勧めします。",
    "足りない分の領収書や医療費通知があれば添付してください。", "書類を目視で確認", "ほかの領収書・通知の有無を確認",
)
DONATION_WORDS = _Words(
    "受領証明書", "寄附", "申告された寄附金", "職員が証明書を確認します。",
    "ほかの受領証明書があれば添付してください。", "証明書を目視で確認", "ほかの証明書の有無を確認",
)


@rule(
    "DE09",
    "医療費控除の明細書・医療費通知の金額",
    Severity.CLERK,
    "地方税法第314条の2第1項第1号・第317条の2第1項・第4項、所得税法第120条第4項（医療費控除の明細書、"
    "または医療費通知（被保険者等の氏名・療養を受けた年月・療養を受けた者・病院等の名称・支払った医療費の額・"
    "保険者等の名称の記載があるもの。国税庁タックスアンサーNo.1119）の添付。明細書の記載は本人の申告として"
    "受け付け、領収書は5年間保存）",
    "{message}",
    "医療費 申告 {claimed}円 / 添付書類 {found}。{check}",
)
def medical_documents_read(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """The 医療費 claimed must be shown by what is attached: the 医療費通知情報 (its 療養 of the income year
    summed) and the 明細書's lines together at least the amount paid; a scan is read by OCR and its amount
    trusted only above :data:`OCR_MIN_CONFIDENCE`. A well-formed document that shows the amount lets the claim
    pass; a mismatch or nothing readable goes to a clerk, with what was read."""
    paid, _ = d.medical
    readings = _readings(d, "medical_detail")
    if paid <= 0 or not readings:  # no claim, or no attachment at all (DE05): nothing to compare
        return
    found = list(_compare(r, readings, paid, MEDICAL_WORDS))
    yield from found
    strangers = [] if found else _strangers(d, f, readings)
    unnamed = [] if found or strangers else _unnamed_scans(d, f)
    if unnamed:
        files = "、".join(unnamed)
        yield r.finding(claimed=paid, found=" / ".join(x.describe() for x in readings),
                        check=f"画像の読み取り（{files}）に申告者・世帯員・申告した親族の氏名が見当たらない。"
                        "領収書の宛名を目視で確認し、別の方なら生計を一にする親族か確認。",
                        message=f"添付の領収書（{files}）から、あなたや申告したご家族のお名前を読み取れませんでした。"
                        "職員が領収書の宛名を確認します（生計を一にするご家族の医療費は含められます）。")
    if strangers:
        names = "、".join(strangers)
        yield r.finding(claimed=paid, found=" / ".join(x.describe() for x in readings),
                        check=f"通知の氏名 {names} が申告者・世帯員・申告した親族のいずれとも一致しない。生計を一にする親族か確認。",
                        message=f"医療費通知に記載された方（{names}）が、あなたや同じ世帯の家族として市が把握している方と"
                        "一致しません。職員が確認します（別に住む家族の医療費は、生計を一にしていれば含められます）。")


@rule(
    "DE10",
    "寄附金の受領証明書の金額",
    Severity.CLERK,
    "地方税法第314条の7第1項（その年中に支出した寄附金）、第317条の2第1項・地方税法施行規則（寄附金の受領を"
    "証する書類の添付）",
    "{message}",
    "寄附金 申告 {claimed}円 / 受領証明書 {found}。{check}",
)
def donation_receipts_read(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """The 寄附金 claimed must be shown by the 受領証明書: the gifts of the income year on them at least the
    amount claimed. Each receipt is entered with its 寄附先・金額・寄附日; where the scan was read by OCR, the
    amounts entered must appear in it, and so must the filer's name — the 寄附者 (a relative's gift is not the
    filer's deduction)."""
    claimed = sum(d.donations.values())
    readings = _readings(d, "donation_receipt")
    if not (claimed > 0 and readings):  # no claim, or no receipt at all (DE06)
        return
    found = list(_compare(r, readings, claimed, DONATION_WORDS))
    yield from found
    unnamed = [] if found else _unnamed_scans(d, f, "donation_receipt", _donor_names(d, f), typed=())
    if unnamed:
        files = "、".join(unnamed)
        others = names_shown(" ".join(str((a.document.get("ocr") or {}).get("text", ""))
                                      for a in d.attached("donation_receipt") if (a.filename or "受領証明書") in unnamed),
                             [n for n in _known(d, f) if n not in _donor_names(d, f)])
        whose = f"（読み取れた氏名: {'、'.join(dict.fromkeys(others))}）" if others else ""
        yield r.finding(claimed=claimed, found=" / ".join(x.describe() for x in readings),
                        check=f"受領証明書の画像（{files}）に申告者の氏名が見当たらない{whose}。寄附者名を目視で確認し、"
                        "申告者本人の寄附でなければ控除から除く。",
                        message=f"添付の受領証明書（{files}）から、寄附をしたあなたのお名前を読み取れませんでした{whose}。"
                        "寄附金控除は、申告するご本人が支出した寄附金が対象です。職員が証明書の寄附者名を確認します。")


def _statement_sum(d: Declaration, kinds: tuple[str, ...], key: str) -> tuple[int, int]:
    """(sum of ``key`` over the statements that carry it, how many carry it) among the attachments of ``kinds``."""
    values = [v for k in kinds for a in d.attached(k) if (v := statement_amount(a.document, key)) is not None]
    return sum(values), len(values)


def _unconfirmed(d: Declaration, kinds: tuple[str, ...], keys: tuple[str, ...]) -> str:
    """Each statement whose file, read at intake, does not show the amounts entered with it: 「file: why」."""
    return "、".join(f"{a.filename or ATTACHMENT_KINDS.get(a.kind, a.kind)}（{why}）" for k in kinds
                    for a in d.attached(k) if (why := statement_unconfirmed(a.document, keys)))


@rule(
    "IN07",
    "配当割額と特定口座年間取引報告書の金額",
    Severity.CLERK,
    "地方税法第37条の4・第314条の9（配当割額控除: 所得割の課税標準に算入した配当等に係る配当割額）、"
    "第317条の2第1項（申告事項）",
    "{message}",
    "配当割額 申告 {claimed}円 / 添付の報告書の記載 {found}円（{count}通）。{check}",
)
def dividend_statement_amount(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """The 配当割額 credited must be shown by the statements attached, three ways in agreement: the claim, the
    amounts entered from each statement (配当等の額・配当割額) and what was read of its file. The statements'
    配当割額 summed at least the amount claimed; a file read at intake must show the amounts entered (a
    statement without its amounts entered is IN06's presence check only)."""
    claimed = d.dividends["withheld"]
    found, count = _statement_sum(d, ("dividend_statement",), "withheld")
    if claimed <= 0 or not count:
        return
    if found < claimed:
        yield r.finding(claimed=claimed, found=found, count=count,
                        check=f"差額 {claimed - found:,}円: ほかの口座の報告書の有無を確認。",
                        message=f"申告された配当割額（{claimed:,}円）が、添付の特定口座年間取引報告書・支払通知書の"
                        f"配当割額（{found:,}円）より{claimed - found:,}円多くなっています。職員が確認します。"
                        "ほかの報告書があれば添付してください。")
    elif unread := _unconfirmed(d, ("dividend_statement",), ("dividend", "withheld")):
        yield r.finding(claimed=claimed, found=found, count=count,
                        check=f"入力された金額を書類の読み取りで確認できない: {unread}。書類を目視で確認。",
                        message=f"添付の報告書から、入力された金額を確認できませんでした（{unread}）。職員が書類を"
                        "確認します。")


HOUSING_DOCUMENTS = ("housing_loan_statement", "withholding_slip")


@rule(
    "DE12",
    "住宅借入金等特別税額控除と控除可能額",
    Severity.CLERK,
    "地方税法附則第5条の4の2第1項（所得税の住宅借入金等特別控除可能額のうち所得税で控除しきれなかった額を、"
    "限度額の範囲で控除）",
    "{message}",
    "住宅借入金等特別税額控除 申告 {claimed}円 / 添付書類の控除可能額 {found}円（{count}通）: {check}",
)
def housing_loan_available(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """The 住民税 credit is at most what the 所得税's 控除可能額 leaves: never more than the 可能額 less the
    所得税で控除した額 as a 源泉徴収票 or 計算明細書 attached shows them (where the amounts were entered; the
    documents of one home repeat its figures, so the largest remainder counts, not their sum), and a file read at
    intake must show the amounts entered."""
    claimed = int(d.case.get("housing_loan_credit") or 0)
    docs = [a.document for k in HOUSING_DOCUMENTS for a in d.attached(k)
            if statement_amount(a.document, "available") is not None]
    if claimed <= 0 or not docs:
        return
    found = max(statement_amount(x, "available") or 0 for x in docs)
    left = max((statement_amount(x, "available") or 0) - (statement_amount(x, "used") or 0) for x in docs)
    words = "住民税から控除できるのは、可能額のうち所得税で控除しきれなかった額までです。職員が確認します。"
    if claimed > found:
        yield r.finding(claimed=claimed, found=found, count=len(docs), check="可能額を超える。",
                        message=f"申告された住宅借入金等特別税額控除（{claimed:,}円）が、添付書類の住宅借入金等特別"
                        f"控除可能額（{found:,}円）を超えています。{words}")
    elif claimed > left:
        yield r.finding(claimed=claimed, found=found, count=len(docs),
                        check=f"可能額から所得税で控除した額を引いた残り {left:,}円 を超える。",
                        message=f"申告された住宅借入金等特別税額控除（{claimed:,}円）が、添付書類の可能額から所得税で"
                        f"控除した額を引いた残り（{left:,}円）を超えています。{words}")
    elif unread := _unconfirmed(d, HOUSING_DOCUMENTS, ("available", "used")):
        yield r.finding(claimed=claimed, found=found, count=len(docs),
                        check=f"入力された金額を書類の読み取りで確認できない: {unread}。書類を目視で確認。",
                        message=f"添付書類から、入力された金額を確認できませんでした（{unread}）。職員が書類を確認します。")
