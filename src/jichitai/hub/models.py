"""The hub's catalogue (systems, feeds, data items, grants), its durable feeds, files and the message log."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import models

# The 20 businesses of 地方公共団体情報システムの標準化に関する法律 (標準化対象事務), in the Digital Agency's
# order (checked against municipal pages quoting it, e.g. 島田市「地方公共団体情報システムの標準化」項番 1–20).
STANDARD_BUSINESSES: tuple[tuple[str, str], ...] = (
    ("juki", "住民基本台帳"),
    ("senkyo", "選挙人名簿管理"),
    ("kotei_shisan", "固定資産税"),
    ("kojin_juminzei", "個人住民税"),
    ("hojin_juminzei", "法人住民税"),
    ("keijidosha", "軽自動車税"),
    ("kokuho", "国民健康保険"),
    ("kokumin_nenkin", "国民年金"),
    ("shogaisha", "障害者福祉"),
    ("koki_korei", "後期高齢者医療"),
    ("kaigo", "介護保険"),
    ("jido_teate", "児童手当"),
    ("kenko_kanri", "健康管理"),
    ("shugaku", "就学"),
    ("jido_fuyo", "児童扶養手当"),
    ("seikatsu_hogo", "生活保護"),
    ("kodomo_kosodate", "子ども・子育て支援"),
    ("inkan", "印鑑登録"),
    ("koseki", "戸籍"),
    ("koseki_fuhyo", "戸籍の附票"),
)

SYSTEM_ROLE = "hub_system"  # the role every connected system holds in the permission policy
API_KEY_PREFIX_LENGTH = 8


def hash_api_key(key: str) -> str:
    """SHA-256 of the key: keys are 256-bit random strings, so a fast hash is enough (no dictionary to try)."""
    return hashlib.sha256(key.encode()).hexdigest()


class System(models.Model):
    """A business system connected to the hub: one of the 20 standard businesses or a city-specific one."""

    KINDS = [("standard", "標準準拠システム"), ("city", "独自施策システム")]

    code = models.SlugField("システムコード", max_length=50, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("種別", max_length=10, choices=KINDS, default="standard")
    business = models.CharField("標準化対象事務", max_length=30, blank=True, choices=STANDARD_BUSINESSES)
    may_use_my_number = models.BooleanField(
        "個人番号利用事務", default=False,
        help_text="番号法 別表に定める個人番号利用事務を行うシステムだけが個人番号を受け取れます")
    may_see_supported_address = models.BooleanField(
        "支援措置対象者の住所の受領", default=False,
        help_text="DV等支援措置の対象者の住所を受け取る権限（住民基本台帳事務処理要領 第5-10）")
    active = models.BooleanField("有効", default=True)
    api_key_prefix = models.CharField("APIキー識別子", max_length=API_KEY_PREFIX_LENGTH, blank=True, db_index=True)
    api_key_hash = models.CharField("APIキー（ハッシュ）", max_length=64, blank=True, editable=False)
    client_cert_sha256 = models.CharField(
        "クライアント証明書SHA-256指紋", max_length=64, blank=True, db_index=True,
        help_text="相互TLS: 逆プロキシが検証した証明書の指紋（16進小文字64桁）")
    # OAuth 2.0 (共通機能標準仕様書 2.2: Client Credentials, client_secret_jwt; docs/hub.md). The secret is kept
    # sealed (AES-256-GCM, bound to the system): client_secret_jwt is an HMAC, so the hub needs the secret itself.
    oauth_secret_sealed = models.TextField("OAuthクライアントシークレット（暗号化）", blank=True, editable=False)
    oauth_secret_set_at = models.DateTimeField("OAuthクライアントシークレット発行日時", null=True, blank=True,
                                               editable=False)
    oauth_basic_allowed = models.BooleanField(
        "client_secret_basic による認証（暫定）", default=True,
        help_text="標準は client_secret_jwt。外すと、このシステムはBasic認証ではトークンを取得できません")
    legacy_auth_allowed = models.BooleanField(
        "APIキー・相互TLSによる接続（移行期間）", default=True,
        help_text="外すと、このシステムはOAuthのアクセストークンでしか接続できません（APIキーと証明書は拒否）")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "連携システム"
        verbose_name_plural = "連携システム"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    # --- the actor protocol of accounts.policy ---------------------------------------------------------
    is_authenticated = True

    @property
    def is_active(self) -> bool:
        return self.active

    def role_codes(self) -> frozenset[str]:
        return frozenset({SYSTEM_ROLE})

    # The OAuth access token this system presented on the current request (``hub.auth``), or None for an API key
    # or client certificate of the transition, which carry no scope.
    presented_scopes: list[str] | None = None

    def holds_grant(self, function: str) -> bool:
        """For ``allowed``: the city granted this system the common function ``function`` (a grant of the feed of
        kind ``common`` with that code), and a token presented now carries its scope ``…:<function>:use``."""
        if not Grant.objects.filter(system=self, feed__code=function).exists():
            return False
        if self.presented_scopes is None:
            return True
        from jichitai.hub.scopes import scope_for

        return scope_for(function, "use") in self.presented_scopes

    def audit_label(self) -> str:
        return f"system:{self.code}"

    # --- credentials ------------------------------------------------------------------------------------
    def issue_api_key(self) -> str:
        """A new API key (shown once); only its hash and prefix are stored. Call ``save()`` afterwards."""
        key = "jk_" + secrets.token_urlsafe(32)
        self.api_key_prefix = key[3:3 + API_KEY_PREFIX_LENGTH]
        self.api_key_hash = hash_api_key(key)
        return key

    def check_api_key(self, key: str) -> bool:
        return bool(self.api_key_hash) and hmac.compare_digest(self.api_key_hash, hash_api_key(key))


class AccessToken(models.Model):
    """A Bearer access token issued by the hub's token endpoint (client credentials; no refresh token). Only
    the SHA-256 of the token is kept; it is refused after ``expires_at`` or once revoked."""

    id = models.BigAutoField(primary_key=True)
    token_sha256 = models.CharField(max_length=64, unique=True)
    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="access_tokens",
                               verbose_name="システム")
    scope = models.TextField("スコープ", blank=True)
    auth_method = models.CharField("クライアント認証方式", max_length=30)
    issued_at = models.DateTimeField("発行日時")
    expires_at = models.DateTimeField("有効期限", db_index=True)
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True)

    class Meta:
        verbose_name = "アクセストークン"
        verbose_name_plural = "アクセストークン"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.system_id}:{self.id}"

    def audit_label(self) -> str:
        return f"hub.token:{self.pk}"

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(self.scope.split())


class UsedAssertion(models.Model):
    """A client assertion (RFC 7523 ``jti``) already used: the same assertion is refused until it expires."""

    client_id = models.CharField(max_length=50)  # the system's code (a row needs no look-up of the system)
    jti = models.CharField(max_length=200)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client_id", "jti"], name="hub_assertion_once")]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.jti}"


class Feed(models.Model):
    """A feed or file exchange the hub offers: 宛名連携（全件・差分）, a file layout, an extract."""

    KINDS = [("events", "イベント（PULL）"), ("file_in", "ファイル受信"), ("file_out", "ファイル提供"),
             ("common", "共通機能API")]

    code = models.SlugField("フィードコード", max_length=50, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("種別", max_length=10, choices=KINDS)
    description = models.TextField("説明", blank=True)

    class Meta:
        verbose_name = "フィード"
        verbose_name_plural = "フィード"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class DataItem(models.Model):
    """A data item of a feed, the unit of access rights: the payload keys it covers and its sensitivity."""

    SENSITIVITY = [("", "通常"), ("my_number", "個人番号"), ("address", "住所（支援措置で制限）")]

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="items", verbose_name="フィード")
    code = models.SlugField("項目コード", max_length=50)
    label = models.CharField("項目名", max_length=100)
    keys = models.JSONField("ペイロードのキー", default=list)
    sensitivity = models.CharField("区分", max_length=20, choices=SENSITIVITY, blank=True, default="")

    class Meta:
        verbose_name = "データ項目"
        verbose_name_plural = "データ項目"
        ordering = ["feed", "code"]
        constraints = [models.UniqueConstraint(fields=["feed", "code"], name="hub_item_once_per_feed")]

    def __str__(self) -> str:
        return f"{self.feed.code}:{self.label}"


class Grant(models.Model):
    """A named system's right to a feed, limited to the listed items, for a stated purpose."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="grants", verbose_name="システム")
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="grants", verbose_name="フィード")
    items = models.ManyToManyField(DataItem, blank=True, verbose_name="提供する項目")
    purpose = models.CharField("利用目的・根拠", max_length=200)
    granted_at = models.DateTimeField("付与日時", auto_now_add=True)

    class Meta:
        verbose_name = "提供許可"
        verbose_name_plural = "提供許可"
        constraints = [models.UniqueConstraint(fields=["system", "feed"], name="hub_grant_once")]

    def __str__(self) -> str:
        return f"{self.system.code} → {self.feed.code}"

    def check_items(self, items: list[DataItem]) -> None:
        """Refuse items of another feed and 個人番号 for a system outside 個人番号利用事務."""
        for item in items:
            if item.feed_id != self.feed_id:
                raise ValidationError(f"項目「{item.label}」はフィード {self.feed.code} の項目ではありません")
            if item.sensitivity == "my_number" and not self.system.may_use_my_number:
                raise ValidationError(
                    f"{self.system.name} は個人番号利用事務のシステムではないため「{item.label}」を許可できません")

    def permits(self, actor: object, action: str) -> bool:
        return getattr(actor, "pk", None) == self.system_id and self.system.active


