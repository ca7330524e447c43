"""Key files created on first use (demo and test mode): exactly once, even when several processes start at once.

A bulk run forks its workers before any of them has read a key; each would otherwise create its own, and the
rows one worker encrypted or signed could not be read with the key that stayed on disk. The new key is written
to a private temporary file and linked into place, which fails when the file exists: the first process wins,
and every process then reads the same file, whole. Pure apart from the file system.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def create_once(path: Path, data: bytes) -> bool:
    """Create ``path`` (mode 0600) holding ``data`` unless it exists; True if this call created it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # atomic, and never replaces a key another process created
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(tmp)
