from django.contrib import admin

from jichitai.accounts.admin import ReadOnlyAdmin, site
from jichitai.audit.models import AuditEntry, Seal


@admin.register(AuditEntry, site=site)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor", "action", "resource", "outcome")
    list_filter = ("outcome", "action")
    search_fields = ("actor", "resource", "action")
    view_action = "audit.view"


@admin.register(Seal, site=site)
class SealAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "key_id", "head_hash")
    view_action = "audit.view"
