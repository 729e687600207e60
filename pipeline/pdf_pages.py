"""PDF → page images (+ the PDF's own words), parsed and rendered in a sandboxed child.

The parent (`render_pdf`) hands each PDF to a warm sandbox child (`python -m
pipeline.pdf_pages --serve`, see `pipeline.sandbox.WarmPool`); the child, memory-capped,
opens the PDF with pypdfium2 and, for pages that have characters, reads words from pdfium's
text page (C, ~15 ms a page) and, only when that reading is not real Vietnamese, again with
pdfplumber (pdfminer's own font and CMap handling differs from pdfium's on odd fonts; it
costs 0.15-0.3 s a page, more than the whole rest of a text page's processing, so it is the
fallback, not the first reader). A page whose text layer is real Vietnamese needs no OCR, so it is not rendered
at all (its boxes are still in pixels at the configured DPI; the page image is a derived
artefact, re-creatable from the original). Every other page is rendered at the configured
DPI to an uncompressed PNM in the work folder (20x faster to write than PNG and read
natively by Tesseract; grey pages as PGM, colour pages - seals - as PPM).
"""

from __future__ import annotations

import contextlib
import math
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import sandbox
from pipeline.errors import CorruptDocument, EncryptedPdf, ImageTooLarge, ResourceLimitExceeded
from pipeline.text_layer import classify_text_layer
from pipeline.textnorm import clean

if TYPE_CHECKING:
    import numpy as np

    from pipeline.config import Settings
    from pipeline.pages import RenderedPage

_POOL = sandbox.WarmPool("pipeline.pdf_pages")

_ERRORS = {
    "encrypted": EncryptedPdf, "corrupt": CorruptDocument, "too_large": ImageTooLarge,
    "limit": ResourceLimitExceeded,
}


# --- parent side ------------------------------------------------------------------------


def render_pdf(path: Path, settings: Settings, workdir: Path) -> list[RenderedPage]:
    """Every page of a PDF as a `RenderedPage`; errors name the file and stage "pages"."""
    from pipeline.pages import RenderedPage, page_text_from_layer

    job = {"path": str(path), "workdir": str(workdir), "dpi": settings.dpi,
           "max_pages": settings.max_pages, "max_page_pixels": settings.max_page_pixels,
           "memory_mb": settings.render_memory_mb}
    pages: list[RenderedPage] = []
    messages = _POOL.run(job, memory_mb=settings.render_memory_mb,
                         timeout_s=settings.render_timeout_s, filename=path.name)
    with contextlib.closing(messages):
        for msg in messages:
            if "error" in msg:
                raise _ERRORS[msg["error"]](msg["message"], filename=path.name, stage="pages")
            if msg.get("done"):
                return pages
            if "page" in msg:
                text_layer, status = page_text_from_layer(msg)
                pages.append(RenderedPage(
                    page=msg["page"], image_path=msg.get("image_path"), dpi=settings.dpi,
                    width=msg["width"], height=msg["height"], text_layer=text_layer,
                    text_layer_status=status))
    raise ResourceLimitExceeded("the renderer ended without reporting completion",
                                filename=path.name, stage="pages")


# --- child side -------------------------------------------------------------------------


def write_pnm(path_stem: Path, image: np.ndarray) -> Path:
    """Write `<path_stem>.pgm` for grey input or an RGB page with (almost) no colour,
    else `<path_stem>.ppm`; returns the path.

    Colour is kept only when present because a PPM is 3x the bytes and only seals need it.
    """
    import numpy as np

    h, w = image.shape[:2]
    if image.ndim == 2:
        colourful, grey = False, image
    else:
        rgb = image
        sample = rgb[::8, ::8].astype(np.int16)
        spread = sample.max(axis=2) - sample.min(axis=2)
        colourful = float((spread > 40).mean()) > 0.0005
        grey = rgb[:, :, 1]  # green is the closest single channel to luminance
    if colourful:
        path, magic, data = path_stem.with_name(path_stem.name + ".ppm"), b"P6", rgb
    else:
        path, magic, data = path_stem.with_name(path_stem.name + ".pgm"), b"P5", grey
    with path.open("wb") as f:
        f.write(b"%s\n%d %d\n255\n" % (magic, w, h))
        f.write(memoryview(np.ascontiguousarray(data)).cast("B"))  # no copy into bytes
    return path


_PNM_HEADER = re.compile(rb"(P[56])\n(\d+) (\d+)\n255\n")


