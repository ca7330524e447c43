"""The resident's form, built from the record and the household, and back into a record."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django import forms

from jichitai.common.money import format_yen
from jichitai.common.wareki import parse_wareki, parse_wareki_year, to_wareki, to_wareki_year
from jichitai.declarations.prefill import Prefill

YEN_MAX = 10_000_000_000
CARRIED_ROWS = 3  # 上場株式等の譲渡損失 brought in: the 3 years before the income year (地方税法附則第35条の2の6)
SEPARATE_FIELDS = ("land_short_term", "land_long_term", "land_long_term_qualified", "land_long_term_residential",
                   "general_stock", "listed_stock", "listed_stock_loss", "withheld_stock_transfer")
CARRIED = "case.carryover.listed_stock_loss_by_year"

AMOUNTS: list[tuple[str, str, str, str]] = [
    # (field, label, path in the record, help)
    ("salary", "給与の収入金額（支払金額）", "case.income.salary", "源泉徴収票の「支払金額」"),
    ("pension", "公的年金等の収入金額", "case.income.public_pension", "公的年金等の源泉徴収票の「支払金額」"),
    ("business", "事業所得・不動産所得など（所得金額）", "case.income.business", "収入から必要経費を引いた金額"),
    ("misc_other", "その他の所得（所得金額）", "case.income.misc_other", "副業・個人年金など"),
    ("dividend", "配当所得（総合課税）", "case.income.dividend",
     "非上場株式の少額配当など、所得税では申告不要でも住民税では申告が必要な配当（負債の利子を引いた金額）"),
    ("listed_dividend", "上場株式等の配当等（申告分離課税）", "case.separate_income.listed_dividend",
     "所得税の確定申告と同じ課税方式で記入してください"),
    ("withheld_dividend", "配当割額", "case.local_tax_withheld.dividend",
     "特定口座年間取引報告書の「配当割額」。報告書を添付してください"),
    ("land_short_term", "土地・建物等の短期譲渡所得（所得金額）", "case.separate_income.land_short_term",
     "所有期間5年以下の土地・建物。譲渡価額から取得費・譲渡費用・特別控除額を引いた金額"),
    ("land_long_term", "土地・建物等の長期譲渡所得（所得金額）", "case.separate_income.land_long_term",
     "所有期間5年超の土地・建物。特別控除後の金額（次の2つの内訳を含む）"),
    ("land_long_term_qualified", "うち優良住宅地の造成等のための譲渡", "case.separate_income.land_long_term_qualified",
     "長期譲渡所得のうち軽減税率の対象（租税特別措置法第31条の2）"),
    ("land_long_term_residential", "うち所有期間10年超の居住用財産の譲渡",
     "case.separate_income.land_long_term_residential", "長期譲渡所得のうち軽減税率の対象（租税特別措置法第31条の3）"),
    ("general_stock", "一般株式等の譲渡所得等（所得金額）", "case.separate_income.general_stock", "非上場株式など"),
    ("listed_stock", "上場株式等の譲渡所得等（所得金額）", "case.separate_income.listed_stock",
     "その年の譲渡益（損失のときは次の欄）。特定口座年間取引報告書を添付してください"),
    ("listed_stock_loss", "上場株式等の譲渡損失の金額（その年）", "case.separate_income.listed_stock_loss",
     "申告分離課税の配当等から差し引き、残りは翌年以後3年間繰り越せます"),
    ("withheld_stock_transfer", "株式等譲渡所得割額", "case.local_tax_withheld.stock_transfer",
     "特定口座年間取引報告書の「株式等譲渡所得割額」"),
    ("social_insurance", "社会保険料（国民健康保険税・国民年金など）", "case.deductions.social_insurance", "1年間に支払った金額"),
    ("mutual_aid", "小規模企業共済等掛金（iDeCoなど）", "case.deductions.small_enterprise_mutual_aid", ""),
    ("life_general_new", "生命保険料（新・一般）", "case.deductions.life_insurance.general_new", "支払った保険料"),
    ("life_medical_care_new", "介護医療保険料", "case.deductions.life_insurance.medical_care_new", ""),
    ("life_pension_new", "個人年金保険料（新）", "case.deductions.life_insurance.pension_new", ""),
    ("life_general_old", "生命保険料（旧・一般）", "case.deductions.life_insurance.general_old", ""),
    ("life_pension_old", "個人年金保険料（旧）", "case.deductions.life_insurance.pension_old", ""),
    ("earthquake", "地震保険料", "case.deductions.earthquake_insurance", ""),
    ("medical_paid", "支払った医療費", "case.deductions.medical_expenses.paid", "医療費控除の明細書を添付してください"),
    ("medical_reimbursed", "保険金などで補填される金額", "case.deductions.medical_expenses.reimbursed", "高額療養費など"),
    ("furusato", "ふるさと納税（都道府県・市区町村への寄附）", "case.donations.furusato", "受領証明書を添付してください"),
    ("donation_other", "その他の寄附金（共同募金・日本赤十字社）", "case.donations.other", "受領証明書を添付してください"),
]
RELATIONS = [("child", "子"), ("parent", "父母"), ("grandparent", "祖父母"), ("other", "その他の親族")]
STATUS = [("", "該当しない"), ("widow", "寡婦（夫と死別・離婚した女性で、婚姻していない方）"),
          ("single_parent", "ひとり親（婚姻しておらず、生計を一にする子がいる方）")]
DISABILITY = [("", "該当しない"), ("general", "障害者"), ("special", "特別障害者（身体1・2級、精神1級、療育A など）")]
CLAIM = [("", "申告しない"), ("spouse", "配偶者として申告"), ("dependent", "扶養親族として申告")]


def _get(record: dict[str, Any], path: str) -> Any:
    cur: Any = record
    for part in path.split("."):
        cur = (cur or {}).get(part)
    return cur


def _set(record: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    cur = record
    for part in parts[:-1]:
        cur = cur.setdefault(part, {})
    cur[parts[-1]] = value


def amounts_in_words(record: dict[str, Any], skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Each amount declared that is not zero, as a person reads it (名称, 「4,825,000円」), the carried losses with
    the 和暦 year they arose (the 控え and the clerk's page)."""
    out = [(label, format_yen(int(_get(record, path) or 0))) for name, label, path, _h in AMOUNTS
           if name not in skip and int(_get(record, path) or 0)]
    out += [(f"上場株式等の譲渡損失の繰越（{to_wareki_year(int(e['year']))}分）", format_yen(int(e.get("amount") or 0)))
            for e in _get(record, CARRIED) or [] if int(e.get("amount") or 0)]
    return out


