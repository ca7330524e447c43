"""The registry's 支援措置 fixture for the certificate tests."""

from tests.registry.conftest import protect  # noqa: F401  (fixture)
