"""Driving one region's PostgreSQL 15 cluster: initdb, configuration, start/stop/kill, promote, rewind.

PostgreSQL refuses to run as root, so when this process is root every server binary runs as the ``postgres``
OS user (``runuser -u postgres --``). Nothing here is a mock: these are the binaries of
/usr/lib/postgresql/15/bin (override with ``JICHITAI_PG_BIN``).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg

from jichitai.dr import pgbackrest
from jichitai.dr.errors import DrError
from jichitai.dr.regions import APP_USER, REPLICATION_USER, SUPERUSER, Region, Topology

PG_BIN = Path(os.environ.get("JICHITAI_PG_BIN", "/usr/lib/postgresql/15/bin"))
OS_USER = "postgres"
CONF_NAME = "jichitai-region.conf"
HBA = """# written by jichitai dr: this machine only
# (production: scram-sha-256 over TLS, see docs/operations.md)
local   all          all                    trust
host    all          all          127.0.0.1/32  trust
host    replication  all          127.0.0.1/32  trust
"""
FENCED_HBA = """# FENCED by jichitai dr failover: this region is no longer primary.
# Only the superuser may connect
# (for pg_rewind during `jichitai dr failback`).
local   all          postgres               trust
host    all          postgres     127.0.0.1/32  trust
host    all          all          0.0.0.0/0     reject
"""


def _as_postgres(cmd: Sequence[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", OS_USER, "--", *cmd]
    return list(cmd)


def run(
    cmd: Sequence[str],
    *,
    timeout: float = 120,
    check: bool = True,
    cwd: Path | None = None,
    input_text: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL binary as the postgres OS user; a failure raises DrError with its output."""
    full = _as_postgres([str(PG_BIN / cmd[0]) if not os.path.isabs(cmd[0]) else cmd[0], *cmd[1:]])
    proc = subprocess.run(
        full,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=str(cwd) if cwd else "/",
        input=input_text,
    )
    if check and proc.returncode != 0:
        output = (proc.stderr or proc.stdout).strip()[-800:]
        raise DrError(
            f"{cmd[0]} が失敗しました (exit {proc.returncode}): {output}",
            code="dr_pg_command",
            command=" ".join(cmd),
        )
    return proc


def chown_to_postgres(path: Path) -> None:
    """Make a directory tree the postgres user's (no-op when not root)."""
    if os.geteuid() != 0:
        return
    pw = pwd.getpwnam(OS_USER)
    for dirpath, _dirs, files in os.walk(path):
        os.chown(dirpath, pw.pw_uid, pw.pw_gid)
        for f in files:
            with contextlib.suppress(FileNotFoundError):
                os.chown(os.path.join(dirpath, f), pw.pw_uid, pw.pw_gid)


def prepare(topology: Topology) -> None:
    """Create the DR root and each region's directories, owned by postgres (the lake stays the app's)."""
    topology.root.mkdir(parents=True, exist_ok=True)
    for r in topology.regions:
        for d in (r.data_dir.parent, r.backup_dir, r.socket_dir):
            d.mkdir(parents=True, exist_ok=True)
        r.lake_path.mkdir(parents=True, exist_ok=True)
    chown_to_postgres(topology.root)
    if os.geteuid() == 0:
        # the lake belongs to the application; the postgres user only needs to traverse
        for r in topology.regions:
            os.chown(r.lake_path, 0, 0)


# --- configuration ---------------------------------------------------------------------------------------


