from django.db import migrations


class Migration(migrations.Migration):
    """Joins two branches landed the same hour (the researcher role; the lock-out scopes, duties and role changes),
    without renaming either: databases that applied one or the other keep their history."""

    dependencies = [
        ("accounts", "0003_researcher_role"),
        ("accounts", "0004_department_duties_and_role_changes"),
    ]
    operations: list[migrations.operations.base.Operation] = []
