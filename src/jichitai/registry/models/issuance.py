"""交付履歴 (j300) of certificates and the 閲覧 (j1320) that is issued as one of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CertificateIssuance(models.Model):
    """交付履歴 (j300): every certificate issued, by whom, to whom, for what."""

    issue_number = models.CharField("発行番号", max_length=30, unique=True)
    kind = models.CharField("証明書の種類", max_length=30)  # juminhyo / joshuhyo / kisai_jiko …
    layout = models.CharField("様式", max_length=20, blank=True, default="")  # setai_renki / kojinhyo
    setai_number = models.CharField("世帯番号", max_length=15, blank=True, default="", db_index=True)
    atena_numbers = models.JSONField("対象者", default=list)
    requester_kind = models.CharField("請求者区分", max_length=20)  # self / household / third_party / official
    requester_name = models.CharField("請求者氏名", max_length=200, blank=True, default="")
    purpose = models.CharField("使用目的", max_length=200, blank=True, default="")
    omissions = models.JSONField("省略事項", default=dict)
    pages = models.PositiveSmallIntegerField("枚数", default=1)
    issued_at = models.DateTimeField("交付日時", auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="交付者", on_delete=models.PROTECT,
                                  null=True, related_name="+")
    terminal = models.CharField("入力端末", max_length=100, blank=True, default="")
    identity_documents = models.CharField("本人確認書類", max_length=300, blank=True, default="", db_default="")
    fee = models.PositiveIntegerField("手数料（円）", default=0, db_default=0)

    class Meta:
        verbose_name = "交付履歴"
        verbose_name_plural = "交付履歴"
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"発行番号 {self.issue_number}"


class InspectionRequest(models.Model):
    """住民基本台帳の一部の写しの閲覧の請求・申出 (住基法第11条・第11条の2; 標準仕様書 9.5, j1320): who asked, for
    what, who views, the 抽出条件 and the list made (its 交付履歴 row, j300: 証明書の種別 ``etsuran``). Kept for the
    閲覧の状況の公表 (第11条の2第12項)."""

    issuance = models.OneToOneField(CertificateIssuance, verbose_name="交付履歴", on_delete=models.PROTECT,
                                    related_name="inspection")
    requester_kind = models.CharField("請求・申出の区分", max_length=20)  # domain.inspection.REQUESTERS
    requester_name = models.CharField("請求者・申出者の氏名又は名称", max_length=200)
    requester_address = models.CharField("請求者・申出者の住所又は所在地", max_length=300, blank=True, default="")
    representative = models.CharField("法人の代表者又は管理人の氏名", max_length=200, blank=True, default="")
    purpose_kind = models.CharField("利用目的の区分", max_length=20)  # domain.inspection.PURPOSES
    purpose = models.CharField("利用目的", max_length=300)
    viewers = models.TextField("閲覧者の氏名・住所")  # one viewer a line
    requested_on = models.DateField("請求・申出の年月日")
    criteria = models.JSONField("抽出条件", default=dict)  # town_codes, on, ages, sex, order, seed (repeatable)
    count = models.PositiveIntegerField("記載人数")
    output = models.CharField("出力形式", max_length=5)  # pdf / csv
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "閲覧の請求・申出"
        verbose_name_plural = "閲覧の請求・申出"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"閲覧 {self.requester_name} {self.requested_on}"
