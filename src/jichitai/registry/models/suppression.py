"""抑止設定 (j410), its 一時解除, and 支援措置 (j440) with the applications that set, extend or end it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from jichitai.common.wareki import to_wareki


class Suppression(models.Model):
    """抑止設定 (j410) and 支援措置 (j440) on one 宛名番号.

    kinds: ``change`` (異動抑止), ``issuance`` (発行抑止), ``view`` (照会抑止), ``support`` (支援措置: DV,
    stalking, abuse — no issuance to third parties, address withheld from feeds without the right)."""

    KINDS = {"change": "異動抑止", "issuance": "発行抑止", "view": "照会抑止", "support": "支援措置"}

    atena_number = models.CharField("宛名番号", max_length=15, db_index=True)
    kind = models.CharField("抑止区分", max_length=10, choices=list(KINDS.items()))
    reason = models.CharField("理由", max_length=300)
    starts_on = models.DateField("開始日")
    ends_on = models.DateField("終了日", null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="設定者", on_delete=models.PROTECT,
                               related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField("解除日時", null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="解除者", on_delete=models.PROTECT,
                                  related_name="+", null=True, blank=True)
    alerted_on = models.DateField("終了日経過の最終通知日", null=True, blank=True)  # the daily job (j410)

    class Meta:
        verbose_name = "抑止設定"
        verbose_name_plural = "抑止設定"

    def __str__(self) -> str:
        return f"{self.KINDS.get(self.kind, self.kind)} {self.atena_number}"


class TemporaryLift(models.Model):
    """抑止の一時解除 (j410): one suppression set aside at the counter for one purpose and one member of staff
    (``clerk``, who does that business) until ``ends_at``, then in force again by itself (every check compares the
    time: no job restores it). Only that clerk's counter checks read it: every other member of staff, and every
    other system, sees the suppression (j410: 「庁内各システムへのデータ連携は不要とすること」). A lift without a
    clerk (recorded before the clerk was named) sets the suppression aside for nobody."""

    suppression = models.ForeignKey(Suppression, verbose_name="一時解除する抑止", on_delete=models.PROTECT,
                                    related_name="temporary_lifts")
    reason = models.CharField("一時解除の目的・理由", max_length=300)
    starts_at = models.DateTimeField("一時解除の開始日時")
    ends_at = models.DateTimeField("抑止に戻る日時", db_index=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="一時解除者", on_delete=models.PROTECT,
                                  related_name="+")
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="担当職員（一時解除の間に事務を行う職員）",
                              on_delete=models.PROTECT, related_name="+", null=True, blank=True)

    class Meta:
        verbose_name = "抑止の一時解除"
        verbose_name_plural = "抑止の一時解除"

    def __str__(self) -> str:
        return f"一時解除 {self.suppression_id} ({self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M})"

    @property
    def until_label(self) -> str:
        """When the suppression is in force again, as a person reads it (「令和8年12月7日 13時45分」)."""
        local = timezone.localtime(self.ends_at)
        return f"{to_wareki(local.date())} {local.hour}時{local.minute:02d}分"


class SupportRequest(models.Model):
    """An application to set, extend or end a 支援措置 (j440), drafted by one member of staff and carried out only
    when a supervisor other than the drafter approves it (the 決裁 pattern of :class:`PendingChange`)."""

    ACTIONS = {"set": "支援措置の開始", "extend": "支援措置の延長", "lift": "支援措置の終了"}
    STATES = {"pending": "決裁待ち", "approved": "決裁済み", "rejected": "却下"}

    action = models.CharField("申請の種類", max_length=10, choices=list(ACTIONS.items()))
    atena_number = models.CharField("宛名番号", max_length=15, db_index=True)
    kind = models.CharField("抑止区分", max_length=10, default="support")
    suppression = models.ForeignKey(Suppression, verbose_name="対象の支援措置", on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="requests")
    reason = models.CharField("理由", max_length=300)
    starts_on = models.DateField("開始日", null=True, blank=True)
    ends_on = models.DateField("終了日", null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="起案者", on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField("状態", max_length=10, choices=list(STATES.items()), default="pending", db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="決裁者", on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("決裁意見", max_length=300, blank=True, default="")

    class Meta:
        verbose_name = "支援措置の申請"
        verbose_name_plural = "支援措置の申請"
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.ACTIONS.get(self.action, self.action)} {self.atena_number}"
