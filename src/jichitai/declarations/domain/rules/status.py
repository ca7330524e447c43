"""The filer's own 人的控除 (寡婦, ひとり親, 障害者, 勤労学生) against what the city holds.

Definitions: 所得税法第2条第1項第28号〜第32号 (障害者, 特別障害者, 寡婦, ひとり親, 勤労学生), which 地方税法第292条
第1項 follows for 住民税; the deductions: 地方税法第314条の2第1項第6号 (障害者控除), 第8号 (寡婦控除), 第8号の2
(ひとり親控除), 第9号 (勤労学生控除). Each status is judged on 12月31日 of the income year (同条第3項, following
所得税法第85条第1項).

What the city can see: the household and its 続柄 (a 「妻（未届）」「夫（未届）」 is the 事実上婚姻関係と同様の事情 that
excludes 寡婦 and ひとり親, 所得税法施行規則第1条の3・第1条の4), the registry's sex, and the 障害者福祉 system's
手帳 records. What it cannot see — a marriage to someone living elsewhere, a divorce or a death recorded in the
戸籍, 在学 — the law lets the filer state on the 申告書 (or the 扶養控除等申告書: no document is required for
those, 所得税法第194条); each rule says which.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from jichitai.common.wareki import legal_age_on
from jichitai.declarations.domain.documents import certificate_summary, names_shown
from jichitai.declarations.domain.facts import Claim, DisabilityRecord, Facts, KnownPerson
from jichitai.declarations.domain.kinship import Kinship, kinship
from jichitai.declarations.domain.limits import limits_for
from jichitai.declarations.domain.model import Declaration
from jichitai.declarations.domain.rulebook import Finding, Rule, Severity, rule

DISABILITY_LABELS = {"general": "障害者", "special": "特別障害者", "special_cohabiting": "同居特別障害者"}
STUDENT_AGE = 30  # above it a 勤労学生 claim is checked by a clerk (an adult student is lawful but rare)


def year_end(d: Declaration) -> dt.date:
    return dt.date(d.income_year, 12, 31)


def household_kin(f: Facts, d: Declaration) -> list[tuple[KnownPerson, Kinship]]:
    """The filer's household on 12月31日 as far as the registry shows it (the members now, less anyone born
    later), each with their relation to the filer."""
    if f.person is None:
        return []
    end = year_end(d)
    return [(m, kinship(f.person.relationship, m.relationship, member_female=m.sex == "F"))
            for m in f.household if m.birth_date is None or m.birth_date <= end]


def partner_at_home(f: Facts, d: Declaration) -> tuple[KnownPerson, Kinship] | None:
    """A 配偶者 or a 未届の配偶者 in the filer's household."""
    return next(((m, k) for m, k in household_kin(f, d) if k.path in (("s",), ("u",))), None)


def _is_man(d: Declaration, f: Facts) -> bool:
    return (f.person is not None and f.person.sex == "M") or d.taxpayer.get("sex") == "male"


