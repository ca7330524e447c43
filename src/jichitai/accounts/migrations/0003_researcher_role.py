from django.db import migrations, models

from jichitai.accounts.migrations._roles import seed_roles


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]
    operations = [
        migrations.AlterField(
            model_name="role",
            name="code",
            field=models.CharField(
                choices=[("counter", "窓口"), ("supervisor", "決裁"), ("tax_reviewer", "税務審査"), ("analyst", "分析"),
                         ("sysadmin", "システム管理者"), ("auditor", "監査"), ("researcher", "個票分析（承認制）")],
                max_length=20, primary_key=True, serialize=False, verbose_name="役割コード"),
        ),
        seed_roles({"researcher": "個票分析（承認制）"}),
    ]
