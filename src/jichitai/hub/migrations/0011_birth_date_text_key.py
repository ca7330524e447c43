"""The 宛名 feeds' item 「生年月日」 covers the 不詳日・暦上日以外 words (``birth_date_text``, 標準仕様書 1.1.8: other
systems receive them 「不詳」のまま beside the internal day) on hubs installed before it existed; install_defaults
leaves existing items as they are."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from jichitai.hub.catalogue import add_item_key

    add_item_key(apps, "birth_date_text")


class Migration(migrations.Migration):
    dependencies = [("hub", "0010_mailing_code_item")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
