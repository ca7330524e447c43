"""Typed settings, read from the environment once and validated at start.

Modes:
- ``demo``: the embedded default. SQLite file and lake under ``var/demo`` (where ``make demo`` puts them, so that
  a ``jichitai`` command run from the project's folder after ``make demo`` opens the demo's database), keys
  generated on first start.
- ``test``: like demo, under ``var/test``, but PostgreSQL when ``DATABASE_URL`` is set (``make test`` sets it).
- ``production``: everything explicit. A missing or default secret, a missing ``DATABASE_URL`` or a key file
  that does not exist stops the start with a message naming the variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from jichitai.common.errors import ConfigurationError

DEMO_SECRET = "jichitai-demo-secret-not-for-production"  # noqa: S105 - the known default that production refuses
MODES = ("demo", "test", "production")
# JICHITAI_VAR when unset, relative to the working directory: the demo's folder is the one `make demo` fills.
DEFAULT_VAR = {"demo": "var/demo", "test": "var/test", "production": "var"}


@dataclass(frozen=True)
class Config:
    mode: str
    secret_key: str
    database_url: str
    var_dir: Path
    lake_path: str
    lake_catalog_url: str
    audit_key_file: Path
    mynumber_key_file: Path
    allowed_hosts: tuple[str, ...]
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    resident_oidc_client_id: str = ""
    resident_oidc_client_secret: str = ""
    lockout_attempts: int = 5
    lockout_minutes: int = 15
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    disclosure_k: int = 10
    city_code: str = "281000"
    metrics_token: str = ""
    seal_image: str = ""  # the 公印 image printed on certificates (tax.certificates); empty: the certifier's
    seal_omitted: bool = False  # the city prints 「公印省略」 on 住民票の写し etc. instead of a seal (j1050)
    hub_files: str = ""
    cvs_biller_code: str = ""  # 請求書発行企業コード (GS1 Japan) for the コンビニ収納 barcode on 納付書; empty: none
    cvs_limit: int = 300_000  # the largest 納付額 the 収納代行 contract takes at a コンビニ (≤ 999,999: 6 digits)
    suppression_lift_minutes: int = 30  # 抑止の一時解除 returns to 抑止 after this long (j410: 時間を設定できること)
    s3_endpoint: str = ""
    s3_region: str = ""
    hub_extract_minutes: int = 10  # the hub worker places each system's 宛名 差分 this often (j1190: ≤ 10 minutes)
    mynumber_retired_keys: Path | None = None  # retired 個人番号 keys, one file each (jichitai vault rotate)
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.mode == "production"

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, got {raw!r}", variable=name) from None


def load(env: dict[str, str] | None = None) -> Config:
    """Read and validate the configuration. Raises :class:`ConfigurationError` naming the variable at fault."""
    env = dict(os.environ if env is None else env)
    mode = env.get("JICHITAI_MODE", "demo")
    if mode not in MODES:
        raise ConfigurationError(f"JICHITAI_MODE must be one of {', '.join(MODES)}, got {mode!r}", variable="JICHITAI_MODE")
    var_dir = Path(env.get("JICHITAI_VAR") or Path.cwd() / DEFAULT_VAR[mode]).resolve()
    secret = env.get("JICHITAI_SECRET_KEY", "")
    database_url = env.get("DATABASE_URL", "")
    if mode == "production":
        if not secret or secret == DEMO_SECRET or len(secret) < 50:
            raise ConfigurationError(
                "JICHITAI_SECRET_KEY is missing, is the demo default or is shorter than 50 characters: "
                "set a random secret to run outside demo mode",
                variable="JICHITAI_SECRET_KEY",
            )
        if not database_url:
            raise ConfigurationError("DATABASE_URL is required outside demo mode (postgres://…)", variable="DATABASE_URL")
        for name in ("JICHITAI_AUDIT_KEY_FILE", "JICHITAI_MYNUMBER_KEY_FILE"):
            path = env.get(name)
            if not path or not Path(path).is_file():
                raise ConfigurationError(
                    f"{name} must name an existing key file outside the database", variable=name
                )
        if 0 < len(env.get("JICHITAI_METRICS_TOKEN", "")) < 32:
            raise ConfigurationError("JICHITAI_METRICS_TOKEN is shorter than 32 characters: set a random token or "
                                     "leave it unset (no metrics)", variable="JICHITAI_METRICS_TOKEN")
        hosts = tuple(h for h in env.get("JICHITAI_ALLOWED_HOSTS", "").split(",") if h)
        if not hosts:
            raise ConfigurationError("JICHITAI_ALLOWED_HOSTS is required outside demo mode", variable="JICHITAI_ALLOWED_HOSTS")
    else:
        secret = secret or DEMO_SECRET
        database_url = database_url or f"sqlite:///{var_dir / 'jichitai.sqlite3'}"
        hosts = tuple(h for h in env.get("JICHITAI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h)
    return Config(
        mode=mode,
        secret_key=secret,
        database_url=database_url,
        var_dir=var_dir,
        lake_path=env.get("JICHITAI_LAKE_PATH", str(var_dir / "lake")),
        lake_catalog_url=env.get("JICHITAI_LAKE_CATALOG_URL", f"sqlite:///{var_dir / 'lake' / 'catalog.sqlite3'}"),
        audit_key_file=Path(env.get("JICHITAI_AUDIT_KEY_FILE", var_dir / "keys" / "audit-ed25519.pem")),
        mynumber_key_file=Path(env.get("JICHITAI_MYNUMBER_KEY_FILE", var_dir / "keys" / "mynumber.key")),
        allowed_hosts=hosts,
        oidc_issuer=env.get("JICHITAI_OIDC_ISSUER", ""),
        oidc_client_id=env.get("JICHITAI_OIDC_CLIENT_ID", ""),
        oidc_client_secret=env.get("JICHITAI_OIDC_CLIENT_SECRET", ""),
        resident_oidc_client_id=env.get("JICHITAI_RESIDENT_OIDC_CLIENT_ID", ""),
        resident_oidc_client_secret=env.get("JICHITAI_RESIDENT_OIDC_CLIENT_SECRET", ""),
        lockout_attempts=_int(env, "JICHITAI_LOCKOUT_ATTEMPTS", 5),
        lockout_minutes=_int(env, "JICHITAI_LOCKOUT_MINUTES", 15),
        trusted_proxies=tuple(a.strip() for a in env.get("JICHITAI_TRUSTED_PROXIES", "127.0.0.1,::1").split(",")
                              if a.strip()),
        disclosure_k=_int(env, "JICHITAI_DISCLOSURE_K", 10),
        city_code=env.get("JICHITAI_CITY_CODE", "281000"),
        metrics_token=env.get("JICHITAI_METRICS_TOKEN", ""),
        seal_image=env.get("JICHITAI_SEAL_IMAGE", ""),
        seal_omitted=env.get("JICHITAI_SEAL_OMITTED", "").strip().lower() in ("1", "true", "yes"),
        hub_files=_hub_files(env.get("JICHITAI_HUB_FILES") or str(var_dir / "hub")),
        s3_endpoint=env.get("JICHITAI_S3_ENDPOINT", ""),
        s3_region=env.get("JICHITAI_S3_REGION", ""),
        hub_extract_minutes=_extract_minutes(_int(env, "JICHITAI_HUB_EXTRACT_MINUTES", 10)),
        cvs_biller_code=_biller_code(env.get("JICHITAI_CVS_BILLER_CODE", "").strip()),
        cvs_limit=_cvs_limit(_int(env, "JICHITAI_CVS_LIMIT", 300_000)),
        mynumber_retired_keys=_retired_keys(env, var_dir, production=mode == "production"),
        suppression_lift_minutes=_lift_minutes(_int(env, "JICHITAI_SUPPRESSION_LIFT_MINUTES", 30)),
    )


def _retired_keys(env: dict[str, str], var_dir: Path, *, production: bool) -> Path:
    """The folder of retired 個人番号 keys (``jichitai vault rotate`` moves the replaced key there). Unset: ``keys/
    mynumber-retired`` beside the default key (absent: no retired key). Every file in it must be a key (≥ 32
    bytes), so a truncated copy stops the start instead of leaving rows unreadable later."""
    name = "JICHITAI_MYNUMBER_RETIRED_KEYS"
    raw = env.get(name, "")
    folder = Path(raw) if raw else var_dir / "keys" / "mynumber-retired"
    if raw and not folder.is_dir():
        raise ConfigurationError(f"{name} must name an existing folder of retired key files, got {raw!r}",
                                 variable=name)
    from jichitai.common.vault import MIN_KEY_BYTES, retired_key_files

    for f in retired_key_files(folder):
        if f.stat().st_size < MIN_KEY_BYTES:
            raise ConfigurationError(f"{name}: {f.name} holds {f.stat().st_size} bytes, not a key "
                                     f"(at least {MIN_KEY_BYTES})", variable=name)
    if production:
        key = Path(env["JICHITAI_MYNUMBER_KEY_FILE"])
        if key.stat().st_size < MIN_KEY_BYTES:
            raise ConfigurationError(f"JICHITAI_MYNUMBER_KEY_FILE holds {key.stat().st_size} bytes, not a key "
                                     f"(at least {MIN_KEY_BYTES})", variable="JICHITAI_MYNUMBER_KEY_FILE")
    return folder


def _biller_code(value: str) -> str:
    """The 請求書発行企業コード: the 6 digits of the GS1 事業者コード (JAN メーカーコード 7桁 without its leading 「4」)
    that GS1 Japan gave the city (標準料金代理収納ガイドライン), or empty."""
    if value and not (len(value) == 6 and value.isascii() and value.isdigit()):
        raise ConfigurationError(f"JICHITAI_CVS_BILLER_CODE must be the 6-digit 請求書発行企業コード, got {value!r}",
                                 variable="JICHITAI_CVS_BILLER_CODE")
    return value


def _cvs_limit(value: int) -> int:
    if not 1 <= value <= 999_999:
        raise ConfigurationError(f"JICHITAI_CVS_LIMIT must be 1 to 999999 yen (the barcode's 6-digit amount), "
                                 f"got {value}", variable="JICHITAI_CVS_LIMIT")
    return value


def _lift_minutes(value: int) -> int:
    """抑止の一時解除's length (j410): at least a minute, at most a working day (480): a lift is for one task at
    the counter, never a way of ending a suppression unseen."""
    if not 1 <= value <= 480:
        raise ConfigurationError(f"JICHITAI_SUPPRESSION_LIFT_MINUTES must be 1 to 480 minutes, got {value}",
                                 variable="JICHITAI_SUPPRESSION_LIFT_MINUTES")
    return value


def _extract_minutes(value: int) -> int:
    """How often the hub worker places a system's 宛名 差分 file: 準リアルタイム is 「即時ではないが10分以内おきに
    行う非同期連携」 (住民記録システム標準仕様書 j1190), so 1 to 10 minutes, the city's choice within it."""
    if not 1 <= value <= 10:
        raise ConfigurationError(f"JICHITAI_HUB_EXTRACT_MINUTES must be 1 to 10 minutes (住民記録標準仕様書 j1190: "
                                 f"準リアルタイム is at most every 10 minutes), got {value}",
                                 variable="JICHITAI_HUB_EXTRACT_MINUTES")
    return value


