"""入力場所・入力端末 (標準仕様書 1.3.1, j230) in the admin: the city registers each counter terminal by the address it
connects from; its name goes into the 異動履歴 and the 発行番号. Every change is audited (GuardedModelAdmin)."""

from __future__ import annotations

from django.contrib import admin

from jichitai.accounts.admin import GuardedModelAdmin, site
from jichitai.registry.models import Terminal


@admin.register(Terminal, site=site)
class TerminalAdmin(GuardedModelAdmin):
    list_display = ("name", "place", "address", "printer", "active")
    list_filter = ("place", "active")
    search_fields = ("name", "place", "address")