class WarekiDateField(forms.CharField):
    """A date as a Japanese form writes it — 和暦 (「令和2年5月1日」「R2.5.1」) or 西暦 (2020-05-01) — the error naming
    the item with an example."""

    def __init__(self, *args: Any, item: str = "日付", example: tuple[str, str] = ("令和2年5月1日", "2020-05-01"),
                 **kwargs: Any) -> None:
        self.item, self.example = item, example
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return parse_wareki(text)
        except ValueError as exc:
            shape = f"{self.item}は「{self.example[0]}」または {self.example[1]} の形で入力してください"
            raise forms.ValidationError(f"{shape}（{exc}）。" if "期間外" in str(exc) or "始まります" in str(exc)
                                        else f"{shape}。") from None


class WarekiYearField(forms.CharField):
    """A year as a Japanese form writes it: 「令和5年」「R5」 or 2023."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_wareki_year(text)
        except ValueError as exc:
            shape = "年は「令和5年」または 2023 の形で入力してください"
            raise forms.ValidationError(f"{shape}（{exc}）。" if "期間外" in str(exc) else f"{shape}。") from None


class BirthDateField(WarekiDateField):
    """A birth date (「昭和25年4月1日」「S25.4.1」 or 1950-04-01)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, item="生年月日", example=("昭和25年4月1日", "1950-04-01"), **kwargs)


