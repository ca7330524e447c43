"""Fixtures of the certificate tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.registry.certificates.factories import pdf_pages


@pytest.fixture
def pages_of(tmp_path: Path) -> Any:
    """``pages_of(pdf_bytes)`` → the text of each page (pdftotext)."""
    return lambda pdf: pdf_pages(pdf, tmp_path)
