"""Django admin for master data, behind the same one permission check (and every change audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver

from jichitai.accounts.models import Department, Role, Staff
from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit


class JichitaiAdminSite(admin.AdminSite):
    site_header = "jichitai 管理画面"
    site_title = "jichitai 管理"
    index_title = "マスタデータ"

    def has_permission(self, request: HttpRequest) -> bool:
        return allowed(request.user, "admin.access")

    def get_urls(self) -> list[URLPattern | URLResolver]:
        """Every admin URL, login and logout included, goes through ``requires("admin.access")``."""
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
            p.callback = requires("admin.access")(p.callback)
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


@admin.register(Department, site=site)
class DepartmentAdmin(GuardedModelAdmin):
    list_display = ("code", "name")


@admin.register(Role, site=site)
class RoleAdmin(ReadOnlyAdmin):
    list_display = ("code", "name")


@admin.register(Staff, site=site)
class StaffAdmin(GuardedModelAdmin):
    list_display = ("username", "full_name", "department", "is_active")
    list_filter = ("department", "roles", "is_active")
    search_fields = ("username", "full_name")
    filter_horizontal = ("roles",)
    exclude = ("password", "last_login")
