"""What the declarations context keeps: declarations, their attachments, review decisions, clerk actions, and
corrections handed to the assessment.

A declaration is owned by the resident who filed it (``owner_index``: the keyed blind index of their 個人番号,
the same index the registry and the tax reports use); :meth:`Declaration.permits` lets a resident act only on
their own, and staff by role. The 個人番号 itself is kept encrypted (common.vault).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "下書き"
    SUBMITTED = "submitted", "受付済（審査中）"
    AUTO_ACCEPTED = "auto_accepted", "受理（自動審査）"
    RETURNED = "returned", "差戻し（修正してください）"
    CLERK = "clerk", "職員確認中"
    PENDING_APPROVAL = "pending_approval", "職員確認中（決裁待ち）"
    CLERK_ACCEPTED = "clerk_accepted", "受理（職員確認）"
    CLERK_CORRECTED = "clerk_corrected", "受理（職員が訂正）"
    WITHDRAWN = "withdrawn", "取下げ"


OPEN_FOR_CLERK = (Status.CLERK, Status.PENDING_APPROVAL)
FINAL = (Status.AUTO_ACCEPTED, Status.CLERK_ACCEPTED, Status.CLERK_CORRECTED)
EDITABLE = (Status.DRAFT, Status.RETURNED)


class Declaration(models.Model):
    receipt_number = models.CharField("受付番号", max_length=20, unique=True, null=True, blank=True)
    fiscal_year = models.PositiveIntegerField("年度", db_index=True)
    channel = models.CharField("提出方法", max_length=10, choices=[("online", "電子申告"), ("paper", "紙")])
    pattern = models.CharField("申告の区分", max_length=20, choices=[
        ("no_income", "収入なし"), ("salary_only", "給与所得のみ"), ("pension_only", "公的年金所得のみ"),
        ("other", "その他"),
    ])
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    owner_index = models.CharField("申告者個人番号索引", max_length=64, db_index=True)
    my_number_encrypted = models.TextField("個人番号（暗号化）")
    atena_number = models.CharField("宛名番号", max_length=15, blank=True, default="", db_index=True)
    name = models.CharField("氏名", max_length=200)
    kana = models.CharField("フリガナ", max_length=200, blank=True, default="")
    data = models.JSONField("申告内容", default=dict)  # the declarations.jsonl record, 個人番号 included (see below)
    computed = models.JSONField("計算結果", null=True, blank=True)
    source_ref = models.CharField("取込元番号", max_length=40, null=True, blank=True, unique=True)
    idempotency_key = models.CharField("二重送信防止キー", max_length=64, null=True, blank=True, unique=True)
    version = models.PositiveIntegerField("版", default=1)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField("決定日時", null=True, blank=True)
    # the codes of the last automated review's findings that stopped it (no notes), each between spaces
    # (" FA06 ID03 "): what the clerk's queue filters on, without reading the findings
    review_codes = models.CharField("自動審査の指摘", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "市民税・県民税申告"
        verbose_name_plural = "市民税・県民税申告"
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.receipt_number or '下書き'} {self.name}"

    @property
    def audit_resource(self) -> str:
        """The declaration in the audit log: by its 受付番号, a draft (none yet) by its row."""
        return f"declaration:{self.receipt_number or self.pk}"

    def permits(self, actor: Any, action: str) -> bool:
        """Residents act on their own declarations only; staff are limited by their role alone."""
        if "resident" in actor.role_codes():
            return bool(self.owner_index) and getattr(actor, "my_number_index", None) == self.owner_index
        return True

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def status_label(self) -> str:
        return Status(self.status).label


class Attachment(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="attachment_files")
    kind = models.CharField("種類", max_length=30)
    filename = models.CharField("ファイル名", max_length=200)
    content_type = models.CharField("形式", max_length=50)
    size = models.PositiveIntegerField("大きさ（バイト）")
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField("内容")
    # what was read of it at intake (the 医療費通知 XML, the 受領証明書 rows entered with it, the OCR text and its
    # confidence): domain/documents.py reads it for the review
    document = models.JSONField("読み取った内容", default=dict, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "添付書類"
        verbose_name_plural = "添付書類"

    def __str__(self) -> str:
        return f"{self.filename} ({self.kind})"

    @property
    def kind_label(self) -> str:
        """The kind in words (「医療費控除の明細書」), as the clerk reads it."""
        from jichitai.declarations.domain.model import ATTACHMENT_KINDS

        return ATTACHMENT_KINDS.get(self.kind, "その他")


class ReviewDecision(models.Model):
    """One decision on a declaration: by the automated review (``by`` = "system") or a clerk."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField("結果", max_length=20)
    ruleset_version = models.CharField("審査ルール版", max_length=20)
    findings = models.JSONField("指摘事項", default=list)
    by = models.CharField("判定者", max_length=100, default="system")
    decided_at = models.DateTimeField("判定日時", auto_now_add=True)

    class Meta:
        verbose_name = "審査結果"
        verbose_name_plural = "審査結果"
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.outcome} ({self.ruleset_version})"


