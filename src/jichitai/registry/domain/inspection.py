"""住民基本台帳の一部の写し（閲覧用） (標準仕様書 9.5, j1320): who is on it, what it shows and in which order. Pure.

- What it shows: 「住民基本台帳の一部の写し」 is 氏名・出生の年月日・男女の別・住所 (住民基本台帳法第11条第1項: the items
  of 第7条第1号から第3号まで及び第7号) — nothing else (no 続柄, no 世帯, no number).
- Who: the residents (住民状態 住民, 本登録 only: a 異動 waiting for 決裁 is not on the 住民票 yet, j530) of the 町字
  chosen, narrowed by the 抽出条件 j1320 names (age on the 基準日, sex); everyone the caller lists as protected is
  left out whatever the conditions (j1320 「支援対象者を除く」; 住民基本台帳事務処理要領: a 支援措置 covers the
  閲覧 too). The caller decides who is protected (registry.suppression's Shield); this module only obeys.
- Order: by address (町字 in the order chosen, then 番地 with its numbers read as numbers, 方書, household) or in a
  random order (j1320 「ランダム順位」) drawn from a seed that is recorded, so the same list can be shown again.
- Age: 年齢計算ニ関スル法律 (the age is reached at the end of the day before the birthday): common.wareki.legal_age_on.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from jichitai.common.text import nfkc
from jichitai.common.wareki import legal_age_on
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.person import ACTIVE, FEMALE, MALE

# 住民基本台帳法第11条第1項 (国又は地方公共団体の機関の請求) and 第11条の2第1項 (個人又は法人の申出), with the
# activities of 第11条の2第1項各号 for which a private 閲覧 may be allowed.
REQUESTERS = {
    "official": "国又は地方公共団体の機関の請求（住民基本台帳法第11条）",
    "private": "個人又は法人の申出（住民基本台帳法第11条の2）",
}
PURPOSES = {
    "official": "法令で定める事務の遂行（第11条第1項）",
    "research": "統計調査・世論調査・学術研究その他の調査研究で公益性が高いもの（第11条の2第1項第1号）",
    "welfare": "公共的団体が行う地域住民の福祉の向上に寄与する活動で公益性が高いもの（第11条の2第1項第2号）",
    "residence": "営業以外の目的で行う居住関係の確認として市町村長が定めるもの（第11条の2第1項第3号）",
}
SEXES = {"": "指定しない", MALE: "男", FEMALE: "女"}
MAX_AGE = 150


class Order(StrEnum):
    ADDRESS = "address"
    RANDOM = "random"

    @property
    def label(self) -> str:
        return {"address": "住所順", "random": "無作為（ランダム）順"}[self.value]


@dataclass(frozen=True)
class Criteria:
    """抽出条件: the 町字 (in the order printed), the 基準日 the age is taken on, an age range, a sex, the order."""

    town_codes: tuple[str, ...]
    on: dt.date
    age_from: int | None = None
    age_to: int | None = None
    sex: str = ""
    order: Order = Order.ADDRESS
    seed: int = 0

    def describe(self, town_names: dict[str, str]) -> list[str]:
        """The conditions in words, as printed on the list and kept with the request."""
        out = ["町字: " + "、".join(town_names.get(c, c) for c in self.town_codes)]
        if self.age_from is not None or self.age_to is not None:
            low = "" if self.age_from is None else f"{self.age_from}歳以上"
            high = "" if self.age_to is None else f"{self.age_to}歳以下"
            out.append(f"年齢（基準日現在）: {low}{high}")
        if self.sex:
            out.append(f"性別: {SEXES[self.sex]}")
        out.append(f"並び順: {self.order.label}")
        return out


@dataclass(frozen=True)
class Listed:
    """One resident as the registry holds them, with what the selection and the order need."""

    atena_number: str
    setai_number: str
    name: str
    birth_date: dt.date
    sex: str
    town_code: str
    banchi: str
    katagaki: str = ""
    status: str = ACTIVE
    household_order: int = 1
    foreign: bool = False


@dataclass(frozen=True)
class InspectionList:
    criteria: Criteria
    people: tuple[Listed, ...]
    left_out: frozenset[str] = field(default_factory=frozenset)  # protected people among those that matched


def check(c: Criteria) -> None:
    """Refuse conditions that cannot make a list, naming the item."""
    if not c.town_codes:
        raise RegistryError("町字を選択してください。", code="no_town", field="town_codes")
    for name, value in (("age_from", c.age_from), ("age_to", c.age_to)):
        if value is not None and not 0 <= value <= MAX_AGE:
            raise RegistryError(f"年齢は0歳から{MAX_AGE}歳までで指定してください。", code="invalid_age", field=name)
    if c.age_from is not None and c.age_to is not None and c.age_from > c.age_to:
        raise RegistryError("年齢の下限が上限より大きくなっています。", code="invalid_age_range", field="age_from")
    if c.sex not in SEXES:
        raise RegistryError("性別は男・女・指定しないのいずれかを選んでください。", code="invalid_sex", field="sex")


def _number_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """「2番地」 before 「10番地」: runs of digits compared as numbers (full-width digits read as digits)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.split(r"(\d+)", nfkc(text)) if part)


def matches(p: Listed, c: Criteria) -> bool:
    if p.status != ACTIVE or p.town_code not in c.town_codes:
        return False
    if c.sex and p.sex != c.sex:
        return False
    if p.birth_date > c.on:
        return False
    age = legal_age_on(p.birth_date, c.on)
    return (c.age_from is None or age >= c.age_from) and (c.age_to is None or age <= c.age_to)


def select(people: Iterable[Listed], c: Criteria, protected: frozenset[str]) -> InspectionList:
    """The list for ``c``: the residents matching it, without anyone in ``protected``, in the order asked."""
    check(c)
    town_rank = {code: n for n, code in enumerate(c.town_codes)}
    found = [p for p in people if matches(p, c)]
    left_out = frozenset(p.atena_number for p in found if p.atena_number in protected)
    kept = sorted((p for p in found if p.atena_number not in protected),
                  key=lambda p: (town_rank[p.town_code], _number_key(p.banchi), _number_key(p.katagaki),
                                 p.setai_number, p.household_order, p.atena_number))
    if c.order is Order.RANDOM:
        random.Random(c.seed).shuffle(kept)  # an order for a list, not a secret; the seed is recorded
    return InspectionList(c, tuple(kept), left_out)
