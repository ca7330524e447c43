"""Who is filing, and where they lived on 1 January (賦課期日)."""

from __future__ import annotations

from collections.abc import Iterator

from jichitai.common.checkdigit import is_valid_my_number
from jichitai.common.text import nfkc, search_key
from jichitai.common.wareki import to_wareki
from jichitai.declarations.domain.facts import Address, Facts
from jichitai.declarations.domain.model import Declaration
from jichitai.declarations.domain.rulebook import Finding, Rule, Severity, rule


@rule(
    "ID01",
    "個人番号の検査用数字",
    Severity.RETURN,
    "行政手続における特定の個人を識別するための番号の利用等に関する法律第16条（本人確認の措置）、同法施行令第8条（検査用数字）",
    "個人番号（マイナンバー）が正しくありません。マイナンバーカードをご確認のうえ、12桁の番号を入力し直してください。",
    "申告者の個人番号の検査用数字が一致しない（{what}）。転記誤りの可能性: 申告書の個人番号欄を確認。",
)
def my_number_valid(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    if not is_valid_my_number(d.my_number):
        yield r.finding(what="空欄" if not d.my_number else "12桁の最後の数字")


@rule(
    "ID02",
    "住民記録との本人照合",
    Severity.CLERK,
    "地方税法第294条第1項・第2項（住民基本台帳に記録されている者）、番号法第16条",
    "ご申告の氏名・生年月日が住民記録と一致しないため、職員が確認します。",
    "住民記録との照合不一致: {what}。申告={declared} / 住民記録={registry}",
)
def identity_matches_registry(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    if not is_valid_my_number(d.my_number):
        return
    p = f.person
    if p is None:
        yield r.finding(what="個人番号に該当する住民記録なし", declared="申告書の個人番号", registry="該当者なし")
        return
    if search_key(d.name) != search_key(p.name):
        yield r.finding(what="氏名", declared=d.name, registry=p.name)
    if d.birth_date is not None and p.birth_date is not None and d.birth_date != p.birth_date:
        yield r.finding(what="生年月日", declared=d.birth_date.isoformat(), registry=p.birth_date.isoformat())
    if p.died_on is not None and p.died_on.year < d.fiscal_year:
        yield r.finding(
            what="死亡による消除", declared="生存として申告", registry=f"{to_wareki(p.died_on)} 死亡"
        )


def _same_address(declared: tuple[str, str], known: Address | None) -> bool:
    if known is None:
        return False
    return declared[0] == known.town_code and search_key(nfkc(declared[1])) == search_key(nfkc(known.banchi))


@rule(
    "ID03",
    "1月1日の住所",
    Severity.CLERK,
    "地方税法第294条第1項（納税義務者）、第318条・第39条（賦課期日は1月1日）、第317条の2第1項（申告先）",
    "ご申告の住所が、1月1日時点の住民記録の住所と一致しません。市民税・県民税は1月1日に住所のあった市区町村に申告します。職員が確認します。",
    "申告住所 {declared} が賦課期日の住所 {jan1}（現住所 {now}）と一致しない。住登外・転入転出の有無を確認。",
)
def address_on_january_first(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    p = f.person
    if p is None:
        return
    declared = (d.town_code, d.banchi)

    def show(a: Address | None) -> str:
        return f.place(a.town_code, a.banchi) if a else "市内に住所なし"

    if p.address_jan1 is None:
        yield r.finding(declared=f.place(d.town_code, d.banchi), jan1="市内に住所なし", now=show(p.address_now))
    elif not (_same_address(declared, p.address_jan1) or _same_address(declared, p.address_now)):
        yield r.finding(
            declared=f.place(d.town_code, d.banchi), jan1=show(p.address_jan1), now=show(p.address_now)
        )
