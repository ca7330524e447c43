from django.db import migrations

from jichitai.accounts.migrations._roles import seed_roles

ROLES = {
    "counter": "窓口",
    "supervisor": "決裁",
    "tax_reviewer": "税務審査",
    "analyst": "分析",
    "sysadmin": "システム管理者",
    "auditor": "監査",
}


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [seed_roles(ROLES)]
