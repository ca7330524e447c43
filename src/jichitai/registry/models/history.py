"""異動履歴 (j200), append-only, and the outbox each 異動 writes for the hub in the same transaction."""

from __future__ import annotations

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from jichitai.registry.models.people import PersonRecord


class ResidentHistory(PersonRecord):
    """異動履歴 (j200): one full snapshot per 宛名番号 + 履歴番号, with the 異動履歴 items. Never updated or
    deleted (a database trigger refuses it on PostgreSQL)."""

    history_no = models.PositiveIntegerField("履歴番号")
    change_id = models.UUIDField("異動ID", db_index=True)
    reason = models.CharField("異動事由", max_length=50)
    moved_on = models.DateField("異動日")
    processed_on = models.DateField("処理日")
    change_notified_on = models.DateField("届出日", null=True, blank=True)
    entered_by = models.CharField("入力者", max_length=100)
    terminal = models.CharField("入力端末", max_length=100, blank=True, default="")
    is_subject = models.BooleanField("異動者", default=True)
    cancels_change_id = models.UUIDField("取消対象異動ID", null=True, blank=True)
    change_note = models.TextField("留意事項", blank=True, default="")
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)
    # 受付の記録 (domain.reception): 届出人, 本人確認 (住民基本台帳法第27条), 手数料; one value per 異動
    notifier_kind = models.CharField("届出人の区分", max_length=20, blank=True, default="", db_default="")
    notifier_name = models.CharField("届出人氏名", max_length=200, blank=True, default="", db_default="")
    identity_documents = models.CharField("本人確認書類", max_length=300, blank=True, default="", db_default="")
    fee = models.PositiveIntegerField("手数料（円）", default=0, db_default=0)

    class Meta:
        verbose_name = "異動履歴"
        verbose_name_plural = "異動履歴"
        constraints = [
            models.UniqueConstraint(fields=["atena_number", "history_no"], name="reg_hist_key"),
        ]
        indexes = [
            models.Index(fields=["setai_number", "moved_on"], name="reg_hist_setai"),
            models.Index(fields=["moved_on"], name="reg_hist_moved_on"),
            models.Index(fields=["cancels_change_id"], name="reg_hist_cancels",  # only the 取消し rows
                         condition=models.Q(cancels_change_id__isnull=False)),
            # the 転入通知 (住基法第9条第1項) list: only the 記載 that may give one (domain.move_in_notice.NOTIFYING)
            models.Index(fields=["previous_municipality_code", "moved_on"], name="reg_hist_move_in",
                         condition=models.Q(reason__in=["move_in_domestic", "ex_officio_entry"])
                         & ~models.Q(previous_municipality_code="")),
        ]

    def __str__(self) -> str:
        return f"{self.atena_number} #{self.history_no} {self.reason}"


class OutboxEvent(models.Model):
    """One event per person per 異動, written in the same transaction (transactional outbox). The hub reads
    in ``id`` order. ``kind`` is the 異動事由 code (``Reason``); ``payload`` is the person's snapshot after the
    change (without 個人番号) plus ``previous`` (ward/town before), ``origin_class`` and
    ``destination_class`` (市内/県内/県外/国外), ``reason_label`` and ``supported`` (支援措置)."""

    id = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    change_id = models.UUIDField()
    kind = models.CharField(max_length=50)
    atena_number = models.CharField(max_length=15)
    setai_number = models.CharField(max_length=15)
    occurred_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField(default=dict, encoder=DjangoJSONEncoder)  # dates as ISO text

    class Meta:
        ordering = ["id"]  # read only in this order (the hub's relay): no other index for every 異動 to pay for

    def __str__(self) -> str:
        return f"{self.id} {self.kind} {self.atena_number}"
