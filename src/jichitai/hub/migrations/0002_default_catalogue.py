"""The 20 standard systems and the hub's feeds with their data items (jichitai.hub.catalogue)."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from jichitai.hub.catalogue import FEEDS
    from jichitai.hub.models import STANDARD_BUSINESSES

    System = apps.get_model("hub", "System")
    Feed = apps.get_model("hub", "Feed")
    DataItem = apps.get_model("hub", "DataItem")
    for code, name in STANDARD_BUSINESSES:
        System.objects.get_or_create(code=code, defaults={"name": f"{name}システム", "kind": "standard",
                                                          "business": code})
    for spec in FEEDS:
        feed, _ = Feed.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "kind": spec.kind, "description": spec.description})
        for code, label, keys, sensitivity in spec.items:
            DataItem.objects.get_or_create(
                feed=feed, code=code, defaults={"label": label, "keys": list(keys), "sensitivity": sensitivity})


class Migration(migrations.Migration):
    dependencies = [("hub", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
