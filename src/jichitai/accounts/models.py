"""Staff (職員), departments (課) and roles (役割)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models

from jichitai.accounts import roles as R


class Department(models.Model):
    code = models.CharField("課コード", max_length=20, unique=True)
    name = models.CharField("課名", max_length=100)
    duties = models.JSONField("所管業務", default=list, blank=True,
                              help_text="この課が所管する業務。決裁などの業務に結び付いた操作は所管課の職員だけが行えます。")

    class Meta:
        verbose_name = "課"
        verbose_name_plural = "課"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    code = models.CharField("役割コード", max_length=20, primary_key=True, choices=list(R.ROLES.items()))
    name = models.CharField("役割名", max_length=50)

    class Meta:
        verbose_name = "役割"
        verbose_name_plural = "役割"

    def __str__(self) -> str:
        return self.name


class StaffManager(BaseUserManager["Staff"]):
    def create_user(self, username: str, password: str | None = None, **extra: object) -> Staff:
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: object) -> Staff:
        user = self.create_user(username, password, **extra)
        role, _ = Role.objects.get_or_create(code=R.SYSADMIN, defaults={"name": R.ROLES[R.SYSADMIN]})
        user.roles.add(role)
        return user


class Staff(AbstractBaseUser):
    """A member of the city's staff. Permissions come from roles only, through ``policy.allowed``."""

    username = models.CharField("職員番号", max_length=30, unique=True)
    full_name = models.CharField("氏名", max_length=100)
    department = models.ForeignKey(Department, verbose_name="所属課", on_delete=models.PROTECT, null=True, blank=True)
    roles = models.ManyToManyField(Role, verbose_name="役割", blank=True)
    is_active = models.BooleanField("有効", default=True)
    oidc_subject = models.CharField("SSO識別子", max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StaffManager()
    confirmed_totp_ids: frozenset[int] | None = None  # read with the staff member for a request (load_staff)

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = "職員"
        verbose_name_plural = "職員"

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})"

    def set_loaded_roles(self, codes: Iterable[str] | None) -> None:
        """The role codes read with the member of staff (``backends.load_staff``), so that no query follows."""
        self._role_codes = frozenset(str(c) for c in (codes or ()))

    def role_codes(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("code", flat=True)) if self.pk else frozenset()
            self._role_codes = cached
        return cached

    def duties(self) -> frozenset[str]:
        """The 所管業務 of this member of staff's department (what their supervisor role may approve)."""
        cached: frozenset[str] | None = getattr(self, "_duties", None)
        if cached is None:
            dept = self.department
            cached = frozenset(str(d) for d in (dept.duties or [])) if dept is not None else frozenset()
            self._duties = cached
        return cached

    # Django admin asks these; they answer from the one policy.
    @property
    def is_staff(self) -> bool:
        from jichitai.accounts.policy import allowed

        return allowed(self, "admin.enter")

    def has_perm(self, perm: str, obj: object = None) -> bool:
        from jichitai.accounts.policy import allowed

        return allowed(self, "admin.manage")

    def has_module_perms(self, app_label: str) -> bool:
        from jichitai.accounts.policy import allowed

        return allowed(self, "admin.enter")  # each ModelAdmin then asks its own action


class LoginThrottle(models.Model):
    """Failed logins under one scope (``accounts.lockout``): a user name at an address, an address, a user name.
    Kept even for names that do not exist, so that a lock-out reveals nothing."""

    scope = models.CharField(max_length=10, default="account")
    key = models.CharField(max_length=170)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_scope_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.failures}"


class RoleChange(models.Model):
    """A change of one member of staff's roles, proposed by one system administrator and applied only when a
    second one approves it (separation of duties): nobody changes roles alone, nobody their own."""

    STATES = {"pending": "承認待ち", "approved": "承認済み", "rejected": "却下"}

    staff = models.ForeignKey(Staff, verbose_name="対象職員", on_delete=models.PROTECT, related_name="role_changes")
    added = models.JSONField("追加する役割", default=list, blank=True)
    removed = models.JSONField("外す役割", default=list, blank=True)
    reason = models.CharField("理由", max_length=300)
    reset_second_factor = models.BooleanField(
        "二要素認証のリセット", default=False,
        help_text="認証アプリと回復コードをすべて無効にする（次のログインで登録し直す）。紛失・盗難のとき")
    state = models.CharField("状態", max_length=10, choices=list(STATES.items()), default="pending")
    requested_by = models.ForeignKey(Staff, verbose_name="申請者", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申請日時", auto_now_add=True)
    decided_by = models.ForeignKey(Staff, verbose_name="承認者", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField("承認日時", null=True, blank=True)

    class Meta:
        verbose_name = "役割の変更"
        verbose_name_plural = "役割の変更（二者承認）"
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.staff}: +{','.join(self.added)} -{','.join(self.removed)} ({self.STATES[self.state]})"
