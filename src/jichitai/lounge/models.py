"""Saved dashboards: a member of staff builds a board of tiles (lounge/tile_editor.py), saves and shares it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from jichitai.accounts.models import Department


class Dashboard(models.Model):
    PRIVATE, DEPARTMENT, EVERYONE = "private", "department", "everyone"
    SHARING = [(PRIVATE, "自分のみ"), (DEPARTMENT, "指定した課"), (EVERYONE, "全職員")]

    title = models.CharField("タイトル", max_length=100)
    description = models.TextField("説明", blank=True, default="")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="作成者", on_delete=models.PROTECT,
                              related_name="lounge_dashboards")
    sharing = models.CharField("共有範囲", max_length=20, choices=SHARING, default=PRIVATE)
    department = models.ForeignKey(Department, verbose_name="共有先の課", on_delete=models.PROTECT, null=True,
                                   blank=True)
    # the tiles as boards.items writes them (saved before tiles: {"indicator": slug}), in display order
    items = models.JSONField("指標", default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "ダッシュボード"
        verbose_name_plural = "ダッシュボード"
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title

    def audit_label(self) -> str:
        return f"lounge.dashboard:{self.pk}"

    def as_board(self) -> Any:
        """The saved dashboard as a board (lounge/boards.py): its items are tiles, or indicators saved before
        tiles existed (each shown as its figure, its chart, its series and its map)."""
        from jichitai.lounge.boards import from_items

        return from_items(self.title, self.description, list(self.items))

    def permits(self, actor: Any, action: str) -> bool:
        """The owner may do anything the role allows; others may only view, and only as shared."""
        if getattr(actor, "pk", None) == self.owner_id:
            return True
        if action != "lounge.dashboard.view":
            return False
        if self.sharing == self.EVERYONE:
            return True
        if self.sharing == self.DEPARTMENT:
            return self.department_id is not None and getattr(actor, "department_id", None) == self.department_id
        return False


class MartRefresh(models.Model):
    """One refresh of the marts: when, what started it, how long it took and which lake snapshots it read."""

    TRIGGERS = [("hub", "取り込みの後（自動）"), ("command", "コマンド"), ("page", "画面から"), ("view", "閲覧時")]

    at = models.DateTimeField("更新日時", db_index=True)
    trigger = models.CharField("きっかけ", max_length=10, choices=TRIGGERS)
    engine = models.CharField("エンジン", max_length=20)
    seconds = models.FloatField("所要時間（秒）")
    timings = models.JSONField("内訳（秒）", default=dict)
    lineage = models.JSONField("読んだスナップショット", default=dict)  # table -> {snapshot_id, committed_at, rows}
    rows = models.JSONField("マートの行数", default=dict)

    class Meta:
        verbose_name = "マートの更新"
        verbose_name_plural = "マートの更新"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.trigger}"


class PublishedFigure(models.Model):
    """The people behind one figure the analysts' SQL has shown (their number, the sum of their record keys and
    their set-difference sketch, never who they are), kept for ``figures.OVERLAP_DAYS`` so that no later figure
    1 to D people apart is shown (:mod:`jichitai.lounge.overlap`). The key sum is text: it outgrows a 64-bit
    integer. ``moments`` is empty for a figure remembered before the sketch (compared by its key sum only)."""

    at = models.DateTimeField("表示日時", db_index=True)
    persons = models.IntegerField("人数", db_index=True)
    keysum = models.CharField("レコードキーの和", max_length=40)
    table = models.CharField("テーブル", max_length=40)
    moments = models.CharField("差分スケッチ", max_length=80, blank=True, default="")  # setdiff.moments, comma-separated

    class Meta:
        verbose_name = "公表した集計値"
        verbose_name_plural = "公表した集計値"
        constraints = [models.UniqueConstraint(fields=["persons", "keysum", "table"], name="lounge_figure_once")]

    def __str__(self) -> str:
        return f"{self.table}: {self.persons}人"
