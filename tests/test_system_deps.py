"""`make demo` installs what its PDFs need, and no more than that (issue 24 item 3): the Japanese fonts the
certificate renderer and the notices' stylesheet name, and WeasyPrint's text libraries; chromium and Java stay
with `make test`. Consistency checks of the project's own set-up files against what the code loads."""

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
    """The certificate renderer's font files (render.FONT_CANDIDATES, first choice) and the notice stylesheet's
    families belong to packages of the pdf group or to their dependencies."""
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
    notice_css = (ROOT / "src/jichitai/tax/templates/tax/notice.html").read_text()
    families = re.findall(r'"([^"]+)"', re.search(r"font-family:([^;]+);", notice_css).group(1))  # type: ignore[union-attr]
    for family in families:
        match = subprocess.run(["fc-list", f":family={family}", "file"], capture_output=True, text=True).stdout
        files = sorted({str(Path(line.rstrip(":")).resolve()) for line in match.split() if line.startswith("/")})
        assert files, f"no installed font of the family {family}"
        owner = subprocess.run(["dpkg-query", "-S", files[0]], capture_output=True, text=True).stdout
        assert owner.split(":")[0] in provided, f"{family}: {owner}"
