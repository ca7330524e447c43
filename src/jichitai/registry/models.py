"""住民記録 tables: the address dictionary, households, residents (current state), history (every snapshot),
the outbox for the hub, certificate issuances, suppressions and pending 職権 changes.

Naming: romaji for terms of art (``atena_number`` 宛名番号, ``setai_number`` 世帯番号); see docs/glossary.md.
個人番号 is never stored in clear: ``my_number_encrypted`` (AES-256-GCM, key outside the database) and
``my_number_index`` (keyed HMAC blind index) — see :mod:`jichitai.common.vault`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from jichitai.common.wareki import to_wareki


class Town(models.Model):
    """住所辞書 (j250): one 町字 of the city."""

    code = models.CharField("町字コード", max_length=12, primary_key=True)
    ward_code = models.CharField("行政区コード", max_length=5, db_index=True)
    ward_name = models.CharField("行政区名", max_length=20)
    name = models.CharField("町字", max_length=100)
    kana = models.CharField("町字フリガナ", max_length=200, blank=True, default="")
    postcode = models.CharField("郵便番号", max_length=8, blank=True, default="")
    school_district = models.CharField("小学校区", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = "町字"
        verbose_name_plural = "住所辞書"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.ward_name}{self.name}"


class Household(models.Model):
    """世帯: the 世帯番号 and what is common to its members. ``version`` increases with every 異動 touching
    it; rows are locked (SELECT … FOR UPDATE) while a 異動 is decided."""

    setai_number = models.CharField("世帯番号", max_length=15, primary_key=True)
    ward_code = models.CharField("行政区コード", max_length=5)  # nothing looks households up by ward
    town_code = models.CharField("町字コード", max_length=12, blank=True, default="")
    banchi = models.CharField("番地", max_length=100, blank=True, default="")
    katagaki = models.CharField("方書", max_length=200, blank=True, default="")
    head_atena_number = models.CharField("世帯主宛名番号", max_length=15, blank=True, default="")
    member_count = models.PositiveIntegerField("世帯員数", default=0)
    version = models.PositiveIntegerField(default=0)
    created_on = models.DateField("世帯設定日", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "世帯"
        verbose_name_plural = "世帯"

    def __str__(self) -> str:
        return f"世帯 {self.setai_number}"


class PersonRecord(models.Model):
    """Every item of the resident snapshot (domain ``Person``), shared by the current row and history rows."""

    atena_number = models.CharField("宛名番号", max_length=15)
    setai_number = models.CharField("世帯番号", max_length=15)
    status = models.CharField("住民状態", max_length=10)
    resident_kind = models.CharField("住民種別", max_length=10)
    name = models.CharField("氏名", max_length=200)
    kana = models.CharField("氏名フリガナ", max_length=200, blank=True, default="")
    birth_date = models.DateField("生年月日")
    sex = models.CharField("性別", max_length=1)
    relationship = models.CharField("続柄", max_length=20)
    household_order = models.PositiveSmallIntegerField("世帯員の並び順", default=1)
    kyuuji = models.CharField("旧氏", max_length=100, blank=True, default="")
    kyuuji_kana = models.CharField("旧氏フリガナ", max_length=200, blank=True, default="")
    tsusho = models.CharField("通称", max_length=200, blank=True, default="")
    tsusho_kana = models.CharField("通称フリガナ", max_length=200, blank=True, default="")
    # 氏名の振り仮名 (戸籍法第13条第1項第2号, 住基法第7条 as amended): from the 本籍地's notice only; not ``kana``
    furigana_shi = models.CharField("氏の振り仮名", max_length=100, blank=True, default="", db_default="")
    furigana_mei = models.CharField("名の振り仮名", max_length=100, blank=True, default="", db_default="")
    honseki = models.CharField("本籍", max_length=200, blank=True, default="")
    hittosha = models.CharField("筆頭者", max_length=100, blank=True, default="")
    became_resident_on = models.DateField("住民となった年月日", null=True, blank=True)
    town_code = models.CharField("町字コード", max_length=12, blank=True, default="")
    ward_code = models.CharField("行政区コード", max_length=5, blank=True, default="")
    banchi = models.CharField("番地", max_length=100, blank=True, default="")
    katagaki = models.CharField("方書", max_length=200, blank=True, default="")
    postcode = models.CharField("郵便番号", max_length=8, blank=True, default="")
    address_set_on = models.DateField("住所を定めた年月日", null=True, blank=True)
    notified_on = models.DateField("届出の年月日", null=True, blank=True)
    previous_address = models.CharField("転入前住所", max_length=300, blank=True, default="")
    previous_municipality_code = models.CharField("転入前住所市区町村コード", max_length=6, blank=True, default="")
    my_number_encrypted = models.CharField("個人番号（暗号化）", max_length=120, blank=True, default="")
    my_number_index = models.CharField("個人番号検索索引", max_length=64, blank=True, default="")
    juminhyo_code = models.CharField("住民票コード", max_length=11, blank=True, default="")
    nationality = models.CharField("国籍・地域", max_length=100, blank=True, default="")
    foreign_resident_on = models.DateField("外国人住民となった年月日", null=True, blank=True)
    article_30_45 = models.CharField("法第30条の45の区分", max_length=50, blank=True, default="")
    residence_status = models.CharField("在留資格", max_length=100, blank=True, default="")
    residence_period = models.CharField("在留期間", max_length=50, blank=True, default="")
    residence_until = models.DateField("在留期間の満了の日", null=True, blank=True)
    residence_card_number = models.CharField("在留カード等の番号", max_length=12, blank=True, default="")
    removal_reason = models.CharField("消除事由", max_length=50, blank=True, default="")
    removed_on = models.DateField("消除の異動日", null=True, blank=True)
    destination_address = models.CharField("転出先住所", max_length=300, blank=True, default="")
    destination_municipality_code = models.CharField("転出先市区町村コード", max_length=6, blank=True, default="")
    # j10 「転出年月日（転出の場合）」: the 転出予定年月日, or the 転入通知's 転入日 when earlier (j50)
    moved_out_on = models.DateField("転出年月日", null=True, blank=True)
    note = models.TextField("備考", blank=True, default="")

    class Meta:
        abstract = True


class Resident(PersonRecord):
    """The current state of one person (= the history row with the highest 履歴番号), with search keys."""

    atena_number = models.CharField("宛名番号", max_length=15, primary_key=True)
    setai_number = models.CharField("世帯番号", max_length=15)
    name_key = models.CharField("氏名検索キー", max_length=200)
    kana_key = models.CharField("フリガナ検索キー", max_length=200)
    # 名 alone (「一郎」, 「イチロウ」): a clerk who knows only the given name (common.text.given_name_key)
    given_name_key = models.CharField("名検索キー", max_length=200, default="", db_default="")
    given_kana_key = models.CharField("名フリガナ検索キー", max_length=200, default="", db_default="")
    history_no = models.PositiveIntegerField("履歴番号", default=1)
    last_change_id = models.UUIDField("最終異動ID", null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "住民"
        verbose_name_plural = "住民"
        indexes = [
            models.Index(fields=["birth_date"], name="reg_res_birth"),
            models.Index(fields=["town_code", "banchi"], name="reg_res_address"),
            models.Index(fields=["juminhyo_code"], name="reg_res_juminhyo"),
            models.Index(fields=["kana_key", "birth_date"], name="reg_res_kana_birth"),
            # every index is paid for by every 異動: one per way the counter searches, no duplicates
            models.Index(fields=["setai_number"], name="reg_res_setai"),
            models.Index(fields=["name_key"], name="reg_res_name_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kana_key"], name="reg_res_kana_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["given_name_key"], name="reg_res_given_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["given_kana_key"], name="reg_res_given_kana_prefix",
                         opclasses=["varchar_pattern_ops"]),
            # the daily run of 転出 whose 転出予定日 has come (registry/departures.py): a handful of rows
            models.Index(fields=["removed_on"], name="reg_res_departing",
                         condition=models.Q(status="active", removed_on__isnull=False)),
        ]
        constraints = [
            # also the index a look-up by 個人番号 uses (a query names ``my_number_index <> ''`` or a number)
            models.UniqueConstraint(fields=["my_number_index"], condition=~models.Q(my_number_index=""),
                                    name="reg_res_mynumber_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.atena_number})"


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


class CertificateIssuance(models.Model):
    """交付履歴 (j300): every certificate issued, by whom, to whom, for what."""

    issue_number = models.CharField("発行番号", max_length=30, unique=True)
    kind = models.CharField("証明書の種類", max_length=30)  # juminhyo / joshuhyo / kisai_jiko …
    layout = models.CharField("様式", max_length=20, blank=True, default="")  # setai_renki / kojinhyo
    setai_number = models.CharField("世帯番号", max_length=15, blank=True, default="", db_index=True)
    atena_numbers = models.JSONField("対象者", default=list)
    requester_kind = models.CharField("請求者区分", max_length=20)  # self / household / third_party / official
    requester_name = models.CharField("請求者氏名", max_length=200, blank=True, default="")
    purpose = models.CharField("使用目的", max_length=200, blank=True, default="")
    omissions = models.JSONField("省略事項", default=dict)
    pages = models.PositiveSmallIntegerField("枚数", default=1)
    issued_at = models.DateTimeField("交付日時", auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="交付者", on_delete=models.PROTECT,
                                  null=True, related_name="+")
    terminal = models.CharField("入力端末", max_length=100, blank=True, default="")
    identity_documents = models.CharField("本人確認書類", max_length=300, blank=True, default="", db_default="")
    fee = models.PositiveIntegerField("手数料（円）", default=0, db_default=0)

    class Meta:
        verbose_name = "交付履歴"
        verbose_name_plural = "交付履歴"
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"発行番号 {self.issue_number}"


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


class InspectionRequest(models.Model):
    """住民基本台帳の一部の写しの閲覧の請求・申出 (住基法第11条・第11条の2; 標準仕様書 9.5, j1320): who asked, for
    what, who views, the 抽出条件 and the list made (its 交付履歴 row, j300: 証明書の種別 ``etsuran``). Kept for the
    閲覧の状況の公表 (第11条の2第12項)."""

    issuance = models.OneToOneField(CertificateIssuance, verbose_name="交付履歴", on_delete=models.PROTECT,
                                    related_name="inspection")
    requester_kind = models.CharField("請求・申出の区分", max_length=20)  # domain.inspection.REQUESTERS
    requester_name = models.CharField("請求者・申出者の氏名又は名称", max_length=200)
    requester_address = models.CharField("請求者・申出者の住所又は所在地", max_length=300, blank=True, default="")
    representative = models.CharField("法人の代表者又は管理人の氏名", max_length=200, blank=True, default="")
    purpose_kind = models.CharField("利用目的の区分", max_length=20)  # domain.inspection.PURPOSES
    purpose = models.CharField("利用目的", max_length=300)
    viewers = models.TextField("閲覧者の氏名・住所")  # one viewer a line
    requested_on = models.DateField("請求・申出の年月日")
    criteria = models.JSONField("抽出条件", default=dict)  # town_codes, on, ages, sex, order, seed (repeatable)
    count = models.PositiveIntegerField("記載人数")
    output = models.CharField("出力形式", max_length=5)  # pdf / csv
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "閲覧の請求・申出"
        verbose_name_plural = "閲覧の請求・申出"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"閲覧 {self.requester_name} {self.requested_on}"


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
