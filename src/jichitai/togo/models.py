"""団体内統合宛名 (共通機能標準仕様書 §2.4): one 団体内統合宛名番号 per person the city knows — each resident
(住民の宛名番号) and each 住登外者 (住登外者宛名番号) — and, per connected system, the table from that system's
own 宛名番号 to it. Standard systems do not hold the 統合宛名番号: the function converts both ways."""

from __future__ import annotations

from django.db import models

RESIDENT = "resident"
JUTOGAI = "jutogai"
KINDS = [(RESIDENT, "住民"), (JUTOGAI, "住登外者")]


class TogoAtena(models.Model):
    """A 団体内統合宛名番号 and the city-wide number it stands for (住民の宛名番号 or 住登外者宛名番号)."""

    togo_number = models.CharField("団体内統合宛名番号", max_length=15, primary_key=True)
    kind = models.CharField("区分", max_length=10, choices=KINDS)
    local_number = models.CharField("宛名番号（住民）又は住登外者宛名番号", max_length=15)
    created_at = models.DateTimeField("付番日時", auto_now_add=True)

    class Meta:
        verbose_name = "団体内統合宛名番号"
        verbose_name_plural = "団体内統合宛名番号"
        constraints = [models.UniqueConstraint(fields=["kind", "local_number"], name="togo_once_per_person")]

    def __str__(self) -> str:
        return f"{self.togo_number} ({self.get_kind_display()} {self.local_number})"

    def audit_label(self) -> str:
        return f"togo:{self.togo_number}"


class SystemAtena(models.Model):
    """One row of a connected system's table: its own 宛名番号 ↔ the 団体内統合宛名番号."""

    system = models.ForeignKey("hub.System", on_delete=models.PROTECT, related_name="togo_links",
                               verbose_name="システム")
    system_atena_number = models.CharField("システムの宛名番号", max_length=30)
    togo = models.ForeignKey(TogoAtena, on_delete=models.PROTECT, related_name="links",
                             verbose_name="団体内統合宛名番号")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    created_by = models.CharField("登録者", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = "宛名番号対応表"
        verbose_name_plural = "宛名番号対応表"
        constraints = [models.UniqueConstraint(fields=["system", "system_atena_number"], name="togo_link_once")]
        indexes = [models.Index(fields=["system", "togo"], name="togo_link_by_togo")]

    def __str__(self) -> str:
        return f"{self.system_id}:{self.system_atena_number} → {self.togo_id}"
