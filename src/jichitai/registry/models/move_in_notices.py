"""転入通知 (住民基本台帳法第9条第1項) in both directions: sent to the 転出地, and received as the 転出地 (j680, j700)."""

from __future__ import annotations

from django.db import models


class MoveInNoticeSending(models.Model):
    """転入通知 (住民基本台帳法第9条第1項) sent to the 転出地: one row per person's 記載 (宛名番号 + 履歴番号 of the 転入),
    written when the clerk marks it 送付済 (audited). A 記載 without a row is 未送付."""

    atena_number = models.CharField("宛名番号", max_length=15)
    history_no = models.PositiveIntegerField("履歴番号")
    change_id = models.UUIDField("異動ID")
    municipality_code = models.CharField("転出地の市区町村コード", max_length=6)
    sent_on = models.DateField("送付日")
    sent_by = models.CharField("送付処理者", max_length=100)
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "転入通知の送付"
        verbose_name_plural = "転入通知の送付"
        constraints = [models.UniqueConstraint(fields=["atena_number", "history_no"], name="reg_move_in_sent_once")]

    def __str__(self) -> str:
        return f"転入通知 {self.atena_number} #{self.history_no} {self.sent_on}"


class MoveInNoticeReceipt(models.Model):
    """転入通知の受理 (標準仕様書 4.1.3.1.1 j680, 4.1.3.1.3 j700): this city as 転出地 records the notice another city sent
    (住基法第9条第1項) beside the 除票 — 転入通知日, 転出先住所（確定）, 転出年月日（確定） — keeping the 転出先住所（予定）and
    the 転出予定年月日 of the 転出 as they were. One per 転出 (宛名番号 + 転出予定年月日・消除日)."""

    atena_number = models.CharField("宛名番号", max_length=15)
    removed_on = models.DateField("転出予定年月日・消除日")
    notified_on = models.DateField("転入通知日")
    destination_address = models.CharField("転出先住所（確定）", max_length=300)
    moved_out_on = models.DateField("転出年月日（確定）")
    recorded_by = models.CharField("入力者", max_length=200)
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "転入通知の受理"
        verbose_name_plural = "転入通知の受理"
        constraints = [models.UniqueConstraint(fields=["atena_number", "removed_on"], name="reg_move_in_received_once")]

    def __str__(self) -> str:
        return f"転入通知受理 {self.atena_number} {self.notified_on}"
