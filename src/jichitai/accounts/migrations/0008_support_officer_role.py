from django.db import migrations, models

from jichitai.accounts.migrations._roles import seed_roles


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
        seed_roles({"support_officer": "支援措置責任者"}),
    ]
