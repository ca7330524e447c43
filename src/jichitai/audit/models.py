"""The audit trail (アクセスログ): append-only, hash-chained entries and signed seals of the chain head."""

from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    """One thing someone did or tried: who, what, on what, when, with what outcome.

    ``seq`` is assigned under the chain-head lock, so the sequence has no gaps; ``hash`` is
    SHA-256(prev_hash ‖ canonical JSON of the entry). A database trigger refuses UPDATE and DELETE.
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=200)
    action = models.CharField(max_length=100)
    resource = models.CharField(max_length=300, blank=True, default="")
    outcome = models.CharField(max_length=20)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "アクセスログ"
        verbose_name_plural = "アクセスログ"
        ordering = ["seq"]
        # the auditor's page searches these by prefix, the DR check and others by equality: one pattern index each
        # serves both (Django's db_index made a plain one and a pattern twin, two insertions more for every entry)
        indexes = [
            models.Index(fields=["actor"], name="audit_actor", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["action"], name="audit_action", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["resource"], name="audit_resource", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor} {self.action} {self.resource} {self.outcome}"


class AuditSubject(models.Model):
    """The people an entry concerns (宛名番号), one row each: the index behind "everything that touched resident X".

    Derived from the entry itself, which is hashed (``resource`` = ``resident:X``, or ``detail["subjects"]``);
    ``jichitai audit verify`` proves the entries, and this table can be rebuilt from them."""

    seq = models.BigIntegerField()
    subject = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["subject", "seq"], name="audit_subject_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.subject}"


class ChainHead(models.Model):
    """One row per chain: the last sequence number and hash. Locked (SELECT … FOR UPDATE) for every append."""

    name = models.CharField(max_length=50, primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.name}@{self.seq}"


class Seal(models.Model):
    """An Ed25519 signature over a chain head at a moment: proof that entries up to ``seq`` existed then."""

    chain = models.CharField(max_length=50, default="audit")
    seq = models.BigIntegerField()
    head_hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    key_id = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["chain", "seq"]

    def __str__(self) -> str:
        return f"seal {self.chain}@{self.seq}"