def region_conf(topology: Topology, region: Region, *, primary: bool, sync_partner: str | None) -> str:
    """The settings that make ``region`` what it is now: port, archive to the other region, replication."""
    other = topology.other(region.name)
    lines = {
        "listen_addresses": "'127.0.0.1'" if region.host in ("127.0.0.1", "localhost") else "'*'",
        "port": str(region.port),
        "unix_socket_directories": f"'{region.socket_dir}'",
        "max_connections": "80",
        "shared_buffers": "'64MB'",
        "wal_level": "replica",
        "max_wal_senders": "8",
        "wal_keep_size": "'512MB'",
        "hot_standby": "on",
        "hot_standby_feedback": "on",
        "wal_log_hints": "on",  # pg_rewind needs it (data checksums are on too)
        "wal_receiver_status_interval": "'1s'",
        "wal_sender_timeout": "'10s'",
        "wal_receiver_timeout": "'10s'",
        # WAL leaves the region: pgBackRest pushes every completed segment into both regions' repositories
        "archive_mode": "on",
        "archive_command": f"'{pgbackrest.archive_command(topology, region)}'",
        "archive_timeout": "'60s'",
        "restore_command": f"'{pgbackrest.restore_command(topology, region)}'",
        "recovery_target_timeline": "'latest'",
        "cluster_name": f"'jichitai-{region.name}'",
        "log_line_prefix": "'%m [%p] %q%u@%d '",
    }
    if primary and sync_partner and topology.mode == "sync":
        lines["synchronous_standby_names"] = f"'FIRST 1 ({sync_partner})'"
        lines["synchronous_commit"] = "remote_apply"
    else:
        lines["synchronous_standby_names"] = "''"
        lines["synchronous_commit"] = "on"
    if not primary:
        lines["primary_conninfo"] = (
            f"'host={other.host} port={other.port} user={REPLICATION_USER} application_name={region.name} "
            "connect_timeout=2'"
        )
    else:
        lines["primary_conninfo"] = "''"
    head = f"# {region.label} ({region.name}) as {'primary' if primary else 'standby'}; written by jichitai dr\n"
    return head + "".join(f"{k} = {v}\n" for k, v in lines.items())