def read_pnm(path: Path) -> np.ndarray | None:
    """A PGM/PPM as `write_pnm` writes it: (H, W) grey or (H, W, 3) RGB, read straight into
    an array (OpenCV would decode it as BGR and we would turn it back); None for any other
    file."""
    import numpy as np

    with path.open("rb") as f:
        m = _PNM_HEADER.match(f.read(32))
        if m is None:
            return None
        channels = 3 if m.group(1) == b"P6" else 1
        w, h = int(m.group(2)), int(m.group(3))
        f.seek(m.end())
        data = np.fromfile(f, dtype=np.uint8, count=w * h * channels)
    if data.size != w * h * channels:
        return None  # truncated
    return data.reshape((h, w, 3) if channels == 3 else (h, w))


def _display_to_user(x: float, y: float, rotation: int,
                     box: tuple[float, float, float, float]) -> tuple[float, float]:
    """pdfplumber's top-left, rotation-applied coordinates → PDF user space."""
    x0, y0, x1, y1 = box
    if rotation == 90:
        return x0 + y, y0 + x
    if rotation == 180:
        return x1 - x, y0 + y
    if rotation == 270:
        return x1 - y, y1 - x
    return x0 + x, y1 - y


def _pdfium_words(textpage: Any, conv: Any) -> list[dict[str, Any]]:
    """Words of pdfium's text page (split on spaces, including the ones pdfium generates for
    gaps), each boxed by the union of its characters' font boxes, in pixels of the page
    rendered at the job's DPI (the converter maps crop and rotation)."""
    n = textpage.count_chars()
    text = textpage.get_text_range(0, n) if n else ""
    words: list[dict[str, Any]] = []
    chars: list[str] = []
    box: list[float] = []

    centres: list[tuple[float, float]] = []  # first and last character of the word

    def flush() -> None:
        if chars:
            left, bottom, right, top = box
            (x0, y0), (x1, y1) = conv.to_bitmap(left, top), conv.to_bitmap(right, bottom)
            (ax, ay), (bx, by) = (conv.to_bitmap(*c) for c in (centres[0], centres[-1]))
            words.append({"text": "".join(chars),
                          "bbox": [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)],
                          "run": [bx - ax, by - ay]})
            chars.clear()
            centres.clear()

    for i, ch in enumerate(text[:n]):
        if ch.isspace():
            flush()
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        centre = ((left + right) / 2, (bottom + top) / 2)
        if not chars:
            box = [left, bottom, right, top]
            centres[:] = [centre, centre]
        else:
            box = [min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top)]
            centres[1] = centre
        chars.append(ch)
    flush()
    return words


def upright_turn(words: list[dict[str, Any]]) -> int:
    """Clockwise degrees (0/90/180/270) that make the page's text run left to right, by a
    clear majority of the words' reading directions (a scanned page turned on its side and
    saved with its text drawn turned: the words are right, the lines run down the page)."""
    votes = {0: 0, 90: 0, 180: 0, 270: 0}
    for w in words:
        dx, dy = w.get("run") or (0.0, 0.0)
        if max(abs(dx), abs(dy)) < 1:
            continue  # one character: no direction
        if abs(dx) >= abs(dy):
            votes[0 if dx > 0 else 180] += 1
        else:
            votes[270 if dy > 0 else 90] += 1
    total = sum(votes.values())
    best = max(votes, key=lambda k: votes[k])
    return best if total and votes[best] >= 0.6 * total else 0


def turn_words(words: list[dict[str, Any]], degrees: int, width: int,
               height: int) -> tuple[list[dict[str, Any]], int, int]:
    """Word boxes turned `degrees` clockwise with the page (as `rotate_orthogonal` turns
    pixels): (words, new width, new height)."""
    out = []
    for w in words:
        x0, y0, x1, y1 = w["bbox"]
        if degrees == 90:
            box = [height - y1, x0, height - y0, x1]
        elif degrees == 180:
            box = [width - x1, height - y1, width - x0, height - y0]
        elif degrees == 270:
            box = [y0, width - x1, y1, width - x0]
        else:
            box = [x0, y0, x1, y1]
        out.append({"text": w["text"], "bbox": box})
    return (out, height, width) if degrees in (90, 270) else (out, width, height)


def _status(words: list[dict[str, Any]]) -> str:
    return classify_text_layer([t for t in (clean(w["text"]) for w in words) if t])


