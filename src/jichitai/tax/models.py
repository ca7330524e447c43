"""What the tax office keeps: the reports received (給与支払報告書, 公的年金等支払報告書).

Other tax models (assessments and their versions) are added beside these by the tax engine's assessment.
"""

from __future__ import annotations

from django.db import models


class ReceivedReport(models.Model):
    """One accepted row of a report file, as parsed by :mod:`jichitai.tax.reports`.

    The recipient's 個人番号 is kept only as ciphertext and as a keyed blind index (common.vault), so that the
    assessment and the declaration review find a person's reports without decrypting; ``data`` holds the parsed
    row with every 個人番号 in it replaced by its blind index (``bi:…``).
    """

    KINDS = [("salary_report", "給与支払報告書"), ("pension_report", "公的年金等支払報告書")]

    kind = models.CharField("種類", max_length=20, choices=KINDS)
    income_year = models.PositiveIntegerField("年分", db_index=True)
    payer_number = models.CharField("支払者法人番号", max_length=13)
    payer_name = models.CharField("支払者名称", max_length=100)
    recipient_index = models.CharField("受給者個人番号索引", max_length=64, db_index=True)
    recipient_my_number = models.TextField("受給者個人番号(暗号化)")
    source = models.CharField("受付ファイル", max_length=200)
    line = models.PositiveIntegerField("行")
    amount = models.BigIntegerField("支払金額")
    data = models.JSONField("内容")
    received_at = models.DateTimeField("受付日時", auto_now_add=True)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="supersedes", verbose_name="訂正後の報告")

    class Meta:
        verbose_name = "課税資料（支払報告書）"
        verbose_name_plural = "課税資料（支払報告書）"
        constraints = [
            models.UniqueConstraint(fields=["kind", "income_year", "payer_number", "recipient_index", "source"],
                                    name="tax_report_once_per_file"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.income_year} {self.payer_name} 行{self.line}"
