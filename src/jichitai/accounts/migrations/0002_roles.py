from django.db import migrations

ROLES = {
    "counter": "窓口",
    "supervisor": "決裁",
    "tax_reviewer": "税務審査",
    "analyst": "分析",
    "sysadmin": "システム管理者",
    "auditor": "監査",
}


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Role = apps.get_model("accounts", "Role")
    for code, name in ROLES.items():
        Role.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
