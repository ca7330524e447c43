"""The ``jichitai`` command as an operator meets it (issue 24 item 1): after ``make demo`` the README's commands
open the demo's database; a database that is unreachable or not migrated is said in one Japanese line, never a
traceback. Consistency checks of our own wiring (no statute behind them)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from jichitai import config

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
JICHITAI = str(VENV_BIN / "jichitai")

# One command of every part that reads the database (a reviewer would try each).
DATABASE_COMMANDS = [
    ["audit", "verify"], ["audit", "seal"], ["seed_demo_staff"], ["departures", "--list"], ["hub", "run", "--once"],
    ["hub", "verify-log"], ["hub", "seed"], ["tax", "summary", "--fiscal-year", "2026"], ["declarations", "review"],
    ["registry", "export", "--kind", "full", "-o", "x.csv"], ["createsuperuser", "--noinput", "--username", "x"],
]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JICHITAI_", "DATABASE_URL"))}
    env.update(extra)
    return env


def _assert_one_japanese_line(result: subprocess.CompletedProcess[str], says: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and "unapplied migration" not in line
             and "manage.py migrate" not in line]  # Django's own two-line warning before createsuperuser
    assert len(lines) == 1, result.stderr
    assert says in lines[0] and lines[0].startswith("jichitai: "), lines[0]


def test_the_demo_mode_default_folder_is_the_one_make_demo_fills(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert config.load({}).var_dir == tmp_path / "var" / "demo"
    assert config.load({"JICHITAI_MODE": "test"}).var_dir == tmp_path / "var" / "test"
    assert config.load({"JICHITAI_VAR": str(tmp_path / "elsewhere")}).var_dir == tmp_path / "elsewhere"
    demo_sh = (ROOT / "scripts" / "demo.sh").read_text()
    assert "var/demo" in demo_sh  # the script and the default name the same folder


@pytest.mark.parametrize("args", DATABASE_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_command_on_an_unmigrated_sqlite_database_says_so_in_one_japanese_line(tmp_path: Path, args: list[str]) -> None:
    result = subprocess.run([JICHITAI, *args], cwd=tmp_path, env=_clean_env(), capture_output=True, text=True,
                            timeout=300, stdin=subprocess.DEVNULL)
    _assert_one_japanese_line(result, "`jichitai migrate` を実行してください")
    assert str(tmp_path / "var" / "demo" / "jichitai.sqlite3") in result.stderr  # names the file it opened


@pytest.fixture
def empty_postgres_database() -> Iterator[str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("needs DATABASE_URL on PostgreSQL (make test sets it)")
    import psycopg

    name = f"jichitai_empty_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.parametrize("args", [["audit", "verify"], ["departures", "--list"], ["hub", "run", "--once"]],
                         ids=lambda a: " ".join(a[:2]))
def test_a_command_on_an_unmigrated_postgres_database_says_so_in_one_japanese_line(
        tmp_path: Path, empty_postgres_database: str, args: list[str]) -> None:
    env = _clean_env(JICHITAI_MODE="test", JICHITAI_VAR=str(tmp_path), DATABASE_URL=empty_postgres_database)
    result = subprocess.run([JICHITAI, *args], env=env, capture_output=True, text=True, timeout=300)
    _assert_one_japanese_line(result, "にまだテーブルがありません")
    assert empty_postgres_database.rsplit("/", 1)[1] in result.stderr


def test_a_command_on_an_unreachable_database_says_so_in_one_japanese_line(tmp_path: Path) -> None:
    env = _clean_env(JICHITAI_MODE="test", JICHITAI_VAR=str(tmp_path),
                     DATABASE_URL="postgres://jichitai@127.0.0.1:9/jichitai")  # port 9 (discard): nothing listens
    result = subprocess.run([JICHITAI, "audit", "verify"], env=env, capture_output=True, text=True, timeout=300)
    _assert_one_japanese_line(result, "に接続できません")


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    commands = re.findall(r"^(\.venv/bin/jichitai [^#\n]*?)\s*(?:#.*)?$", text, flags=re.MULTILINE)
    assert len(commands) >= 4, "the README's command examples moved: update this test"
    return commands


@pytest.mark.slow
def test_the_readmes_commands_work_as_written_after_the_demo(tmp_path: Path) -> None:
    """``make demo``'s script (a small city, without its servers), then every ``.venv/bin/jichitai`` line of the
    README, run from the project's folder with no variable set: each succeeds on the demo's database."""
    (tmp_path / ".venv").symlink_to(VENV_BIN.parent)
    env = _clean_env(DEMO_POPULATION="400", DEMO_YEARS="1", DEMO_SERVE="0")
    demo = subprocess.run(["bash", str(ROOT / "scripts" / "demo.sh")], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=1200)
    assert demo.returncode == 0, demo.stderr[-3000:]
    samples = tmp_path / "var" / "demo" / "collection" / "2026" / "samples"
    certificate = sorted(samples.glob("課税証明書_*.pdf"))  # issue 21: the demo city's 課税証明書 (demo_extras)
    assert certificate, sorted(p.name for p in samples.iterdir())
    text = subprocess.run(["pdftotext", str(certificate[0]), "-"], capture_output=True, text=True, check=True).stdout
    assert "課税証明書" in "".join(text.split()) and "/tax/taxpayers/" in demo.stdout
    for line in _readme_commands():
        result = subprocess.run(shlex.split(line), cwd=tmp_path, env=_clean_env(), capture_output=True, text=True,
                                timeout=600)
        assert result.returncode == 0, f"{line}: {result.stderr[-2000:]}"
        assert "Traceback" not in result.stderr
    verify = subprocess.run([".venv/bin/jichitai", "audit", "verify"], cwd=tmp_path, env=_clean_env(),
                            capture_output=True, text=True, timeout=600)
    entries = int(re.search(r"OK: (\d+) entries", verify.stdout).group(1))  # type: ignore[union-attr]
    assert entries > 0  # the demo's chain (its staff, its work), not an empty database's
    assert sorted(p.name for p in (tmp_path / "var").iterdir()) == ["demo"]  # one database: the demo's
