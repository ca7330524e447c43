"""The 宛名 feeds' data item 「郵便物送付コード」 (標準仕様書 1.1.19, j190; jichitai.hub.catalogue), for hubs installed
before it existed."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from jichitai.hub.catalogue import install_item

    install_item(apps, "mailing_code")


class Migration(migrations.Migration):
    dependencies = [("hub", "0009_placement_reservation")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