def _hub_files(value: str) -> str:
    if "://" in value and not (value.startswith("s3://") and len(value) > len("s3://")):
        raise ConfigurationError(f"JICHITAI_HUB_FILES must be a folder or s3://bucket/prefix, got {value!r}",
                                 variable="JICHITAI_HUB_FILES")
    return value


# Every variable the platform reads, documented in docs/operations.md (a test keeps the two in step).
VARIABLES = (
    "JICHITAI_MODE", "JICHITAI_SECRET_KEY", "DATABASE_URL", "JICHITAI_VAR", "JICHITAI_LAKE_PATH",
    "JICHITAI_LAKE_CATALOG_URL", "JICHITAI_AUDIT_KEY_FILE", "JICHITAI_MYNUMBER_KEY_FILE", "JICHITAI_MYNUMBER_RETIRED_KEYS",
    "JICHITAI_ALLOWED_HOSTS",
    "JICHITAI_OIDC_ISSUER", "JICHITAI_OIDC_CLIENT_ID", "JICHITAI_OIDC_CLIENT_SECRET",
    "JICHITAI_RESIDENT_OIDC_CLIENT_ID", "JICHITAI_RESIDENT_OIDC_CLIENT_SECRET",
    "JICHITAI_LOCKOUT_ATTEMPTS", "JICHITAI_LOCKOUT_MINUTES", "JICHITAI_TRUSTED_PROXIES", "JICHITAI_DISCLOSURE_K", "JICHITAI_CITY_CODE",
    "JICHITAI_METRICS_TOKEN", "JICHITAI_SEAL_IMAGE", "JICHITAI_SEAL_OMITTED", "JICHITAI_HUB_FILES", "JICHITAI_S3_ENDPOINT",
    "JICHITAI_S3_REGION", "JICHITAI_HUB_EXTRACT_MINUTES", "JICHITAI_CVS_BILLER_CODE", "JICHITAI_CVS_LIMIT",
    "JICHITAI_SUPPRESSION_LIFT_MINUTES",
)
