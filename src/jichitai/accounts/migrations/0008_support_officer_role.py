from django.db import migrations, models


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Role = apps.get_model("accounts", "Role")
    Role.objects.update_or_create(code="support_officer", defaults={"name": "支援措置責任者"})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_recovery_codes_hashed")]
    operations = [
        migrations.AlterField(
            model_name="role",
            name="code",
            field=models.CharField(
                choices=[("counter", "窓口"), ("supervisor", "決裁"), ("tax_reviewer", "税務審査"), ("analyst", "分析"),
                         ("sysadmin", "システム管理者"), ("auditor", "監査"), ("researcher", "個票分析（承認制）"),
                         ("support_officer", "支援措置責任者")],
                max_length=20, primary_key=True, serialize=False, verbose_name="役割コード"),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
