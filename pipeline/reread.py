"""A second reading of weak lines: each line cut out of the cleaned page and read apart
from its neighbours.

Tesseract reading a whole page (psm 6) sometimes garbles a line next to a QR code or a bold
heading, or scores a short number too low to trust. Read alone, in a strip with a small
margin, the same pixels often come out right. Start-up dominates small Tesseract calls, so a
page's strips are stacked into one image (white gaps between them) and read by ONE call; the
words are mapped back to their strip by their vertical position, and their boxes translated
to page coordinates.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel

from pipeline.config import Settings
from pipeline.models import BBox, LineReread, PageText, ScanFile, Word
from pipeline.pages import RenderedPage
from pipeline.readings import load_cached
from pipeline.storage import ObjectStore, keys

if TYPE_CHECKING:
    from pipeline.slant import FigureStrip

MARGIN = 0.35  # of the line height, around each strip
GAP = 1.2  # white rows between stacked strips, in line heights (keeps Tesseract's lines apart)
SIDE = 20  # white columns left and right of every strip, in pixels


@dataclass(frozen=True, slots=True)
class Strip:
    """Where one strip came from (page pixels) and where it sits in the stacked image."""

    source: BBox  # x0, y0, x1, y1 on the page
    top: int  # first row in the stacked image


def crop_box(line_box: BBox, height: int, size: tuple[int, int]) -> BBox:
    """The line's box grown by MARGIN line heights (less to the sides), clipped to the page."""
    width_px, height_px = size
    m = max(2, round(MARGIN * height))
    x0, y0, x1, y1 = line_box
    return (max(0, x0 - 2 * m), max(0, y0 - m), min(width_px, x1 + 2 * m),
            min(height_px, y1 + m))


def stack_strips(image: np.ndarray, boxes: list[BBox]) -> tuple[np.ndarray, list[Strip]]:
    """One white image holding every box's pixels, top to bottom, left-aligned after SIDE
    pixels, with GAP line heights of white between them."""
    return stack_crops([image[b[1]:b[3], b[0]:b[2]] for b in boxes], boxes)


def stack_crops(crops: list[np.ndarray], boxes: list[BBox]) -> tuple[np.ndarray, list[Strip]]:
    """`stack_strips` of crops already cut (and perhaps transformed: a crop may be wider than
    its box); `boxes` are where they came from on the page."""
    if not crops:
        raise ValueError("no strips to stack")
    heights = [c.shape[0] for c in crops]
    gap = max(8, round(GAP * float(np.median(heights))))
    width = max(c.shape[1] for c in crops) + 2 * SIDE
    total = gap + sum(h + gap for h in heights)
    out = np.full((total, width), 255, dtype=np.uint8)
    strips: list[Strip] = []
    y = gap
    for crop, box in zip(crops, boxes, strict=True):
        out[y:y + crop.shape[0], SIDE:SIDE + crop.shape[1]] = crop
        strips.append(Strip(source=box, top=y))
        y += crop.shape[0] + gap
    return out, strips


def map_words(data: dict, strips: list[Strip]) -> list[list[Word]]:
    """Tesseract's words on the stacked image → the words of each strip, in page pixels.

    A word belongs to the strip its vertical centre falls in (or the nearest one: a tall
    accent can push a box a little out). Line ids are kept per Tesseract line."""
    from pipeline.ocr import data_words

    out: list[list[Word]] = [[] for _ in strips]
    if not strips:
        return out
    spans = [(s.top, s.top + (s.source[3] - s.source[1])) for s in strips]
    for word in data_words(data):
        x0, y0, x1, y1 = word.bbox
        centre = (y0 + y1) / 2
        k = min(range(len(spans)), key=lambda j: 0 if spans[j][0] <= centre <= spans[j][1]
                else min(abs(centre - spans[j][0]), abs(centre - spans[j][1])))
        s = strips[k]
        dx, dy = s.source[0] - SIDE, s.source[1] - s.top
        out[k].append(word.model_copy(update={"bbox": (x0 + dx, y0 + dy, x1 + dx, y1 + dy)}))
    return out


def read_strips(image: np.ndarray, boxes: list[BBox], settings: Settings,
                page: int = 0, psm: int = 6) -> list[list[Word]]:
    """Read every box of `image` isolated from the rest, with one Tesseract call."""
    from pipeline.ocr import read_image

    if not boxes:
        return []
    stacked, strips = stack_strips(image, boxes)
    return map_words(read_image(stacked, settings, page, psm=psm), strips)


# --- which lines, and the stored artefact -------------------------------------------------