class ClerkAction(models.Model):
    KINDS = [("accept", "受理"), ("correct", "訂正して受理"), ("return", "差戻し"),
             ("approve", "訂正の決裁（承認）"), ("reject", "訂正の決裁（差戻し）"), ("view", "閲覧")]

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="clerk_actions")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("操作", max_length=10, choices=KINDS)
    comment = models.TextField("コメント", blank=True, default="")
    minutes = models.PositiveIntegerField("所要時間（分）", default=0)
    corrected_data = models.JSONField("訂正後の申告内容", null=True, blank=True)
    approval_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="approvals")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "職員の処理"
        verbose_name_plural = "職員の処理"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.staff_id}"


class AssessmentFeed(models.Model):
    """A declaration's figures handed to the assessment: a new version (更正) when an assessment exists,
    otherwise waiting for the bulk assessment to pick it up (``status = pending``)."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="feeds")
    version = models.PositiveIntegerField("申告の版")
    kind = models.CharField("区分", max_length=20)  # initial / correction (更正)
    case = models.JSONField("課税計算の入力")
    computed = models.JSONField("計算結果", null=True, blank=True)
    status = models.CharField("状態", max_length=10, default="pending")  # pending / applied
    applied_ref = models.CharField("反映先", max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "課税への反映"
        verbose_name_plural = "課税への反映"
        constraints = [models.UniqueConstraint(fields=["declaration", "version"], name="decl_feed_once_per_version")]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version} ({self.status})"


class ClaimedRelative(models.Model):
    """Whom a submitted declaration claims (配偶者・扶養親族), by blind index: the 二重扶養 look-up."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="claimed")
    fiscal_year = models.PositiveIntegerField(db_index=True)
    owner_index = models.CharField(max_length=64)
    claimed_index = models.CharField(max_length=64, db_index=True)
    role = models.CharField(max_length=10)  # spouse / dependent

    class Meta:
        verbose_name = "控除対象の親族"
        verbose_name_plural = "控除対象の親族"

    def __str__(self) -> str:
        return f"{self.role} {self.claimed_index[:8]}"


class CityRecord(models.Model):
    """A row of another business system of the city that the review compares a declaration with, received
    through the hub (file feeds ``shogai-techo`` and ``kokuho-zei``): a 障害者手帳 (kind, grade, validity) or the
    国民健康保険税 a 世帯主 paid in a calendar year. Keyed by 宛名番号, as the systems send them."""

    SYSTEMS = [("disability", "障害者福祉（障害者手帳）"), ("kokuho_tax", "国民健康保険税")]

    system = models.CharField("業務", max_length=20, choices=SYSTEMS)
    atena_number = models.CharField("宛名番号", max_length=15, db_index=True)
    year = models.PositiveIntegerField("年分", null=True, blank=True)  # 国保税: the calendar year it was paid
    amount = models.BigIntegerField("金額（円）", default=0)
    kind = models.CharField("手帳の種類", max_length=10, blank=True, default="")  # 身体 / 精神 / 療育
    grade = models.CharField("等級", max_length=10, blank=True, default="")
    valid_from = models.DateField("交付日", null=True, blank=True)
    valid_to = models.DateField("有効期限", null=True, blank=True)
    source = models.CharField("受信ファイル", max_length=40)
    line = models.PositiveIntegerField("行")

    class Meta:
        verbose_name = "他業務の記録"
        verbose_name_plural = "他業務の記録"
        constraints = [models.UniqueConstraint(fields=["system", "source", "line"], name="decl_city_record_once")]

    def __str__(self) -> str:
        return f"{self.system} {self.atena_number}"
