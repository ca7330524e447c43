"""One case through ``POST /api/tax/calculate``: latency percentiles over many requests (Django test client,
a throw-away PostgreSQL database, a logged-in tax reviewer; the full middleware, auth and permission path).

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_tax JICHITAI_MODE=test JICHITAI_VAR=var/tax \\
        .venv/bin/python bench/tax_api.py [--requests 2000]

Target: p99 < 20 ms. Prints one row for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from benchdb import bench_database


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    args = ap.parse_args()
    with bench_database():
        from django.test import Client

        from jichitai.accounts.models import Department, Role, Staff

        dept = Department.objects.create(code="zeimu", name="税務課")
        staff = Staff.objects.create_user("bench-reviewer", "correct-horse-battery", full_name="計測 職員", department=dept)
        staff.roles.set(Role.objects.filter(code="tax_reviewer"))
        client = Client()
        client.force_login(staff, backend="jichitai.accounts.backends.LockoutBackend")
        case = {
            "fiscal_year": 2026, "taxpayer": {"birth_date": "1980-05-01", "sex": "female"},
            "income": {"salary": 5000000}, "deductions": {"social_insurance": 700000,
                                                           "life_insurance": {"general_new": 60000}},
            "spouse": {"birth_date": "1982-01-01", "total_income": 0, "disability": None},
            "dependents": [{"birth_date": "2010-04-01", "total_income": 0, "cohabiting": True, "relation": "child",
                            "disability": None}],
            "donations": {"furusato": 50000, "other": 0},
        }
        body = json.dumps(case)
        for _ in range(50):  # warm-up
            client.post("/api/tax/calculate", data=body, content_type="application/json")
        times = []
        for _ in range(args.requests):
            t0 = time.perf_counter()
            response = client.post("/api/tax/calculate", data=body, content_type="application/json")
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.content
        times.sort()
        p50 = statistics.median(times)
        p99 = times[int(len(times) * 0.99) - 1]
        print(f"requests {len(times)}  p50 {p50:.2f} ms  p99 {p99:.2f} ms  max {times[-1]:.2f} ms")
        print(f"| tax API one case (POST /api/tax/calculate, Django test client, PostgreSQL session) | p99 {p99:.1f} ms "
              f"(p50 {p50:.1f} ms, {len(times)} requests) | p99 < 20 ms | `.venv/bin/python bench/tax_api.py` |")


if __name__ == "__main__":
    main()
