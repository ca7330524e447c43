"""Who a household member is to the filer, worked out from the registry's 続柄, which are relations to the
世帯主 (住民基本台帳法第7条第4号; the 続柄 the standard lists: registry.domain.person.RELATIONSHIPS).

A son filing for his mother, who is registered as the head's 妻, must get 「母」 (a lineal ascendant: 同居老親等
may apply), not 「配偶者」. Each 続柄 is a path of steps from the head (:data:`PATH_FROM_HEAD`); the path from the
filer to the member is the filer's path reversed, then the member's, simplified where the two meet. Where the
registry cannot tell (the head's 子 is presumed the child of the head's 妻 too; of two 子 of the head, a 孫 is
presumed the child of the one filing) the answer says it was presumed, and the portal shows the registry's
続柄 beside it for the resident to confirm.

Tax meaning (所得税法第2条第1項第33号〜第34号の4, 地方税法第292条第1項第7号〜第10号 follow 民法): a 配偶者 is a
spouse by marriage (民法第739条): a 「妻（未届）」「夫（未届）」 (内縁) is no 配偶者 and no 親族; 親族 are the
blood relatives to the 6th degree, the spouse and the relatives by marriage to the 3rd (民法第725条); 同居老親等
needs a lineal ascendant of the filer or of the filer's spouse (所得税法第2条第1項第34号の4 via 租税特別措置法
第41条の16; 地方税法第314条の2第1項第11号・第3項).

Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

# Steps: p parent, c child, s spouse (by marriage), u partner not married (未届), b sibling (a parent's child).
PATH_FROM_HEAD: dict[str, tuple[str, ...] | None] = {
    "世帯主": (),
    "妻": ("s",), "夫": ("s",), "妻（未届）": ("u",), "夫（未届）": ("u",),
    "子": ("c",), "養子": ("c",), "父": ("p",), "母": ("p",), "養父": ("p",), "養母": ("p",),
    "孫": ("c", "c"), "曾孫": ("c", "c", "c"), "祖父": ("p", "p"), "祖母": ("p", "p"),
    "兄": ("b",), "姉": ("b",), "弟": ("b",), "妹": ("b",),
    "子の妻": ("c", "s"), "子の夫": ("c", "s"),
    "妻の父": ("s", "p"), "妻の母": ("s", "p"), "夫の父": ("s", "p"), "夫の母": ("s", "p"),
    "兄の妻": ("b", "s"), "弟の妻": ("b", "s"), "姉の夫": ("b", "s"), "妹の夫": ("b", "s"),
    "おじ": ("p", "b"), "おば": ("p", "b"), "甥": ("b", "c"), "姪": ("b", "c"),
    "妻の子": ("s", "c"), "夫の子": ("s", "c"),
    "子の子": ("c", "c"), "子の子の子": ("c", "c", "c"),
    **dict.fromkeys(("父の父", "父の母", "母の父", "母の母"), ("p", "p")),
    **dict.fromkeys(("父の兄", "父の姉", "父の弟", "父の妹", "母の兄", "母の姉", "母の弟", "母の妹"), ("p", "b")),
    **dict.fromkeys(("兄の子", "姉の子", "弟の子", "妹の子"), ("b", "c")),
    "縁故者": None, "同居人": None,  # not relatives of the head: nothing follows from the registry
}
INVERSE = {"p": "c", "c": "p", "s": "s", "u": "u", "b": "b"}

# Where the two paths meet: (filer-side step, member-side step) → what it becomes and whether that was presumed.
# "self" means the two steps lead back to the same person (then, as the member is not the filer, the
# alternative in ``ALTERNATIVE`` when nothing else remains).
MEET: dict[tuple[str, str], tuple[tuple[str, ...], bool]] = {
    ("s", "s"): ((), False),          # my spouse's spouse: me
    ("u", "u"): ((), False),
    ("p", "c"): ((), True),           # my parent's child: me (or a sibling: ALTERNATIVE)
    ("c", "p"): ((), True),           # my child's parent: me (or my spouse)
    ("b", "b"): ((), True),           # my sibling's sibling: me (or another sibling)
    ("p", "s"): (("p",), True),       # my parent's spouse: presumed my other parent
    ("s", "c"): (("c",), True),       # my spouse's child (registered 子 of the head): presumed mine too
    ("b", "p"): (("p",), True),       # my sibling's parent: presumed mine
    ("c", "b"): (("c",), True),       # my child's sibling: presumed my child
}
# When the meeting leads back to the filer and nothing else remains, the member is the other possibility:
# a parent's other child is a sibling (certain); a child's other parent is presumed a spouse (they may never
# have married, or have divorced: the registry's 続柄 to the head cannot tell).
ALTERNATIVE = {("p", "c"): (("b",), False), ("c", "p"): (("s",), True), ("b", "b"): (("b",), False)}

LABELS: dict[tuple[str, ...], tuple[str, str]] = {
    # path from the filer → (続柄 to the filer, the tax case's relation)
    ("s",): ("配偶者", "spouse"), ("u",): ("未届の配偶者（内縁）", "other"),
    ("c",): ("子", "child"), ("p",): ("父母", "parent"), ("p", "p"): ("祖父母", "grandparent"),
    ("p", "p", "p"): ("曾祖父母", "grandparent"), ("c", "c"): ("孫", "other"), ("c", "c", "c"): ("曾孫", "other"),
    ("b",): ("兄弟姉妹", "other"), ("s", "p"): ("配偶者の父母", "parent"),
    ("s", "p", "p"): ("配偶者の祖父母", "grandparent"), ("s", "c"): ("配偶者の子", "other"),
    ("s", "b"): ("配偶者の兄弟姉妹", "other"), ("c", "s"): ("子の配偶者", "other"),
    ("b", "s"): ("兄弟姉妹の配偶者", "other"), ("p", "b"): ("おじ・おば", "other"), ("b", "c"): ("甥・姪", "other"),
    ("c", "c", "s"): ("孫の配偶者", "other"), ("s", "b", "c"): ("配偶者の甥・姪", "other"),
}
BY_SEX = {("p",): ("父", "母"), ("p", "p"): ("祖父", "祖母"), ("s", "p"): ("配偶者の父", "配偶者の母")}


@dataclass(frozen=True)
class Kinship:
    """A household member as the filer's relative."""

    label: str  # 続柄 to the filer, in words: 「母」「配偶者の父母」「同居人」
    relation: str  # the tax case's relation: spouse / child / parent / grandparent / other
    kin: bool  # 親族 (民法第725条): may be a 扶養親族 at all
    presumed: bool  # the registry could not tell; the most likely relation was taken
    path: tuple[str, ...] | None = None  # steps from the filer; None: not related through the registry

    @property
    def spouse(self) -> bool:
        return self.relation == "spouse"


