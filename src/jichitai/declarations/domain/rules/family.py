
"""Spouse and dependants: they exist, are alive, have the claimed age, earn under the limit, and nobody else
claims them (二重扶養), and spouses do not claim each other.

Whether someone is a spouse or dependant is judged on 31 December of the income year, or at death for a
relative who died during that year (地方税法第314条の2第1項第10号・第11号 and its 判定時期 paragraph, following
所得税法第85条第3項). A relative who died before the income year began cannot be claimed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from jichitai.common.checkdigit import is_valid_my_number
from jichitai.common.text import search_key
from jichitai.common.wareki import fiscal_year_label, legal_age_on, to_wareki
from jichitai.declarations.domain.facts import Facts, KnownPerson
from jichitai.declarations.domain.kinship import NOT_KIN, Kinship, kinship
from jichitai.declarations.domain.limits import AGE_CLASSES, age_class, band_label, deduction_band, limits_for
from jichitai.declarations.domain.model import Declaration, Relative
from jichitai.declarations.domain.rulebook import Finding, Rule, Severity, rule
from jichitai.declarations.domain.rules.status import certificate_unnamed, certificates_read, disability_finding

ROLE = {"spouse": "配偶者", "dependent": "扶養親族"}


def _year_end(d: Declaration) -> dt.date:
    return dt.date(d.income_year, 12, 31)


@rule(
    "FA01",
    "配偶者・扶養親族の個人番号",
    Severity.RETURN,
    "地方税法第317条の2第1項・第3項（控除対象配偶者・扶養親族の個人番号の記載）、番号法施行令第8条",
    "{role}「{name}」さんの個人番号が正しくありません。12桁の番号を確認して入力し直してください。",
    "{role} {name} の個人番号が{what}。申告書の転記を確認。",
)
def relative_my_number_valid(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    for rel in d.relatives:
        if not is_valid_my_number(rel.my_number):
            yield r.finding(subject=rel.my_number, role=ROLE[rel.role], name=rel.name,
                            what="空欄" if not rel.my_number else "検査用数字と一致しない")


@rule(
    "FA02",
    "配偶者・扶養親族の重複記載",
    Severity.RETURN,
    "所得税法第85条第4項（一の者は一の納税者の扶養親族とする）、地方税法第314条の2第1項第10号・第11号",
    "「{name}」さんが申告書に二度（{where}）記載されています。どちらか一方にしてください。",
    "同一人 {name} の重複記載（同じ個人番号）: {where}。",
)
def relative_listed_once(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    seen: dict[str, Relative] = {}
    for rel in d.relatives:
        if not rel.my_number:
            continue
        if rel.my_number == d.my_number:
            yield r.finding(subject=rel.my_number, name=rel.name, where=f"本人と{ROLE[rel.role]}")
        elif rel.my_number in seen:
            first = seen[rel.my_number]
            yield r.finding(subject=rel.my_number, name=rel.name, where=f"{ROLE[first.role]}と{ROLE[rel.role]}")
        else:
            seen[rel.my_number] = rel


@rule(
    "FA03",
    "配偶者・扶養親族の実在と生存",
    Severity.CLERK,
    "地方税法第314条の2第1項第10号・第11号、同条の判定時期の規定（前年12月31日又は死亡時の現況）、所得税法第85条第3項",
    "{role}「{name}」さんについて、市の住民記録で確認できないことがあります（{what}）。職員が確認します。",
    "{role} {name}: {what}。",
)
def relative_exists_and_alive(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    for rel in d.relatives:
        if not is_valid_my_number(rel.my_number):
            continue
        known = f.relative(rel.my_number)
        person = known.person if known else None
        base: dict[str, Any] = {
            "subject": rel.my_number,
            "role": ROLE[rel.role],
            "name": rel.name,
        }
        if person is None:
            if rel.cohabiting and f.person is not None and f.person.address_jan1 is not None:
                yield r.finding(what="同居と申告されたが市の住民記録に該当者なし", **base)
            continue
        if person.died_on is not None and person.died_on < dt.date(d.income_year, 1, 1):
            yield r.finding(what=f"{to_wareki(person.died_on)} に死亡（申告対象年より前）", **base)
        if search_key(person.name) != search_key(rel.name) and search_key(person.kana) != search_key(
            rel.name
        ):
            yield r.finding(what=f"氏名が住民記録（{person.name}）と不一致", **base)


@rule(
    "FA04",
    "扶養親族の年齢区分",
    Severity.CLERK,
    "地方税法第292条第1項第9号〜第11号（扶養親族・特定扶養親族・老人扶養親族）、第314条の2第1項第11号、年齢計算ニ関スル法律",
    "{role}「{name}」さんの生年月日または年齢区分が住民記録と一致しません。職員が確認します。",
    "{role} {name}: 申告 {declared_birth}（{declared_class}）/ 住民記録 {registry_birth}（{registry_class}）、12月31日現在の年齢で判定。",
)
def relative_age_class(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    end = _year_end(d)
    for rel in d.relatives:
        known = f.relative(rel.my_number)
        person = known.person if known else None
        declared_birth = rel.birth_date
        registry_birth = person.birth_date if person else None
        if declared_birth is None:
            continue
        declared_class = rel.age_class or age_class(legal_age_on(declared_birth, end))
        if registry_birth is None:
            # 住民記録なし: only a ticked class can contradict the declared birth date.
            if rel.age_class and rel.age_class != age_class(legal_age_on(declared_birth, end)):
                yield r.finding(
                    subject=rel.my_number,
                    role=ROLE[rel.role],
                    name=rel.name,
                    declared_birth=declared_birth.isoformat(),
                    declared_class=AGE_CLASSES[rel.age_class],
                    registry_birth="記録なし",
                    registry_class=AGE_CLASSES[age_class(legal_age_on(declared_birth, end))],
                )
            continue
        registry_class = age_class(legal_age_on(registry_birth, end))
        if declared_birth != registry_birth or declared_class != registry_class:
            yield r.finding(
                subject=rel.my_number,
                role=ROLE[rel.role],
                name=rel.name,
                declared_birth=declared_birth.isoformat(),
                declared_class=AGE_CLASSES[declared_class],
                registry_birth=registry_birth.isoformat(),
                registry_class=AGE_CLASSES[registry_class],
            )


@rule(
    "FA05",
    "配偶者・扶養親族の所得要件",
    Severity.CLERK,
    "地方税法第292条第1項第7号・第9号（合計所得金額58万円以下）、第314条の2第1項第10号の2（配偶者特別控除 133万円以下）、"
    "同項（特定親族特別控除 123万円以下、令和8年度から）",
    "{role}「{name}」さんの所得が、市で把握している所得（{known}円）と異なり、控除を受けられる範囲を超えている可能性があります。職員が確認します。",
    "{role} {name}: 申告所得 {declared}円（{declared_band}）/ 市の把握 {known}円（{source}、{known_band}）。",
)
def relative_income_limit(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    limits = limits_for(d.fiscal_year)
    end = _year_end(d)
    for rel in d.relatives:
        known = f.relative(rel.my_number)
        if known is None or known.known_income is None:
            continue
        birth = rel.birth_date or (known.person.birth_date if known.person else None)
        age = legal_age_on(birth, end) if birth else 40
        declared_band = deduction_band(rel.role, age, rel.total_income, limits)
        known_band = deduction_band(rel.role, age, known.known_income, limits)
        if declared_band != known_band and known.known_income > rel.total_income:
            yield r.finding(
                subject=rel.my_number,
                role=ROLE[rel.role],
                name=rel.name,
                declared=rel.total_income,
                known=known.known_income,
                source=known.income_source or "市の課税資料",
                declared_band=band_label(declared_band),
                known_band=band_label(known_band),
            )


@rule(
    "FA06",
    "二重扶養",
    Severity.CLERK,
    "所得税法第85条第4項・第5項、同法施行令第219条・第220条（いずれか一の納税者の扶養親族等とする）、地方税法第314条の2第1項第10号・第11号",
    "{role}「{name}」さんは、ほかの方の配偶者または扶養親族としても申告されています。職員が確認します。",
    "二重扶養: {role} {name} を他の納税者も控除対象にしている: {others}。扶養是正の要否を判断。",
)
def claimed_by_two(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    for rel in d.relatives:
        known = f.relative(rel.my_number)
        if known is None:
            continue
        others = known.other_claims  # the filer's own claims are not in it (CityIndex.other_claims)
        if others:
            shown = "、".join(
                f"{c.claimant}（{ROLE.get(c.role, c.role)}・{c.source}）" for c in others
            )
            yield r.finding(
                subject=rel.my_number,
                role=ROLE[rel.role],
                name=rel.name,
                others=shown,
            )


@rule(
    "FA07",
    "配偶者の相互控除",
    Severity.CLERK,
    "地方税法第314条の2第1項第10号の2（配偶者が納税者を対象に配偶者特別控除を受ける場合を除く）、所得税法第83条の2第2項",
    "配偶者の「{name}」さんも、あなたを配偶者として申告しています。夫婦がお互いを控除の対象にすることはできません。職員が確認します。",
    "配偶者相互控除: 申告者と配偶者 {name} が互いを配偶者控除・配偶者特別控除の対象にしている。",
)
def mutual_spouse_claims(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    sp = d.spouse
    if sp is None:
        return
    known = f.relative(sp.my_number)
    if known is not None and known.claims_taxpayer_as_spouse:
        yield r.finding(subject=sp.my_number, name=sp.name)


@rule(
    "FA08",
    "市外に住む扶養親族（扶養照会）",
    Severity.NOTE,
    "地方税法第294条第3項・第20条の11（他の地方団体への照会）、番号法第19条第8号（情報提供ネットワークシステム）",
    "{role}「{name}」さんは市外にお住まいのため、所得をお住まいの市区町村に照会することがあります。",
    "{role} {name} は市の住民記録になし: 所得は扶養照会（情報提供ネットワーク）で確認。",
)
def relative_outside_city(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """A relative the city's registry does not hold: their income cannot be known at review time, so the
    claim is accepted as declared and checked afterwards by 扶養照会 (a note, not a stop; a wrong claim becomes
    a 更正). Where the city does hold the income, FA05 compares it. docs/decisions/0003."""
    for rel in d.relatives:
        known = f.relative(rel.my_number)
        if is_valid_my_number(rel.my_number) and (known is None or known.person is None):
            yield r.finding(subject=rel.my_number, role=ROLE[rel.role], name=rel.name)


@rule(
    "FA09",
    "所得の年の後に生まれた配偶者・扶養親族",
    Severity.RETURN,
    "地方税法第314条の2第1項第10号・第11号と同条の判定時期の規定（前年12月31日の現況）、所得税法第85条第3項",
    "{role}「{name}」さんの生年月日（{birth}）は{year_end}より後です。配偶者・扶養親族は{year_end}の現況で判定するため、"
    "この申告では対象になりません（{next_year}の申告から対象になります）。記載を削除して提出し直してください。",
    "{role} {name}: 生年月日 {birth} が所得の年の12月31日（{year_end}）より後（年齢が負）。対象外。",
)
def relative_born_in_the_year(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """Whether someone is a spouse or dependant is judged on 31 December of the income year: a child born on
    1 January of the 年度 or later did not exist then (a negative age), whatever the registry holds now."""
    end = _year_end(d)
    for rel in d.relatives:
        if rel.birth_date is not None and rel.birth_date > end:
            yield r.finding(subject=rel.my_number, role=ROLE[rel.role], name=rel.name,
                            birth=to_wareki(rel.birth_date), year_end=to_wareki(end),
                            next_year=fiscal_year_label(d.fiscal_year + 1))


def _kin_of(f: Facts, person: KnownPerson | None) -> Kinship | None:
    """The claimed person's relation to the filer when the registry has them in the filer's household (None
    also when the two 続柄 say nothing together, e.g. two entries as 世帯主)."""
    me = f.person
    if me is None or person is None or not me.household or person.household != me.household:
        return None
    k = kinship(me.relationship, person.relationship, member_female=person.sex == "F")
    return None if k.path is None and person.relationship not in NOT_KIN else k


@rule(
    "FA10",
    "配偶者の判定",
    Severity.CLERK,
    "所得税法第2条第1項第33号〜第33号の4（配偶者: 民法の婚姻による者）、地方税法第314条の2第1項第10号・第10号の2と"
    "同条第3項（前年12月31日の現況）、民法第739条",
    "配偶者として申告された「{name}」さんは、住民記録ではあなたの{label}です。職員が確認します。",
    "配偶者の申告 {name}: 同じ世帯の住民記録の続柄からは {label}（世帯主の{registry}）。婚姻の有無を確認。",
)
def spouse_by_the_registry(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """The spouse claimed lives in the filer's household under another 続柄 (a 未届 partner, a parent, a
    child): no 配偶者 by marriage as far as the registry shows on 12月31日."""
    sp = d.spouse
    if sp is None:
        return
    known = f.relative(sp.my_number)
    k = _kin_of(f, known.person if known else None)
    if k is not None and not k.spouse and known is not None and known.person is not None:
        yield r.finding(subject=sp.my_number, name=sp.name, label=k.label, registry=known.person.relationship)


@rule(
    "FA11",
    "同居の別",
    Severity.CLERK,
    "租税特別措置法第41条の16・地方税法附則第4条の3（同居老親等: 常に同居）、地方税法第314条の2第1項第6号・第11号と"
    "同条第3項（同居特別障害者）、所得税法第85条",
    "「{name}」さんは同居と申告されていますが、住民記録では別の住所にお住まいです。同居を要件とする控除（{what}）"
    "のため、職員が確認します。",
    "{name}: 同居と申告 / 住民記録の住所 {theirs}（申告者 {mine}）。{what}の要件。",
)
def cohabiting_by_the_registry(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """同居 changes the tax for a 老親等 aged 70 or more (同居老親等) and a 同居特別障害者: where the registry
    holds both at different addresses on 12月31日 (the current one when nobody moved), a clerk checks. Other
    dependants: 同居 changes nothing, no finding."""
    me = f.person
    if me is None:
        return
    end = _year_end(d)
    for rel in d.dependents:
        known = f.relative(rel.my_number)
        person = known.person if known else None
        if not rel.cohabiting or person is None:
            continue
        elderly_parent = rel.relation in ("parent", "grandparent") and rel.birth_date is not None \
            and legal_age_on(rel.birth_date, end) >= 70
        what = "同居老親等" if elderly_parent else "同居特別障害者" if rel.disability == "special_cohabiting" else ""
        if not what:
            continue
        mine, theirs = me.address_jan1 or me.address_now, person.address_jan1 or person.address_now
        if mine is None or theirs is None:
            continue
        if (mine.town_code, search_key(mine.banchi)) != (theirs.town_code, search_key(theirs.banchi)):
            yield r.finding(subject=rel.my_number, name=rel.name, what=what,
                            theirs=f.place(theirs.town_code, theirs.banchi), mine=f.place(mine.town_code, mine.banchi))


@rule(
    "FA12",
    "配偶者・扶養親族の障害者控除",
    Severity.CLERK,
    "所得税法第2条第1項第28号・第29号、同法施行令第10条（障害者・特別障害者）、地方税法第314条の2第1項第6号（同居特別障害者）",
    "{who}の障害者控除（{claimed}）について: {resident}",
    "{who}: {claimed} の申告 / {found}。手帳の種類・等級・有効期間（12月31日現在）を確認。",
)
def relative_disability(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    end = _year_end(d)
    for rel in d.relatives:
        if not rel.disability:
            continue
        known = f.relative(rel.my_number)
        person = known.person if known else None
        record = person.disability_on(end) if person else None
        who = f"{ROLE[rel.role]}「{rel.name}」さん"
        yield from disability_finding(r, rel.disability, record, f.welfare_data and person is not None,
                                      d.has_attachment("disability_certificate"), who, rel.my_number,
                                      read=certificates_read(d, rel.name), unnamed=certificate_unnamed(d, rel.name))


@rule(
    "FA13",
    "親族でない同居者の扶養",
    Severity.CLERK,
    "所得税法第2条第1項第34号（扶養親族: 親族、里子、養護を委託された老人）、民法第725条（親族の範囲）",
    "扶養親族として申告された「{name}」さんは、住民記録ではあなたの親族として確認できません（{label}）。職員が確認します。",
    "扶養親族 {name}: 世帯主から見て{registry}、申告者から見て{label}。里子・養護受託老人でなければ対象外。",
)
def dependant_is_kin(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    for rel in d.dependents:
        known = f.relative(rel.my_number)
        k = _kin_of(f, known.person if known else None)
        if k is not None and not k.kin and known is not None and known.person is not None:
            yield r.finding(subject=rel.my_number, name=rel.name, label=k.label, registry=known.person.relationship)
