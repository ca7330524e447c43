"""The hub's catalogue in the admin: systems, feeds, items and grants. Every change is audited
(GuardedModelAdmin); issuing a key is audited too and the key is shown once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from jichitai.accounts.admin import GuardedModelAdmin, ReadOnlyAdmin, site
from jichitai.audit import services as audit
from jichitai.hub import messagelog, oauth
from jichitai.hub.models import (
    AccessToken,
    DataItem,
    ExchangedFile,
    Feed,
    Grant,
    MessageLogEntry,
    Subscription,
    System,
)


@admin.register(System, site=site)
class SystemAdmin(GuardedModelAdmin):
    list_display = ("code", "name", "kind", "business", "may_use_my_number", "may_see_supported_address", "active",
                    "oauth_secret_set_at", "oauth_basic_allowed", "legacy_auth_allowed")
    list_filter = ("kind", "may_use_my_number", "active", "oauth_basic_allowed", "legacy_auth_allowed")
    search_fields = ("code", "name")
    readonly_fields = ("api_key_prefix", "oauth_secret_set_at")
    actions = ["issue_client_secret", "issue_api_key"]

    @admin.action(description="OAuthクライアントシークレットを発行する（表示は一度だけ）")
    def issue_client_secret(self, request: HttpRequest, queryset: QuerySet[System]) -> None:
        if not self.has_change_permission(request):
            return
        for system in queryset:
            secret = oauth.issue_client_secret(system)
            system.save(update_fields=["oauth_secret_sealed", "oauth_secret_set_at"])
            audit.record(request.user, "admin.change", f"hub.System:{system.pk}", fields=["oauth_client_secret"])
            messages.warning(request, f"{system.code} の新しいクライアントシークレット（client_id: {system.code}、"
                                      f"この画面でのみ表示）: {secret}")

    @admin.action(description="APIキーを発行する（表示は一度だけ）")
    def issue_api_key(self, request: HttpRequest, queryset: QuerySet[System]) -> None:
        if not self.has_change_permission(request):
            return
        for system in queryset:
            key = system.issue_api_key()
            system.save(update_fields=["api_key_prefix", "api_key_hash"])
            audit.record(request.user, "admin.change", f"hub.System:{system.pk}", fields=["api_key"])
            messages.warning(request, f"{system.code} の新しいAPIキー（この画面でのみ表示）: {key}")


class DataItemInline(admin.TabularInline):
    model = DataItem
    extra = 0


@admin.register(Feed, site=site)
class FeedAdmin(GuardedModelAdmin):
    list_display = ("code", "name", "kind")
    inlines = [DataItemInline]


class GrantForm(forms.ModelForm):
    class Meta:
        model = Grant
        fields = ["system", "feed", "items", "purpose"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        system, feed, items = data.get("system"), data.get("feed"), data.get("items")
        if system is not None and feed is not None and items is not None:
            try:
                Grant(system=system, feed=feed).check_items(list(items))
            except ValidationError as exc:
                raise ValidationError({"items": exc.messages}) from None
        return data


@admin.register(Grant, site=site)
class GrantAdmin(GuardedModelAdmin):
    form = GrantForm
    list_display = ("system", "feed", "purpose", "granted_at")
    list_filter = ("feed",)
    filter_horizontal = ("items",)


@admin.register(Subscription, site=site)
class SubscriptionAdmin(GuardedModelAdmin):
    list_display = ("system", "feed", "acked_cursor", "delivered_cursor", "last_delivery_at", "failures")
    readonly_fields = ("acked_cursor", "delivered_cursor", "last_delivery_at", "delivered_events", "failures",
                       "last_error", "next_push_at", "placing_token", "placing_until")


class ChoicesFilter(admin.SimpleListFilter):
    """A filter whose choices are known beforehand. Django's filter on a plain column lists its values with
    ``SELECT DISTINCT`` over the whole table: a full scan of millions of log entries on every list page."""

    def choices_known(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return self.choices_known()

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(**{str(self.parameter_name): value}) if value else queryset


class LogKindFilter(ChoicesFilter):
    title = "種別"
    parameter_name = "kind"

    def choices_known(self) -> list[tuple[str, str]]:
        return list(messagelog.KINDS.items())


class FileLayoutFilter(ChoicesFilter):
    title = "様式"
    parameter_name = "layout"

    def choices_known(self) -> list[tuple[str, str]]:
        return list(Feed.objects.filter(kind__in=("file_in", "file_out")).values_list("code", "name"))


@admin.register(MessageLogEntry, site=site)
class MessageLogAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "kind", "sender", "receiver", "reference", "count")
    list_filter = (LogKindFilter,)


@admin.register(AccessToken, site=site)
class AccessTokenAdmin(ReadOnlyAdmin):
    list_display = ("id", "system", "scope", "auth_method", "issued_at", "expires_at", "revoked_at")
    list_filter = ("auth_method",)
    list_select_related = ("system",)
    exclude = ("token_sha256",)


@admin.register(ExchangedFile, site=site)
class ExchangedFileAdmin(ReadOnlyAdmin):
    list_display = ("at", "direction", "system", "layout", "mode", "filename", "rows", "status")
    list_filter = ("status", FileLayoutFilter, "direction")
