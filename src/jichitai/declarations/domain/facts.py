"""What the city already knows, assembled by the service for one declaration and handed to the rules.

Everything is plain data so that the rules can be tested (and benchmarked) without a database:
- the registry's record of the taxpayer (identity, address on 1 January of the 年度, current address, death);
- the reports received for the taxpayer (給与支払報告書, 公的年金等支払報告書), summed;
- for every claimed spouse or dependant: the registry record when the person lives in the city, their income
  as the city knows it (reports, their own declaration), and who else claims them;
- the tax computed by the engine for the declaration as filed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class Place(str):
    """An address in words, as a finding's text shows it (:meth:`Facts.place`). Marked so that a finding knows
    which of its items are addresses: the clerk's page withholds them for a person the Shield covers."""

    __slots__ = ()


@dataclass(frozen=True)
class Address:
    town_code: str
    banchi: str
    katagaki: str = ""


@dataclass(frozen=True)
class DisabilityRecord:
    """A 障害者手帳 as the city's 障害者福祉 system holds it (身体障害者手帳, 精神障害者保健福祉手帳, 療育手帳).

    ``special``: a 特別障害者 (所得税法施行令第10条第2項: 身体 1・2級, 精神 1級, 療育 A (重度)), else a
    障害者 (同条第1項)."""

    kind: str  # 身体 / 精神 / 療育
    grade: str  # 1級〜6級, A / B
    special: bool
    valid_from: dt.date
    valid_to: dt.date | None = None  # None: no end (身体障害者手帳); 精神 is renewed every 2 years

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def label(self) -> str:
        book = {"身体": "身体障害者手帳", "精神": "精神障害者保健福祉手帳", "療育": "療育手帳"}.get(self.kind, self.kind)
        return f"{book} {self.grade}"


@dataclass(frozen=True)
class KnownPerson:
    """A person as the registry knows them (住民記録, including 消除者 kept in the history)."""

    atena_number: str
    my_number: str
    name: str
    kana: str
    birth_date: dt.date | None
    died_on: dt.date | None = None
    address_jan1: Address | None = None  # None: not a resident of the city on 1 January (賦課期日)
    address_now: Address | None = None
    household: str = ""
    relationship: str = ""  # 続柄 to the 世帯主 (registry)
    sex: str = ""  # "F" / "M" (registry)
    disabilities: tuple[DisabilityRecord, ...] = ()  # the city's 障害者福祉 records (when the city has them)

    def disability_on(self, day: dt.date) -> DisabilityRecord | None:
        """The strongest 手帳 valid on ``day`` (a 特別障害者 grade first)."""
        valid = [r for r in self.disabilities if r.valid_on(day)]
        return max(valid, key=lambda r: r.special, default=None)


@dataclass(frozen=True)
class Claim:
    """Someone else who claims the same person: another declaration, or a report listing them."""

    claimant: str  # as the clerk sees them (CityIndex.label: name and 宛名番号), never a 個人番号
    role: str  # "spouse" or "dependent"
    source: str  # 「申告 <受付番号>」「給与支払報告書」「公的年金等支払報告書」「確定申告書（国税連携）」


@dataclass(frozen=True)
class RelativeFacts:
    my_number: str
    person: KnownPerson | None  # None: not in the city's registry (lives elsewhere)
    known_income: int | None = None  # 合計所得金額 from the city's own data; None when unknown
    income_source: str = ""
    other_claims: tuple[Claim, ...] = ()
    claims_taxpayer_as_spouse: bool = False  # the spouse's own declaration or report claims the taxpayer


@dataclass(frozen=True)
class EngineRefusal:
    """The tax engine's refusal of the case as filed: the field it names (the case format's dotted path, e.g.
    ``dependents[0].birth_date``) and its message. The review turns it into a finding, never into an
    acceptance: what the engine cannot compute cannot be assessed."""

    field: str
    message: str


@dataclass(frozen=True)
class Facts:
    person: KnownPerson | None
    salary_reported: int | None = None  # sum of 給与支払報告書 支払金額; None: no report received
    salary_reports: int = 0
    salary_year_end_adjusted: bool = False  # 年末調整済みの報告がある
    pension_reported: int | None = None
    pension_reports: int = 0
    relatives: dict[str, RelativeFacts] = field(default_factory=dict)
    computed_total_tax: int | None = None
    computed_taxable: bool | None = None  # False: 非課税 (均等割も所得割も)
    engine_refusal: EngineRefusal | None = None  # the engine refused the case (then computed_* are None)
    tax_without_declaration: int | None = None  # the tax from the reports alone (年末調整); None: not computed
    household: tuple[KnownPerson, ...] = ()  # the filer's household members (registry), the filer left out
    # 宛名番号 → 総所得金額等 of a household member from their own reports (給与・公的年金等), their own 住民税申告 and
    # 確定申告書 (国税連携), computed by the tax engine; a member with none of these is absent (the city cannot know)
    household_income: dict[str, int] = field(default_factory=dict)
    household_income_source: dict[str, str] = field(default_factory=dict)  # 宛名番号 → where that income is from
    # 宛名番号 → the claims on a household member by anyone but the filer (reports, declarations, 確定申告書): a
    # member who is another taxpayer's 同一生計配偶者 or 扶養親族 makes nobody a ひとり親 (所得税法施行令第11条の2)
    household_claims: dict[str, tuple[Claim, ...]] = field(default_factory=dict)
    births: tuple[dt.date, ...] = ()  # children born in the filer's household during the income year
    welfare_data: bool = False  # the city's 障害者福祉 records were consulted (else no record proves nothing)
    kokuho_tax_paid: int | None = None  # 国民健康保険税 the filer paid for the income year; None: not known
    reported_social_insurance: int | None = None  # 社会保険料 on the reports received (給与・年金), summed
    town_names: dict[str, str] = field(default_factory=dict)  # 町字コード → 「中央区 加納町」 (texts name towns)
    filed_final_return: bool = False  # 所得税の確定申告書 received through 国税連携
    earlier_declarations: int = 0  # declarations for the same year already accepted for this person
    is_claimed_by_other: bool = False  # the taxpayer is someone's spouse or dependant (reports, declarations)

    def place(self, town_code: str, banchi: str) -> Place:
        """An address in words for a finding's text: the 町字 by name, never its code."""
        return Place(f"{self.town_names.get(town_code, '町字不明')} {banchi}".strip())

    def relative(self, my_number: str) -> RelativeFacts | None:
        return self.relatives.get(my_number)