REREAD_VERSION = "7"  # 2: psm 4 and psm 6 readings; 3: italic runs read sheared upright;
# 4: upright figures under FIGURE_SURE read with them; 5: every figure read by the witness;
# 6: the witness read in process (tesserocr's Tesseract 5.5); 7: figures the two models read
# differently read once more (`tiebreak_figure`)
WEAK_WORD = 0.5
"""A line is read again when any of its words scored below this. Measured on 17 office-dev
documents (in-process, stored readings): re-reading every line or only those under 0.5 gained
the same fields (314 → 328 of 381 right); under 0.3 fewer (325). Under 0.5: half the lines."""


class Rereads(BaseModel):
    fingerprint: str
    pages: list[list[LineReread] | None]  # per page, in order; None: not OCR'd


def weak_lines(page: PageText) -> list[tuple[BBox, int]]:
    """(box, height) of the page's lines that hold a word scored under WEAK_WORD, as the
    extractors rebuild lines (extractors.layout)."""
    from extractors.layout import page_lines

    return [(ln.bbox, ln.height) for ln in page_lines(page)
            if ln.tokens and min(t.confidence for t in ln.tokens) < WEAK_WORD]


def reread_lines(image: np.ndarray, page: PageText, settings: Settings) -> list[LineReread]:
    """The weak lines of `page` read again from its cleaned image (the image its boxes are
    in), one Tesseract call per `settings.reread_modes`; with `deslant_italic`, its italic
    figures read sheared upright (pipeline.slant) in the first of those calls, and with
    `reread_figures` in the same image its upright figures Tesseract was unsure of (on
    lines not re-read as weak): these join the weak lines' reading (slant 0). With
    `figure_witness`, every figure is also read by the witness (`witness_figures`).

    The italic strips are a second image of that call (`read_images`), not more strips of
    the weak lines' image: stacked together, they changed how Tesseract laid out, and so
    read, the weak lines (17 fewer fields right on office-dev2); a call of their own would
    cost a Tesseract start (~0.15 s of CPU) on every italic page."""
    if (image.shape[1], image.shape[0]) != (page.width, page.height):
        raise ValueError(f"page {page.page}: image {image.shape[::-1]} is not the "
                         f"{page.width}x{page.height} the words were read from")
    from pipeline.ocr import ocr_scale, read_images

    lines = weak_lines(page)
    size = (image.shape[1], image.shape[0])
    weak = stack_strips(image, [crop_box(b, h, size) for b, h in lines]) if lines else None
    italic = []
    if settings.deslant_italic or settings.reread_figures:  # one image, the page's scale
        from pipeline.slant import figure_strips

        italic = figure_strips(image, page, [b for b, _ in lines],
                               italic=settings.deslant_italic, upright=settings.reread_figures)
    slanted = stack_crops([s.pixels for s in italic], [s.crop for s in italic]) \
        if italic else None
    # The strips of figures hold too few letters to measure: they are read at the page's
    # scale (at full size, psm 4 read nothing on most of them).
    # (measured once: the page's letters, ~9 ms of connected components on a page)
    page_scale = ocr_scale(image, settings) if italic or settings.figure_witness else None
    slanted_scale = page_scale if italic else None
    out: list[LineReread] = []
    for i, psm in enumerate(settings.reread_modes or ((ITALIC_PSM,) if italic else ())):
        jobs = [(stack, scale) for stack, scale in
                ((weak, None), (slanted if i == 0 else None, slanted_scale)) if stack]
        if not jobs:
            continue
        found = read_images([stack[0] for stack, _ in jobs], settings, page.page, psm=psm,
                            scales=[scale for _, scale in jobs])
        read = [map_words(data, stack[1]) for data, (stack, _) in zip(found, jobs, strict=True)]
        if weak:
            out += [LineReread(box=box, words=ws, psm=psm)
                    for (box, _), ws in zip(lines, read[0], strict=True)]
        if slanted and i == 0:
            out += [LineReread(box=s.box, words=s.upright(ws), psm=psm, slant=s.slant)
                    for s, ws in zip(italic, read[-1], strict=True)]
    if settings.figure_witness:
        out += witness_figures(image, page, settings, scale=page_scale)
    return out


WITNESS_PSM = 6  # the witness's strips are stacked like the weak lines
WITNESS_CHARACTERS = "0123456789/,.:-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
"""What a figure can hold: digits, the separators of dates, times, areas and book numbers,
and the Latin capitals of serial and register prefixes ('CS 05494', 'AA 09273289')."""