@rule(
    "ST01",
    "寡婦控除の要件",
    Severity.CLERK,
    "所得税法第2条第1項第30号（寡婦: 夫と死別・離婚した女性で婚姻していない者、事実上の婚姻関係にある者を除く）、"
    "同法施行規則第1条の3、地方税法第292条第1項・第314条の2第1項第8号",
    "寡婦控除は{why}ため、このままでは受けられません。{action}",
    "寡婦控除の申告だが {why}（{evidence}）。要件（女性・婚姻していない・事実上の婚姻関係なし）を確認。",
)
def widow_status(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """A man, or someone with a spouse (on this declaration, or in the household on 12月31日 — 未届 included),
    is no 寡婦. The death or divorce itself is in the 戸籍, which the city's tax office does not hold: the law
    lets the filer state it (所得税法第194条, 地方税法第317条の2第1項), so a woman alone is accepted as declared."""
    if not d.taxpayer.get("widow"):
        return
    if _is_man(d, f):
        yield r.finding(severity=Severity.RETURN, why="女性が対象の控除です（男性の方は該当しません）",
                        evidence="住民記録の性別 男", action="ひとり親控除の要件をご確認のうえ、申告を直してください。")
        return
    if d.spouse is not None:
        yield r.finding(severity=Severity.RETURN, why="配偶者を申告されている",
                        evidence="同じ申告書に配偶者の記載", action="どちらか正しい方に直してください。")
        return
    home = partner_at_home(f, d)
    if home is not None:
        m, k = home
        yield r.finding(why="同じ世帯に配偶者（未届を含む）がいる", evidence=f"世帯員 {m.name}（{k.label}）",
                        action="職員が確認します。")


CLAIM_ROLE = {"spouse": "同一生計配偶者（配偶者）", "dependent": "扶養親族"}


def claimed_elsewhere(name: str, claims: tuple[Claim, ...]) -> str:
    """「子 神戸 太郎 → 神戸 一郎（宛名番号 …）の扶養親族（給与支払報告書）」: whose, as what, on which document."""
    return "子 " + name + " → " + "、".join(
        f"{c.claimant}の{CLAIM_ROLE.get(c.role, c.role)}（{c.source}）" for c in claims)


@rule(
    "ST02",
    "ひとり親控除の要件",
    Severity.CLERK,
    "所得税法第2条第1項第31号（ひとり親: 婚姻していない者で、生計を一にする子を有する者、事実上の婚姻関係にある者を"
    "除く）、同法施行令第11条の2（子: 総所得金額等58万円以下で、他の者の同一生計配偶者又は扶養親族とされている者以外）、"
    "同法施行規則第1条の4、地方税法第292条第1項第12号・第314条の2第1項第8号の2",
    "ひとり親控除は{why}ため、このままでは受けられません。{action}",
    "ひとり親控除の申告だが {why}（{evidence}）。",
)
def single_parent_status(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """Not with a spouse (declared, or in the household on 12月31日, 未届 included), and with a child of
    the filer who shares the livelihood (所得税法施行令第11条の2): one claimed on this declaration, or a child in the
    household, who
    - earns within the limit (総所得金額等 58万円以下 from 令和8年度, 48万円 before; :func:`limits_for`): its declared
      income and its income as the city's data show it (its own reports, its own 住民税申告 or 確定申告書, through the
      tax engine) — a child with none of these counts (the city cannot know);
    - is not another person's 同一生計配偶者 or 扶養親族: claimed on someone else's declaration, 確定申告書 or
      給与支払報告書・公的年金等支払報告書 (the filer's own reports are the filer's claim).
    Being unmarried is the filer's statement (所得税法第194条: no document)."""
    if not d.taxpayer.get("single_parent"):
        return
    if d.spouse is not None:
        yield r.finding(severity=Severity.RETURN, why="配偶者を申告されている", evidence="同じ申告書に配偶者の記載",
                        action="どちらか正しい方に直してください。")
        return
    home = partner_at_home(f, d)
    if home is not None:
        m, k = home
        yield r.finding(why="同じ世帯に配偶者（未届を含む）がいる", evidence=f"世帯員 {m.name}（{k.label}）",
                        action="職員が確認します。")
        return
    limit = limits_for(d.fiscal_year).dependent_income
    end = year_end(d)
    over: list[str] = []  # the children the city's data show above the limit, for the clerk
    elsewhere: list[str] = []  # the children someone else claims, for the clerk
    qualifying = 0
    for rel in d.dependents:
        if rel.relation != "child" or (rel.birth_date is not None and rel.birth_date > end):
            continue
        known = f.relative(rel.my_number)
        income = known.known_income if known is not None else None
        if rel.total_income > limit or (income is not None and income > limit):
            over.append(f"{rel.name} {max(rel.total_income, income or 0):,}円")
        elif known is not None and known.other_claims:
            elsewhere.append(claimed_elsewhere(rel.name, known.other_claims))
        else:
            qualifying += 1
    for m, k in household_kin(f, d):
        if k.relation != "child":
            continue
        income = f.household_income.get(m.atena_number)
        if income is not None and income > limit:
            source = f.household_income_source.get(m.atena_number, "")
            over.append(f"{m.name} {income:,}円" + (f"（{source}）" if source else ""))
        elif m.atena_number in f.household_claims:
            elsewhere.append(claimed_elsewhere(m.name, f.household_claims[m.atena_number]))
        else:
            qualifying += 1  # within the limit, or unknown: the city cannot know (the filer's statement)
    if qualifying:
        return
    if over or elsewhere:
        whys = ([f"お子さんの所得が{limit:,}円を超えている"] if over else []) + \
               (["お子さんがほかの方の扶養親族などとして申告されている"] if elsewhere else [])
        # a child claimed on the declaration and living at home is one child: named once
        over, elsewhere = list(dict.fromkeys(over)), list(dict.fromkeys(elsewhere))
        evidence = ([f"子の総所得金額等 {'、'.join(over)}（上限 {limit:,}円）"] if over else []) + elsewhere
        yield r.finding(why="、".join(whys), evidence="／".join(evidence),
                        action="ほかに要件を満たすお子さんがいる場合は、扶養親族の欄に記載してください。職員が確認します。")
    else:
        yield r.finding(why="生計を一にするお子さんが確認できない",
                        evidence="扶養親族に子の記載なし・世帯に子なし",
                        action="別居のお子さんがいる場合は、そのお子さんを扶養親族の欄に記載してください。職員が確認します。")


def certificates_read(d: Declaration, name: str) -> str:
    """What OCR read of the 手帳 copies attached, for the clerk (domain/documents.certificate_summary)."""
    return " / ".join(certificate_summary(a.document, name) for a in d.attached("disability_certificate"))


def certificate_unnamed(d: Declaration, name: str) -> bool:
    """Whether a 手帳 copy attached was read (OCR, no problem) yet shows not ``name`` (folded: 異体字, kana, spaces)
    — another person's 手帳, or a copy the clerk must look at for the name."""
    texts = [str(o.get("text") or "") for a in d.attached("disability_certificate")
             if (o := a.document.get("ocr")) and not o.get("problem")]
    return bool(texts) and not any(names_shown(t, [name]) for t in texts)


def disability_finding(r: Rule, claimed: str, record: DisabilityRecord | None, consulted: bool,
                       attached: bool, who: str, subject: str = "", read: str = "",
                       unnamed: bool = False) -> Iterator[Finding]:
    """The one judgement for the filer and for a relative: a 手帳 in the city's records of at least the claimed
    grade → nothing; a lower grade → a clerk; no record → the 手帳 copy attached goes to a clerk, none returns."""
    label = DISABILITY_LABELS.get(claimed, claimed)
    special = claimed in ("special", "special_cohabiting")
    if record is not None:
        if special and not record.special:
            yield r.finding(subject=subject, who=who, claimed=label, found=record.label,
                            resident="市の記録の手帳の等級では特別障害者に当たりません。職員が確認します。")
        return
    found = "障害者福祉の記録に該当なし" if consulted else "障害者福祉の記録を照会できない"
    if attached:
        yield r.finding(subject=subject, who=who, claimed=label,
                        found=f"{found}・手帳の写しの添付あり" + (f"（{read}）" if read else ""),
                        resident=f"添付の手帳（認定書）の写しから{who}のお名前を読み取れませんでした。ご本人の手帳の"
                                 "写しかどうかを職員が確認します。" if unnamed else "添付の手帳（認定書）の写しを職員が確認します。")
    else:
        yield r.finding(subject=subject, severity=Severity.RETURN, who=who, claimed=label, found=found,
                        resident="市の記録で確認できないため、障害者手帳（または障害者控除対象者認定書）の写しを"
                                 "添付して提出し直してください。")


@rule(
    "ST03",
    "障害者控除（本人）",
    Severity.CLERK,
    "所得税法第2条第1項第28号・第29号、同法施行令第10条（障害者・特別障害者の範囲: 手帳の等級）、"
    "地方税法第292条第1項・第314条の2第1項第6号",
    "{who}の障害者控除（{claimed}）について: {resident}",
    "{who}: {claimed} の申告 / {found}。手帳の種類・等級・有効期間（12月31日現在）を確認。",
)
def own_disability(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    claimed = d.claimed_disability
    if not claimed:
        return
    record = f.person.disability_on(year_end(d)) if f.person else None
    yield from disability_finding(r, claimed, record, f.welfare_data, d.has_attachment("disability_certificate"),
                                   "あなた", read=certificates_read(d, d.name), unnamed=certificate_unnamed(d, d.name))


@rule(
    "ST04",
    "勤労学生控除",
    Severity.CLERK,
    "所得税法第2条第1項第32号（勤労学生）、同法施行規則第73条の3（専修学校等の学生は証明書の添付）、"
    "地方税法第292条第1項・第314条の2第1項第9号",
    "勤労学生控除について、{resident}",
    "勤労学生の申告: {why}。在学（学校教育法第1条の学校、専修学校・各種学校等）を確認。",
)
def working_student(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """The law asks no document of a student of a 学校教育法第1条 school (the statement suffices) and a
    certificate of the others: accepted as declared up to :data:`STUDENT_AGE`; past it, or with a certificate
    to read, a clerk looks (the city holds no school records)."""
    if not d.taxpayer.get("working_student"):
        return
    birth = (f.person.birth_date if f.person else None) or d.birth_date
    age = legal_age_on(birth, year_end(d)) if birth else None
    if d.has_attachment("student_certificate"):
        yield r.finding(resident="添付の在学証明書を職員が確認します。", why="在学証明書の添付あり")
    elif age is None or age > STUDENT_AGE:
        yield r.finding(resident="在学を確認するため職員が確認します。在学証明書があれば添付してください。",
                        why=f"12月31日現在 {age if age is not None else '不明'}歳・証明書なし")
