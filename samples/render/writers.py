"""Scan files: the formats a records office receives, written from damaged pages.

- `png`, `jpeg`: one image file for a one-page document. A multi-page document (the old
  land certificate) is written as ONE multi-page TIFF instead (`<stem>.tiff`), because the
  record format counts one input file per document: splitting it into page images would
  make two documents out of one.
- `tiff`: multi-page TIFF, LZW-compressed (lossless; 2–3× faster to write than deflate).
- `pdf_image`: image-only PDF (Pillow; JPEG pages), the usual "scan to PDF".
- `pdf_text`: page images under an invisible, correct Vietnamese text layer (born-digital-like).
- `pdf_garbage`: the same with the text layer a non-Vietnamese scanner OCR would produce.

The resolution written in every file is the damaged page's (300, or 150–200 for `poor`), so
pixel sizes and DPI agree and a reader can recover the physical A4 size.
"""

from __future__ import annotations

import pathlib
import random
import time

from pipeline.errors import ConfigError
from samples.content import RenderedDocument
from samples.render.damage import ScannedPage, damage_pages
from samples.render.textlayer import garble, write_pdf

_FIXED_DATE = time.gmtime(1_735_689_600)  # 2025-01-01: PDF dates fixed so output is reproducible
FORMATS: tuple[str, ...] = ("png", "jpeg", "tiff", "pdf_image", "pdf_text", "pdf_garbage")


def _named(stem: pathlib.Path, ext: str) -> pathlib.Path:
    return stem.with_name(f"{stem.name}.{ext}")  # not with_suffix: stems may contain dots


def _tiff(pages: list[ScannedPage], path: pathlib.Path) -> None:
    dpi = (pages[0].dpi, pages[0].dpi)
    pages[0].image.save(path, "TIFF", save_all=True, append_images=[p.image for p in pages[1:]],
                        compression="tiff_lzw", dpi=dpi)


def write_scan(doc: RenderedDocument, profile: str, fmt: str, out_stem: pathlib.Path,
               rng: random.Random) -> list[pathlib.Path]:
    """Damage `doc` with `profile` and write it as `fmt` next to `out_stem`; returns the
    file(s) written (always one file per document with the formats above)."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown scan format {fmt!r}; valid formats: {', '.join(FORMATS)}",
                          stage="render")
    pages = damage_pages(doc.pages, profile, rng)
    out_stem.parent.mkdir(parents=True, exist_ok=True)
    dpi = (pages[0].dpi, pages[0].dpi)
    if fmt in ("png", "jpeg") and len(pages) > 1:
        fmt = "tiff"
    if fmt == "png":
        path = _named(out_stem, "png")
        pages[0].image.save(path, "PNG", dpi=dpi, compress_level=1)
    elif fmt == "jpeg":
        path = _named(out_stem, "jpg")
        pages[0].image.save(path, "JPEG", dpi=dpi, quality=rng.randint(75, 92))
    elif fmt == "tiff":
        path = _named(out_stem, "tiff")
        _tiff(pages, path)
    elif fmt == "pdf_image":
        path = _named(out_stem, "pdf")
        pages[0].image.save(path, "PDF", save_all=True, append_images=[p.image for p in pages[1:]],
                            resolution=float(pages[0].dpi), quality=85,
                            creationDate=_FIXED_DATE, modDate=_FIXED_DATE)  # same seed, same bytes
    else:
        path = _named(out_stem, "pdf")
        seed = rng.getrandbits(32)
        garbler = random.Random(seed)
        text_of = (lambda s: garble(s, garbler)) if fmt == "pdf_garbage" else (lambda s: s)
        write_pdf(pages, doc.words, path, text_of)
    return [path]
