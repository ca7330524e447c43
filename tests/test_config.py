"""DESIGN.md §6: typed settings validated at start; outside demo mode a missing or default secret stops the start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jichitai import config
from jichitai.common.errors import ConfigurationError

ROOT = Path(__file__).resolve().parents[1]
JICHITAI = str(Path(sys.executable).with_name("jichitai"))


def _prod_env(tmp_path: Path, **over: str) -> dict[str, str]:
    audit_key = tmp_path / "audit.pem"
    mn_key = tmp_path / "mn.key"
    audit_key.write_text("x")
    mn_key.write_bytes(b"y" * 32)
    env = {
        "JICHITAI_MODE": "production", "JICHITAI_SECRET_KEY": "s" * 64,
        "DATABASE_URL": "postgres://jichitai@127.0.0.1:5432/jichitai", "JICHITAI_ALLOWED_HOSTS": "jichitai.city.lg.jp",
        "JICHITAI_AUDIT_KEY_FILE": str(audit_key), "JICHITAI_MYNUMBER_KEY_FILE": str(mn_key),
    }
    env.update(over)
    return env


def test_demo_mode_has_embedded_defaults(tmp_path: Path) -> None:
    cfg = config.load({"JICHITAI_VAR": str(tmp_path)})
    assert cfg.mode == "demo" and cfg.database_url.startswith("sqlite:///")
    assert cfg.lake_path == str(tmp_path / "lake")


@pytest.mark.parametrize("secret", ["", config.DEMO_SECRET, "short"])
def test_production_refuses_a_missing_default_or_weak_secret(tmp_path: Path, secret: str) -> None:
    with pytest.raises(ConfigurationError) as err:
        config.load(_prod_env(tmp_path, JICHITAI_SECRET_KEY=secret))
    assert err.value.fields["variable"] == "JICHITAI_SECRET_KEY"


@pytest.mark.parametrize("missing", ["DATABASE_URL", "JICHITAI_ALLOWED_HOSTS", "JICHITAI_AUDIT_KEY_FILE"])
def test_production_names_each_missing_variable(tmp_path: Path, missing: str) -> None:
    env = _prod_env(tmp_path)
    env.pop(missing)
    with pytest.raises(ConfigurationError) as err:
        config.load(env)
    assert err.value.fields["variable"] == missing


def test_production_accepts_a_complete_configuration(tmp_path: Path) -> None:
    assert config.load(_prod_env(tmp_path)).is_production


def test_the_retired_keys_folder_is_checked_at_start(tmp_path: Path) -> None:
    """Issue 18 item 7: a rotation's retired keys are read from a folder; a folder that is not there, a key file
    too short to be a key (a truncated copy) or a short current key stops the start, naming the variable."""
    folder = tmp_path / "retired"
    with pytest.raises(ConfigurationError) as err:
        config.load(_prod_env(tmp_path, JICHITAI_MYNUMBER_RETIRED_KEYS=str(folder)))
    assert err.value.fields["variable"] == "JICHITAI_MYNUMBER_RETIRED_KEYS"
    folder.mkdir()
    (folder / "0badc0de.key").write_bytes(b"k" * 31)
    with pytest.raises(ConfigurationError) as err:
        config.load(_prod_env(tmp_path, JICHITAI_MYNUMBER_RETIRED_KEYS=str(folder)))
    assert err.value.fields["variable"] == "JICHITAI_MYNUMBER_RETIRED_KEYS"
    (folder / "0badc0de.key").write_bytes(b"k" * 32)
    assert config.load(_prod_env(tmp_path, JICHITAI_MYNUMBER_RETIRED_KEYS=str(folder))).mynumber_retired_keys == folder
    env = _prod_env(tmp_path)
    Path(env["JICHITAI_MYNUMBER_KEY_FILE"]).write_bytes(b"y" * 16)
    with pytest.raises(ConfigurationError) as err:
        config.load(env)
    assert err.value.fields["variable"] == "JICHITAI_MYNUMBER_KEY_FILE"


def test_bad_mode_and_bad_integer_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        config.load({"JICHITAI_MODE": "staging"})
    with pytest.raises(ConfigurationError):
        config.load({"JICHITAI_LOCKOUT_ATTEMPTS": "five"})


def test_the_command_stops_with_a_clear_message_outside_demo_mode(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JICHITAI_", "DATABASE_URL"))}
    env.update(JICHITAI_MODE="production", JICHITAI_VAR=str(tmp_path))
    result = subprocess.run([JICHITAI, "check"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "JICHITAI_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_every_variable_is_documented() -> None:
    text = (ROOT / "docs" / "operations.md").read_text()
    assert [v for v in config.VARIABLES if f"`{v}`" not in text] == []


@pytest.mark.slow
def test_embedded_default_sqlite_end_to_end(tmp_path: Path) -> None:
    """The demo's embedded default: migrate a fresh SQLite file, create the demo staff, verify the audit chain."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JICHITAI_", "DATABASE_URL"))}
    env.update(JICHITAI_MODE="demo", JICHITAI_VAR=str(tmp_path))
    for args in (["migrate", "--no-input", "-v0"], ["seed_demo_staff"], ["audit", "seal"], ["audit", "verify"]):
        result = subprocess.run([JICHITAI, *args], env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "jichitai.sqlite3").exists()
    assert "OK:" in result.stdout
    # the SQLite triggers keep the log append-only there too
    import sqlite3

    con = sqlite3.connect(tmp_path / "jichitai.sqlite3")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit_auditentry")


def test_the_extract_interval_is_at_most_ten_minutes() -> None:
    """independent (住民記録システム標準仕様書 j1190: 準リアルタイム is 「即時ではないが10分以内おきに行う非同期連携」 and
    the city chooses the timing): JICHITAI_HUB_EXTRACT_MINUTES is 1 to 10, 10 when unset; anything else stops
    the start naming the variable."""
    assert config.load({}).hub_extract_minutes == 10
    assert config.load({"JICHITAI_HUB_EXTRACT_MINUTES": "3"}).hub_extract_minutes == 3
    for bad in ("0", "11", "60", "ten"):
        with pytest.raises(ConfigurationError) as err:
            config.load({"JICHITAI_HUB_EXTRACT_MINUTES": bad})
        assert err.value.fields["variable"] == "JICHITAI_HUB_EXTRACT_MINUTES"
