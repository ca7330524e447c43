"""The counter's working tables: 決裁 of 職権 異動 (j530), terminals (j230), serials, confirmed submissions
(idempotency) and the edit lock (10.3).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PendingChange(models.Model):
    """A 職権 異動 waiting for 決裁 (j530): the command as JSON, who asked, who decided."""

    STATES = {"pending": "決裁待ち", "approved": "決裁済み", "rejected": "却下"}

    command_type = models.CharField("異動の種類", max_length=50)
    command = models.JSONField("異動内容")
    reason = models.CharField("異動事由", max_length=50)
    summary = models.CharField("概要", max_length=300, blank=True, default="")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="起案者", on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    terminal = models.CharField("入力端末", max_length=100, blank=True, default="")
    state = models.CharField("状態", max_length=10, choices=list(STATES.items()), default="pending", db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="決裁者", on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("決裁意見", max_length=300, blank=True, default="")
    change_id = models.UUIDField("異動ID", null=True, blank=True)
    reception = models.JSONField("受付の記録", default=dict, blank=True)  # domain.reception.Reception.as_dict()
    override_duplicate = models.BooleanField(
        "基本4情報の一致を確認済み", default=False,
        help_text="起案者が、基本4情報の一致する住民とは別人であることを確認した（決裁時の記録にも引き継ぐ）")

    class Meta:
        verbose_name = "職権異動の決裁"
        verbose_name_plural = "職権異動の決裁"
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.command_type} ({self.STATES.get(self.state, self.state)})"


class Terminal(models.Model):
    """入力場所・入力端末 (標準仕様書 1.3.1, j230): the terminals registered by the city, known by the address they
    connect from. Their name goes into the 異動履歴 (入力端末, j200) and into the 発行番号 (発行端末名番号, j1040)."""

    name = models.CharField("端末名", max_length=40, unique=True, help_text="発行番号に印字されます（例: 本庁1）")
    place = models.CharField("入力場所", max_length=100, help_text="本庁・区役所・支所・出張所・利用課等")
    address = models.GenericIPAddressField("端末のIPアドレス", unique=True, null=True, blank=True)
    printer = models.CharField("発行プリンタ番号", max_length=20, blank=True, default="")
    active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = "入力端末"
        verbose_name_plural = "入力端末"
        ordering = ["place", "name"]

    def __str__(self) -> str:
        return f"{self.place} {self.name}"


class NumberSeries(models.Model):
    """Serials for 宛名番号 / 世帯番号 / 発行番号 where the database has no sequences (SQLite); on PostgreSQL
    the service uses sequences created by the migration."""

    name = models.CharField(max_length=20, primary_key=True)
    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.last}"


class Submission(models.Model):
    """One confirmed 異動 (a counter confirmation, or an API request with an ``Idempotency-Key``), written in the
    transaction that records it: a second use of the same key is refused or answered with the first result,
    so a replayed confirmation never records the 異動 twice."""

    key = models.CharField("確認キー", max_length=200, unique=True)
    digest = models.CharField("異動内容のハッシュ", max_length=64)
    actor = models.CharField("入力者", max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    result = models.JSONField("結果", default=dict)

    class Meta:
        verbose_name = "確定済みの異動入力"
        verbose_name_plural = "確定済みの異動入力"

    def __str__(self) -> str:
        return self.key


class EditLock(models.Model):
    """排他制御 (標準仕様書 10.3, j1380): while a member of staff is entering a 異動 for a resident, no one else may
    do anything but view that resident. One row a resident, held until the 異動 is recorded or, when the clerk
    walks away, until ``expires_at`` (registry.editlock.TTL); a lapsed row is taken over by the next clerk."""

    atena_number = models.CharField("宛名番号", max_length=15, primary_key=True)
    holder = models.CharField("入力者", max_length=100)  # audit.actor_label: staff:U0001, system:…
    holder_name = models.CharField("入力者の氏名・所属", max_length=200)
    purpose = models.CharField("入力中の異動", max_length=50)
    acquired_at = models.DateTimeField("入力開始")
    expires_at = models.DateTimeField("期限", db_index=True)

    class Meta:
        verbose_name = "入力中の住民（排他制御）"
        verbose_name_plural = "入力中の住民（排他制御）"

    def __str__(self) -> str:
        return f"{self.atena_number} {self.holder_name}"
