"""What the city knows, indexed for the review of many declarations at once (no Django, no queries).

Keys are the blind index of the 個人番号 (common.vault), the one key the registry, the received reports and
the declarations share. :class:`CityIndex` turns one declaration into the :class:`Facts` the rules read.
Filled by :mod:`jichitai.declarations.evidence` from the database, or directly by a benchmark.

Who else claims a relative is shown to the clerk by what the city knows of that taxpayer, resolved when the
facts are read (not when the claim is added, so that the order of loading does not matter): their name and 宛名番号
when the registry has them (never a 個人番号); 「住民記録にない納税者」 when the registry was asked and has no such person (a report or
declaration under a 個人番号 the city does not know); 「住民記録を照会していない納税者」 when nobody looked them up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from jichitai.declarations.domain import Declaration, Facts, KnownPerson, RelativeFacts
from jichitai.declarations.domain.facts import Claim, DisabilityRecord, EngineRefusal


@dataclass
class ReportSum:
    amount: int = 0
    count: int = 0
    year_end_adjusted: bool = False
    social_insurance: int = 0


@dataclass
class Filed:
    """A declaration as the other declarations see it: who files, whom they claim, what they earn."""

    ref: str
    owner: str
    spouse: str = ""
    dependants: tuple[str, ...] = ()
    income: dict[str, int] = field(default_factory=dict)
    birth_date: dt.date | None = None


IncomeFn = Callable[[int, dt.date | None, dict[str, int]], int | None]
ManyIncomeFn = Callable[[int, list[tuple[dt.date | None, dict[str, int]]]], list[int | None]]


NOT_IN_REGISTRY = "住民記録にない納税者"
NOT_LOOKED_UP = "住民記録を照会していない納税者"
FINAL_RETURN = "確定申告書（国税連携）"


@dataclass(frozen=True)
class ClaimBy:
    """One taxpayer's claim on a person: who (blind index), as what, on which document."""

    claimant: str
    role: str  # "spouse" or "dependent"
    source: str


