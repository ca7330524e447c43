"""Bulk-load a synthetic registry with PostgreSQL COPY: towns, households, residents and their first history
row (国内転入), with encrypted 個人番号 and search keys, then move the 宛名番号/世帯番号 sequences past them.

Used by bench/registry_throughput.py (``--load N``); importable on its own. Not a synthetic city (see
jichitai.synth): names come from small fixed pools so searches have realistic hit counts.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections.abc import Iterator
from typing import Any

SURNAMES = [("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"), ("伊藤", "イトウ"),
            ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
            ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"),
            ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"),
            ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"), ("阿部", "アベ"),
            ("石川", "イシカワ"), ("山下", "ヤマシタ"), ("中島", "ナカジマ"), ("石井", "イシイ"), ("小川", "オガワ"),
            ("前田", "マエダ"), ("岡田", "オカダ"), ("長谷川", "ハセガワ"), ("藤田", "フジタ"), ("後藤", "ゴトウ"),
            ("近藤", "コンドウ"), ("村上", "ムラカミ"), ("遠藤", "エンドウ"), ("青木", "アオキ"), ("坂本", "サカモト"),
            ("藤井", "フジイ"), ("西村", "ニシムラ"), ("福田", "フクダ"), ("太田", "オオタ"), ("三浦", "ミウラ"),
            ("岡本", "オカモト"), ("松田", "マツダ"), ("中川", "ナカガワ"), ("中野", "ナカノ"), ("原田", "ハラダ")]
MALE = [("太郎", "タロウ"), ("翔", "ショウ"), ("大輔", "ダイスケ"), ("健", "ケン"), ("誠", "マコト"), ("浩", "ヒロシ"),
        ("隆", "タカシ"), ("悠真", "ユウマ"), ("蓮", "レン"), ("陽翔", "ハルト"), ("一郎", "イチロウ"), ("拓也", "タクヤ"),
        ("直樹", "ナオキ"), ("亮", "リョウ"), ("和也", "カズヤ"), ("修", "オサム"), ("茂", "シゲル"), ("清", "キヨシ"),
        ("湊", "ミナト"), ("樹", "イツキ"), ("健太", "ケンタ"), ("大樹", "ダイキ"), ("達也", "タツヤ"), ("剛", "ツヨシ"),
        ("博", "ヒロシ"), ("進", "ススム"), ("勇", "イサム"), ("優斗", "ユウト"), ("颯太", "ソウタ"), ("陸", "リク")]
FEMALE = [("花子", "ハナコ"), ("陽子", "ヨウコ"), ("美咲", "ミサキ"), ("結衣", "ユイ"), ("愛", "アイ"), ("恵子", "ケイコ"),
          ("幸子", "サチコ"), ("由美", "ユミ"), ("真由美", "マユミ"), ("陽菜", "ヒナ"), ("葵", "アオイ"), ("凛", "リン"),
          ("芽依", "メイ"), ("さくら", "サクラ"), ("裕子", "ユウコ"), ("久美子", "クミコ"), ("明美", "アケミ"),
          ("直美", "ナオミ"), ("智子", "トモコ"), ("節子", "セツコ"), ("和子", "カズコ"), ("京子", "キョウコ"),
          ("彩", "アヤ"), ("舞", "マイ"), ("優奈", "ユウナ"), ("美月", "ミヅキ"), ("紬", "ツムギ"), ("杏", "アン"),
          ("千尋", "チヒロ"), ("玲奈", "レイナ")]
WARDS = {"28101": "東灘区", "28102": "灘区", "28105": "兵庫区", "28106": "長田区", "28107": "須磨区",
         "28108": "垂水区", "28109": "北区", "28110": "中央区", "28111": "西区"}
TOWNS_PER_WARD = 100


def towns() -> list[dict[str, str]]:
    rows = []
    for ward, ward_name in WARDS.items():
        for n in range(1, TOWNS_PER_WARD + 1):
            rows.append({"code": f"{ward}{n:04d}", "ward_code": ward, "ward_name": ward_name, "name": f"町{n}丁目",
                         "kana": f"マチ{n}チョウメ", "postcode": f"65{ward[-2:]}{n:03d}"[:7],
                         "school_district": f"{ward_name}第{(n - 1) // 10 + 1}小学校"})
    return rows


def person_name(rng: random.Random, surname: tuple[str, str], sex: str) -> tuple[str, str]:
    given = rng.choice(MALE if sex == "M" else FEMALE)
    return f"{surname[0]} {given[0]}", f"{surname[1]} {given[1]}"


def _households(n_people: int, rng: random.Random, today: dt.date) -> Iterator[list[dict[str, Any]]]:
    """Households of 1–5 with consistent 続柄 (世帯主, 妻/夫, 子, 母)."""
    made = 0
    while made < n_people:
        size = min(rng.choices([1, 2, 3, 4, 5], [38, 28, 17, 12, 5])[0], n_people - made)
        surname = rng.choice(SURNAMES)
        head_sex = rng.choice("MF")
        head_birth = today - dt.timedelta(days=rng.randint(25 * 365, 85 * 365))
        members = [{"sex": head_sex, "birth": head_birth, "relationship": "世帯主"}]
        if size >= 2:
            spouse_sex = "F" if head_sex == "M" else "M"
            members.append({"sex": spouse_sex, "birth": head_birth + dt.timedelta(days=rng.randint(-1500, 1500)),
                            "relationship": "妻" if spouse_sex == "F" else "夫"})
        for _ in range(max(0, size - 2) - (1 if size == 5 else 0)):
            lo = head_birth + dt.timedelta(days=20 * 365)
            birth = min(today - dt.timedelta(days=1), lo + dt.timedelta(days=rng.randint(0, 20 * 365)))
            members.append({"sex": rng.choice("MF"), "birth": birth, "relationship": "子"})
        if size == 5:
            members.append({"sex": "F", "birth": head_birth - dt.timedelta(days=rng.randint(20 * 365, 35 * 365)),
                            "relationship": "母"})
        for m in members:
            m["name"], m["kana"] = person_name(rng, surname, m["sex"])
        made += len(members)
        yield members


def load(n_people: int, *, seed: int = 7) -> dict[str, float]:
    """COPY ``n_people`` residents into an empty registry. Returns timings."""
    from django.db import connection

    from jichitai.common.checkdigit import make_my_number, with_modulus11
    from jichitai.common.text import given_name_key, search_key
    from jichitai.dbcopy import copy_rows
    from jichitai.registry import services
    from jichitai.registry.domain.ledger import ATENA_WIDTH, SETAI_WIDTH
    from jichitai.registry.models import Household, Resident, ResidentHistory
    from jichitai.registry.store import vault

    started = time.perf_counter()
    town_rows = towns()
    services.load_towns(town_rows)
    rng = random.Random(seed)
    today = dt.date.today()
    v = vault()
    # attribute names (copy_rows takes rows by attribute; here every attribute is its column's name)
    resident_cols = [f.attname for f in Resident._meta.concrete_fields]
    history_cols = [f.attname for f in ResidentHistory._meta.concrete_fields if f.attname != "id"]
    household_cols = [f.attname for f in Household._meta.concrete_fields]
    atena = setai = 0
    now = dt.datetime.now(dt.UTC)
    res_rows: list[dict[str, Any]] = []
    hist_rows: list[dict[str, Any]] = []
    hh_rows: list[dict[str, Any]] = []

    def flush() -> None:
        # one COPY at a time: a connection carries one COPY operation (a second would wait on the first)
        copy_rows(Resident, res_rows)
        copy_rows(ResidentHistory, hist_rows)
        copy_rows(Household, hh_rows)
        for rows in (res_rows, hist_rows, hh_rows):
            rows.clear()

    for members in _households(n_people, rng, today):
        setai += 1
        setai_number = with_modulus11(setai, SETAI_WIDTH)
        town = rng.choice(town_rows)
        banchi = f"{rng.randint(1, 30)}番{rng.randint(1, 20)}号"
        moved_on = today - dt.timedelta(days=rng.randint(30, 20 * 365))
        change_id = uuid.uuid4()
        head_atena = ""
        for order, m in enumerate(members, start=1):
            atena += 1
            atena_number = with_modulus11(atena, ATENA_WIDTH)
            head_atena = head_atena or atena_number
            my_number = make_my_number(10_000_000_000 + atena)
            since = max(moved_on, m["birth"])
            base = {
                "atena_number": atena_number, "setai_number": setai_number, "status": "active",
                "resident_kind": "japanese", "name": m["name"], "kana": m["kana"], "birth_date": m["birth"],
                "sex": m["sex"], "relationship": m["relationship"], "household_order": order, "kyuuji": "",
                "kyuuji_kana": "", "tsusho": "", "tsusho_kana": "", "furigana_shi": "", "furigana_mei": "", "honseki": "兵庫県神戸市", "hittosha": "",
                "became_resident_on": since, "town_code": town["code"], "ward_code": town["ward_code"],
                "banchi": banchi, "katagaki": "", "postcode": town["postcode"], "address_set_on": since,
                "notified_on": since, "previous_address": "大阪府大阪市", "previous_municipality_code": "27100",
                "my_number_encrypted": v.encrypt(my_number), "my_number_index": v.blind_index(my_number),
                "juminhyo_code": "", "nationality": "", "foreign_resident_on": None, "article_30_45": "",
                "residence_status": "", "residence_period": "", "residence_until": None,
                "residence_card_number": "", "removal_reason": "", "removed_on": None, "moved_out_on": None,
                "destination_address": "", "destination_municipality_code": "", "note": "",
            }
            resident = {**base, "name_key": search_key(m["name"]), "kana_key": search_key(m["kana"]),
                        "given_name_key": given_name_key(m["name"]), "given_kana_key": given_name_key(m["kana"]),
                        "history_no": 1, "last_change_id": change_id, "version": 0, "updated_at": now}
            res_rows.append({c: resident[c] for c in resident_cols})
            history = {**base, "history_no": 1, "change_id": change_id, "reason": "move_in_domestic",
                       "moved_on": since, "processed_on": since, "change_notified_on": since,
                       "entered_by": "system:bench-load", "terminal": "", "is_subject": True,
                       "cancels_change_id": None, "change_note": "", "recorded_at": now,
                       # a migrated record: no 届出人・本人確認 at the counter, no 手数料
                       "notifier_kind": "", "notifier_name": "", "identity_documents": "", "fee": 0}
            hist_rows.append({c: history[c] for c in history_cols})
        household = {"setai_number": setai_number, "ward_code": town["ward_code"], "town_code": town["code"],
                     "banchi": banchi, "katagaki": "", "head_atena_number": head_atena,
                     "member_count": len(members), "version": 1, "created_on": moved_on, "updated_at": now}
        hh_rows.append({c: household[c] for c in household_cols})
        if len(res_rows) >= 50_000:
            flush()
    flush()
    with connection.cursor() as cur:
        cur.execute("SELECT setval('registry_atena_seq', %s)", [atena])
        cur.execute("SELECT setval('registry_setai_seq', %s)", [setai])
        loaded = time.perf_counter()
        cur.execute("ANALYZE registry_resident; ANALYZE registry_residenthistory; ANALYZE registry_household")
    return {"residents": atena, "households": setai, "load_seconds": loaded - started,
            "analyze_seconds": time.perf_counter() - loaded}