def witness_figures(image: np.ndarray, page: PageText, settings: Settings, *,
                    scale: float | None = None) -> list[LineReread]:
    """Every figure run of `page` (italic ones sheared upright) read by another model,
    `settings.figure_witness` (Tesseract's `eng`), restricted to WITNESS_CHARACTERS, stacked
    into one image read in this process (pipeline.tesseract_api: no process start).

    The witness and the `vie` model misread figures independently: on office-dev2 (2026-11-24,
    each field's box read alone by `eng`), the witness agreed with 29 of 34 right figure
    values the confidence model had flagged and with 1 of 28 wrong ones, and disagreed with
    both wrong values it had accepted ('30' for a map sheet 90). Its reading is evidence
    (extractors.alternatives), and a value when the first is not well formed. `scale`: the
    page's `ocr_scale`, when known."""
    from pipeline.ocr import at_scale, ocr_scale, unscale_boxes
    from pipeline.slant import centre_in_any, figure_strips
    from pipeline.tesseract_api import read_in_process

    strips = figure_strips(image, page, italic=settings.deslant_italic, upright=True, sure=None)
    if not strips:
        return []
    stacked, placed = stack_crops([s.pixels for s in strips], [s.crop for s in strips])
    if scale is None:  # the page's scale, as the other figure strips
        scale = ocr_scale(image, settings)
    data = read_in_process(at_scale(stacked, scale), lang=settings.figure_witness,
                           psm=WITNESS_PSM,
                           variables={"tessedit_char_whitelist": WITNESS_CHARACTERS})
    if scale != 1.0:
        data = unscale_boxes(data, scale)
    out = []
    for s, ws in zip(strips, map_words(data, placed), strict=True):
        out.append(LineReread(box=s.box, words=s.upright(ws), psm=WITNESS_PSM, slant=s.slant,
                              reader=settings.figure_witness))
        if needs_tiebreak([w for w in page.words if centre_in_any(w.bbox, [s.box])], ws):
            out.append(tiebreak_figure(s, settings, scale))
    return out


def needs_tiebreak(first: Sequence[Word], witnessed: Sequence[Word]) -> bool:
    """Whether a run the witness read as `witnessed` is read a third time: the two readings
    differ, the witness read something (an empty reading is no evidence either way) and the
    first holds two letters or figures at least ('4,' of 'Phường 4,' read alone settled
    nothing: on office-dev2 these two kinds were 348 of 804 tie-break readings, 11 of them
    siding with either reading)."""
    a, b = figure_text(first), figure_text(witnessed)
    return a != b and bool(b) and len(a) >= 2


TIEBREAK_PSM = 13
"""The tie-break's page segmentation: the strip is one raw line (no layout analysis)."""


def figure_text(words: Sequence[Word]) -> str:
    """The digits and capital letters of a run's words: what the two models are compared on
    (the witness reads no other characters)."""
    return re.sub(r"[^0-9A-Z]", "", "".join(w.text for w in words).upper())


def tiebreak_figure(strip: FigureStrip, settings: Settings, scale: float) -> LineReread:
    """A figure the witness read otherwise than the first reading, read once more by the
    witness's model, alone on its strip as one line (TIEBREAK_PSM).

    Read alone, the witness's model sides with the truth where the two disagree: on
    office-dev2 (2026-11-24, the 91 figure fields whose witness value differed), the strip
    read alone as one raw line gave the printed figures for 24 of the 25 the first reading
    had wrong (never the first reading's value) and for 35 of the 66 it had right. Only
    the runs the two models read differently are read (one in-process call each, ~13 ms)."""
    from pipeline.ocr import at_scale, data_words, unscale_boxes
    from pipeline.tesseract_api import read_in_process

    # the strip as cut (not stacked: white bands above and below it make psm 13 read nothing)
    data = read_in_process(at_scale(strip.pixels, scale), lang=settings.figure_witness,
                           psm=TIEBREAK_PSM,
                           variables={"tessedit_char_whitelist": WITNESS_CHARACTERS})
    if scale != 1.0:
        data = unscale_boxes(data, scale)
    dx, dy = strip.crop[0], strip.crop[1]
    words = [w.model_copy(update={"bbox": (w.bbox[0] + dx, w.bbox[1] + dy, w.bbox[2] + dx,
                                           w.bbox[3] + dy)}) for w in data_words(data)]
    return LineReread(box=strip.box, words=strip.upright(words), psm=TIEBREAK_PSM,
                      slant=strip.slant, reader=settings.figure_witness)


ITALIC_PSM = 6  # italic strips on a page with no weak line, when no reread mode is set


