"""The 宛名 feeds' item 「住民の状態・世帯・異動事由」 covers the 転出年月日 (``moved_out_on``, 標準仕様書 1.1.5: the day a
転出's 消除 took effect, the 転入通知's 転入日 when earlier than the 転出予定日) on hubs installed before it existed;
install_defaults leaves existing items as they are."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from jichitai.hub.catalogue import FEEDS

    DataItem = apps.get_model("hub", "DataItem")
    for spec in FEEDS:
        for code, _label, keys, _sensitivity in spec.items:
            if "moved_out_on" not in keys:
                continue
            for item in DataItem.objects.filter(feed__code=spec.code, code=code):
                if "moved_out_on" not in item.keys:
                    item.keys = [*item.keys, "moved_out_on"]
                    item.save(update_fields=["keys"])


class Migration(migrations.Migration):
    dependencies = [("hub", "0007_placed_files")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
