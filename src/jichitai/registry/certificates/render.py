"""Certificates as PDF bytes (Typst, A4縦), from a :class:`~jichitai.registry.certificates.layout.Layout`.

The template ``templates/registry/certificates/certificate.typ`` receives the layout as JSON (``sys.inputs``): the
printed values are data, never markup, so a name cannot change the page. The Japanese fonts are the Debian packages
fonts-ipaexfont-mincho/-gothic that ``scripts/install-system-deps.sh`` installs; Typst reads them from their
folders. Names and addresses (the value cells) print with IPAmj明朝 first (fonts-ipamj-mincho: the MJ glyphs and
their ideographic variation sequences), then IPAex, then BabelStone Han (fonts-babelstone-han) for what IPAmj明朝
lacks (文字要件, docs/moji.md). Nothing is fetched from a network: the template imports no Typst package (the only thing Typst would
download) and the data is never evaluated, so no name can bring an import in (tests/registry/certificates).

Speed (issue 3, 住民票の写し p99 < 300 ms through the issuance service): one :class:`typst.Compiler` per thread keeps
the parsed template and the loaded fonts; a certificate costs one compilation of its own data (a few
milliseconds). WeasyPrint, measured first, spent 50–150 ms per certificate on style and layout alone
(docs/benchmarks.md).

文字溢れ (j1070): the template measures each planned page and refuses one that does not fit; the renderer then
puts fewer people on each page of a 世帯連記式, then makes the type smaller, down to a floor, and past that refuses
with :class:`CertificateOverflow` rather than print a broken page.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import typst

from jichitai.common.errors import JichitaiError
from jichitai.registry.certificates.layout import Layout, plan
from jichitai.registry.certificates.snapshot import Certificate, CertificateFormat

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "registry" / "certificates" / "certificate.typ"
FONT_CANDIDATES = {
    "mincho": ("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
               "/usr/share/fonts/truetype/fonts-japanese-mincho.ttf"),
    "gothic": ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
               "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
    # 文字要件: names and addresses print in IPAmj明朝 (every MJ character and its Moji_Joho IVS, docs/moji.md) …
    "mj": ("/usr/share/fonts/truetype/ipamj/ipamjm.ttf",),
    # … and, for the two MJ characters of Ver.006 that IPAmj明朝 005.01 lacks (U+9FEE, U+9FEF), BabelStone Han
    "han": ("/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf",),
}
PER_PAGE = 4          # 世帯連記式: up to four people a page (市川三郷町's published format)
FONT_STEPS = (10.0, 9.0, 8.0)
OVERFLOW = "certificate-overflow"


class CertificateOverflow(JichitaiError):
    code = "certificate_overflow"

    def __init__(self, atena_numbers: list[str]) -> None:
        super().__init__("証明書の記載事項が用紙に収まりません（文字溢れ）。文字超過リストを確認してください。",
                         atena_numbers=atena_numbers)


class FontMissing(JichitaiError):
    code = "font_missing"
    status = 500


@lru_cache(maxsize=1)
def font_files() -> dict[str, Path]:
    """The installed font files (links resolved); refuses plainly if the system set-up was not run."""
    found = {}
    for kind, paths in FONT_CANDIDATES.items():
        path = next((Path(p).resolve() for p in paths if Path(p).is_file()), None)
        if path is None:
            raise FontMissing(
                f"証明書用の日本語フォントがありません（{paths[0]}）。"
                "scripts/install-system-deps.sh を実行してください。"
            )
        found[kind] = path
    return found


@lru_cache(maxsize=1)
def font_families() -> dict[str, str]:
    """The family name of each installed font, as Typst reads it from the file."""
    families = {}
    for kind, path in font_files().items():
        fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(path.parent)])
        names = [f.family for f in fonts.fonts() if f.path and Path(f.path).resolve() == path]
        if not names:
            raise FontMissing(f"証明書用の日本語フォント {path} を読み込めません。")
        families[kind] = names[0]
    return families


_local = threading.local()


@lru_cache(maxsize=1)
def fonts() -> typst.Fonts:
    """The fonts of every compiler of this process: the project's folders and the system fonts (fallback for a
    character the IPAex fonts lack), searched once and each loaded once — not once a template (a bulk issuance
    worker has three), which cost ≈ 0.15 s of CPU and ≈ 55 MB a compiler more (docs/benchmarks.md)."""
    return typst.Fonts(font_paths=sorted({str(p.parent) for p in font_files().values()}))


def compiler_for(template: Path) -> typst.Compiler:
    """One compiler per template and thread (a compiler keeps its caches and is not shared between threads)."""
    compilers: dict[Path, typst.Compiler] | None = getattr(_local, "compilers", None)
    if compilers is None:
        compilers = _local.compilers = {}
    compiler = compilers.get(template)
    if compiler is None:
        compiler = compilers[template] = typst.Compiler(str(template), root="/", font_paths=fonts())
    return compiler


MEMO_AGE = 10  # typst-py evicts Typst's memoised results unused in the last 10 compilations, after each one


def forget_layouts() -> None:
    """Let go of what Typst memoised for the documents compiled so far: :data:`MEMO_AGE` compilations of an empty
    document (≈ 0.05 ms each) age it out. For the bulk issuance, whose batches never recur: without it a process held
    its last ten batches' layouts and evaluations, 1.1–1.9 GB (docs/benchmarks.md)."""
    blank: typst.Compiler | None = getattr(_local, "blank", None)
    if blank is None:
        blank = _local.blank = typst.Compiler(font_paths=typst.Fonts(include_system_fonts=False,
                                                                     include_embedded_fonts=False))
    for _ in range(MEMO_AGE):
        blank.compile(input=b"", format="pdf")