NOT_RELATED = Kinship("親族関係を確認できない同居者", "other", kin=False, presumed=False)
NOT_KIN = frozenset({"縁故者", "同居人"})  # the registry's 続柄 of someone living in the household who is no relative


def _degree(path: tuple[str, ...]) -> int:
    return sum(2 if step == "b" else 1 for step in path if step in "pcb")


def _kin(path: tuple[str, ...]) -> bool:
    """民法第725条: 6親等内の血族, 配偶者, 3親等内の姻族 (a spouse's blood relative or a blood relative's
    spouse); an unmarried partner and anyone reached through two marriages are not 親族."""
    if "u" in path:
        return False
    spouses = [i for i, step in enumerate(path) if step == "s"]
    if not spouses:
        return _degree(path) <= 6
    if path == ("s",):
        return True
    if len(spouses) == 1 and spouses[0] in (0, len(path) - 1):
        return _degree(path) <= 3
    return False


def _relation(path: tuple[str, ...]) -> str:
    if path in LABELS:
        return LABELS[path][1]
    body = path[1:] if path[:1] == ("s",) else path
    if body and all(step == "p" for step in body):
        return "grandparent"
    return "other"


def _label(path: tuple[str, ...], female: bool | None) -> str:
    if female is not None and path in BY_SEX:
        return BY_SEX[path][1 if female else 0]
    if path in LABELS:
        return LABELS[path][0]
    return "その他の親族" if _kin(path) else "親族以外"


def path_between(filer: tuple[str, ...], member: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
    """The path from the filer to the member, both given from the head, and whether it was presumed."""
    rev = [INVERSE[step] for step in reversed(filer)]
    fwd = list(member)
    presumed = False
    while rev and fwd:
        meet = (rev[-1], fwd[0])
        if meet not in MEET:
            break
        replacement, guess = MEET[meet]
        rev.pop()
        fwd.pop(0)
        if not replacement and not rev and not fwd:  # back at the filer: the member is someone else
            other, guess = ALTERNATIVE.get(meet, ((), False))
            return other, presumed or guess
        presumed = presumed or guess
        fwd[:0] = replacement
    return tuple(rev) + tuple(fwd), presumed


def kinship(filer_relationship: str, member_relationship: str, *, member_female: bool | None = None) -> Kinship:
    """The member's relation to the filer, from both 続柄 to the 世帯主 (one household)."""
    filer = PATH_FROM_HEAD.get(filer_relationship)
    member = PATH_FROM_HEAD.get(member_relationship)
    if filer is None or member is None:
        return NOT_RELATED
    path, presumed = path_between(filer, member)
    if not path:  # two entries of one role (two 世帯主?): nothing can be said
        return NOT_RELATED
    return Kinship(_label(path, member_female), _relation(path), _kin(path), presumed, path)
