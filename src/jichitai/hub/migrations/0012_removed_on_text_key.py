"""The 宛名 feeds' item 「住民の状態・世帯・異動事由」 covers a 死亡's 不詳日 (``removed_on_text``, 標準仕様書 1.1.8: other
systems receive it 「不詳」のまま beside the internal day) on hubs installed before it existed."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from jichitai.hub.catalogue import add_item_key

    add_item_key(apps, "removed_on_text")


class Migration(migrations.Migration):
    dependencies = [("hub", "0011_birth_date_text_key")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
