"""The 宛名 feeds' item 「住民の状態・世帯・異動事由」 covers the 転出年月日 (``moved_out_on``, 標準仕様書 1.1.5: the day a
転出's 消除 took effect, the 転入通知's 転入日 when earlier than the 転出予定日) on hubs installed before it existed;
install_defaults leaves existing items as they are."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from jichitai.hub.catalogue import add_item_key

    add_item_key(apps, "moved_out_on")


class Migration(migrations.Migration):
    dependencies = [("hub", "0007_placed_files")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
