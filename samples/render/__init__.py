"""Synthetic scans: a `DocumentContent` (what the form says) → page images → damaged scan files.

    doc = render_document(content, rng)                    # clean A4 pages at 300 DPI + word boxes
    paths = write_scan(doc, "office", "pdf_text", out / content.doc_id, rng)

Everything is driven by the caller's `random.Random`, so a corpus is reproducible from its seed.
Rendering is split from damage and writing so one rendering can be written in several
profiles/formats (see damage.py for the profiles and writers.py for the file formats).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from samples.content import DocumentContent, RenderedDocument
from samples.render import birth, death, land, marriage, other
from samples.render.canvas import FormCanvas, Layout
from samples.render.damage import PROFILES
from samples.render.fonts import FontSet
from samples.render.writers import FORMATS, write_scan

__all__ = ["FORMATS", "PROFILES", "render_document", "write_scan"]

_FORMS: dict[str, Callable[..., list[FormCanvas]]] = {
    "birth_certificate": birth.draw,
    "marriage_certificate": marriage.draw,
    "death_certificate": death.draw,
    "land_certificate": land.draw,
    "unknown": other.draw,
}


def render_document(content: DocumentContent, rng: random.Random) -> RenderedDocument:
    """Draw the form of `content.doc_type` filled with `content.printed`.

    Layout and fonts are drawn from `rng`; if a document is too long for the page at the
    drawn size (long places, names in words), it is redrawn smaller rather than clipped.
    """
    try:
        draw = _FORMS[content.doc_type]
    except KeyError:
        from pipeline.errors import ConfigError

        raise ConfigError(f"no form for doc_type {content.doc_type!r}; known: {', '.join(_FORMS)}",
                          filename=content.doc_id, stage="render") from None
    fonts = FontSet.choose(rng)
    layout = Layout.draw(rng, fonts.value_style)
    for _ in range(4):
        pages = draw(content, lambda: FormCanvas(layout, fonts, rng))
        if not any(p.overflow for p in pages):
            break
        layout = layout.shrunk(0.9)
    return RenderedDocument(pages=[p.image for p in pages], words=[p.words for p in pages], dpi=300)
