"""The 宛名 feeds' data item 「氏名の振り仮名」 (jichitai.hub.catalogue), for hubs installed before it existed."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from jichitai.hub.catalogue import install_item

    install_item(apps, "furigana")


class Migration(migrations.Migration):
    dependencies = [("hub", "0005_common_functions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
