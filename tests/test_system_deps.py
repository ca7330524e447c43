"""`make demo` installs what its PDFs need, and no more than that (issue 24 item 3): the Japanese fonts the
Typst renderer loads for every certificate and notice (one PDF engine); chromium and Java stay with `make test`. Consistency checks of the project's own set-up files against what the code loads."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from jichitai.registry.certificates.render import FONT_CANDIDATES

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "install-system-deps.sh"


def _group(name: str) -> list[str]:
    out = subprocess.run(["bash", str(SCRIPT), "--list", name], capture_output=True, text=True, check=True).stdout
    return out.split()


def test_make_demo_installs_the_pdf_group_and_make_test_all() -> None:
    makefile = (ROOT / "Makefile").read_text()
    demo = re.search(r"^demo:([^#\n]*)", makefile, flags=re.MULTILINE)
    test = re.search(r"^test:([^#\n]*)", makefile, flags=re.MULTILINE)
    assert demo and "pdf-deps" in demo.group(1).split()
    assert test and "system-deps" in test.group(1).split()
    assert re.search(r"^pdf-deps:.*\n\tbash scripts/install-system-deps\.sh pdf$", makefile, flags=re.MULTILINE)
    assert re.search(r"^system-deps:.*\n\tbash scripts/install-system-deps\.sh all$", makefile, flags=re.MULTILINE)


def test_the_pdf_group_has_no_test_tools_and_all_contains_it() -> None:
    pdf, everything = _group("pdf"), _group("all")
    assert set(pdf) <= set(everything)
    assert not {"chromium", "openjdk-17-jre-headless", "systemd", "postgresql-contrib"} & set(pdf)


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs Debian's dpkg to map files to packages")
def test_every_font_the_pdfs_use_comes_from_the_pdf_group() -> None:
    """The renderer's font files (render.FONT_CANDIDATES, first choice) belong to packages of the pdf group or to
    their dependencies."""
    pdf = set(_group("pdf"))
    provided = set(pdf)
    for package in pdf:
        depends = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", package], capture_output=True, text=True).stdout
        provided |= {d.strip().split()[0] for d in depends.replace("|", ",").split(",") if d.strip()}
    owners = {}
    for kind, paths in FONT_CANDIDATES.items():
        out = subprocess.run(["dpkg-query", "-S", paths[0]], capture_output=True, text=True)
        assert out.returncode == 0, f"{kind}: {paths[0]} is not installed by any package here"
        owners[kind] = out.stdout.split(":")[0]
    assert {k: o for k, o in owners.items() if o not in provided} == {}


def test_one_pdf_engine() -> None:
    """Issue 21 item 7: every document is Typst; WeasyPrint and its text libraries are gone from the project."""
    tracked = subprocess.run(["git", "ls-files", "src", "pyproject.toml", "requirements.lock", "scripts", "Makefile"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    mentions = [p for p in tracked if (ROOT / p).is_file() and not p.endswith("render.py")  # its docstring: why Typst
                and "weasyprint" in (ROOT / p).read_text(errors="ignore").lower()]
    assert mentions == []
    assert not {"libpango-1.0-0", "libpangoft2-1.0-0"} & set(_group("all"))
    assert [p.name for p in (ROOT / "src").rglob("*.html") if "@page" in p.read_text()] == []  # no print CSS left
