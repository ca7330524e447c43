"""The stored collection schedule: one row per assessment version of a person, with its instalments.

A new assessment version (更正) adds a schedule re-spread from the one before (:mod:`.domain.revision`); the
earlier row stays, ``current`` False. Instalments are rows of their own so that an employer's (特別徴収義務者)
notice is one indexed query.
"""

from __future__ import annotations

from django.db import models


class CollectionSchedule(models.Model):
    fiscal_year = models.PositiveIntegerField("年度")
    atena_number = models.CharField("宛名番号", max_length=15)
    assessment = models.ForeignKey("tax.Assessment", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="税額決定")
    assessment_version = models.PositiveIntegerField("税額決定の版")
    annual = models.BigIntegerField("年税額")
    salary_total = models.BigIntegerField("給与からの特別徴収税額")
    pension_total = models.BigIntegerField("公的年金からの特別徴収税額")
    # the year's tax on the 公的年金等に係る所得 (whichever method collects it): next year's 仮特別徴収 is half of it
    # (地方税法第321条の7の8第1項)
    pension_tax = models.BigIntegerField("年金所得に係る税額", default=0)
    ordinary_total = models.BigIntegerField("普通徴収税額")
    refund = models.BigIntegerField("還付（過納）額", default=0)
    notes = models.JSONField("注記", default=list, blank=True)
    current = models.BooleanField("現在の徴収計画", default=True)
    notice_on = models.DateField("通知日")
    run_id = models.CharField("処理番号", max_length=40)
    created_at = models.DateTimeField("作成日時")

    class Meta:
        app_label = "tax"
        verbose_name = "徴収計画"
        verbose_name_plural = "徴収計画"
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "atena_number", "assessment_version"],
                                    name="tax_collection_once_per_version"),
            models.UniqueConstraint(fields=["fiscal_year", "atena_number"], condition=models.Q(current=True),
                                    name="tax_collection_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.atena_number} 第{self.assessment_version}版 徴収計画"


class CollectionInstalment(models.Model):
    METHODS = [("salary", "給与からの特別徴収"), ("ordinary", "普通徴収"), ("pension", "公的年金からの特別徴収")]

    schedule = models.ForeignKey(CollectionSchedule, on_delete=models.CASCADE, related_name="instalments",
                                 verbose_name="徴収計画")
    fiscal_year = models.PositiveIntegerField("年度")
    method = models.CharField("徴収方法", max_length=10, choices=METHODS)
    label = models.CharField("期別・月", max_length=40)
    month = models.DateField("徴収月・納期の月")
    due = models.DateField("納期限・納入期限")
    amount = models.BigIntegerField("金額")
    payer_number = models.CharField("特別徴収義務者", max_length=13, blank=True, default="")
    payer_name = models.CharField("特別徴収義務者名称", max_length=100, blank=True, default="")
    position = models.PositiveSmallIntegerField("順")

    class Meta:
        app_label = "tax"
        verbose_name = "徴収計画の期別"
        verbose_name_plural = "徴収計画の期別"
        indexes = [models.Index(fields=["fiscal_year", "payer_number"], name="tax_instalment_payer")]

    def __str__(self) -> str:
        return f"{self.label} {self.amount}円"
