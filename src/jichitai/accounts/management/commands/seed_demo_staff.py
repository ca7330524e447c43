"""`jichitai seed_demo_staff`: the demo's departments and one account per role, printed for the person starting it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jichitai.accounts import roles as R
from jichitai.accounts import twofactor
from jichitai.accounts.models import Department, Role, Staff
from jichitai.audit import services as audit

DEPARTMENTS = {
    "shimin": "市民課",
    "shiminzei": "市民税課",
    "kikaku": "企画調整局 データ活用課",
    "joho": "情報化戦略部",
    "kansa": "監査事務局",
    "fukushi": "福祉局 政策課",
}

# 所管業務 (roles.DUTIES) of the departments above: whose supervisors approve which work
DEPARTMENT_DUTIES = {"shimin": [R.REGISTRY_DUTY], "shiminzei": [R.TAX_DUTY]}

# username, full name, department, roles, password (demo only)
DEMO_STAFF = [
    ("madoguchi", "窓口 一郎", "shimin", [R.COUNTER_CLERK], "madoguchi-demo"),
    ("kessai", "決裁 花子", "shimin", [R.SUPERVISOR, R.COUNTER_CLERK], "kessai-demo1"),
    # 支援措置責任者: sets, extends, ends and lifts suppressions for a while (j410), opens protected drafts
    ("shien", "支援 七海", "shimin", [R.SUPERVISOR, R.SUPPORT_OFFICER], "shien-demo123"),
    ("zeimu", "税務 次郎", "shiminzei", [R.TAX_REVIEWER], "zeimu-demo12"),
    ("zeimu-kessai", "税務 決裁子", "shiminzei", [R.TAX_REVIEWER, R.SUPERVISOR], "zeimu-kessai-demo"),
    ("bunseki", "分析 三郎", "kikaku", [R.ANALYST], "bunseki-demo"),
    ("bunseki2", "分析 四葉", "fukushi", [R.ANALYST], "bunseki2-demo"),
    ("kanri", "管理 五郎", "joho", [R.SYSADMIN], "kanri-demo12"),
    ("kansa", "監査 六子", "kansa", [R.AUDITOR], "kansa-demo12"),
]


def ensure_roles() -> None:
    for code, name in R.ROLES.items():
        Role.objects.update_or_create(code=code, defaults={"name": name})


class Command(BaseCommand):
    help = "デモ用の課と職員アカウントを作成して表示する (demo mode only)"

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.CONFIG.is_production:
            raise CommandError("demo accounts are refused in production mode")
        ensure_roles()
        depts = {code: Department.objects.update_or_create(
                     code=code, defaults={"name": name, "duties": DEPARTMENT_DUTIES.get(code, [])})[0]
                 for code, name in DEPARTMENTS.items()}
        self.stdout.write("デモ用アカウント (demo staff accounts) — デモ専用。本番では使えません (demo only):")
        self.stdout.write(f"  {'職員番号':<14}{'パスワード':<20}{'二要素認証の鍵 (TOTP secret)':<34}{'今のコード':<8}{'役割'}")
        for username, full_name, dept, role_codes, password in DEMO_STAFF:
            staff, created = Staff.objects.get_or_create(
                username=username, defaults={"full_name": full_name, "department": depts[dept]}
            )
            if created:
                staff.set_password(password)
                staff.save()
                audit.record("system:seed_demo_staff", "admin.add", f"accounts.Staff:{staff.pk}", roles=role_codes)
            staff.roles.set(Role.objects.filter(code__in=role_codes))
            device = twofactor.demo_device(staff)
            self.stdout.write(f"  {username:<16}{password:<24}{twofactor.secret_base32(device):<36}"
                              f"{twofactor.current_code(device):<10}{'・'.join(R.ROLES[c] for c in role_codes)}")
        self.stdout.write(
            "ログインには確認コード(6桁)が必要です。上の鍵を認証アプリに登録するか、その時点のコードを\n"
            "  jichitai demo_code <職員番号>\n"
            "で表示してください (デモ専用: 鍵は職員番号から決まるため秘密ではありません)。\n"
            f"  例: {DEMO_STAFF[0][0]} の otpauth URI: {twofactor.demo_device(Staff.objects.get(username=DEMO_STAFF[0][0])).config_url}"
        )
