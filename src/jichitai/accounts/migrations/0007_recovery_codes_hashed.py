"""Recovery codes stored before hashing are replaced by their digest (``twofactor.recovery_digest``): the codes on
their owners' paper keep working, and the database no longer holds a code that logs in. One way: a digest cannot be
turned back into its code, so going back leaves the digests (the codes still work after a forward migration)."""

from django.db import migrations

DIGEST_LENGTH = 16  # base32 of 80 bits; the plain codes django-otp made were 8 characters


def hash_plain_codes(apps, schema_editor):  # noqa: ANN001, ANN201 - the migration API
    from jichitai.accounts.twofactor import recovery_digest

    StaticToken = apps.get_model("otp_static", "StaticToken")
    for row in StaticToken.objects.exclude(token__regex=rf"^[a-z2-7]{{{DIGEST_LENGTH}}}$").iterator():
        row.token = recovery_digest(row.token)
        row.save(update_fields=["token"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0006_recovery_and_second_factor_reset"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
