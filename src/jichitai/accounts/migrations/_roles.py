"""The one data step the role migrations share: make each role row exist with its Japanese name.

A leading underscore keeps Django's loader from taking this module for a migration.
"""

from django.db import migrations


def seed_roles(roles: dict[str, str]) -> migrations.RunPython:
    """A reversible step (reversing leaves the rows: other data may point at them) that creates or renames roles."""
    def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
        role = apps.get_model("accounts", "Role")
        for code, name in roles.items():
            role.objects.update_or_create(code=code, defaults={"name": name})
    return migrations.RunPython(seed, migrations.RunPython.noop)
