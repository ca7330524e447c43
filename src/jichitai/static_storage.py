"""Production static files: whitenoise's hashed, compressed copies (far-future caching, gzip and Brotli when
available), without rewriting source-map comments: the vendored Vega bundles name ``.map`` files we do not
ship, and a reference the browser only follows with its developer tools open should not stop collectstatic."""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns: Any) -> Any:
    def source_map(p: str | tuple[str, str]) -> bool:
        return "sourceMappingURL" in (p if isinstance(p, str) else p[0])

    return tuple((glob, tuple(p for p in found if not source_map(p))) for glob, found in patterns)


class StaticStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
