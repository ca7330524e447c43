"""Key files made on first use: one key, whoever comes first (a bulk run forks its workers before any reads it)."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from jichitai.common import vault
from jichitai.common.keyfile import create_once


def test_the_first_writer_wins_and_nothing_is_replaced(tmp_path: Path) -> None:
    key = tmp_path / "keys" / "k.key"
    assert create_once(key, b"first") is True
    assert create_once(key, b"second") is False
    assert key.read_bytes() == b"first"
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in key.parent.iterdir()] == ["k.key"]  # no temporary file left behind


def _token(args: tuple[str, int]) -> str:
    path, n = args
    v = vault.load_or_create(Path(path), create=True)
    return v.encrypt(f"{n:012d}")


def test_processes_starting_together_share_one_my_number_key(tmp_path: Path) -> None:
    """Eight forked processes create the key at once; every token any of them sealed opens with the key on disk.
    (Before, each could write its own key: the history's read of a base row failed with InvalidTag.)"""
    key = tmp_path / "mynumber.key"
    # forked from a fresh forkserver, not from this process: after the browser tests it has threads, and a worker
    # forked from it could hang on a lock a thread held (seen: the pool's join never returned)
    with multiprocessing.get_context("forkserver").Pool(8) as pool:
        tokens = pool.map(_token, [(str(key), n) for n in range(64)])
    on_disk = vault.load_or_create(key, create=False)
    assert [on_disk.decrypt(t) for t in tokens] == [f"{n:012d}" for n in range(64)]
    assert len(key.read_bytes()) == 32 and len(os.listdir(tmp_path)) == 1