def fingerprint(settings: Settings) -> str:
    from pipeline.readings import fingerprint as reading_fingerprint
    from pipeline.slant import FIGURE_SURE, ITALIC_SLANT, SHEARS

    parts = (REREAD_VERSION, reading_fingerprint(settings),
             ",".join(map(str, settings.reread_modes)), str(WEAK_WORD), str(MARGIN), str(GAP),
             f"deslant={settings.deslant_italic},{ITALIC_SLANT},{SHEARS}",
             f"figures={settings.reread_figures},{FIGURE_SURE}",
             f"witness={settings.figure_witness},{WITNESS_PSM},{WITNESS_CHARACTERS}",
             f"tiebreak={TIEBREAK_PSM}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def attach(pages: list[PageText], found: list[list[LineReread] | None]) -> list[PageText]:
    return [p if r is None else p.model_copy(update={"rereads": r})
            for p, r in zip(pages, found, strict=True)]


def needs_reread(page: PageText) -> bool:
    return page.source == "ocr" and page.rereads is None


def load_rereads(store: ObjectStore, sha256: str, settings: Settings
                 ) -> list[list[LineReread] | None] | None:
    cached = load_cached(store, keys.reread_key(sha256, fingerprint(settings)), Rereads,
                         settings)
    return None if cached is None else cached.pages


def save_rereads(store: ObjectStore, sha256: str, settings: Settings,
                 pages: list[PageText]) -> None:
    fp = fingerprint(settings)
    body = Rereads(fingerprint=fp, pages=[p.rereads for p in pages]).model_dump_json()
    store.put_bytes(keys.reread_key(sha256, fp), body.encode("utf-8"),
                    content_type="application/json")


def cleaned_image(rendered: RenderedPage, page: PageText, settings: Settings) -> np.ndarray:
    """The cleaned image `page`'s boxes refer to, made again from the rendered page (the
    same steps as pipeline.ocr: upscaling, the page's turn, cleaning; all deterministic)."""
    from pipeline.cleaning import clean_page, rotate_orthogonal
    from pipeline.ocr import at_ocr_resolution
    from pipeline.pages import read_page_image

    image, dpi = at_ocr_resolution(read_page_image(rendered), rendered.dpi, settings)
    if page.rotation:
        image = rotate_orthogonal(image, page.rotation)
    return clean_page(image, settings, dpi=dpi).image


def reread_rendered(rendered: list[RenderedPage], pages: list[PageText], settings: Settings,
                    submit: Callable[..., Future] | None = None, *,
                    on_disk: bool = False) -> list[PageText]:
    """Every OCR'd page with its weak lines re-read. `on_disk`: the cleaned images OCR left
    beside the rendered pages are those the words were read from (else they are made again).
    `submit` runs the page jobs (a shared pool caps concurrent Tesseract processes)."""
    def one(r: RenderedPage, p: PageText) -> list[LineReread] | None:
        if not needs_reread(p) or r.image_path is None:
            return p.rereads
        from pipeline.ocr import cleaned_image_path
        from pipeline.pages import read_page_image

        path = cleaned_image_path(r)
        image = read_page_image(path) if on_disk and path.exists() else None
        if image is None or (image.shape[1], image.shape[0]) != (p.width, p.height):
            image = cleaned_image(r, p, settings)
        return reread_lines(image, p, settings)

    if submit is None:
        found = [one(r, p) for r, p in zip(rendered, pages, strict=True)]
    else:
        futures = [submit(one, r, p) for r, p in zip(rendered, pages, strict=True)]
        found = [f.result() for f in futures]
    return attach(pages, found)


def with_rereads(scan: ScanFile, pages: list[PageText], store: ObjectStore, settings: Settings,
                 submit: Callable[..., Future] | None = None) -> list[PageText]:
    """`pages` with their weak lines' second reading: as just read, else as stored, else read
    now from the original rendered and cleaned again; stored apart from the first reading
    (keys.reread_key) so a new re-reading version reuses the first reading and vice versa."""
    if not settings.reread_lines or not any(p.source == "ocr" for p in pages):
        return pages
    if not any(needs_reread(p) for p in pages):
        save_rereads(store, scan.sha256, settings, pages)
        return pages
    stored = load_rereads(store, scan.sha256, settings)
    if stored is not None and len(stored) == len(pages):
        return attach(pages, stored)
    from pipeline.pages import load_pages

    with tempfile.TemporaryDirectory(prefix="sohoa-reread-") as tmp:
        local = Path(tmp) / "original"
        store.download(scan.original_key, local)
        rendered = load_pages(local, scan.media_type, settings, Path(tmp) / "pages")
        if len(rendered) != len(pages):
            return pages
        pages = reread_rendered(rendered, pages, settings, submit)
    save_rereads(store, scan.sha256, settings, pages)
    return pages
