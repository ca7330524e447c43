"""Plausible Japanese names with readings, variant characters (異体字) and foreign residents' names.

Surnames come from japanese-personal-name-dataset (MIT) ``last_name_org.csv`` (kanji, reading, an estimated
count of bearers), drawn in proportion to that count. Given names come from its ``first_name_*_opti`` lists
(curated popular readings, each with its kanji spellings) for most people and from the full ``org`` lists for
one in ten, so that rare names appear too.

Variant forms: some bearers of a surname write one character in a variant form. The shares below are our
assumption (no published statistics were found): 髙 for 高 8 %, 﨑 (U+FA11) for 崎 10 %, 𠮷 (U+20BB7) for 吉 3 %,
邊/邉 for 辺 20 % (邉 with one of its ideographic variation sequences U+E0100–E0105, the way the MJ character
set tells its many 邉 glyphs apart), 齋/齊 for 斎 15 %, 澤 for 沢 5 %, 濱 for 浜 5 %, 嶋 for 島 3 %, 﨑 is a CJK
compatibility ideograph that NFKC would fold to 崎; names are stored exactly as entered and only the search
key folds them.

Pure: no Django.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from japanese_personal_name_dataset import load_dataset

from jichitai.common.text import hiragana_to_katakana

# (plain character, variant forms, share of bearers who use a variant)
VARIANTS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("高", ("髙",), 0.08),
    ("崎", ("\ufa11",), 0.10),
    ("吉", ("\U00020bb7",), 0.03),
    ("辺", ("邊", *("邉" + chr(0xE0100 + i) for i in range(6))), 0.20),
    ("斎", ("齋", "齊"), 0.15),
    ("沢", ("澤",), 0.05),
    ("浜", ("濱",), 0.05),
    ("島", ("嶋",), 0.03),
)


@dataclass(frozen=True)
class Name:
    surname: str
    given: str
    surname_kana: str
    given_kana: str

    @property
    def full(self) -> str:
        return f"{self.surname}　{self.given}"

    @property
    def full_kana(self) -> str:
        return f"{self.surname_kana}　{self.given_kana}"


@dataclass(frozen=True)
class _Pools:
    surnames: tuple[tuple[str, str], ...]
    surname_cdf: np.ndarray
    given: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]


@lru_cache(maxsize=1)
def _pools() -> _Pools:
    man_opti, woman_opti, last = load_dataset("opti", include_last_names=True)
    man_org, woman_org = load_dataset("org")
    surnames = tuple(sorted((k, v["reading"]) for k, v in last.items()))
    counts = np.array([last[k]["count"] for k, _ in surnames], dtype=np.float64)
    cdf = np.cumsum(counts / counts.sum())

    def pool(d: dict) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple(sorted((reading, tuple(e["kanji"])) for reading, e in d.items() if e["kanji"]))

    return _Pools(
        surnames=surnames,
        surname_cdf=cdf,
        given={"M": pool(man_opti), "F": pool(woman_opti), "M_rare": pool(man_org), "F_rare": pool(woman_org)},
    )


def with_variant(surname: str, rng: random.Random) -> str:
    """The surname as this bearer writes it (sometimes a 異体字, sometimes with a variation selector)."""
    for plain, forms, share in VARIANTS:
        if plain in surname and rng.random() < share:
            return surname.replace(plain, rng.choice(forms), 1)
    return surname


class NameSampler:
    """Seeded draws of surnames and given names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pools = _pools()

    def surname(self) -> tuple[str, str]:
        """(kanji as written by this household, katakana reading)."""
        u = self.rng.random()
        idx = int(np.searchsorted(self.pools.surname_cdf, u, side="right"))
        kanji, reading = self.pools.surnames[min(idx, len(self.pools.surnames) - 1)]
        return with_variant(kanji, self.rng), hiragana_to_katakana(reading)

    def given(self, sex: str) -> tuple[str, str]:
        key = sex if self.rng.random() < 0.9 else f"{sex}_rare"
        reading, spellings = self.rng.choice(self.pools.given[key])
        # The first spellings in the list are the common ones more often than not; favour them.
        k = min(len(spellings) - 1, int(self.rng.expovariate(0.6)))
        return spellings[k], hiragana_to_katakana(reading)

    def person(self, sex: str, surname: tuple[str, str] | None = None) -> Name:
        s_kanji, s_kana = surname if surname is not None else self.surname()
        g_kanji, g_kana = self.given(sex)
        return Name(s_kanji, g_kanji, s_kana, g_kana)


# Foreign residents. Nationality shares of Kobe's foreign residents are our assumption, in the order of
# magnitude the city's statistics show (韓国・朝鮮, 中国, ベトナム largest): see docs/synthetic-city.md.
NATIONALITIES: tuple[tuple[str, str, float], ...] = (
    ("KR", "韓国", 0.27), ("CN", "中国", 0.25), ("VN", "ベトナム", 0.20), ("PH", "フィリピン", 0.05),
    ("US", "アメリカ合衆国", 0.03), ("TW", "台湾", 0.04), ("NP", "ネパール", 0.04), ("ID", "インドネシア", 0.04),
    ("IN", "インド", 0.03), ("GB", "英国", 0.01), ("BR", "ブラジル", 0.02), ("MM", "ミャンマー", 0.02),
)

