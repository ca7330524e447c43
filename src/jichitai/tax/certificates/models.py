"""交付履歴 of the 課税（非課税）証明書: one row per certificate issued, never changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TaxCertificateIssuance(models.Model):
    """One 課税（非課税）証明書 issued: its 交付番号, whose and which version of the assessment it printed, who asked
    (本人・同一世帯・代理人), through which channel, whether the address was withheld (支援措置), and the PDF's digest."""

    REQUESTERS = {"self": "本人", "household": "同一世帯の方", "proxy": "代理人（委任状）"}
    CHANNELS = {"counter": "窓口", "portal": "オンライン（住民ポータル）"}

    issue_number = models.CharField("交付番号", max_length=30, unique=True)
    fiscal_year = models.PositiveIntegerField("年度")
    atena_number = models.CharField("宛名番号", max_length=15, db_index=True)
    assessment = models.ForeignKey("tax.Assessment", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="税額決定")
    kind = models.CharField("証明書の種類", max_length=10)  # kazei / hikazei
    requester_kind = models.CharField("請求者区分", max_length=10, choices=list(REQUESTERS.items()))
    requester_name = models.CharField("請求者氏名", max_length=200, blank=True, default="")
    requester_atena_number = models.CharField("請求者宛名番号", max_length=15, blank=True, default="")
    proxy_letter = models.BooleanField("委任状の確認", default=False)
    purpose = models.CharField("使用目的", max_length=200, blank=True, default="")
    channel = models.CharField("交付の方法", max_length=10, choices=list(CHANNELS.items()))
    address_withheld = models.BooleanField("住所の記載省略（支援措置）", default=False)
    pdf_sha256 = models.CharField("PDFのハッシュ", max_length=64)
    issued_at = models.DateTimeField("交付日時", auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="交付者", on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    terminal = models.CharField("入力端末", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = "課税（非課税）証明書の交付履歴"
        verbose_name_plural = "課税（非課税）証明書の交付履歴"
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"交付番号 {self.issue_number}"
