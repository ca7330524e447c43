"""The tax-side reports a city receives, as CSV layouts: 給与支払報告書 (個人別明細書, 地方税法第317条の6),
公的年金等支払報告書 (地方税法第317条の13) and 給与所得者異動届出書 (地方税法第321条の7).

Each report row carries the eLTAX 提出区分 (新規・追加・訂正・取消; an empty or absent item is 新規), which
:mod:`jichitai.tax.report_intake` applies to the payer's earlier report of the same person and year.

Pure Python. One place defines each layout (Japanese header, attribute, type, rules); the synthetic city writes
files with it, the hub's file intake validates them with it, the assessment and the declaration prefill read the
parsed rows. The items follow the 給与所得の源泉徴収票 / 給与支払報告書 個人別明細書 form (所得税法施行規則 別表第六(一))
and the 公的年金等の源泉徴収票 (別表第六(五)), reduced to what 個人住民税 needs; dependants are listed in repeated
column groups as on the form (控除対象扶養親族 1–4, 16歳未満の扶養親族 1–4).

Files are UTF-8 (with or without BOM) or CP932, one header row, one row per recipient.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from jichitai.common import csvout
from jichitai.common.checkdigit import is_valid_my_number
from jichitai.common.errors import JichitaiError


class ReportFileError(JichitaiError):
    """A report file that cannot be accepted. ``fields["problems"]`` lists every (line, item, message)."""

    code = "report_file_invalid"


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based line in the file, the header being line 1
    item: str  # the Japanese column name
    message: str


def corporate_number_check_digit(body12: str) -> int:
    """法人番号の検査用数字 (法人番号の指定等に関する省令 第2条): 9 − (Σ Pn×Qn mod 9), Pn the n-th digit from the
    right of the 12-digit base number, Qn = 1 for odd n and 2 for even n. The check digit is the FIRST digit."""
    total = sum(int(ch) * (1 if n % 2 else 2) for n, ch in enumerate(reversed(body12), start=1))
    return 9 - total % 9


def is_valid_corporate_number(number: str) -> bool:
    return (len(number) == 13 and number.isascii() and number.isdigit()
            and int(number[0]) == corporate_number_check_digit(number[1:]))


def make_corporate_number(body: int) -> str:
    b = str(body).zfill(12)
    return str(corporate_number_check_digit(b)) + b


# --- value parsers: each returns the typed value or raises ValueError with a Japanese message -------------

def _text(required: bool = True, max_len: int = 200) -> Callable[[str], str | None]:
    def parse(raw: str) -> str | None:
        value = raw.strip()
        if not value:
            if required:
                raise ValueError("必須項目が空です")
            return None
        if len(value) > max_len:
            raise ValueError(f"{max_len}文字を超えています")
        return value
    return parse


def _yen(required: bool = True) -> Callable[[str], int | None]:
    def parse(raw: str) -> int | None:
        value = raw.strip().replace(",", "")
        if not value:
            if required:
                raise ValueError("必須項目が空です")
            return 0
        if not (value.isascii() and value.isdigit()):
            raise ValueError(f"0以上の整数（円）で記入してください: {raw!r}")
        return int(value)
    return parse


def _date(required: bool = True) -> Callable[[str], dt.date | None]:
    def parse(raw: str) -> dt.date | None:
        value = raw.strip()
        if not value:
            if required:
                raise ValueError("必須項目が空です")
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"日付は YYYY-MM-DD で記入してください: {raw!r}") from None
    return parse


def _my_number(required: bool = True) -> Callable[[str], str | None]:
    def parse(raw: str) -> str | None:
        value = raw.strip()
        if not value:
            if required:
                raise ValueError("個人番号が空です")
            return None
        if not is_valid_my_number(value):
            raise ValueError("個人番号の桁数または検査用数字が正しくありません")
        return value
    return parse


def _corporate_number(raw: str) -> str:
    value = raw.strip()
    if not is_valid_corporate_number(value):
        raise ValueError("法人番号の桁数または検査用数字が正しくありません")
    return value


def _choice(options: dict[str, Any], required: bool = True) -> Callable[[str], Any]:
    def parse(raw: str) -> Any:
        value = raw.strip()
        if not value and not required:
            return None
        if value not in options:
            raise ValueError(f"{'、'.join(o for o in options if o)} のいずれかを記入してください: {raw!r}")
        return options[value]
    return parse


def _housing_loan_kind(raw: str) -> str | None:
    value = raw.strip().replace("(", "").replace(")", "").replace("（", "").replace("）", "")
    if not value:
        return None
    base, suffix = value[:1], value[1:]
    if base not in HOUSING_LOAN_BASES or suffix not in ("", "特", "特特", "特特特"):
        raise ValueError(f"住・認・増・震 のいずれか（特定取得等は後に 特・特特・特特特）を記入してください: {raw!r}")
    return value


def _year(raw: str) -> int:
    value = raw.strip()
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        raise ValueError(f"西暦4桁で記入してください: {raw!r}")
    return int(value)


FLAG = {"0": False, "1": True, "": False}
# 提出区分 of the eLTAX 個人別明細書 (a re-sent report says what it does to the payer's earlier one for the same
# person and year: 追加 a report left out, 訂正 replaces it, 取消 withdraws it); an empty item is 新規.
SUBMISSION = {"": "new", "新規": "new", "追加": "addition", "訂正": "correction", "取消": "cancellation"}
SUBMISSION_WORDS = {"new": "新規", "addition": "追加", "correction": "訂正", "cancellation": "取消"}
# 住宅借入金等特別控除区分 as on the 源泉徴収票 (所得税法施行規則 別表第六(一) 備考): 住 (一般の住宅), 認 (認定住宅等),
# 増 (特定増改築等), 震 (震災再取得等), followed by 特 / 特特 / 特特特 for 特定取得・特別特定取得・特例特別特例取得.
HOUSING_LOAN_BASES = ("住", "認", "増", "震")
DISABILITY = {"": None, "なし": None, "一般": "general", "特別": "special", "同居特別": "special_cohabiting"}
DEPENDANT_CLASS = {"特定": "specific", "老人": "elderly", "同居老親等": "elderly_cohabiting_parent",
                   "一般": "general", "16歳未満": "under16", "特定親族": "specific_relative"}


@dataclass(frozen=True)
class Column:
    header: str
    attr: str
    parse: Callable[[str], Any]
    optional: bool = False  # a file may leave the whole column out (read as empty): items added to a layout later


@dataclass(frozen=True)
class Layout:
    name: str          # stable code used by the hub: salary_report, pension_report
    title: str         # Japanese name of the document
    legal_basis: str
    columns: tuple[Column, ...]
    row_checks: tuple[Callable[[dict[str, Any]], list[tuple[str, str]]], ...] = field(default=())
    words: dict[str, dict[Any, str]] = field(default_factory=dict)  # attribute → value → the word written

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


MAX_DEPENDANTS = 4


def _dependant_columns(prefix: str, n: int) -> list[Column]:
    return [
        Column(f"{prefix}{n}氏名", f"{prefix}{n}_name", _text(required=False, max_len=100)),
        Column(f"{prefix}{n}フリガナ", f"{prefix}{n}_kana", _text(required=False, max_len=100)),
        Column(f"{prefix}{n}個人番号", f"{prefix}{n}_my_number", _my_number(required=False)),
        Column(f"{prefix}{n}生年月日", f"{prefix}{n}_birth_date", _date(required=False)),
        Column(f"{prefix}{n}区分", f"{prefix}{n}_class", _choice({"": None, **DEPENDANT_CLASS}, required=False)),
        Column(f"{prefix}{n}同居", f"{prefix}{n}_cohabiting", _choice(FLAG, required=False)),
        Column(f"{prefix}{n}障害者", f"{prefix}{n}_disability", _choice(DISABILITY, required=False), optional=True),
    ]


SUBMISSION_COLUMN = Column("提出区分", "submission", _choice(SUBMISSION), optional=True)

_RECIPIENT = [
    Column("年分", "income_year", _year),
    Column("支払者法人番号", "payer_number", _corporate_number),
    Column("支払者名称", "payer_name", _text(max_len=100)),
    Column("受給者個人番号", "my_number", _my_number()),
    Column("受給者氏名", "name", _text(max_len=100)),
    Column("受給者フリガナ", "kana", _text(max_len=100)),
    Column("受給者生年月日", "birth_date", _date()),
    Column("受給者住所", "address", _text(max_len=200)),
]


def _salary_checks(row: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    if row["salary_income"] > row["salary_paid"]:
        out.append(("給与所得控除後の金額", "支払金額を超えています"))
    if row["withholding_tax"] > row["salary_paid"]:
        out.append(("源泉徴収税額", "支払金額を超えています"))
    if row["spouse"] is False and row["spouse_my_number"]:
        out.append(("控除対象配偶者の有無", "配偶者なしですが配偶者の個人番号が記入されています"))
    for n in range(1, MAX_DEPENDANTS + 1):
        for prefix in ("扶養親族", "16歳未満扶養親族"):
            key = "dep" if prefix == "扶養親族" else "young"
            if row.get(f"{key}{n}_my_number") and not row.get(f"{key}{n}_name"):
                out.append((f"{prefix}{n}氏名", "個人番号があるのに氏名が空です"))
    start, end = row.get("started_on"), row.get("left_on")
    if start and end and end < start:
        out.append(("退職年月日", "就職年月日より前です"))
    return out


def _rename(cols: list[Column], prefix: str, key: str) -> list[Column]:
    return [Column(c.header, c.attr.replace(prefix, key, 1), c.parse) for c in cols]


SALARY_REPORT = Layout(
    name="salary_report",
    title="給与支払報告書（個人別明細書）",
    legal_basis="地方税法第317条の6第1項",
    columns=tuple(
        [SUBMISSION_COLUMN]
        + _RECIPIENT
        + [
            Column("支払金額", "salary_paid", _yen()),
            Column("給与所得控除後の金額", "salary_income", _yen()),
            Column("所得控除の額の合計額", "deductions_total", _yen()),
            Column("源泉徴収税額", "withholding_tax", _yen()),
            Column("年末調整", "year_end_adjusted", _choice({"済": True, "未済": False})),
            Column("社会保険料等の金額", "social_insurance", _yen()),
            Column("小規模企業共済等掛金の額", "small_enterprise_mutual_aid", _yen(required=False)),
            Column("新生命保険料の金額", "life_general_new", _yen(required=False)),
            Column("旧生命保険料の金額", "life_general_old", _yen(required=False)),
            Column("介護医療保険料の金額", "life_medical_care_new", _yen(required=False)),
            Column("新個人年金保険料の金額", "life_pension_new", _yen(required=False)),
            Column("旧個人年金保険料の金額", "life_pension_old", _yen(required=False)),
            Column("地震保険料の控除額", "earthquake_insurance_deduction", _yen(required=False)),
            Column("住宅借入金等特別控除可能額", "housing_loan_credit_available", _yen(required=False)),
            Column("住宅借入金等特別控除の額", "housing_loan_credit_used", _yen(required=False), optional=True),
            Column("居住開始年月日", "housing_moved_in_on", _date(required=False), optional=True),
            Column("住宅借入金等特別控除区分", "housing_loan_kind", _housing_loan_kind, optional=True),
            Column("控除対象配偶者の有無", "spouse", _choice({"有": True, "無": False})),
            Column("配偶者氏名", "spouse_name", _text(required=False, max_len=100)),
            Column("配偶者個人番号", "spouse_my_number", _my_number(required=False)),
            Column("配偶者生年月日", "spouse_birth_date", _date(required=False)),
            Column("配偶者の合計所得", "spouse_total_income", _yen(required=False)),
            Column("配偶者障害者", "spouse_disability", _choice(DISABILITY, required=False), optional=True),
            Column("本人障害者", "disability", _choice(DISABILITY, required=False)),
            Column("寡婦", "widow", _choice(FLAG, required=False)),
            Column("ひとり親", "single_parent", _choice(FLAG, required=False)),
            Column("勤労学生", "working_student", _choice(FLAG, required=False)),
            Column("就職年月日", "started_on", _date(required=False)),
            Column("退職年月日", "left_on", _date(required=False)),
        ]
        + [c for n in range(1, MAX_DEPENDANTS + 1) for c in _rename(_dependant_columns("扶養親族", n), "扶養親族", "dep")]
        + [c for n in range(1, MAX_DEPENDANTS + 1)
           for c in _rename(_dependant_columns("16歳未満扶養親族", n), "16歳未満扶養親族", "young")]
    ),
    row_checks=(_salary_checks,),
)


def _pension_checks(row: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    if row["withholding_tax"] > row["pension_paid"]:
        out.append(("源泉徴収税額", "支払金額を超えています"))
    if row["spouse"] is False and row["spouse_my_number"]:
        out.append(("控除対象配偶者の有無", "配偶者なしですが配偶者の個人番号が記入されています"))
    return out


PENSION_REPORT = Layout(
    name="pension_report",
    title="公的年金等支払報告書",
    legal_basis="地方税法第317条の13",
    columns=tuple(
        [SUBMISSION_COLUMN]
        + _RECIPIENT
        + [
            Column("支払金額", "pension_paid", _yen()),
            Column("源泉徴収税額", "withholding_tax", _yen()),
            Column("社会保険料の金額", "social_insurance", _yen(required=False)),
            Column("控除対象配偶者の有無", "spouse", _choice({"有": True, "無": False})),
            Column("配偶者氏名", "spouse_name", _text(required=False, max_len=100)),
            Column("配偶者個人番号", "spouse_my_number", _my_number(required=False)),
            Column("扶養親族の数", "dependants_count", _yen(required=False)),
            Column("本人障害者", "disability", _choice(DISABILITY, required=False)),
            Column("寡婦", "widow", _choice(FLAG, required=False), optional=True),
            Column("ひとり親", "single_parent", _choice(FLAG, required=False), optional=True),
        ]
    ),
    row_checks=(_pension_checks,),
)

def _optional_corporate_number(raw: str) -> str | None:
    return _corporate_number(raw) if raw.strip() else None


CHANGE_REASONS = {"退職": "retired", "転勤": "transferred", "休職": "leave", "死亡": "died", "その他": "other"}
REST_COLLECTION = {"一括徴収": "lump_sum", "普通徴収": "ordinary", "特別徴収継続": "new_employer"}


def _change_checks(row: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    if row["collected"] > row["annual_tax"]:
        out.append(("徴収済額", "特別徴収税額（年税額）を超えています"))
    if row["uncollected"] > row["annual_tax"]:
        out.append(("未徴収税額", "特別徴収税額（年税額）を超えています"))
    if row["rest_collection"] == "new_employer" and not row["new_payer_number"]:
        out.append(("新勤務先法人番号", "特別徴収継続ですが新しい勤務先の法人番号がありません"))
    return out


SALARY_EARNER_CHANGE = Layout(
    name="salary_earner_change",
    title="給与所得者異動届出書",
    legal_basis="地方税法第321条の7第1項",
    columns=tuple(
        [Column("特別徴収義務者法人番号", "payer_number", _corporate_number),
         Column("特別徴収義務者名称", "payer_name", _text(max_len=100))]
        + _RECIPIENT[3:]
        + [
            Column("異動年月日", "changed_on", _date()),
            Column("異動事由", "reason", _choice(CHANGE_REASONS)),
            Column("特別徴収税額", "annual_tax", _yen(required=False)),
            Column("徴収済額", "collected", _yen(required=False)),
            Column("未徴収税額", "uncollected", _yen(required=False)),
            Column("未徴収税額の徴収方法", "rest_collection", _choice(REST_COLLECTION, required=False)),
            Column("新勤務先法人番号", "new_payer_number", _optional_corporate_number),
            Column("新勤務先名称", "new_payer_name", _text(required=False, max_len=100)),
        ]
    ),
    row_checks=(_change_checks,),
)

# 年金特徴の対象者: what the 年金保険者 tells the city each May of the people it pays a 老齢等年金給付 (年額) and
# whether it withholds their 介護保険料 (介護保険法第134条; the 地方税法 article of the tax's own notice is [U]),
# the facts 地方税法第321条の7の2 needs to decide whether the pension tax is withheld from the pension.
PENSION_WITHHOLDING_TARGET = Layout(
    name="pension_withholding_target",
    title="年金特別徴収対象者情報",
    legal_basis="地方税法第321条の7の2（年金所得に係る特別徴収）, 介護保険法第134条（年金保険者の通知）",
    columns=tuple(
        [Column("年度", "fiscal_year", _year),
         Column("年金保険者法人番号", "payer_number", _corporate_number),
         Column("年金保険者名称", "payer_name", _text(max_len=100))]
        + _RECIPIENT[3:]
        + [
            Column("老齢等年金給付の年額", "old_age_pension", _yen()),
            Column("介護保険料の特別徴収", "nursing_premium_withheld", _choice({"有": True, "無": False})),
        ]
    ),
    words={"nursing_premium_withheld": {True: "有", False: "無"}},
)

LAYOUTS: dict[str, Layout] = {SALARY_REPORT.name: SALARY_REPORT, PENSION_REPORT.name: PENSION_REPORT,
                              SALARY_EARNER_CHANGE.name: SALARY_EARNER_CHANGE,
                              PENSION_WITHHOLDING_TARGET.name: PENSION_WITHHOLDING_TARGET}


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not) first, then CP932. Anything else is refused rather than guessed."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError as exc:
        raise ReportFileError(
            "文字コードを判別できません（UTF-8 または Shift_JIS(CP932) で作成してください）",
            problems=[{"line": data[: exc.start].count(b"\n") + 1, "item": "",
                       "message": f"{exc.start + 1}バイト目: UTF-8 としても Shift_JIS(CP932) としても読めない文字があります"}],
        ) from None


def parse_rows(layout: Layout, text: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Every row parsed and checked; returns the typed rows and every problem (line, item, message)."""
    reader = csv.reader(io.StringIO(text))
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    try:
        header = next(reader)
    except StopIteration:
        return [], [Problem(1, "", "ファイルが空です")]
    missing = [c.header for c in layout.columns if c.header not in header and not c.optional]
    unknown = [h for h in header if h not in layout.headers]
    for h in missing:
        problems.append(Problem(1, h, "見出し行にこの項目がありません"))
    for h in unknown:
        problems.append(Problem(1, h, "この様式にない項目です"))
    if missing:
        return [], problems
    index = {h: i for i, h in enumerate(header)}
    for line, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != len(header):
            problems.append(Problem(line, "", f"項目数が {len(raw)} です（見出しは {len(header)} 項目）"))
            continue
        row: dict[str, Any] = {}
        ok = True
        for col in layout.columns:
            try:
                row[col.attr] = col.parse(raw[index[col.header]] if col.header in index else "")
            except ValueError as exc:
                problems.append(Problem(line, col.header, str(exc)))
                ok = False
        if ok:
            for check in layout.row_checks:
                for item, message in check(row):
                    problems.append(Problem(line, item, message))
                    ok = False
        if ok:
            row["line"] = line
            rows.append(row)
    return rows, problems


