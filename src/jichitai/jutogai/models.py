"""住登外者宛名番号管理 (共通機能標準仕様書 §2.3): one city-wide 住登外者宛名番号 for a person a standard system
knows who is not a resident (a taxpayer who moved out after 1月1日, an owner of property, …), with the 基本4情報
(氏名・フリガナ, 生年月日, 性別, 住所) and every change kept as history.

Search keys are the registry's (``registry.store.name_keys``): 異体字, kana and spaces fold alike for both.
"""

from __future__ import annotations

from django.db import models

ACTIVE = "active"  # 有効
MERGED = "merged"  # 重複として統合済み (the number stays, pointing at the one kept)
STATUSES = [(ACTIVE, "有効"), (MERGED, "統合済み（重複）")]
SEXES = [("M", "男"), ("F", "女"), ("", "不明")]


class Jutogaisha(models.Model):
    """The current state of one 住登外者 (= the history row with the highest 履歴番号), with search keys."""

    number = models.CharField("住登外者宛名番号", max_length=15, primary_key=True)
    name = models.CharField("氏名", max_length=200)
    kana = models.CharField("氏名フリガナ", max_length=200, blank=True, default="")
    birth_date = models.DateField("生年月日", null=True, blank=True)  # 不詳 allowed (an owner known by name only)
    sex = models.CharField("性別", max_length=1, choices=SEXES, blank=True, default="")
    postcode = models.CharField("郵便番号", max_length=8, blank=True, default="")
    address = models.CharField("住所", max_length=300, blank=True, default="")
    municipality_code = models.CharField("住所の市区町村コード", max_length=6, blank=True, default="")
    former_atena_number = models.CharField(
        "住民であったときの宛名番号", max_length=15, blank=True, default="",
        help_text="転出等で住民でなくなった人: 住民記録の宛名番号（除票）との対応")
    status = models.CharField("状態", max_length=10, choices=STATUSES, default=ACTIVE)
    merged_into = models.CharField("統合先の住登外者宛名番号", max_length=15, blank=True, default="")
    source = models.CharField("登録元", max_length=60, blank=True, default="",
                              help_text="付番を依頼したシステム・職員、または移行元システム")
    name_key = models.CharField("氏名検索キー", max_length=200)
    kana_key = models.CharField("フリガナ検索キー", max_length=200, blank=True, default="")
    given_name_key = models.CharField("名検索キー", max_length=200, blank=True, default="")
    given_kana_key = models.CharField("名フリガナ検索キー", max_length=200, blank=True, default="")
    address_key = models.CharField("住所検索キー", max_length=300, blank=True, default="")
    history_no = models.PositiveIntegerField("履歴番号", default=1)
    created_at = models.DateTimeField("付番日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "住登外者"
        verbose_name_plural = "住登外者"
        ordering = ["number"]
        indexes = [
            models.Index(fields=["birth_date"], name="jtg_birth"),
            models.Index(fields=["name_key"], name="jtg_name_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kana_key"], name="jtg_kana_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["given_name_key"], name="jtg_given_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["given_kana_key"], name="jtg_given_kana_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["address_key"], name="jtg_address_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["former_atena_number"], name="jtg_former_atena",
                         condition=~models.Q(former_atena_number="")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    def audit_label(self) -> str:
        return f"jutogai:{self.number}"


class JutogaishaHistory(models.Model):
    """異動履歴: one full snapshot per 住登外者宛名番号 + 履歴番号. Never updated or deleted (a trigger refuses it
    on PostgreSQL)."""

    REASONS = [("numbered", "付番"), ("migrated", "移行"), ("address", "住所変更"), ("name", "氏名変更"),
               ("correction", "訂正"), ("merged", "重複統合")]

    number = models.CharField("住登外者宛名番号", max_length=15)
    history_no = models.PositiveIntegerField("履歴番号")
    reason = models.CharField("異動事由", max_length=20, choices=REASONS)
    changed_on = models.DateField("異動日")
    name = models.CharField("氏名", max_length=200)
    kana = models.CharField("氏名フリガナ", max_length=200, blank=True, default="")
    birth_date = models.DateField("生年月日", null=True, blank=True)
    sex = models.CharField("性別", max_length=1, blank=True, default="")
    postcode = models.CharField("郵便番号", max_length=8, blank=True, default="")
    address = models.CharField("住所", max_length=300, blank=True, default="")
    municipality_code = models.CharField("住所の市区町村コード", max_length=6, blank=True, default="")
    former_atena_number = models.CharField("住民であったときの宛名番号", max_length=15, blank=True, default="")
    status = models.CharField("状態", max_length=10, default=ACTIVE)
    merged_into = models.CharField("統合先", max_length=15, blank=True, default="")
    entered_by = models.CharField("入力者", max_length=100)
    note = models.CharField("備考", max_length=300, blank=True, default="")
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "住登外者の異動履歴"
        verbose_name_plural = "住登外者の異動履歴"
        constraints = [models.UniqueConstraint(fields=["number", "history_no"], name="jtg_hist_key")]

    def __str__(self) -> str:
        return f"{self.number} #{self.history_no} {self.reason}"


class JutogaiSeries(models.Model):
    """A sequence's counter on the embedded SQLite, by the PostgreSQL sequence's name (``jutogai_number_seq``,
    ``togo_number_seq``): ``jutogai.numbering.serials``."""

    name = models.CharField(max_length=30, primary_key=True)
    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}@{self.last}"