def _compiler() -> typst.Compiler:
    return compiler_for(TEMPLATE)


def typst_pdf(template: Path, data: dict[str, object] | list[dict[str, object]], *, tags: bool = True) -> bytes:
    """The one PDF engine for every document (certificates, tax notices): ``template`` compiled with ``data`` as
    JSON in ``sys.inputs.data`` (printed as text, never markup) and the project's fonts' family names in
    ``sys.inputs.mincho`` / ``gothic`` / ``mj`` (IPAmj明朝, for names and addresses) / ``han`` (its fallback). A list
    is a batch, for the templates that take one (the bulk issuance: one compilation for many notices). ``tags``
    False leaves out the PDF's structure tree (accessibility tags): for paper, where it prints the same."""
    pdf = compiler_for(template).compile(format="pdf", sys_inputs={
        "data": json.dumps(data, ensure_ascii=False), **font_families()}, pdf_tags=tags)
    assert isinstance(pdf, bytes)
    return pdf


def layout_json(layout: Layout, font_pt: float) -> str:
    return json.dumps({**dataclasses.asdict(layout), "font_pt": font_pt}, ensure_ascii=False)


def pdf_of(layout: Layout, font_pt: float = FONT_STEPS[0]) -> bytes | None:
    """The PDF of a planned layout, or None when a page of it does not fit (文字溢れ)."""
    families = font_families()
    try:
        pdf = _compiler().compile(format="pdf", sys_inputs={"data": layout_json(layout, font_pt), **families})
    except typst.TypstError as exc:
        if OVERFLOW in str(exc):
            return None
        raise
    assert isinstance(pdf, bytes)
    return pdf


def render(cert: Certificate) -> bytes:
    """PDF bytes of the certificate. Raises :class:`CertificateOverflow` when nothing makes it fit."""
    return render_with_pages(cert)[0]


def render_with_pages(cert: Certificate) -> tuple[bytes, int]:
    """PDF bytes and the number of pages (枚数, recorded in 交付履歴)."""
    per_page = [PER_PAGE, 3, 2, 1] if cert.request.format is CertificateFormat.SETAI_RENKI else [1]
    return fitted(lambda n: plan(cert, n), per_page, list(cert.request.members))


def fitted(planner: Callable[[int], Layout], per_page: list[int], atena_numbers: list[str]) -> tuple[bytes, int]:
    """The first plan that fits: most people a page at the normal size first, then smaller type (j1070)."""
    for font_pt in FONT_STEPS:
        for n in per_page:
            layout = planner(n)
            pdf = pdf_of(layout, font_pt)
            if pdf is not None:
                return pdf, len(layout.pages)
    raise CertificateOverflow(atena_numbers)