def read_file(layout: Layout, data: bytes) -> list[dict[str, Any]]:
    """The whole file or nothing: raises :class:`ReportFileError` listing every problem."""
    rows, problems = parse_rows(layout, decode(data))
    if problems:
        raise ReportFileError(
            f"{layout.title}に {len(problems)} 件の誤りがあるため、ファイル全体を受け付けませんでした",
            problems=[{"line": p.line, "item": p.item, "message": p.message} for p in problems],
        )
    return rows


def dependants(row: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The dependants listed on a salary report row, both groups, as plain dicts."""
    for key in ("dep", "young"):
        for n in range(1, MAX_DEPENDANTS + 1):
            if row.get(f"{key}{n}_name"):
                yield {
                    "name": row[f"{key}{n}_name"], "kana": row.get(f"{key}{n}_kana"),
                    "my_number": row.get(f"{key}{n}_my_number"), "birth_date": row.get(f"{key}{n}_birth_date"),
                    "class": row.get(f"{key}{n}_class") or ("under16" if key == "young" else None),
                    "cohabiting": bool(row.get(f"{key}{n}_cohabiting")),
                    "disability": row.get(f"{key}{n}_disability"),
                }


def write_rows(layout: Layout, rows: list[dict[str, Any]]) -> str:
    """CSV text for ``rows`` (attribute-keyed dicts), the inverse of :func:`parse_rows` for the values we write."""
    inverse: dict[str, dict[Any, str]] = {
        "spouse": {True: "有", False: "無"},
        "year_end_adjusted": {True: "済", False: "未済"},
        "disability": {v: k for k, v in DISABILITY.items() if k not in ("なし",)},
        "submission": SUBMISSION_WORDS | {None: ""},
        "reason": {v: k for k, v in CHANGE_REASONS.items()},
        "rest_collection": {v: k for k, v in REST_COLLECTION.items()} | {None: ""},
    }
    inverse["spouse_disability"] = inverse["disability"]
    inverse.update(layout.words)
    for n in range(1, MAX_DEPENDANTS + 1):
        for key in ("dep", "young"):
            inverse[f"{key}{n}_class"] = {v: k for k, v in DEPENDANT_CLASS.items()} | {None: ""}
            inverse[f"{key}{n}_disability"] = inverse["disability"]
    out = io.StringIO()
    # for systems: a 給与支払報告書/公的年金等支払報告書 layout file that the hub and the assessment read back exactly
    w = csvout.writer(out, for_people=False, lineterminator="\r\n")
    w.writerow(layout.headers)
    plan = [(col.attr, inverse.get(col.attr)) for col in layout.columns]  # looked up once, not per cell
    for row in rows:
        get = row.get
        cells = []
        for attr, words in plan:
            value = get(attr)
            if words is not None:
                cells.append(words.get(value, ""))
            elif value is None:
                cells.append("")
            elif value is True or value is False:
                cells.append("1" if value else "0")
            elif type(value) is str:
                cells.append(value)
            elif isinstance(value, dt.date):
                cells.append(value.isoformat())
            else:
                cells.append(str(value))
        w.writerow(cells)
    return out.getvalue()
