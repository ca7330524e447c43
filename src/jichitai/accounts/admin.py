"""Django admin for master data, behind the same one permission check (and every change audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from jichitai.accounts import rolechanges
from jichitai.accounts import roles as R
from jichitai.accounts.models import Department, Role, RoleChange, Staff
from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import JichitaiError


class JichitaiAdminSite(admin.AdminSite):
    site_header = "jichitai 管理画面"
    site_title = "jichitai 管理"
    index_title = "マスタデータ"

    def has_permission(self, request: HttpRequest) -> bool:
        return allowed(request.user, "admin.enter")

    def get_urls(self) -> list[URLPattern | URLResolver]:
        """Every admin URL, login and logout included, goes through ``requires("admin.enter")``: system
        administrators and auditors; each model's admin then asks its own action (the auditor sees the audit
        log and its seals only, read-only)."""
        return _guard(super().get_urls())

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return redirect(f"/accounts/login/?next={request.get_full_path()}")


def _guard(patterns: list[Any]) -> list[Any]:
    from jichitai.accounts.guards import requires

    out: list[Any] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            p.url_patterns  # noqa: B018 - resolve the included patterns before guarding them
            p.urlconf_name = _guard(list(p.url_patterns))
            out.append(p)
        else:
            p.callback = requires("admin.enter")(p.callback)
            out.append(p)
    return out


site = JichitaiAdminSite(name="admin")


class GuardedModelAdmin(admin.ModelAdmin):
    """Every permission asks ``allowed``; every save and delete is audited."""

    manage_action = "admin.manage"
    view_action = "admin.access"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return allowed(request.user, self.view_action)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return allowed(request.user, self.view_action)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return allowed(request.user, self.manage_action)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return allowed(request.user, self.manage_action)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return allowed(request.user, self.manage_action)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit.record(request.user, "admin.change" if change else "admin.add", f"{obj._meta.label}:{obj.pk}",
                     fields=sorted(form.changed_data) if form is not None else [])

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        label = f"{obj._meta.label}:{obj.pk}"
        super().delete_model(request, obj)
        audit.record(request.user, "admin.delete", label)


class ReadOnlyAdmin(GuardedModelAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DepartmentForm(forms.ModelForm):
    duties = forms.MultipleChoiceField(label="所管業務", choices=list(R.DUTIES.items()), required=False,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text="決裁など業務に結び付いた操作は、その業務を所管する課の職員だけが行えます。")

    class Meta:
        model = Department
        fields = ("code", "name", "duties")


@admin.register(Department, site=site)
class DepartmentAdmin(GuardedModelAdmin):
    form = DepartmentForm
    list_display = ("code", "name", "duty_names")

    @admin.display(description="所管業務")
    def duty_names(self, obj: Department) -> str:
        return "・".join(R.DUTIES.get(d, d) for d in obj.duties or [])


@admin.register(Role, site=site)
class RoleAdmin(ReadOnlyAdmin):
    list_display = ("code", "name")


@admin.register(Staff, site=site)
class StaffAdmin(GuardedModelAdmin):
    """Roles are not edited here: they change only through a 役割の変更 approved by a second administrator."""

    list_display = ("username", "full_name", "department", "role_names", "is_active")
    list_filter = ("department", "roles", "is_active")
    search_fields = ("username", "full_name")
    exclude = ("password", "last_login", "roles")
    readonly_fields = ("role_names",)

    @admin.display(description="役割（変更は「役割の変更」から二者承認で）")
    def role_names(self, obj: Staff) -> str:
        return "・".join(R.ROLES[c] for c in R.ROLES if c in obj.role_codes()) if obj.pk else ""


class RoleChangeForm(forms.ModelForm):
    wanted = forms.MultipleChoiceField(label="変更後の役割", choices=list(R.ROLES.items()), required=False,
                                       widget=forms.CheckboxSelectMultiple)

    keep_roles = forms.BooleanField(label="役割は変更しない（二要素認証のリセットだけを申請する）", required=False)

    class Meta:
        model = RoleChange
        fields = ("staff", "wanted", "keep_roles", "reset_second_factor", "reason")


@admin.register(RoleChange, site=site)
class RoleChangeAdmin(GuardedModelAdmin):
    """申請 here (the roles the member of staff should hold); 承認 or 却下 by another administrator (actions)."""

    form = RoleChangeForm
    list_display = ("staff", "added_names", "removed_names", "reset_second_factor", "reason", "state",
                    "requested_by", "decided_by")
    list_filter = ("state",)
    actions = ("approve_selected", "reject_selected")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)  # the list's actions only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            wanted = None if form.cleaned_data.get("keep_roles") else form.cleaned_data["wanted"]
            created = rolechanges.propose(request.user, obj.staff, wanted, form.cleaned_data["reason"],
                                          reset_second_factor=bool(form.cleaned_data.get("reset_second_factor")))
        except JichitaiError as exc:
            raise ValidationError(exc.message) from exc
        obj.pk = created.pk

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        try:
            return super().add_view(request, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return redirect(request.get_full_path())

    @admin.display(description="追加する役割")
    def added_names(self, obj: RoleChange) -> str:
        return "・".join(R.ROLES.get(c, c) for c in obj.added)

    @admin.display(description="外す役割")
    def removed_names(self, obj: RoleChange) -> str:
        return "・".join(R.ROLES.get(c, c) for c in obj.removed)

    def _decide(self, request: HttpRequest, queryset: Any, decide: Any, done: str) -> None:
        for change in queryset:
            try:
                decide(request.user, change.pk)
                self.message_user(request, f"{change.staff}: {done}", messages.SUCCESS)
            except JichitaiError as exc:
                self.message_user(request, f"{change.staff}: {exc.message}", messages.ERROR)

    @admin.action(description="選択した役割の変更を承認する")
    def approve_selected(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, rolechanges.approve, "承認しました")

    @admin.action(description="選択した役割の変更を却下する")
    def reject_selected(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, rolechanges.reject, "却下しました")


@admin.register(TOTPDevice, site=site)
class TOTPDeviceAdmin(GuardedModelAdmin):
    """認証アプリ: listed only. Never added or edited here (a device's key is made and shown to its owner only, at
    enrolment), nor deleted by one administrator: a lost phone is a 二要素認証のリセット under the two-administrator
    rule (役割の変更 with リセット, ``accounts.rolechanges``)."""

    list_display = ("user", "confirmed", "last_used_at", "created_at")
    list_filter = ("confirmed",)
    fields = ("user", "confirmed", "last_used_at", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
