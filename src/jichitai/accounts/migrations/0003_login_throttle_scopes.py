from django.db import migrations, models


class Migration(migrations.Migration):
    """Lock-out counted per user name at an address, per address and per user name (accounts.lockout)."""

    dependencies = [("accounts", "0002_roles")]
    operations = [
        migrations.RenameField("loginthrottle", "username", "key"),
        migrations.AlterField("loginthrottle", "key", models.CharField(max_length=170)),
        migrations.AddField("loginthrottle", "scope", models.CharField(default="account", max_length=10)),
        migrations.AddConstraint(
            "loginthrottle", models.UniqueConstraint(fields=("scope", "key"), name="login_throttle_scope_key")),
    ]
