"""Invariant: every model change ships with its migration (consistency: the models against the migrations).

A model edited without a migration works in the tests (pytest-django builds the schema from migrations, so it
would fail later, on a city's database, at the first query of the missing column) — this catches it at once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_its_migration() -> None:
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as missing:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"a model changed without a migration ({missing}):\n{out.getvalue()}")
