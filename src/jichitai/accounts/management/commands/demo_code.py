"""`jichitai demo_code <職員番号>`: the demo account's current TOTP code (demo only; refused in production)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jichitai.accounts import twofactor
from jichitai.accounts.management.commands.seed_demo_staff import DEMO_STAFF
from jichitai.accounts.models import Staff


class Command(BaseCommand):
    help = "デモ用アカウントの現在の確認コード(TOTP)を表示する (demo only)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", help="職員番号 (省略時は全デモアカウント)")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.CONFIG.is_production:
            raise CommandError("demo codes are refused in production mode")
        names = [options["username"]] if options["username"] else [row[0] for row in DEMO_STAFF]
        demo_names = {row[0] for row in DEMO_STAFF}
        for name in names:
            if name not in demo_names:
                raise CommandError(f"{name} はデモ用アカウントではありません")
            staff = Staff.objects.filter(username=name).first()
            if staff is None:
                raise CommandError(f"{name} がありません。先に jichitai seed_demo_staff を実行してください")
            self.stdout.write(f"{name}: {twofactor.current_code(twofactor.demo_device(staff))}  (デモ専用)")