# 在留資格 weights per nationality group (特別永住者 only for KR/TW as the historical resident group).
STATUSES: dict[str, tuple[tuple[str, float], ...]] = {
    "KR": (("特別永住者", 0.55), ("永住者", 0.20), ("技術・人文知識・国際業務", 0.08), ("留学", 0.07),
           ("日本人の配偶者等", 0.06), ("家族滞在", 0.04)),
    "TW": (("特別永住者", 0.05), ("永住者", 0.35), ("技術・人文知識・国際業務", 0.25), ("留学", 0.20),
           ("家族滞在", 0.15)),
    "CN": (("永住者", 0.35), ("技術・人文知識・国際業務", 0.20), ("留学", 0.20), ("家族滞在", 0.12),
           ("日本人の配偶者等", 0.05), ("定住者", 0.04), ("技能実習", 0.04)),
    "VN": (("技能実習", 0.35), ("特定技能", 0.20), ("留学", 0.20), ("技術・人文知識・国際業務", 0.15),
           ("家族滞在", 0.05), ("永住者", 0.05)),
}
_DEFAULT_STATUS = (("永住者", 0.25), ("技術・人文知識・国際業務", 0.25), ("留学", 0.2), ("家族滞在", 0.1),
                   ("定住者", 0.1), ("特定技能", 0.1))

_FOREIGN_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # nationality: (surnames, male given, female given) as written on the 住民票 (kanji for CN/KR/TW,
    # alphabet for others)
    "KR": (("金", "李", "朴", "崔", "鄭", "姜", "趙", "尹"), ("民俊", "成浩", "在賢", "志勲"), ("秀美", "美英", "恵珍", "智恩")),
    "CN": (("王", "李", "張", "劉", "陳", "楊", "黄", "趙"), ("偉", "強", "磊", "洋"), ("芳", "娜", "敏", "静")),
    "TW": (("陳", "林", "黄", "張", "李"), ("志明", "建宏", "俊傑"), ("淑芬", "美玲", "怡君")),
    "VN": (("NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "VU"), ("VAN ANH", "DUC MINH", "QUANG HUY"),
           ("THI LAN", "THI HOA", "THU TRANG")),
    "PH": (("SANTOS", "REYES", "CRUZ", "BAUTISTA"), ("JOSE", "MARK"), ("MARIA", "ANGELICA")),
    "US": (("SMITH", "JOHNSON", "BROWN"), ("JAMES", "MICHAEL"), ("EMILY", "SARAH")),
    "NP": (("SHRESTHA", "GURUNG", "TAMANG"), ("RAM", "BIKASH"), ("SITA", "ANITA")),
    "ID": (("SANTOSO", "WIJAYA"), ("BUDI", "AGUS"), ("SITI", "DEWI")),
    "IN": (("SHARMA", "PATEL", "SINGH"), ("RAHUL", "AMIT"), ("PRIYA", "ANJALI")),
    "GB": (("JONES", "TAYLOR"), ("OLIVER", "HARRY"), ("AMELIA", "OLIVIA")),
    "BR": (("SILVA", "SOUZA"), ("LUCAS", "GABRIEL"), ("ANA", "JULIA")),
    "MM": (("AUNG", "HTET"), ("KYAW", "ZAW"), ("SU", "THIN")),
}
_KANA_OF = {
    "金": "キム", "李": "イ", "朴": "パク", "崔": "チェ", "鄭": "チョン", "姜": "カン", "趙": "チョ", "尹": "ユン",
    "王": "ワン", "張": "チャン", "劉": "リュウ", "陳": "チン", "楊": "ヤン", "黄": "コウ", "林": "リン",
}


def foreign_name(nationality: str, sex: str, rng: random.Random) -> Name:
    surnames, male, female = _FOREIGN_NAMES[nationality]
    s = rng.choice(surnames)
    g = rng.choice(male if sex == "M" else female)
    s_kana = _KANA_OF.get(s, _alpha_kana(s))
    return Name(s, g, s_kana, _alpha_kana(g))


_ROMAJI = (("SH", "シ"), ("CH", "チ"), ("NG", "ン"), ("TH", "ト"), ("A", "ア"), ("I", "イ"), ("U", "ウ"), ("E", "エ"),
           ("O", "オ"))


def _alpha_kana(text: str) -> str:
    """A rough katakana rendering for the フリガナ of an alphabetic name (clerks confirm it at the counter)."""
    if not text.isascii():
        return "".join(_KANA_OF.get(ch, "") for ch in text) or "フメイ"
    out = []
    i = 0
    up = text.upper()
    while i < len(up):
        for roman, kana in _ROMAJI:
            if up.startswith(roman, i):
                out.append(kana)
                i += len(roman)
                break
        else:
            if up[i] == " ":
                out.append("　")
            elif up[i].isalpha():
                out.append("ー" if out and out[-1] != "ー" else "")
            i += 1
    return "".join(out).strip("ー") or "フメイ"


def draw_weighted(rng: random.Random, items: tuple[tuple[str, float], ...]) -> str:
    total = sum(w for _, w in items)
    u = rng.random() * total
    for value, w in items:
        u -= w
        if u <= 0:
            return value
    return items[-1][0]


def nationality_and_status(rng: random.Random) -> tuple[str, str]:
    nat = draw_weighted(rng, tuple((code, w) for code, _, w in NATIONALITIES))
    return nat, draw_weighted(rng, STATUSES.get(nat, _DEFAULT_STATUS))


NATIONALITY_NAME = {code: name for code, name, _ in NATIONALITIES}
