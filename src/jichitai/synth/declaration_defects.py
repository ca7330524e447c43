"""The defects a synthetic declaration may carry, labelled ONLY in the answer file (declaration_defects.csv):
each kind made where the review can know it from what the city holds at review time (see taxdata's docstring),
on declarations it can apply to; a share of them get a second defect (``a+b``).

Pure: no Django. Split from taxdata.py (the writer of the year's tax inputs) along its concepts."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from jichitai.common.checkdigit import make_my_number
from jichitai.declarations.domain.kinship import kinship
from jichitai.synth import listed_stock
from jichitai.synth.attachment_docs import donation_scan, juminhyo_xml, medical_attachment
from jichitai.synth.names import NameSampler
from jichitai.synth.population import Person

if TYPE_CHECKING:
    from jichitai.synth.taxdata import Earner, TaxWriter

# Each defect the generator makes, in words for the summary and for whoever reads the answer file.
DEFECT_WORDS: dict[str, str] = {
    "understated_salary": "給与収入が給与支払報告書より少ない",
    "double_dependant": "二重扶養（同じ扶養親族を二人の納税者が控除）",
    "dependant_deceased": "扶養親族が死亡している",
    "dependant_over_income": "扶養親族の所得が限度額を超える",
    "spouse_claimed_by_both": "配偶者の相互控除",
    "deduction_over_cap": "控除額が上限を超える（生命保険料）",
    "arithmetic_error": "税額の計算誤り",
    "missing_attachment": "添付書類の不足（医療費控除の明細書）",
    "wrong_my_number": "個人番号の誤り",
    "address_not_jan1": "1月1日の住所でない",
    "false_widow": "寡婦控除の要件を満たさない（男性、または配偶者が同じ世帯にいる）",
    "false_single_parent": "ひとり親控除の要件を満たさない（配偶者が同じ世帯にいる、または子がいない）",
    "disability_without_record": "障害者控除に手帳の記録も写しもない",
    "social_insurance_overstated": "社会保険料が支払報告書・国保税の記録を超える（証明書なし）",
    "birth_benefit_not_subtracted": "出産の年の医療費から出産育児一時金を差し引いていない",
    "newborn_of_new_year": "12月31日より後に生まれた子を扶養親族に記載",
    "medical_documents_short": "医療費が添付の医療費通知・明細書の合計を超える",
    "wrong_medical_document": "医療費の書類として住民票を添付",
    "donation_receipts_short": "寄附金が受領証明書の合計を超える",
    "receipt_scan_short": "医療費が添付の領収書の画像（OCR）の金額を超える",
    "receipt_scan_other_name": "添付の領収書の画像（OCR）の宛名が申告者・家族でない",
    "dividend_without_statement": "配当割額控除に特定口座年間取引報告書の添付がない",
    "dividend_statement_short": "配当割額が添付の報告書の配当割額を超える",
    "housing_loan_without_statement": "住宅借入金等特別税額控除に計算明細書・源泉徴収票の添付がない",
    "housing_loan_over_statement": "住宅借入金等特別税額控除が添付書類の控除可能額を超える",
    **listed_stock.STOCK_DEFECTS,
    "donation_receipt_other_donor": "寄附金受領証明書の画像（OCR）の寄附者が申告者でなく同じ世帯の家族",
}
DEFECT_KINDS = tuple(DEFECT_WORDS)
# Declarations carrying two defects at once (labelled "kind+kind" in the answer file): a share of the defective.
TWO_DEFECTS_SHARE = 0.1
OVER_EVERY_LIMIT = 1_330_000  # 合計所得金額 above every relative's limit (配偶者特別控除 133万円, 地方税法第314条の2)


def inject(w: TaxWriter, built: list[dict[str, Any]], filers: list[tuple[Person, str]]) -> None:
    """Give ``defect_share`` of the declarations one defect each: an equal quota per kind (the remainder to
    the first kinds, so that every kind gets its share of a small city), each kind on declarations it can
    apply to (a spouse claimed back needs a filer whose spouse claims them)."""
    rng = w.rng
    target = round(len(built) * w.defect_share)
    base, extra = divmod(target, len(DEFECT_KINDS))
    # 地方税法第314条の2 (判定時期: 前年12月31日, or at death for a relative who died during the year): only a
    # relative who died before the income year began cannot be claimed at all.
    year_start = dt.date(w.ty.income_year, 1, 1)
    dead = [p for p in w.city.people.values()
            if p.state == "dead" and p.left_on is not None and p.left_on < year_start]
    # Over the limit as the city can see at review: the income on the reports it received (給与支払報告書,
    # 公的年金等支払報告書) alone is above every relative's limit.
    over = [e for e in w.ty.earners.values() if w.reported_income(e.pid) > OVER_EVERY_LIMIT]
    claimed_dependants = [(i, dep) for i, d in enumerate(built) for dep in d["case"]["dependents"]]
    free = list(range(len(built)))
    rng.shuffle(free)
    taken: set[int] = set()
    for k, kind in enumerate(DEFECT_KINDS):
        quota = base + (k < extra)
        done = 0
        for i in free:
            if done >= quota or len(taken) >= target:
                break
            if i in taken:
                continue
            d = built[i]
            if inject_one(w, kind, d, d["case"], dead, over, claimed_dependants, i):
                w.ty.defects.append((d["declaration_ref"], kind))
                taken.add(i)
                done += 1
    second_defects(w, built, dead, over, claimed_dependants)
    w.ty.defects.sort()

def second_defects(w: TaxWriter, built: list[dict[str, Any]], dead: list[Person], over: list[Earner],
                    claimed: list[tuple[int, dict[str, Any]]]) -> None:
    """A share of the defective declarations get a second defect of another kind (labelled "a+b"): a review
    that stops at the first finding must still say both."""
    index = {d["declaration_ref"]: i for i, d in enumerate(built)}
    kinds = [k for k in DEFECT_KINDS if k not in ("wrong_my_number", "address_not_jan1", "arithmetic_error")]
    labelled: list[tuple[str, str]] = []
    for ref, kind in w.ty.defects:
        # at least one in any city (the first that can take one), then about TWO_DEFECTS_SHARE of them
        wanted = w.more.random() < TWO_DEFECTS_SHARE or not any("+" in k for _, k in labelled)
        if kind not in kinds or not wanted:
            labelled.append((ref, kind))
            continue
        i = index[ref]
        second = w.more.choice([k for k in kinds if k != kind])
        if inject_one(w, second, built[i], built[i]["case"], dead, over, claimed, i):
            labelled.append((ref, f"{kind}+{second}"))
        else:
            labelled.append((ref, kind))
    w.ty.defects[:] = labelled

def inject_one(w: TaxWriter, kind: str, d: dict[str, Any], case: dict[str, Any], dead: list[Person], over: list[Earner],
            claimed: list[tuple[int, dict[str, Any]]], index: int) -> bool:
    rng = w.rng
    if kind == "understated_salary":
        if case["income"]["salary"] < 500_000:
            return False
        cut = rng.choice((0.7, 0.8, 0.9))
        case["income"]["salary"] = int(case["income"]["salary"] * cut) // 1000 * 1000
        d["declared"]["salary"] = case["income"]["salary"]
        return True
    if kind == "double_dependant":
        # Most often a relative of the filer already claimed through 年末調整 on a family member's
        # 給与支払報告書 (both parents claim the child); else one claimed on another declaration.
        filer = w.city.people[w._pid_of(d["my_number"])]
        listed = {dep["my_number"] for dep in case["dependents"]} | {(case.get("spouse") or {}).get("my_number")}
        family = [m for m in w.households.get(w.jan1[filer.pid][0], [])
                  if m.pid != filer.pid and m.my_number not in listed and m.my_number not in w._claimed_by()
                  and w.report_claims.get(m.pid, filer.pid) != filer.pid]
        if family:
            case["dependents"].append(w.dependant(rng.choice(family)))
            return True
        others = [dep for j, dep in claimed if j != index and dep["my_number"] not in listed]
        if not others:
            return False
        case["dependents"].append(dict(rng.choice(others)))
        return True
    if kind == "dependant_deceased":
        if not dead:
            return False
        p = dead.pop(rng.randrange(len(dead)))  # each dead person once: no 二重扶養 between two defects
        case["dependents"].append({"birth_date": p.birth.isoformat(), "total_income": 0, "cohabiting": True,
                                   "relation": "parent", "disability": None, "my_number": p.my_number,
                                   "name": p.name.full})
        return True
    if kind == "dependant_over_income":
        if not over:
            return False
        e = rng.choice(over)
        p = w.city.people[e.pid]
        case["dependents"].append({"birth_date": p.birth.isoformat(), "total_income": 0, "cohabiting": True,
                                   "relation": "other", "disability": None, "my_number": p.my_number,
                                   "name": p.name.full})
        return True
    if kind == "spouse_claimed_by_both":
        # The filer's spouse already claims the filer on their 給与支払報告書; the filer claims them back.
        row = w._claimed_by().get(d["my_number"])
        if row is None or case.get("spouse"):
            return False
        case["spouse"] = {"birth_date": row["birth_date"].isoformat(), "total_income": 0, "disability": None,
                          "my_number": row["my_number"], "name": row["name"]}
        return True
    if kind == "deduction_over_cap":
        # 生命保険料控除: three categories at their 28,000 maximum each, summed past the 70,000 overall cap.
        case["deductions"]["life_insurance"].update(general_new=100_000, pension_new=100_000,
                                                    medical_care_new=100_000)
        d["declared"]["life_insurance_deduction"] = 84_000
        return True
    if kind == "arithmetic_error":
        d["declared"]["total_tax"] = max(0, d["declared"]["total_tax"] + rng.choice((-1, 1)) * rng.randint(5, 80) * 100)
        return d["declared"]["total_tax"] > 0
    if kind == "missing_attachment":
        before = len(d["attachments"])
        d["attachments"] = [a for a in d["attachments"] if a["kind"] not in ("medical_detail", "donation_receipt")]
        return len(d["attachments"]) < before
    if kind == "wrong_my_number":
        mn = d["my_number"]
        d["my_number"] = mn[:10] + mn[11] + mn[10] if mn[10] != mn[11] else mn[:11] + str((int(mn[11]) + 1) % 10)
        return True
    if kind in ("false_widow", "false_single_parent"):
        someone = w.city.people.get(w._pid_of(d["my_number"]))
        if someone is None or someone.pid not in w.jan1:
            return False
        filer = someone
        tp = case["taxpayer"]
        home = w.households.get(w.jan1[filer.pid][0], [])
        # a partner of the FILER (their 続柄 to the 世帯主 read relative to the filer): the head's 妻 is a
        # daughter's mother, not her partner
        partner = any(kinship(filer.relation, m.relation).path in (("s",), ("u",))
                      for m in home if m.pid != filer.pid)
        if tp.get("widow") or tp.get("single_parent") or tp.get("disability"):
            return False
        if kind == "false_widow":
            if filer.sex != "M" and not partner:
                return False  # a woman alone may lawfully be a 寡婦: no defect the city could see
            tp["widow"] = True
            return True
        children = any(dep["relation"] == "child" for dep in case["dependents"])
        if not partner and children:
            return False
        if not partner and any(kinship(filer.relation, m.relation).relation == "child"
                               for m in home if m.pid != filer.pid):
            return False
        tp["single_parent"] = True
        return True
    if kind == "disability_without_record":
        filer_pid = w._pid_of(d["my_number"])
        if case["taxpayer"].get("disability") or w.disability_of(filer_pid) is not None:
            return False
        case["taxpayer"]["disability"] = rng.choice(("general", "special"))
        d["attachments"] = [a for a in d["attachments"] if a["kind"] != "disability_certificate"]
        return True
    if kind == "social_insurance_overstated":
        ded = case["deductions"]
        ded["social_insurance"] = int(ded.get("social_insurance") or 0) + rng.choice((250_000, 400_000, 600_000))
        d["attachments"] = [a for a in d["attachments"] if a["kind"] != "insurance_certificate"]
        return True
    if kind == "birth_benefit_not_subtracted":
        parent = w.city.people.get(w._pid_of(d["my_number"]))
        if parent is None or parent.pid not in w.jan1 or not w.births(parent) or d["pattern"] == "no_income":
            return False
        filer = parent
        med = case["deductions"]["medical_expenses"]
        med["paid"] = max(med["paid"], len(w.births(filer)) * rng.randint(50, 62) * 10_000)
        med["reimbursed"] = 0
        d["attachments"] = [a for a in d["attachments"] if a["kind"] != "medical_detail"]
        d["attachments"].append(medical_attachment(filer.pid, filer.name.full, med["paid"], w.ty.income_year,
                                                   w.more, delivery=True))
        return True
    if kind in ("medical_documents_short", "wrong_medical_document"):
        med = case["deductions"]["medical_expenses"]
        docs = [a for a in d["attachments"] if a["kind"] == "medical_detail"]
        if not med["paid"] or not docs:
            return False
        if kind == "medical_documents_short":
            med["paid"] += rng.randint(3, 15) * 10_000  # more claimed than the documents show
        else:
            docs[0].clear()
            docs[0].update(kind="medical_detail", filename=f"juminhyo_{w._pid_of(d['my_number'])}.xml",
                           xml=juminhyo_xml(d["name"]))
        return True
    if kind == "donation_receipts_short":
        gifts = case["donations"]
        if not gifts["furusato"] or not any(a["kind"] == "donation_receipt" for a in d["attachments"]):
            return False
        gifts["furusato"] += rng.choice((10_000, 20_000, 50_000))  # a gift without its receipt
        return True
    if kind == "receipt_scan_short":
        med = case["deductions"]["medical_expenses"]
        if not med["paid"] or not any("image" in a for a in d["attachments"] if a["kind"] == "medical_detail"):
            return False
        med["paid"] += rng.randint(3, 15) * 10_000  # more claimed than the scanned receipt shows
        return True
    if kind == "receipt_scan_other_name":
        scans = [a["image"] for a in d["attachments"] if a["kind"] == "medical_detail" and "image" in a]
        if not scans:
            return False
        stranger = NameSampler(rng).person(rng.choice("MF")).full  # someone outside the filer's household
        lines = list(w.ty.scans[scans[0]])
        if stranger == d["name"] or len(lines) < 2:
            return False
        lines[1] = f"{stranger} 様"  # the receipt's 宛名 (synth/attachment_docs.receipt_scan)
        w.ty.scans[scans[0]] = lines
        return True
    if kind in ("dividend_without_statement", "dividend_statement_short"):
        return _dividend_defect(kind, d, case, rng)
    if kind in ("housing_loan_without_statement", "housing_loan_over_statement"):
        return _housing_defect(kind, d, case, rng)
    if kind in listed_stock.STOCK_DEFECTS:
        return listed_stock.inject(kind, d, case, w._pid_of(d["my_number"]), w.ty.income_year, rng)
    if kind == "donation_receipt_other_donor":
        return _other_donor(w, d)
    if kind == "newborn_of_new_year":
        # a child born in January of the 年度, after the income year's 12月31日 (a negative age on that day)
        born = dt.date(w.ty.fiscal_year, 1, rng.randint(2, 28))
        number = make_my_number(rng.randrange(9 * 10**10, 10**11))  # not yet in the registry of 1月1日
        case["dependents"].append({"birth_date": born.isoformat(), "total_income": 0, "cohabiting": True,
                                   "relation": "child", "disability": None, "my_number": number,
                                   "name": d["name"].split(" ")[0] + " 赤子"})
        return True
    if kind == "address_not_jan1":
        p = w.city.people[w._pid_of(d["my_number"])]
        if p.state != "active":
            return False
        hh = w.city.households[p.hid]
        # Neither the 1月1日 address (the one written so far) nor the current one: a resident who moved since
        # may lawfully write where they live now (the review accepts both), so that would be no defect.
        known = {(d["address"]["town_code"], d["address"]["banchi"]), (hh.town_code, hh.banchi)}
        towns = [t for t in w.towns.values() if (t.code, "1番1号") not in known]
        other = w.rng.choice(towns)
        d["address"] = {"town_code": other.code, "banchi": "1番1号", "katagaki": ""}
        return True
    return False


def _dividend_defect(kind: str, d: dict[str, Any], case: dict[str, Any], rng: random.Random) -> bool:
    """A 配当割額 credited without the statement, or more than the statement attached shows."""
    statements = [a for a in d["attachments"] if a["kind"] == "dividend_statement"]
    withheld = case.setdefault("local_tax_withheld", {"dividend": 0, "stock_transfer": 0})
    if kind == "dividend_statement_short":
        if not statements:
            return False
        withheld["dividend"] += rng.randint(2, 20) * 500
        return True
    if statements:
        d["attachments"] = [a for a in d["attachments"] if a["kind"] != "dividend_statement"]
        return True
    if d["pattern"] == "no_income":
        return False
    dividend = rng.randint(8_000, 400_000)
    case["income"]["dividend"] = dividend
    withheld["dividend"] = dividend * 5 // 100
    return True


def _housing_defect(kind: str, d: dict[str, Any], case: dict[str, Any], rng: random.Random) -> bool:
    """A 住宅借入金等特別税額控除 without the 計算明細書, or above the 控除可能額 the one attached shows."""
    statements = [a for a in d["attachments"] if a["kind"] in ("housing_loan_statement", "withholding_slip")]
    if kind == "housing_loan_over_statement":
        with_amount = [a for a in statements if "statement" in a]
        if not case.get("housing_loan_credit") or not with_amount:
            return False
        with_amount[0]["statement"]["available"] = max(case["housing_loan_credit"] - rng.randint(1, 30) * 1_000, 0)
        return True
    if case.get("housing_loan_credit") and statements:
        d["attachments"] = [a for a in d["attachments"] if a not in statements]
        return True
    if case.get("housing_loan_credit") or case["income"].get("salary", 0) < 3_000_000:
        return False
    case["housing_loan_credit"] = rng.randint(30, 97) * 1_000 + rng.randint(0, 999)
    return True


def _other_donor(w: TaxWriter, d: dict[str, Any]) -> bool:
    """A 寄附金受領証明書 photo whose 寄附者 is a member of the filer's household (a spouse's or a parent's gift
    claimed by the filer, 地方税法第314条の7第1項: DE10): the filer's scan renamed, or a single receipt's row
    attached as such a photo."""
    pid = w._pid_of(d["my_number"])
    others = [m for m in w.households.get(w.jan1[pid][0], []) if m.pid != pid] if pid in w.jan1 else []
    if not others:
        return False
    donor = w.rng.choice(others).name.full
    scans = [a for a in d["attachments"] if a["kind"] == "donation_receipt" and "image" in a]
    if scans:
        w.ty.scans[scans[0]["image"]][1] = f"寄附者 {donor} 様"
        return True
    single = [a for a in d["attachments"] if a["kind"] == "donation_receipt" and len(a.get("receipts") or []) == 1]
    if not single:
        return False
    scan, w.ty.scans[f"scans/kifu_{pid}.png"] = donation_scan(pid, donor, single[0]["receipts"][0])
    d["attachments"][d["attachments"].index(single[0])] = scan
    return True
