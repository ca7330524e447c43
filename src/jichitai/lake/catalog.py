"""The Iceberg catalogue: one pyiceberg SQL catalogue named ``jichitai`` (SQLite by default, PostgreSQL when
configured), Parquet files under ``settings.CONFIG.lake_path`` (a local path or ``s3://…``).

Zones are Iceberg namespaces: ``raw`` (as received), ``standard`` (typed, one table per business entity, with
history) and ``lounge`` (pseudonymised, :mod:`jichitai.lake.schemas`). Spark must open the same catalogue under
the same name (iceberg-python #3263, #3337), which :func:`spark_catalog_conf` spells out.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.exceptions import NoSuchTableError
from pyiceberg.schema import Schema
from pyiceberg.table import Table

CATALOG_NAME = "jichitai"
ZONES = ("raw", "standard", "lounge")

_lock = threading.Lock()
_catalogs: dict[tuple[str, str], SqlCatalog] = {}


def sqlalchemy_url(url: str) -> str:
    """``postgres://`` (the Django/dj-database-url spelling) becomes SQLAlchemy's ``postgresql+psycopg://``."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def warehouse_uri(path: str) -> str:
    if "://" in path:
        return path
    return Path(path).resolve().as_uri()


def open_catalog(catalog_url: str, lake_path: str) -> SqlCatalog:
    """The catalogue at ``catalog_url`` with its warehouse at ``lake_path``; zones created when missing.
    One instance per (url, path) and process."""
    key = (catalog_url, lake_path)
    with _lock:
        cat = _catalogs.get(key)
        if cat is None:
            if "://" not in lake_path:
                Path(lake_path).mkdir(parents=True, exist_ok=True)
            if catalog_url.startswith("sqlite:///"):
                Path(catalog_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            cat = SqlCatalog(CATALOG_NAME, uri=sqlalchemy_url(catalog_url), warehouse=warehouse_uri(lake_path))
            for zone in ZONES:
                cat.create_namespace_if_not_exists(zone)
            _catalogs[key] = cat
    return cat


def catalog() -> SqlCatalog:
    """The platform's catalogue from the settings (``JICHITAI_LAKE_CATALOG_URL``, ``JICHITAI_LAKE_PATH``)."""
    from django.conf import settings

    return open_catalog(settings.CONFIG.lake_catalog_url, settings.CONFIG.lake_path)


def forget_catalogs() -> None:
    """Drop cached catalogue instances (tests that point the settings at a new lake)."""
    with _lock:
        _catalogs.clear()


def ensure_table(identifier: str, schema: Schema, cat: SqlCatalog | None = None) -> Table:
    """The table, created with ``schema`` if absent; a table created before a column was added to ``schema`` gains
    it (an optional column: the rows landed before read as null)."""
    cat = cat or catalog()
    try:
        table = cat.load_table(identifier)
    except NoSuchTableError:
        return cat.create_table_if_not_exists(identifier, schema=schema)
    have = {f.name for f in table.schema().fields}
    if any(f.name not in have for f in schema.fields):
        with table.update_schema() as update:
            update.union_by_name(schema)
        table = cat.load_table(identifier)
    return table


def load(identifier: str, cat: SqlCatalog | None = None) -> Table:
    return (cat or catalog()).load_table(identifier)


def tables(cat: SqlCatalog | None = None) -> list[str]:
    cat = cat or catalog()
    return sorted(".".join(ident) for zone in ZONES for ident in cat.list_tables(zone))


def spark_catalog_conf(catalog_url: str, lake_path: str) -> dict[str, Any]:
    """Spark settings that open this same catalogue with Iceberg's JDBC catalog (needs the
    iceberg-spark-runtime jar and a JDBC driver on the classpath; see docs/hub.md)."""
    jdbc = sqlalchemy_url(catalog_url).replace("postgresql+psycopg://", "postgresql://")
    return {
        f"spark.sql.catalog.{CATALOG_NAME}": "org.apache.iceberg.spark.SparkCatalog",
        f"spark.sql.catalog.{CATALOG_NAME}.catalog-impl": "org.apache.iceberg.jdbc.JdbcCatalog",
        f"spark.sql.catalog.{CATALOG_NAME}.uri": f"jdbc:{jdbc}",
        f"spark.sql.catalog.{CATALOG_NAME}.warehouse": warehouse_uri(lake_path),
    }