def _layer_words(plumber_page: Any, conv: Any) -> list[dict[str, Any]]:
    """pdfplumber's words with boxes in pixels of the page rendered at the job's DPI
    (pdfium's position converter maps crop and rotation)."""
    rotation = int(plumber_page.rotation or 0) % 360
    box = tuple(float(v) for v in plumber_page.mediabox)
    words = []
    for w in plumber_page.extract_words(keep_blank_chars=False, use_text_flow=False):
        corners = [conv.to_bitmap(*_display_to_user(x, y, rotation, box))
                   for x, y in ((w["x0"], w["top"]), (w["x1"], w["bottom"]))]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        words.append({"text": w["text"], "bbox": [min(xs), min(ys), max(xs), max(ys)]})
    return words


def _child(job: dict[str, Any]) -> None:
    sandbox.limit_self(job["memory_mb"])
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    path, workdir, dpi = job["path"], Path(job["workdir"]), job["dpi"]
    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        if e.err_code in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
            sandbox.emit({"error": "encrypted", "message": "the PDF is password-protected"})
        else:
            sandbox.emit({"error": "corrupt", "message": f"cannot parse the PDF: {e}"})
        return
    n = len(doc)
    if n == 0:
        sandbox.emit({"error": "corrupt", "message": "the PDF has no pages"})
        return
    if n > job["max_pages"]:
        sandbox.emit({"error": "limit",
                      "message": f"{n} pages, more than max_pages={job['max_pages']}"})
        return
    plumber = None
    scale = dpi / 72.0
    for i in range(n):
        page = doc[i]
        w_pt, h_pt = page.get_size()
        pixels = w_pt * scale * h_pt * scale
        if pixels > job["max_page_pixels"]:
            sandbox.emit({"error": "too_large", "message": (
                f"page {i + 1} is {w_pt:.0f}x{h_pt:.0f} pt = {pixels / 1e6:.0f} Mpx at "
                f"{dpi} DPI, more than max_page_pixels={job['max_page_pixels']}")})
            return
        width, height = math.ceil(page.get_width() * scale), math.ceil(page.get_height() * scale)
        words: list[dict[str, Any]] = []
        status = "none"
        textpage = page.get_textpage()
        if textpage.count_chars() > 0:
            conv = pdfium.PdfPosConv(page, (0, 0, width, height, 0))
            words = _pdfium_words(textpage, conv)
            status = _status(words)
            if status != "real":  # a second opinion from pdfminer before paying for OCR
                if plumber is None:
                    import pdfplumber
                    plumber = pdfplumber.open(path)
                second = _layer_words(plumber.pages[i], conv)
                if _status(second) == "real":
                    words, status = second, "real"
        message = {"page": i + 1, "dpi": dpi, "width": width, "height": height,
                   "text_layer_status": status}
        turn = upright_turn(words) if status == "real" else 0
        words, message["layer_width"], message["layer_height"] = turn_words(
            words, turn, width, height)
        message["words"], message["rotation"] = words, turn
        if status != "real":  # OCR will need the pixels
            bitmap = page.render(scale=scale, rev_byteorder=True, may_draw_forms=False)
            rgb = bitmap.to_numpy()
            message["image_path"] = str(write_pnm(workdir / f"page-{i + 1:04d}", rgb[:, :, :3]))
            message["width"], message["height"] = rgb.shape[1], rgb.shape[0]
        sandbox.emit(message)
    if plumber is not None:
        plumber.close()
    doc.close()
    sandbox.emit({"done": True})


def _preload() -> None:
    """What every job needs. pdfplumber (the fallback reader, ~0.5 s to import) and numpy
    (only for pages that are rendered) are imported by the first job that needs them."""
    import pypdfium2  # noqa: F401


def main(argv: list[str]) -> None:
    """`python -m pipeline.pdf_pages --serve MEMORY_MB`: a warm sandbox child."""
    sandbox.serve(_handle, int(argv[1]), _preload)


def _handle(job: dict[str, Any]) -> None:
    """One job, always ending in a `done` or `error` message."""
    try:
        _child(job)
    except MemoryError:
        sandbox.emit({"error": "limit", "message": "out of memory (render_memory_mb)"})
    except Exception as e:  # the parser may fail anywhere on a hostile file
        if "bitmap" in str(e).lower():  # pdfium cannot allocate the page buffer
            sandbox.emit({"error": "limit", "message": f"render failed: {e}"})
        else:
            sandbox.emit({"error": "corrupt", "message": f"{type(e).__name__}: {e}"})


if __name__ == "__main__":
    main(sys.argv[1:])
