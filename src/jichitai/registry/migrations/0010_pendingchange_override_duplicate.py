from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_reception_and_terminals")]

    operations = [
        migrations.AddField(
            model_name="pendingchange",
            name="override_duplicate",
            field=models.BooleanField(
                default=False, verbose_name="基本4情報の一致を確認済み",
                help_text="起案者が、基本4情報の一致する住民とは別人であることを確認した（決裁時の記録にも引き継ぐ）"),
        ),
    ]
