"""The 宛名 feeds' data item 「氏名の振り仮名」 (jichitai.hub.catalogue), for hubs installed before it existed."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from jichitai.hub.catalogue import FEEDS

    Feed = apps.get_model("hub", "Feed")
    DataItem = apps.get_model("hub", "DataItem")
    for spec in FEEDS:
        feed = Feed.objects.filter(code=spec.code).first()
        for code, label, keys, sensitivity in spec.items:
            if feed is not None and code == "furigana":
                DataItem.objects.get_or_create(
                    feed=feed, code=code, defaults={"label": label, "keys": list(keys), "sensitivity": sensitivity}
                )


class Migration(migrations.Migration):
    dependencies = [("hub", "0005_common_functions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
