from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("declarations", "0003_city_records")]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="document",
            field=models.JSONField(blank=True, default=dict, verbose_name="読み取った内容"),
        ),
    ]
