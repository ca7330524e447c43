"""Nothing in the project is tied to one machine (issue 24 item 2): no absolute path of a development machine in
the code, docs, scripts or the lock file, shared references named from the project's root, setup commands with
``python3.11`` rather than one interpreter's install path. Consistency check over our own files."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Built from parts so that this file does not match itself.
MACHINE_PATHS = re.compile("|".join([
    "/" + "work/", "/" + "home/", "/" + "root/", r"\.py" + "env/", "/usr/local/bin/" + "python",
    "/usr/bin/" + r"python3(?:\.\d+)?\b", "file:///" + "opt/", "--find-links /" + "opt",
]))
ABSOLUTE_REFERENCE = re.compile(r"(?<!\.\./)(?<![\w.])/\S*shared/" + "reference")


def _tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        names = out.splitlines()
    except (OSError, subprocess.CalledProcessError):  # an exported tree without git
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".git" not in p.parts]
    skip = (".png", ".pdf", ".parquet", ".sqlite3", ".ttf", ".otf", ".woff2", ".gz", ".zip", ".xlsx")
    return [ROOT / n for n in names if not n.endswith(skip) and (ROOT / n).is_file()]


def test_no_absolute_path_of_a_development_machine() -> None:
    found = []
    for path in _tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if MACHINE_PATHS.search(line) or ABSOLUTE_REFERENCE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert found == []


def test_the_lock_file_names_no_package_index_of_this_machine() -> None:
    """pip's own configuration says where packages come from; the lock only pins them (pyproject's
    [tool.pip-tools] keeps `make lock` from copying this machine's index into it)."""
    lock = (ROOT / "requirements.lock").read_text()
    assert not re.search(r"^--(?:extra-)?index-url|^--find-links", lock, flags=re.MULTILINE)