def _write_as_postgres(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    chown_to_postgres(path)


def configure(
    topology: Topology, region: Region, *, primary: bool, sync_partner: str | None, signal: bool = True
) -> None:
    """(Re)write the region's settings and (unless ``signal`` is False, as before a promotion, when the
    server removes standby.signal itself) its role signal file. Takes effect on start or reload."""
    data = region.data_dir
    _write_as_postgres(data / CONF_NAME, region_conf(topology, region, primary=primary, sync_partner=sync_partner))
    main = data / "postgresql.conf"
    text = main.read_text(encoding="utf-8")
    include = f"include_if_exists = '{CONF_NAME}'"
    if include not in text:
        _write_as_postgres(main, text + f"\n{include}\n")
    _write_as_postgres(data / "pg_hba.conf", HBA)
    auto = data / "postgresql.auto.conf"
    if auto.exists():  # pg_basebackup -R or ALTER SYSTEM must not override the region file
        _write_as_postgres(auto, "# managed by jichitai dr: settings live in jichitai-region.conf\n")
    signal_file = data / "standby.signal"
    if not signal:
        pass
    elif primary:
        signal_file.unlink(missing_ok=True)
    else:
        _write_as_postgres(signal_file, "")
    (data / "recovery.signal").unlink(missing_ok=True)


def initdb(region: Region) -> None:
    if (region.data_dir / "PG_VERSION").exists():
        raise DrError(f"{region.data_dir} には既にクラスタがあります", code="dr_exists")
    run(
        [
            "initdb",
            "-D",
            str(region.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--data-checksums",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-instructions",
        ],
        timeout=180,
    )


def bootstrap_roles(region: Region, database: str) -> None:
    """The application role, the replication role and the application database on a new primary."""
    with connect(region) as conn:
        conn.execute(f"CREATE ROLE {APP_USER} LOGIN CREATEDB")
        conn.execute(f"CREATE ROLE {REPLICATION_USER} LOGIN REPLICATION")
        conn.execute(f"CREATE DATABASE {database} OWNER {APP_USER}")


# --- life cycle ------------------------------------------------------------------------------------------


def log_file(region: Region) -> Path:
    return region.data_dir.parent / "postgres.log"


def start(region: Region, *, wait: bool = True, timeout: int = 60) -> None:
    args = ["pg_ctl", "-D", str(region.data_dir), "-l", str(log_file(region)), "-s", "start"]
    if wait:
        args += ["-w", "-t", str(timeout)]
    else:
        args += ["-W"]
    run(args, timeout=timeout + 30)


def stop(region: Region, mode: str = "fast", timeout: int = 60) -> None:
    if not running_pid(region):
        return
    run(
        ["pg_ctl", "-D", str(region.data_dir), "-m", mode, "-s", "-w", "-t", str(timeout), "stop"],
        timeout=timeout + 30,
        check=False,
    )


def reload(region: Region) -> None:
    run(["pg_ctl", "-D", str(region.data_dir), "-s", "reload"])


def running_pid(region: Region) -> int | None:
    """The postmaster's pid if it is alive (from postmaster.pid), else None."""
    pid_file = region.data_dir / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError, PermissionError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def kill_postmaster(region: Region) -> int:
    """SIGKILL the postmaster (the disaster). Its backends notice the death and exit on their own."""
    pid = running_pid(region)
    if pid is None:
        raise DrError(f"{region.label} のPostgreSQLは動いていません", code="dr_not_running", region=region.name)
    os.kill(pid, signal.SIGKILL)
    return pid


def kill_all(region: Region) -> None:
    """Leave nothing of a cluster running: immediate stop, then SIGKILL of any process still using it."""
    pid = running_pid(region)
    if pid is not None:
        run(
            ["pg_ctl", "-D", str(region.data_dir), "-m", "immediate", "-s", "-w", "-t", "10", "stop"],
            timeout=30,
            check=False,
        )
    for proc_pid in _processes_of(region.data_dir):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(proc_pid, signal.SIGKILL)


def _processes_of(data_dir: Path) -> list[int]:
    """Server processes whose command line names this data directory or whose parent was its postmaster."""
    found = []
    target = str(data_dir)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(entry / "cwd")
        except (FileNotFoundError, PermissionError, ProcessLookupError, OSError):
            continue
        if cwd == target or (target in cmd and "postgres" in cmd):
            found.append(int(entry.name))
    return found


def wait_gone(region: Region, timeout: float = 20) -> None:
    """Wait until no process of the cluster is left (orphaned backends exit after the postmaster dies)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _processes_of(region.data_dir):
            return
        time.sleep(0.1)
    for pid in _processes_of(region.data_dir):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def promote(region: Region, timeout: int = 30) -> None:
    run(
        ["pg_ctl", "-D", str(region.data_dir), "-s", "-w", "-t", str(timeout), "promote"],
        timeout=timeout + 10,
    )


def basebackup(source: Region, dest: Path, *, fmt: str = "p") -> None:
    """pg_basebackup from a running server, WAL streamed alongside, checkpoint forced."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    chown_to_postgres(dest.parent)
    run(
        [
            "pg_basebackup",
            "-h",
            source.host,
            "-p",
            str(source.port),
            "-U",
            REPLICATION_USER,
            "-D",
            str(dest),
            "-F",
            fmt,
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-password",
        ],
        timeout=600,
    )


def rewind(target: Region, source: Region) -> str:
    """pg_rewind the stopped ``target`` onto ``source``'s timeline (crash recovery runs first if needed)."""
    (target.data_dir / "standby.signal").unlink(missing_ok=True)
    # a freshly promoted source still says the old timeline in pg_control until its first checkpoint, and
    # pg_rewind would answer "same timeline, no rewind required"
    query(source, "CHECKPOINT")
    proc = run(
        ["pg_rewind", "-D", str(target.data_dir), "--source-server", source.conninfo(), "--progress"],
        timeout=600,
    )
    return "\n".join(line for line in (proc.stdout + proc.stderr).splitlines() if line.startswith("pg_rewind:"))


def remove_cluster(region: Region) -> None:
    kill_all(region)
    shutil.rmtree(region.data_dir, ignore_errors=True)


# --- SQL -------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def connect(
    region: Region, database: str = "postgres", user: str = SUPERUSER, timeout: int = 3
) -> Iterator[psycopg.Connection[Any]]:
    conn = psycopg.connect(
        host=region.host,
        port=region.port,
        dbname=database,
        user=user,
        connect_timeout=timeout,
        autocommit=True,
    )
    try:
        yield conn
    finally:
        conn.close()


def query(region: Region, sql: str, params: Sequence[Any] = (), database: str = "postgres") -> list[tuple[Any, ...]]:
    with connect(region, database) as conn:
        cur = conn.execute(sql, params)
        return list(cur.fetchall()) if cur.description else []


def ping(region: Region) -> bool:
    try:
        with connect(region, timeout=1) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def wait_ready(region: Region, timeout: float = 60, *, writable: bool = False) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with connect(region, timeout=1) as conn:
                row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
                if not writable or (row and not row[0]):
                    return
                last = "still in recovery"
        except psycopg.Error as exc:
            last = str(exc).strip()
        time.sleep(0.1)
    raise DrError(
        f"{region.label} が {timeout:.0f} 秒以内に応答しません: {last}", code="dr_timeout", region=region.name
    )
