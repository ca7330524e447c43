"""世帯員の並び順 (j1010, 5.2): the order of members on a 世帯連記式 住民票の写し, and on the counter's household page
and forms (the same order wherever a household is listed: 世帯主 first, whatever order the members joined in).

Rank 1: 世帯主, 配偶者, 世帯主の子. Rank 2: the families of the head's children (子の配偶者, 孫).
Rank 3: the head's 父母, 兄弟姉妹, 祖父母. Rank 4: other 親族, 縁故者, 同居人. Inside a group: birth date,
then 宛名番号. An order set by hand (``PersonEntry.order``) wins over the rule (j1010 ただし書).

Simplification (recorded in docs/standard-conformance.md): rank 2 is ordered by kind (子の配偶者 before 孫)
rather than family by family, because the 続柄 text does not say which child a 孫 belongs to.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Protocol, TypeVar

from jichitai.registry.certificates.snapshot import PersonEntry

_CHILD = re.compile(r"^(長|二|次|三|四|五|六|七|八|九|十)?(男|女)$|^子$|^養子$|^養女$|^養男$")
_SPOUSE = {"妻", "夫", "配偶者", "妻（未届）", "夫（未届）", "妻(未届)", "夫(未届)"}


def relationship_rank(relationship: str) -> tuple[int, int]:
    """(順位, 順位内の区分) for a 続柄 text as recorded."""
    r = relationship.strip()
    if r == "世帯主":
        return (1, 1)
    if r in _SPOUSE:
        return (1, 2)
    if _CHILD.match(r):
        return (1, 3)
    if r.startswith("子の") and r[2:] in _SPOUSE:
        return (2, 2)
    if r in {"孫", "子の子"} or r.startswith("孫") or r.startswith("子の子"):
        return (2, 3)
    if r in {"父", "母", "養父", "養母"}:
        return (3, 1)
    if r in {"兄", "姉", "弟", "妹", "兄弟", "姉妹"}:
        return (3, 2)
    if r in {"祖父", "祖母", "父の父", "父の母", "母の父", "母の母"}:
        return (3, 3)
    if r == "縁故者":
        return (4, 2)
    if r in {"同居人", "同居者"}:
        return (4, 3)
    return (4, 1)


class Member(Protocol):
    @property
    def relationship(self) -> str: ...
    @property
    def birth_date(self) -> dt.date: ...
    @property
    def atena_number(self) -> str: ...


M = TypeVar("M", bound=Member)


def in_standard_order(members: Iterable[M]) -> list[M]:
    """Members by the rule of j1010: rank of the 続柄, then 生年月日, then 宛名番号."""
    return sorted(members, key=lambda p: (relationship_rank(p.relationship), p.birth_date, p.atena_number))


def ordered(members: Iterable[PersonEntry]) -> list[PersonEntry]:
    """Members in the order of j1010 (hand-set order first, when every member has one)."""
    people = list(members)
    if people and all(p.order is not None for p in people):
        return sorted(people, key=lambda p: (p.order, p.atena_number))
    return in_standard_order(people)
