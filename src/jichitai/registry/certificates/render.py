"""住民票の写し as PDF bytes (WeasyPrint, A4縦), from a :class:`Certificate` of plain data.

The Japanese fonts are the Debian packages fonts-ipaexfont-mincho/-gothic that
``scripts/install-system-deps.sh`` installs; they are embedded through ``@font-face`` with a local file path.
Nothing is fetched from a network: the URL fetcher accepts ``file:`` and ``data:`` only (LGWAN is closed).

文字溢れ (j1070): the renderer checks that the pages it planned are the pages it got. When a 世帯連記式 page
overflows it puts fewer people on each page; when one person still does not fit it makes the type smaller,
down to a floor, and past that refuses with :class:`CertificateOverflow` rather than print a broken page.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.template import Context, Engine
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from jichitai.common.errors import JichitaiError
from jichitai.registry.certificates.layout import Layout, plan
from jichitai.registry.certificates.snapshot import Certificate, CertificateFormat

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FONT_CANDIDATES = {
    "mincho": ("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
               "/usr/share/fonts/truetype/fonts-japanese-mincho.ttf"),
    "gothic": ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
               "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
}
PER_PAGE = 4          # 世帯連記式: up to four people a page (市川三郷町's published format)
FONT_STEPS = (10.0, 9.0, 8.0)


class CertificateOverflow(JichitaiError):
    code = "certificate_overflow"

    def __init__(self, atena_numbers: list[str]) -> None:
        super().__init__("証明書の記載事項が用紙に収まりません（文字溢れ）。文字超過リストを確認してください。",
                         atena_numbers=atena_numbers)


class FontMissing(JichitaiError):
    code = "font_missing"
    status = 500


@lru_cache(maxsize=1)
def font_files() -> dict[str, str]:
    """``file:`` URLs of the installed fonts; refuses plainly if the system set-up was not run."""
    found = {}
    for kind, paths in FONT_CANDIDATES.items():
        path = next((Path(p) for p in paths if Path(p).is_file()), None)
        if path is None:
            raise FontMissing(
                f"証明書用の日本語フォントがありません（{paths[0]}）。"
                "scripts/install-system-deps.sh を実行してください。"
            )
        found[kind] = path.as_uri()
    return found


@lru_cache(maxsize=1)
def _engine() -> Engine:
    return Engine(dirs=[str(TEMPLATES)], autoescape=True)


def _fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols={"file", "data"})


def html_of(layout: Layout, font_pt: float = FONT_STEPS[0]) -> str:
    template = _engine().get_template("registry/certificates/juminhyo.html")
    return template.render(Context({"layout": layout, "fonts": font_files(), "font_pt": font_pt}))


def render(cert: Certificate) -> bytes:
    """PDF bytes of the certificate. Raises :class:`CertificateOverflow` when nothing makes it fit."""
    return render_with_pages(cert)[0]


def render_with_pages(cert: Certificate) -> tuple[bytes, int]:
    """PDF bytes and the number of pages (枚数, recorded in 交付履歴)."""
    per_page_options = [PER_PAGE, 3, 2, 1] if cert.request.format is CertificateFormat.SETAI_RENKI else [1]
    for font_pt in FONT_STEPS:
        for per_page in per_page_options:
            layout = plan(cert, per_page)
            document = HTML(string=html_of(layout, font_pt), base_url=str(TEMPLATES),
                            url_fetcher=_fetcher()).render()
            if len(document.pages) == len(layout.pages):
                return bytes(document.write_pdf()), len(document.pages)
    raise CertificateOverflow(list(cert.request.members))
