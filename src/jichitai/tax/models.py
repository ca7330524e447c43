"""What the tax office keeps: the reports received (給与支払報告書, 公的年金等支払報告書, 給与所得者異動届出書).

Other tax models (assessments and their versions) are added beside these by the tax engine's assessment.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models

from jichitai.tax.calc.explain import render


class ReceivedRow(models.Model):
    """A row of a file the tax office received about one person (a payer's report, a 異動届, a 年金保険者's or
    another city's notice, a 確定申告 through 国税連携). The 個人番号 is kept only as ciphertext and as a keyed
    blind index (common.vault), so the assessment and the review find a person's rows without decrypting; the
    file and line stay with the row, so a clerk can trace every figure to what was received."""

    recipient_index = models.CharField("受給者個人番号索引", max_length=64, db_index=True)
    recipient_my_number = models.TextField("受給者個人番号(暗号化)")
    source = models.CharField("受付ファイル", max_length=200)
    line = models.PositiveIntegerField("行")
    received_at = models.DateTimeField("受付日時", auto_now_add=True)

    class Meta:
        abstract = True


class ReceivedReport(ReceivedRow):
    """One accepted row of a report file, as parsed by :mod:`jichitai.tax.reports`.

    ``data`` holds the parsed row with every 個人番号 in it replaced by its blind index (``bi:…``).

    ``status`` says whether the report is the one in force for its payer, person and year (at most one: the
    constraint ``tax_report_one_in_force``), replaced by a 訂正 or withdrawn by a 取消 (``superseded_by`` the
    report that did it), or held for a clerk (a second report from the same payer that says neither).
    """

    KINDS = [("salary_report", "給与支払報告書"), ("pension_report", "公的年金等支払報告書")]
    SUBMISSIONS = [("new", "新規"), ("addition", "追加"), ("correction", "訂正"), ("cancellation", "取消")]
    STATUSES = [("in_force", "有効"), ("superseded", "訂正済み"), ("withdrawn", "取消済み"),
                ("cancellation", "取消の届出"), ("held", "確認待ち"), ("rejected", "不採用")]

    kind = models.CharField("種類", max_length=20, choices=KINDS)
    income_year = models.PositiveIntegerField("年分", db_index=True)
    payer_number = models.CharField("支払者法人番号", max_length=13)
    payer_name = models.CharField("支払者名称", max_length=100)
    amount = models.BigIntegerField("支払金額")
    data = models.JSONField("内容")
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="supersedes", verbose_name="訂正後の報告")
    submission = models.CharField("提出区分", max_length=12, choices=SUBMISSIONS, default="new")
    status = models.CharField("状態", max_length=12, choices=STATUSES, default="in_force")
    hold_reason = models.CharField("確認の理由", max_length=200, blank=True, default="")
    decided_by = models.CharField("確認した職員", max_length=150, blank=True, default="")
    decided_at = models.DateTimeField("確認日時", null=True, blank=True)

    class Meta:
        verbose_name = "課税資料（支払報告書）"
        verbose_name_plural = "課税資料（支払報告書）"
        constraints = [
            models.UniqueConstraint(fields=["kind", "income_year", "payer_number", "recipient_index", "source"],
                                    name="tax_report_once_per_file"),
            models.UniqueConstraint(fields=["kind", "income_year", "payer_number", "recipient_index"],
                                    condition=models.Q(status="in_force"), name="tax_report_one_in_force"),
        ]
        indexes = [models.Index(fields=["status", "income_year"], name="tax_report_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.income_year} {self.payer_name} 行{self.line}"

    @classmethod
    def in_force(cls) -> models.QuerySet[ReceivedReport]:
        """The reports the assessment takes: neither replaced, withdrawn, held nor rejected."""
        return cls.objects.filter(status="in_force")


class SalaryEarnerChange(ReceivedRow):
    """One row of a 給与所得者異動届出書 (地方税法第321条の7): a worker the 特別徴収義務者 no longer pays (退職, 休職,
    転勤…), with how the rest of the 特別徴収税額 is collected. Kept as received, 個人番号 as for reports; the
    特別徴収 of the next fiscal year reads it."""

    payer_number = models.CharField("特別徴収義務者法人番号", max_length=13)
    payer_name = models.CharField("特別徴収義務者名称", max_length=100)
    changed_on = models.DateField("異動年月日")
    reason = models.CharField("異動事由", max_length=20)
    data = models.JSONField("内容")

    class Meta:
        verbose_name = "給与所得者異動届出書"
        verbose_name_plural = "給与所得者異動届出書"
        constraints = [
            models.UniqueConstraint(fields=["payer_number", "recipient_index", "changed_on", "reason"],
                                    name="tax_earner_change_once"),
        ]

    def __str__(self) -> str:
        return f"給与所得者異動届出書 {self.payer_name} {self.changed_on} {self.reason}"


class PensionWithholdingTarget(ReceivedRow):
    """A 年金保険者's notice that it pays a person a 老齢等年金給付 (年額) and whether it withholds their 介護保険料
    (reports.PENSION_WITHHOLDING_TARGET): what decides the 年金特徴 of the 年度 (地方税法第321条の7の2) together
    with the age and the tax on the pension income. 個人番号 as for reports."""

    fiscal_year = models.PositiveIntegerField("年度")
    payer_number = models.CharField("年金保険者法人番号", max_length=13)
    payer_name = models.CharField("年金保険者名称", max_length=100)
    old_age_pension = models.BigIntegerField("老齢等年金給付の年額")
    nursing_premium_withheld = models.BooleanField("介護保険料の特別徴収")

    class Meta:
        verbose_name = "年金特別徴収対象者情報"
        verbose_name_plural = "年金特別徴収対象者情報"
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "payer_number", "recipient_index"],
                                    name="tax_pension_target_once"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 年金特別徴収対象者 {self.payer_name}"


class RuleSet(models.Model):
    """What every assessment computed under one law, city and explanation shares, stored once
    (:func:`jichitai.tax.calc.explain.rule_set`): the fixed part of the answer, the order of the figures each
    assessment keeps, and the steps with each rule's name and legal basis in the law's order. Never changed: a
    different content is a different row (its digest)."""

    digest = models.CharField("内容のハッシュ", max_length=64, unique=True)
    fiscal_year = models.PositiveIntegerField("年度")
    parameters_version = models.CharField("税制パラメータの版", max_length=40)
    municipality_code = models.CharField("団体コード", max_length=6)
    content = models.JSONField("説明の規則")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "税額計算の説明規則"
        verbose_name_plural = "税額計算の説明規則"

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.municipality_code} {self.parameters_version} ({self.digest[:12]})"

    @classmethod
    def stored(cls, content: dict[str, Any]) -> RuleSet:
        """The row holding ``content``, added the first time it is used."""
        digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        header = content["header"]
        row, _ = cls.objects.get_or_create(digest=digest, defaults={
            "fiscal_year": header["fiscal_year"], "parameters_version": header["parameters_version"],
            "municipality_code": header["municipality"]["code"], "content": content})
        return row


class Assessment(models.Model):
    """One version of one person's 個人住民税 assessment (賦課) for a fiscal year.

    Never updated: a changed input (更正) adds a version; re-running with the same inputs adds nothing. The
    parameters' version and a hash of the inputs say exactly what was computed from what. The answer with its
    explanation is ``explanation()``: the person's ``figures`` under their :class:`RuleSet`, and the ``notes``.
    A version stored before rule sets existed (migration 0003) holds its whole answer in ``result``.
    """

    fiscal_year = models.PositiveIntegerField("年度", db_index=True)
    atena_number = models.CharField("宛名番号", max_length=15)
    version = models.PositiveIntegerField("版")
    ward_code = models.CharField("行政区コード", max_length=5, blank=True, default="")
    source = models.CharField("課税資料", max_length=200)  # reports / declaration:… / none
    parameters_version = models.CharField("税制パラメータの版", max_length=40)
    municipality_code = models.CharField("団体コード", max_length=6)
    engine = models.CharField("計算エンジン", max_length=10, default="numpy")
    inputs_hash = models.CharField("入力のハッシュ", max_length=64)
    case = models.JSONField("課税計算の入力")
    rule_set = models.ForeignKey(RuleSet, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="説明規則")
    figures = models.JSONField("計算結果の数値", null=True, blank=True)  # in the order of rule_set.content["columns"]
    notes = models.JSONField("注記", default=list, blank=True)
    result = models.JSONField("計算結果 (規則セット以前の版)", null=True, blank=True)
    taxable = models.BooleanField("課税")
    total_income = models.BigIntegerField("合計所得金額")
    taxable_income = models.BigIntegerField("課税総所得金額")
    # 課税分離所得金額 of every kind summed (土地建物等の短期・長期譲渡, 一般・上場株式等の譲渡, 上場株式等の配当等:
    # 附則第33条の2・第34条・第35条・第35条の2・第35条の2の2): with taxable_income, the 課税標準 of the 所得割
    taxable_separate = models.BigIntegerField("課税分離所得金額の合計", default=0)
    city_income_levy = models.BigIntegerField("市民税所得割")
    pref_income_levy = models.BigIntegerField("県民税所得割")
    city_per_capita = models.BigIntegerField("市民税均等割")
    pref_per_capita = models.BigIntegerField("県民税均等割")
    forest_env_tax = models.BigIntegerField("森林環境税")
    total = models.BigIntegerField("年税額")
    run_id = models.CharField("処理番号", max_length=40)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "税額決定"
        verbose_name_plural = "税額決定"
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "atena_number", "version"], name="tax_assessment_version"),
        ]
        indexes = [models.Index(fields=["fiscal_year", "atena_number", "-version"], name="tax_assess_latest")]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.atena_number} 第{self.version}版 {self.total}円"

    def explanation(self) -> dict[str, Any]:
        """The public answer as computed (tax-case-format.md, with ``steps``) and the notes of the assessment."""
        if self.rule_set is None:
            return dict(self.result or {})
        rules = self.rule_set.content
        answer = render(rules, dict(zip(rules["columns"], self.figures or (), strict=True)))
        answer["notes"] = list(self.notes)
        return answer


class DonationNotice(ReceivedRow):
    """One row of a 申告特例通知書 (ワンストップ特例, 地方税法附則第7条): the ふるさと納税 a donor made in the year to
    one municipality, which asked for the 申告特例. The latest notice of a donee for a person and year counts (a
    donee that corrects its notice sends it again); the assessment applies the 申告特例控除 unless the person
    declared (確定申告 or 住民税申告: the 申告特例 is then void and the donations are declared)."""

    donee_code = models.CharField("寄附を受けた団体コード", max_length=6)
    donee_name = models.CharField("寄附を受けた団体名", max_length=100)
    income_year = models.PositiveIntegerField("年分", db_index=True)
    recipient_index = models.CharField("寄附者個人番号索引", max_length=64, db_index=True)
    recipient_my_number = models.TextField("寄附者個人番号(暗号化)")
    amount = models.BigIntegerField("寄附金額")
    data = models.JSONField("内容")

    class Meta:
        verbose_name = "申告特例通知書"
        verbose_name_plural = "申告特例通知書"
        constraints = [
            models.UniqueConstraint(fields=["donee_code", "income_year", "recipient_index", "source"],
                                    name="tax_donation_notice_once_per_file"),
        ]

    def __str__(self) -> str:
        return f"申告特例通知書 {self.income_year} {self.donee_name} {self.amount}円"


class FinalReturn(ReceivedRow):
    """One 所得税の確定申告書 received through 国税連携 (:mod:`jichitai.tax.final_returns`), the person's 住民税
    申告 as well (地方税法第317条の3第1項). The latest filed (``filed_on``, then received) for a person and year is
    the one the assessment takes: a 修正申告 or a later return replaces the earlier one. 個人番号 as for reports."""

    income_year = models.PositiveIntegerField("年分", db_index=True)
    recipient_index = models.CharField("納税者個人番号索引", max_length=64, db_index=True)
    recipient_my_number = models.TextField("納税者個人番号(暗号化)")
    return_kind = models.CharField("申告の種類", max_length=10)
    filed_on = models.DateField("提出年月日")
    data = models.JSONField("内容")

    class Meta:
        verbose_name = "確定申告書（国税連携）"
        verbose_name_plural = "確定申告書（国税連携）"
        constraints = [
            models.UniqueConstraint(fields=["income_year", "recipient_index", "source"],
                                    name="tax_final_return_once_per_file"),
        ]

    def __str__(self) -> str:
        return f"確定申告書 {self.income_year}年分 {self.filed_on} ({self.return_kind})"


from jichitai.tax.certificates.models import TaxCertificateIssuance  # noqa: E402, F401
from jichitai.tax.collection.models import CollectionInstalment, CollectionSchedule, Payment  # noqa: E402, F401
