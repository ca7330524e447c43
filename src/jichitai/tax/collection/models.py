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


class Payment(models.Model):
    """One 収納 (or its reversal) of 普通徴収 against a 年度, 宛名番号 and 期 (the label): append-only — a wrong row
    is answered by a reversing row (``reverses``, the amount negated), never changed or deleted.

    ``record_key`` is the 収納代行's key of the record (with the 期 for a 前納 that pays several): importing the
    same file again, or the 確報 of a 速報 already read, records nothing new. A payment at the 窓口 has no key and
    names the clerk (``recorded_by``)."""

    CHANNELS = [("cvs", "コンビニ"), ("bank", "金融機関"), ("counter", "窓口")]

    fiscal_year = models.PositiveIntegerField("年度")
    atena_number = models.CharField("宛名番号", max_length=15)
    term = models.CharField("期別", max_length=40)
    amount = models.BigIntegerField("金額")
    paid_on = models.DateField("収納日")
    channel = models.CharField("収納経路", max_length=10, choices=CHANNELS)
    slip_version = models.PositiveIntegerField("納付書の税額決定の版", null=True, blank=True)
    record_key = models.CharField("収納代行の記録キー", max_length=80, blank=True, default="")
    source_file = models.CharField("収納データファイル", max_length=255, blank=True, default="")
    source_line = models.PositiveIntegerField("行", null=True, blank=True)
    recorded_by = models.CharField("記録者", max_length=150)
    reverses = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name="取り消す収納")
    recorded_at = models.DateTimeField("記録日時")

    class Meta:
        app_label = "tax"
        verbose_name = "収納"
        verbose_name_plural = "収納"
        indexes = [models.Index(fields=["fiscal_year", "atena_number"], name="tax_payment_person")]
        constraints = [
            models.UniqueConstraint(fields=["record_key"], condition=~models.Q(record_key=""),
                                    name="tax_payment_once_per_record"),
            models.UniqueConstraint(fields=["reverses"], condition=models.Q(reverses__isnull=False),
                                    name="tax_payment_reversed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.atena_number} {self.term} {self.amount}円"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("収納の記録は変更できません（取消は逆の記録を加えます）。")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("収納の記録は削除できません（取消は逆の記録を加えます）。")