class FeedEvent(models.Model):
    """One registry change relayed from the outbox: durable, in outbox order (``id``), once per event id.
    ``is_latest`` marks a person's newest event: the 全件 feed is the set of latest events."""

    id = models.BigAutoField(primary_key=True)
    source_id = models.BigIntegerField("outbox id", unique=True)
    event_id = models.UUIDField(unique=True)
    kind = models.CharField(max_length=60)
    atena_number = models.CharField(max_length=20, db_index=True)
    setai_number = models.CharField(max_length=20, blank=True)
    occurred_on = models.DateField()
    created_at = models.DateTimeField()
    relayed_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField()
    is_latest = models.BooleanField(default=True)

    class Meta:
        verbose_name = "連携イベント"
        verbose_name_plural = "連携イベント"
        ordering = ["id"]
        indexes = [models.Index(fields=["is_latest", "id"], name="hub_event_latest")]

    def __str__(self) -> str:
        return f"{self.id}:{self.kind}:{self.atena_number}"


class Subscription(models.Model):
    """A system's position in a feed (what it acknowledged by asking for ``after``), and push settings."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="subscriptions")
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="subscriptions")
    acked_cursor = models.BigIntegerField("受信確認済み位置", default=0)
    delivered_cursor = models.BigIntegerField("配信済み位置", default=0)
    last_delivery_at = models.DateTimeField("最終配信", null=True, blank=True)
    delivered_events = models.BigIntegerField("配信件数", default=0)
    failures = models.IntegerField("連続失敗回数", default=0)
    last_error = models.CharField("最後のエラー", max_length=300, blank=True)
    push_url = models.URLField("プッシュ先URL", blank=True)
    push_secret = models.CharField("署名鍵", max_length=100, blank=True)
    next_push_at = models.DateTimeField(null=True, blank=True)
    # the placement of a file under way (hub.extracts.place): its token names its staged object; it lapses at
    # placing_until unless the placer renews it, so a placer that died blocks the next for a few minutes only
    placing_token = models.CharField("配置中の予約", max_length=32, blank=True)
    placing_until = models.DateTimeField("予約の期限", null=True, blank=True)

    class Meta:
        verbose_name = "購読状況"
        verbose_name_plural = "購読状況"
        constraints = [models.UniqueConstraint(fields=["system", "feed"], name="hub_subscription_once")]

    def __str__(self) -> str:
        return f"{self.system_id}:{self.feed_id}@{self.acked_cursor}"


class MessageLogEntry(models.Model):
    """X-Road-style message log: every delivery and file, hash-chained (``jichitai.audit.chain``) and each
    entry signed with the hub's Ed25519 key, so the receiver holds a verifiable receipt."""

    DIRECTIONS = [("out", "提供"), ("in", "受信")]

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    direction = models.CharField(max_length=3, choices=DIRECTIONS)
    kind = models.CharField(max_length=30)  # messagelog.KINDS
    sender = models.CharField(max_length=60)
    receiver = models.CharField(max_length=60)
    reference = models.CharField(max_length=200)
    payload_sha256 = models.CharField(max_length=64)
    payload_bytes = models.BigIntegerField()
    count = models.IntegerField(default=0)
    first_cursor = models.BigIntegerField(null=True, blank=True)
    last_cursor = models.BigIntegerField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        verbose_name = "連携記録"
        verbose_name_plural = "連携記録"
        ordering = ["seq"]
        indexes = [models.Index(fields=["receiver", "kind", "seq"], name="hub_log_receiver")]

    def __str__(self) -> str:
        return f"{self.seq}:{self.kind}:{self.receiver}"