HOUSING_KINDS = [("住", "住（一般の住宅）"), ("住特", "住特（特定取得）"), ("住特特", "住特特（特別特定取得）"),
                 ("住特特特", "住特特特（特例特別特例取得）"), ("認", "認（認定住宅）"), ("認特", "認特"),
                 ("認特特", "認特特"), ("認特特特", "認特特特"), ("震", "震（震災再取得等）"),
                 ("増", "増（特定増改築等）")]
HOUSING_FIELDS = ("housing_available", "housing_used", "housing_taxable", "housing_moved_in", "housing_kind")


class DeclarationForm(forms.Form):
    def __init__(self, *args: Any, record: dict[str, Any], prefill: Prefill, others: int = 1, **kwargs: Any) -> None:
        initial: dict[str, Any] = {}
        for name, _, path, _h in AMOUNTS:
            initial[name] = int(_get(record, path) or 0)
        case = record.get("case") or {}
        claimed = {}
        if case.get("spouse"):
            claimed[case["spouse"].get("my_number")] = ("spouse", case["spouse"])
        for d in case.get("dependents") or []:
            claimed[d.get("my_number")] = ("dependent", d)
        member_numbers = {m.my_number for m in prefill.members}
        outside = [d for d in case.get("dependents") or [] if d.get("my_number") not in member_numbers]
        others = max(others, len(outside) + 1)
        tp = case.get("taxpayer") or {}
        initial["status"] = "widow" if tp.get("widow") else "single_parent" if tp.get("single_parent") else ""
        initial["disability"] = tp.get("disability") or ""
        initial["working_student"] = bool(tp.get("working_student"))
        housing = record.get("housing_loan") or {}
        initial.update({"housing_available": housing.get("available", 0), "housing_used": housing.get("used", 0),
                        "housing_taxable": housing.get("income_tax_taxable", 0),
                        "housing_moved_in": housing.get("moved_in_on", ""), "housing_kind": housing.get("kind", "住")})
        self.fiscal_year = int(case.get("fiscal_year") or record.get("fiscal_year") or 0)
        for i, m in enumerate(prefill.members):
            role, d = claimed.get(m.my_number, ("", {}))
            initial[f"member_{i}"] = role
            initial[f"member_{i}_income"] = int(d.get("total_income", m.income or 0) or 0)
            initial[f"member_{i}_disability"] = "special" if d.get("disability") in ("special", "special_cohabiting") \
                else d.get("disability") or ""
        for i, d in enumerate(outside):
            initial.update({f"other_{i}_name": d.get("name", ""), f"other_{i}_my_number": d.get("my_number", ""),
                            f"other_{i}_birth_date": d.get("birth_date", ""),
                            f"other_{i}_income": d.get("total_income", 0),
                            f"other_{i}_relation": d.get("relation", "parent")})
        for i, entry in enumerate((_get(record, CARRIED) or [])[:CARRIED_ROWS]):
            initial[f"carry_{i}_year"] = to_wareki_year(int(entry["year"]))
            initial[f"carry_{i}_amount"] = int(entry.get("amount") or 0)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.prefill = prefill
        self.others = others
        for name, label, _, help_text in AMOUNTS:
            self.fields[name] = forms.IntegerField(label=f"{label}（円）", required=False, help_text=help_text, min_value=0, max_value=YEN_MAX)
        self.fields["status"] = forms.ChoiceField(label="寡婦・ひとり親", choices=STATUS, required=False,
                                                  help_text="12月31日の状況で選んでください。")
        self.fields["disability"] = forms.ChoiceField(
            label="あなたの障害者控除", choices=DISABILITY, required=False,
            help_text="市の障害者福祉の記録で確認します。記録がない場合は手帳の写しを添付してください。")
        self.fields["working_student"] = forms.BooleanField(label="勤労学生", required=False,
                                                            help_text="学校に在学し、給与などの所得がある方")
        self.fields["housing_available"] = forms.IntegerField(
            label="住宅借入金等特別控除可能額（円）", required=False, min_value=0, max_value=YEN_MAX,
            help_text="源泉徴収票の「住宅借入金等特別控除可能額」、または確定申告書の計算明細書の金額")
        self.fields["housing_used"] = forms.IntegerField(
            label="所得税で控除された住宅借入金等特別控除の額（円）", required=False, min_value=0, max_value=YEN_MAX,
            help_text="源泉徴収票の「住宅借入金等特別控除の額」、または確定申告書の金額")
        self.fields["housing_taxable"] = forms.IntegerField(
            label="所得税の課税総所得金額等（円）", required=False, min_value=0, max_value=YEN_MAX,
            help_text="源泉徴収票の「給与所得控除後の金額」から「所得控除の額の合計額」を引いた金額、または確定申告書の金額")
        self.fields["housing_moved_in"] = WarekiDateField(label="居住開始年月日", item="居住開始年月日",
                                                          required=False, help_text="例 令和2年5月1日")
        self.fields["housing_kind"] = forms.ChoiceField(label="住宅借入金等特別控除区分", choices=HOUSING_KINDS,
                                                        required=False, help_text="源泉徴収票・確定申告書に記載の区分")
        for i in range(CARRIED_ROWS):
            self.fields[f"carry_{i}_year"] = WarekiYearField(
                label="損失が生じた年（例 令和5年）", required=False,
                help_text="3年より前の年の損失は控除されません")
            self.fields[f"carry_{i}_amount"] = forms.IntegerField(
                label="まだ控除していない損失の金額（円）", required=False, min_value=0, max_value=YEN_MAX)
        for i, m in enumerate(prefill.members):
            self.fields[f"member_{i}"] = forms.ChoiceField(
                label=f"{m.name}（{m.shown_relationship}・{to_wareki(m.birth_date)}生）", choices=CLAIM, required=False)
            self.fields[f"member_{i}_income"] = forms.IntegerField(
                label=f"{m.name}さんの合計所得金額（円）", required=False, min_value=0, max_value=YEN_MAX)
            self.fields[f"member_{i}_disability"] = forms.ChoiceField(
                label=f"{m.name}さんの障害者控除", choices=DISABILITY, required=False)
        for i in range(others):
            self.fields[f"other_{i}_name"] = forms.CharField(label="氏名", required=False, max_length=100)
            self.fields[f"other_{i}_my_number"] = forms.RegexField(
                label="個人番号（12桁）", regex=r"^\d{12}$", required=False,
                error_messages={"invalid": "個人番号は12桁の数字で入力してください。"})
            self.fields[f"other_{i}_birth_date"] = BirthDateField(
                label="生年月日（例 昭和25年4月1日、1950-04-01）", required=False)
            self.fields[f"other_{i}_income"] = forms.IntegerField(label="合計所得金額（円）", required=False, min_value=0, max_value=YEN_MAX)
            self.fields[f"other_{i}_relation"] = forms.ChoiceField(label="続柄", choices=RELATIONS, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        spouses = [i for i in range(len(self.prefill.members)) if data.get(f"member_{i}") == "spouse"]
        if len(spouses) > 1:
            raise forms.ValidationError("配偶者として申告できるのは1人です。")
        for i, m in enumerate(self.prefill.members):
            role = data.get(f"member_{i}")
            if role == "spouse" and not m.relation == "spouse":
                self.add_error(f"member_{i}", f"{m.name}さんは、住民記録ではあなたの配偶者ではありません"
                                              f"（あなたから見て{m.relationship}）。扶養親族として申告してください。")
            elif role == "dependent" and m.relation == "spouse":
                self.add_error(f"member_{i}", f"{m.name}さんはあなたの配偶者です。「配偶者として申告」を選んでください。")
        self._separate(data)
        self.housing = None
        if int(data.get("housing_available") or 0) > 0:
            self.housing = self._housing(data)
        for i in range(self.others):
            filled = [data.get(f"other_{i}_{k}") for k in ("name", "my_number", "birth_date")]
            if any(filled) and not all(filled):
                self.add_error(f"other_{i}_name", "市外に住む扶養親族は、氏名・個人番号・生年月日をすべて入力してください。")
        return data

    def _separate(self, data: dict[str, Any]) -> None:
        """The 分離課税 figures as the law relates them, said on the field: the reduced-rate parts are within the
        長期譲渡所得 (附則第34条の2・第34条の3); a year's 上場株式等 gain and loss are netted first; each carried loss
        has its year, once, before the income year (附則第35条の2の6)."""
        amount = {n: int(data.get(n) or 0) for n in SEPARATE_FIELDS}
        if amount["land_long_term_qualified"] + amount["land_long_term_residential"] > amount["land_long_term"]:
            self.add_error("land_long_term_qualified", "優良住宅地・居住用財産の金額は長期譲渡所得の内訳です。"
                                                       "合計が長期譲渡所得の金額を超えています。")
        if amount["listed_stock"] and amount["listed_stock_loss"]:
            self.add_error("listed_stock_loss", "上場株式等の譲渡益と譲渡損失は、差し引きした後の一方だけを入力してください。")
        income_year, seen = self.fiscal_year - 1, set()
        for i in range(CARRIED_ROWS):
            year, loss = data.get(f"carry_{i}_year"), data.get(f"carry_{i}_amount")
            if year is None and not loss:
                continue
            if year is None:
                if f"carry_{i}_year" not in self.errors:
                    self.add_error(f"carry_{i}_year", "繰り越す損失が生じた年を入力してください（例 令和5年）。")
            elif not loss:
                self.add_error(f"carry_{i}_amount", f"{to_wareki_year(year)}の損失の金額を入力してください。")
            elif year >= income_year:
                self.add_error(f"carry_{i}_year", f"繰り越す損失は{to_wareki_year(income_year)}より前の年のものです"
                                                  "（その年の損失は「上場株式等の譲渡損失の金額（その年）」に）。")
            elif year in seen:
                self.add_error(f"carry_{i}_year", f"{to_wareki_year(year)}が2回あります。1年に1行で入力してください。")
            seen.add(year)

    def carried_rows(self) -> list[list[Any]]:
        return [[self[f"carry_{i}_year"], self[f"carry_{i}_amount"]] for i in range(CARRIED_ROWS)]

    def _housing(self, data: dict[str, Any]) -> dict[str, Any] | None:
        """The 住民税 住宅借入金等特別税額控除 from the 所得税's figures (地方税法附則第5条の4の2), computed by the tax
        engine's own rule; a home the law leaves out is said on the field."""
        from jichitai.tax import parameters as P
        from jichitai.tax.rules.credits import resident_housing_loan_credit

        moved = data.get("housing_moved_in")
        if moved is None:
            if "housing_moved_in" not in self.errors:
                self.add_error("housing_moved_in", "住宅借入金等特別控除を受けるには、居住開始年月日を入力してください。")
            return None
        kind = data.get("housing_kind") or "住"
        got = resident_housing_loan_credit(int(data.get("housing_available") or 0), int(data.get("housing_used") or 0),
                                           int(data.get("housing_taxable") or 0), moved, kind,
                                           P.load(self.fiscal_year)["housing_loan"])
        if got.reason:
            self.add_error("housing_moved_in" if "入居" in got.reason else "housing_kind", got.reason + "。")
            return None
        return {"available": int(data.get("housing_available") or 0), "used": int(data.get("housing_used") or 0),
                "income_tax_taxable": int(data.get("housing_taxable") or 0), "moved_in_on": moved.isoformat(),
                "kind": kind, "amount": got.amount, "remaining": got.remaining, "cap": got.cap}

    def housing_fields(self) -> list[Any]:
        return [self[n] for n in HOUSING_FIELDS]

    def member_rows(self) -> list[dict[str, Any]]:
        return [{"member": m, "claim": self[f"member_{i}"], "income": self[f"member_{i}_income"],
                 "disability": self[f"member_{i}_disability"]} for i, m in enumerate(self.prefill.members)]

    def status_fields(self) -> list[Any]:
        return [self["status"], self["disability"], self["working_student"]]

    def other_rows(self) -> list[list[Any]]:
        return [[self[f"other_{i}_{k}"] for k in ("name", "my_number", "birth_date", "income", "relation")]
                for i in range(self.others)]

    def amount_fields(self, names: tuple[str, ...]) -> list[Any]:
        return [self[n] for n in names]

    def to_record(self, record: dict[str, Any]) -> dict[str, Any]:
        out = copy.deepcopy(record)
        data = self.cleaned_data
        for name, _, path, _h in AMOUNTS:
            _set(out, path, int(data.get(name) or 0))
        carried = sorted((data[f"carry_{i}_year"], int(data[f"carry_{i}_amount"])) for i in range(CARRIED_ROWS)
                         if data.get(f"carry_{i}_year") is not None and data.get(f"carry_{i}_amount"))
        carryover = out["case"].setdefault("carryover", {})
        carryover["listed_stock_loss_by_year"] = [{"year": y, "amount": a} for y, a in carried]
        tp = out["case"].setdefault("taxpayer", {})
        tp["widow"], tp["single_parent"] = data.get("status") == "widow", data.get("status") == "single_parent"
        tp["disability"] = data.get("disability") or None
        tp["working_student"] = bool(data.get("working_student"))
        housing = getattr(self, "housing", None)
        out["case"]["housing_loan_credit"] = housing["amount"] if housing else 0
        if housing:
            out["housing_loan"] = housing
        else:
            out.pop("housing_loan", None)
        out["declared"] = {"salary": out["case"]["income"]["salary"],
                           "pension": out["case"]["income"]["public_pension"], "total_tax": None}
        spouse = None
        dependents = []
        for i, m in enumerate(self.prefill.members):
            role = data.get(f"member_{i}")
            if not role:
                continue
            disability = data.get(f"member_{i}_disability") or None
            rel = {"my_number": m.my_number, "name": m.name, "birth_date": m.birth_date.isoformat(),
                   "total_income": int(data.get(f"member_{i}_income") or 0), "cohabiting": True,
                   "relation": m.relation if role == "dependent" else "spouse",
                   # in the same household: a 特別障害者 is a 同居特別障害者 (地方税法第314条の2第1項第6号)
                   "disability": "special_cohabiting" if disability == "special" else disability}
            if role == "spouse":
                spouse = {k: v for k, v in rel.items() if k not in ("cohabiting", "relation")}
            else:
                dependents.append(rel)
        for i in range(self.others):
            if not data.get(f"other_{i}_name"):
                continue
            dependents.append({
                "my_number": data[f"other_{i}_my_number"], "name": data[f"other_{i}_name"],
                "birth_date": data[f"other_{i}_birth_date"].isoformat(),
                "total_income": int(data.get(f"other_{i}_income") or 0), "cohabiting": False,
                "relation": data.get(f"other_{i}_relation") or "other", "disability": None,
            })
        out["case"]["spouse"] = spouse
        out["case"]["dependents"] = dependents
        return out


class LookupForm(forms.Form):
    receipt_number = forms.CharField(label="受付番号（例 R08-0000012-3）", max_length=20)


class DemoLoginForm(forms.Form):
    my_number = forms.RegexField(label="個人番号（デモ用・12桁）", regex=r"^\d{12}$",
                                 error_messages={"invalid": "12桁の数字で入力してください。"})
