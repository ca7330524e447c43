"""Items kept beside the 住民票, not 住民票記載事項: メモ (j150), 郵便物送付コード (j190), 事実上の世帯主 (j740). None
is a 異動; the settings are append-only (one row per change, the latest in force).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ResidentMemo(models.Model):
    """メモ (標準仕様書 1.1.15, j150): a staff note on one person, on no item in particular, apart from the 備考 of a
    異動. Each row is one version — 記入, 修正 or 削除 — with who and when; rows are never changed nor removed
    (PostgreSQL trigger), so the history of every memo stays. Never printed on a certificate nor sent to another
    system: nothing but the resident page reads this table."""

    ADD, EDIT, DELETE = "add", "edit", "delete"
    OPERATIONS = {ADD: "記入", EDIT: "修正", DELETE: "削除"}

    memo_id = models.UUIDField("メモID")
    version = models.PositiveIntegerField("版")
    atena_number = models.CharField("宛名番号", max_length=15, db_index=True)
    operation = models.CharField("操作", max_length=10, choices=list(OPERATIONS.items()))
    text = models.TextField("メモ", blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="入力者", on_delete=models.PROTECT,
                                   related_name="+")
    written_at = models.DateTimeField("入力日時")

    class Meta:
        verbose_name = "メモ"
        verbose_name_plural = "メモ"
        constraints = [models.UniqueConstraint(fields=["memo_id", "version"], name="registry_memo_one_version")]

    def __str__(self) -> str:
        return f"{self.atena_number} {self.memo_id} v{self.version}"


class AppendOnlySetting(models.Model):
    """A setting kept as one row per change with who and when (the latest in force), never changed nor removed: each
    concrete table gets the append-only trigger in its migration."""

    set_by = models.CharField("入力者", max_length=200)
    set_at = models.DateTimeField("入力日時")

    class Meta:
        abstract = True


class MailingCodeSetting(AppendOnlySetting):
    """郵便物送付コード (標準仕様書 1.1.19, j190): the name a person wants on their mail (指定なし・本名のみ・通称のみ,
    registry/domain/mailing_code.py). One row per setting with who and when; the latest is in force; rows are never
    changed nor removed (PostgreSQL trigger). Not a 住民票記載事項: no 異動, no certificate."""

    atena_number = models.CharField("宛名番号", max_length=15, db_index=True)
    code = models.CharField("郵便物送付コード", max_length=20, blank=True, default="")

    class Meta:
        verbose_name = "郵便物送付コード"
        verbose_name_plural = "郵便物送付コード"

    def __str__(self) -> str:
        return f"{self.atena_number} {self.get_label()}"

    def get_label(self) -> str:
        from jichitai.registry.domain.mailing_code import MailingCode

        return MailingCode(self.code).label


class DeFactoHead(AppendOnlySetting):
    """事実上の世帯主 (標準仕様書 4.1.4.3, j740) of a household: a name outside the registry (在外米軍, 外交官, 施設長 …)
    printed in the 備考 of the household's 住民票. One row per 記載 or 削除 (``name`` empty) with who and when; the
    latest is in force; rows are never changed nor removed (PostgreSQL trigger)."""

    setai_number = models.CharField("世帯番号", max_length=15, db_index=True)
    name = models.CharField("事実上の世帯主の氏名", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = "事実上の世帯主"
        verbose_name_plural = "事実上の世帯主"

    def __str__(self) -> str:
        return f"{self.setai_number} {self.name or '（削除）'}"
