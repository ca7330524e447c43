"""Why the earlier assessment bench reported 11.2 GB: the ORM's ``delete()`` of a fiscal year's assessments
loads every one of them to check the PROTECT references to it (collection schedules, certificates). Run on a
database kept by ``bench/tax_assess.py --keep`` (the delete is rolled back):

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_tax JICHITAI_MODE=test JICHITAI_VAR=var/bench_tax \\
        .venv/bin/python bench/tax_assess_orm_delete.py
"""

import os
import resource
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
import django

django.setup()

from django.db import connection, transaction  # noqa: E402

connection.settings_dict["NAME"] = "bench_" + str(connection.settings_dict["NAME"])
connection.close()
from jichitai.tax.models import Assessment  # noqa: E402


def rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


print(f"before: peak {rss():.2f} GiB, {Assessment.objects.filter(fiscal_year=2026).count():,} assessments")
started = time.perf_counter()
with transaction.atomic():
    n, _ = Assessment.objects.filter(fiscal_year=2026).delete()
    print(f"ORM delete of {n:,} rows: {time.perf_counter() - started:.1f} s, peak {rss():.2f} GiB")
    transaction.set_rollback(True)