class ExchangedFile(models.Model):
    """A file received from or provided to a system, with its validation report."""

    STATUSES = [("accepted", "受付"), ("quarantined", "隔離"), ("provided", "提供"), ("placed", "配置"),
                ("landed", "蓄積済"), ("rejected", "却下")]
    MODES = [("full", "全件"), ("delta", "差分")]

    direction = models.CharField(max_length=3, choices=MessageLogEntry.DIRECTIONS)
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="files")
    layout = models.CharField("様式", max_length=50)
    mode = models.CharField("全件/差分", max_length=5, choices=MODES, default="full")
    filename = models.CharField("ファイル名", max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    encoding = models.CharField(max_length=10, blank=True)
    rows = models.IntegerField(default=0)
    status = models.CharField(max_length=12, choices=STATUSES)
    problems = models.JSONField("誤りの一覧", default=list, blank=True)
    stored_path = models.CharField(max_length=400)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    log_seq = models.BigIntegerField(null=True, blank=True)
    # an operator's decision on a quarantined file (解除: its valid rows accepted; 却下: refused for good)
    decided_at = models.DateTimeField("判断日時", null=True, blank=True)
    decided_by = models.CharField("判断者", max_length=150, blank=True, db_default="")
    decision_reason = models.CharField("判断の理由", max_length=500, blank=True, db_default="")

    class Meta:
        verbose_name = "連携ファイル"
        verbose_name_plural = "連携ファイル"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.direction}:{self.layout}:{self.filename}"

    @property
    def batch_id(self) -> str:
        return f"file:{self.pk}:{self.sha256[:16]}"

    def log_entry(self) -> MessageLogEntry:
        return MessageLogEntry.objects.get(seq=self.log_seq or 0)

    def audit_label(self) -> str:
        return f"hub.file:{self.pk}"

    def permits(self, actor: object, action: str) -> bool:
        """A file is meant for one system only: an incoming file for the system that sent it, an outgoing
        extract (全件/差分) for the system it was produced for. Both are ``system``; no other system, whatever
        its grants, may read it. The hub's operators (``hub.operate``: release, reject) are decided by their role
        alone, in the policy."""
        if action == "hub.operate":
            return True
        return getattr(actor, "pk", None) == self.system_id and bool(getattr(actor, "is_active", False))