@dataclass
class CityIndex:
    fiscal_year: int
    people: dict[str, KnownPerson] = field(default_factory=dict)
    looked_up: set[str] = field(default_factory=set)  # every index the registry was asked about
    salary: dict[str, ReportSum] = field(default_factory=dict)
    pension: dict[str, ReportSum] = field(default_factory=dict)
    claims: dict[str, list[ClaimBy]] = field(default_factory=lambda: defaultdict(list))
    spouse_of: set[tuple[str, str]] = field(default_factory=set)  # (claimant, spouse) pairs
    filed: dict[str, list[Filed]] = field(default_factory=lambda: defaultdict(list))
    final_returns: set[str] = field(default_factory=set)
    owners: set[str] = field(default_factory=set)  # filers whose household is wanted (besides ``filed``)
    households: dict[str, list[tuple[str, KnownPerson]]] = field(default_factory=dict)  # 世帯番号 → (宛名番号, person)
    disabilities: dict[str, list[DisabilityRecord]] = field(default_factory=dict)  # 宛名番号 → 手帳
    kokuho_tax: dict[str, int] = field(default_factory=dict)  # 宛名番号 → 国保税 paid in the income year
    member_index: dict[str, str] = field(default_factory=dict)  # a household member's 宛名番号 → blind index
    member_income: dict[str, int] = field(default_factory=dict)  # 宛名番号 → 総所得金額等 (:meth:`prime_members`)
    member_income_source: dict[str, str] = field(default_factory=dict)  # 宛名番号 → 「給与支払報告書・本人の申告 …」
    final_income: dict[str, dict[str, int]] = field(default_factory=dict)  # blind index → 確定申告書's income
    report_ids: set[int] = field(default_factory=set)  # the reports already added (each counted once)
    welfare_data: bool = False  # the 障害者福祉 system sent its records
    town_names: dict[str, str] = field(default_factory=dict)  # 町字コード → 「中央区 加納町」
    income_fn: IncomeFn | None = None
    _income_cache: dict[str, tuple[int | None, str]] = field(default_factory=dict)
    _filed_refs: set[str] = field(default_factory=set)

    # --- filling -----------------------------------------------------------------------------------------

    def add_report(self, kind: str, recipient: str, amount: int, *, year_end_adjusted: bool = False,
                   spouse: str = "", dependants: tuple[str, ...] = (), social_insurance: int = 0) -> None:
        sums = self.salary if kind == "salary_report" else self.pension
        s = sums.setdefault(recipient, ReportSum())
        s.amount += amount
        s.count += 1
        s.social_insurance += social_insurance
        s.year_end_adjusted = s.year_end_adjusted or year_end_adjusted
        label = "給与支払報告書" if kind == "salary_report" else "公的年金等支払報告書"
        if spouse:
            self._claim(spouse, ClaimBy(recipient, "spouse", label))
            self.spouse_of.add((recipient, spouse))
        for dep in dependants:
            self._claim(dep, ClaimBy(recipient, "dependent", label))

    def add_declaration(self, f: Filed) -> None:
        """Add a filed declaration once (a second add of the same ``ref`` changes nothing)."""
        if f.ref in self._filed_refs:
            return
        self._filed_refs.add(f.ref)
        self.filed[f.owner].append(f)
        source = f"申告 {f.ref}"
        if f.spouse:
            self.claims[f.spouse].append(ClaimBy(f.owner, "spouse", source))
            self.spouse_of.add((f.owner, f.spouse))
        for dep in f.dependants:
            self.claims[dep].append(ClaimBy(f.owner, "dependent", source))

    def add_final_return(self, owner: str, income: dict[str, int], *, spouse: str = "",
                         dependants: tuple[str, ...] = ()) -> None:
        """A 所得税の確定申告書 from 国税連携 (a 住民税 申告 too, 地方税法第317条の3第1項): its income, and whom it claims."""
        if owner in self.final_income:
            return
        self.final_income[owner] = income
        self.final_returns.add(owner)
        if spouse:
            self._claim(spouse, ClaimBy(owner, "spouse", FINAL_RETURN))
            self.spouse_of.add((owner, spouse))
        for dep in dependants:
            self._claim(dep, ClaimBy(owner, "dependent", FINAL_RETURN))

    def _claim(self, claimed: str, by: ClaimBy) -> None:
        if by not in self.claims[claimed]:
            self.claims[claimed].append(by)

    def claimants_of(self, indexes: list[str]) -> set[str]:
        """Everyone who claims one of these people (to look them up in the registry before labelling)."""
        return {c.claimant for i in indexes for c in self.claims.get(i, ())}

    def label(self, index: str) -> str:
        """A claimant as the clerk sees them: what the city knows of that taxpayer (module docstring)."""
        p = self.people.get(index)
        if p is not None:
            return f"{p.name}（宛名番号 {p.atena_number}）" if p.name else f"宛名番号 {p.atena_number}"
        return NOT_IN_REGISTRY if index in self.looked_up else NOT_LOOKED_UP

    def other_claims(self, index: str, owner: str) -> tuple[Claim, ...]:
        """The claims on ``index`` by anyone but ``owner``, labelled."""
        return tuple(Claim(self.label(c.claimant), c.role, c.source) for c in self.claims.get(index, ())
                     if c.claimant != owner)

    # --- reading -----------------------------------------------------------------------------------------

    def person(self, index: str) -> KnownPerson | None:
        """The registry's record with the 障害者手帳 the city holds for that person."""
        p = self.people.get(index)
        return self._with_records(p)

    def _with_records(self, p: KnownPerson | None) -> KnownPerson | None:
        if p is None or p.atena_number not in self.disabilities:
            return p
        return replace(p, disabilities=tuple(self.disabilities[p.atena_number]))

    def household_of(self, owner: str) -> tuple[KnownPerson, ...]:
        """The filer's household members (the filer left out), with their 手帳."""
        me = self.people.get(owner)
        if me is None or not me.household:
            return ()
        return tuple(q for atena, p in self.households.get(me.household, []) if atena != me.atena_number
                     and (q := self._with_records(p)) is not None)

    def prime_incomes(self, indexes: list[str], many: ManyIncomeFn) -> None:
        """Compute the known income of many people in one engine call (bulk review)."""
        todo = []
        for idx in dict.fromkeys(indexes):
            person = self.people.get(idx)
            if person is None or idx in self._income_cache:
                continue
            income, sources = self._gathered(idx)
            if sources:
                todo.append((idx, person.birth_date, income, sources))
        results = many(self.fiscal_year, [(birth, income) for _, birth, income, _ in todo])
        for (idx, _, _, sources), value in zip(todo, results, strict=True):
            self._income_cache[idx] = (value, "・".join(dict.fromkeys(sources)))

    def known_income(self, index: str, birth: dt.date | None) -> tuple[int | None, str]:
        """合計所得金額 of a person as the city's own data show it (reports received, their declaration)."""
        if index in self._income_cache:
            return self._income_cache[index]
        income, sources = self._gathered(index)
        if not sources:
            value: tuple[int | None, str] = (None, "")
        elif self.income_fn is None:
            value = (None, "")
        else:
            value = (self.income_fn(self.fiscal_year, birth, income), "・".join(dict.fromkeys(sources)))
        self._income_cache[index] = value
        return value

    def _gathered(self, index: str) -> tuple[dict[str, int], list[str]]:
        income: dict[str, int] = {}
        sources = []
        if index in self.salary:
            income["salary"] = self.salary[index].amount
            sources.append("給与支払報告書")
        if index in self.pension:
            income["public_pension"] = self.pension[index].amount
            sources.append("公的年金等支払報告書")
        for f in self.filed.get(index, []):
            for k in ("business", "misc_other"):
                if f.income.get(k):
                    income[k] = max(income.get(k, 0), f.income[k])
            for k in ("salary", "public_pension"):
                if f.income.get(k, 0) > income.get(k, 0):
                    income[k] = f.income[k]
            sources.append(f"本人の申告 {f.ref}")
        if index in self.final_income:
            for k, v in self.final_income[index].items():
                if v > income.get(k, 0):
                    income[k] = v
            sources.append(FINAL_RETURN)
        return income, sources

    def prime_members(self, many: ManyIncomeFn) -> None:
        """総所得金額等 of every household member whose income the city's data show (:meth:`_gathered`: their
        reports, their own 住民税申告, their 確定申告書), in one engine call; read by ST02 for a child."""
        todo = []
        for members in self.households.values():
            for atena, p in members:
                idx = self.member_index.get(atena)
                if idx is None or atena in self.member_income_source:
                    continue
                income, sources = self._gathered(idx)
                if sources:
                    todo.append((atena, p.birth_date, income, sources))
        results = many(self.fiscal_year, [(birth, income) for _, birth, income, _ in todo])
        for (atena, _, _, sources), value in zip(todo, results, strict=True):
            self.member_income_source[atena] = "・".join(dict.fromkeys(sources))
            if value is not None:
                self.member_income[atena] = value

    def member_claims(self, household: tuple[KnownPerson, ...], owner: str) -> dict[str, tuple[Claim, ...]]:
        """宛名番号 → the claims on each household member by anyone but ``owner``."""
        out = {}
        for p in household:
            idx = self.member_index.get(p.atena_number)
            claims = self.other_claims(idx, owner) if idx else ()
            if claims:
                out[p.atena_number] = claims
        return out

    def facts(self, d: Declaration, owner: str, relative_index: dict[str, str], *, ref: str = "",
              computed: dict[str, Any] | None = None, earlier: int | None = None,
              refusal: EngineRefusal | None = None, tax_without: int | None = None) -> Facts:
        """The facts for one declaration. ``relative_index`` maps each relative's 個人番号 to its blind index."""
        sal, pen = self.salary.get(owner), self.pension.get(owner)
        relatives: dict[str, RelativeFacts] = {}
        for rel in d.relatives:
            idx = relative_index.get(rel.my_number, "")
            if not idx:
                continue
            person = self.person(idx)
            income, source = self.known_income(idx, person.birth_date if person else rel.birth_date) \
                if person is not None else (None, "")
            relatives[rel.my_number] = RelativeFacts(
                my_number=rel.my_number, person=person, known_income=income, income_source=source,
                other_claims=self.other_claims(idx, owner),
                claims_taxpayer_as_spouse=rel.role == "spouse" and (idx, owner) in self.spouse_of,
            )
        if earlier is None:
            earlier = sum(1 for f in self.filed.get(owner, []) if f.ref != ref) if ref else 0
        me = self.person(owner)
        household = self.household_of(owner)
        births = tuple(sorted(p.birth_date for p in household
                              if p.birth_date is not None and p.birth_date.year == self.fiscal_year - 1))
        reported = [r.social_insurance for r in (sal, pen) if r is not None]
        return Facts(
            person=me,
            household=household,
            household_income={p.atena_number: self.member_income[p.atena_number] for p in household
                              if p.atena_number in self.member_income},
            household_income_source={p.atena_number: self.member_income_source[p.atena_number] for p in household
                                     if p.atena_number in self.member_income_source},
            household_claims=self.member_claims(household, owner),
            births=births,
            welfare_data=self.welfare_data,
            town_names=self.town_names,
            kokuho_tax_paid=self.kokuho_tax.get(me.atena_number) if me is not None else None,
            reported_social_insurance=sum(reported) if reported else None,
            salary_reported=sal.amount if sal else None,
            salary_reports=sal.count if sal else 0,
            salary_year_end_adjusted=bool(sal and sal.year_end_adjusted),
            pension_reported=pen.amount if pen else None,
            pension_reports=pen.count if pen else 0,
            relatives=relatives,
            computed_total_tax=None if computed is None else int(computed["total"]),
            computed_taxable=None if computed is None else not (computed.get("exempt_per_capita")
                                                                and computed.get("exempt_income_levy")),
            engine_refusal=refusal if computed is None else None,
            tax_without_declaration=tax_without,
            filed_final_return=owner in self.final_returns,
            earlier_declarations=earlier,
            is_claimed_by_other=bool(self.claims.get(owner)),
        )
