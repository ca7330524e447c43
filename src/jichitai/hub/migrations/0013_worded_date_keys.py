"""The 宛名 feeds' items cover the 不詳日 words of 住民となった年月日, 住所を定めた年月日 and 外国人住民となった年月日
(標準仕様書 1.1.8: 「不詳」のまま連携) on hubs installed before they existed."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from jichitai.hub.catalogue import add_item_key

    for key in ("became_resident_on_text", "address_set_on_text", "foreign_resident_on_text"):
        add_item_key(apps, key)


class Migration(migrations.Migration):
    dependencies = [("hub", "0012_removed_on_text_key")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