class RelayPosition(models.Model):
    """The relay's low-water mark in the registry outbox, locked while relaying (one relay at a time)."""

    name = models.CharField(max_length=50, primary_key=True)
    position = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}@{self.position}"


class WorkerHeartbeat(models.Model):
    """The hub worker's sign of life (``jichitai hub run``), written at every step of every cycle. The hub page
    alerts when ``expected_by`` has passed (the worker is stopped, hung or cannot reach the database) or when
    the worker said it stopped."""

    name = models.CharField(max_length=50, primary_key=True)
    host = models.CharField("ホスト", max_length=200)
    pid = models.IntegerField("プロセスID")
    started_at = models.DateTimeField("起動日時")
    beat_at = models.DateTimeField("最終応答")
    expected_by = models.DateTimeField("次の応答の期限")
    phase = models.CharField("実行中の処理", max_length=100, blank=True)
    cycles = models.BigIntegerField("処理回数", default=0)
    last_report = models.JSONField("直近の処理結果", default=dict, blank=True)
    last_error = models.TextField("直近のエラー", blank=True)
    stopped_at = models.DateTimeField("停止日時", null=True, blank=True)

    class Meta:
        verbose_name = "連携処理の稼働状況"
        verbose_name_plural = "連携処理の稼働状況"

    def __str__(self) -> str:
        return f"{self.name}@{self.host}:{self.pid}"
