"""OCR stage: page images → words with boxes, confidences and line ids (Tesseract `vie`).

Tesseract runs single-threaded (OMP_THREAD_LIMIT=1) and pages run in parallel in a thread
pool: the work happens in tesseract subprocesses, and on 2 cores this beat Tesseract's own
threading ~6x (domain.md). Every string is NFC at this boundary.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # before any tesseract process starts

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytesseract

from pipeline.cleaning import (
    CleanedPage,
    clean_page,
    detect_orientation,
    flatten_illumination,
    rotate_orthogonal,
    suppress_red,
)
from pipeline.config import Settings
from pipeline.errors import MissingDependencyError, OcrError
from pipeline.models import PageText, Word
from pipeline.pages import RenderedPage, read_page_image
from pipeline.pdf_pages import write_pnm
from pipeline.tesseract_gate import tesseract_slot
from pipeline.textnorm import clean

INSTALL_HINT = "install it: apt-get install tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd"

# A page is "poor" (maybe upside down or sideways) below either figure; then OSD runs.
POOR_MIN_WORDS = 8
POOR_MEAN_CONFIDENCE = 0.55
OSD_MIN_CONFIDENCE = 0.3  # low on purpose: the re-OCR must also score better to be kept


def tesseract_data(image: np.ndarray | str, settings: Settings, page: int, *,
                   psm: int | None = None) -> dict:
    """Tesseract's words as `image_to_data` gives them (page segmentation `psm`, else the
    configured one); Tesseract errors become the pipeline's."""
    try:
        with tesseract_slot():
            return pytesseract.image_to_data(
                image, lang=settings.tesseract_lang,
                config=f"--psm {psm if psm is not None else settings.tesseract_psm}",
                output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError as e:
        raise MissingDependencyError("tesseract is not installed or not on PATH",
                                     stage="ocr", hint=INSTALL_HINT) from e
    except pytesseract.TesseractError as e:
        message = str(e.message if hasattr(e, "message") else e)
        if "Failed loading language" in message or "traineddata" in message:
            raise MissingDependencyError(
                f"tesseract has no '{settings.tesseract_lang}' language data",
                stage="ocr", hint=INSTALL_HINT) from e
        raise OcrError(f"tesseract failed on page {page}: {message.strip()[:300]}",
                       stage="ocr") from e


def ocr_page(image: np.ndarray | str | Path, page: int, dpi: int,
             settings: Settings) -> PageText:
    """OCR one page. Pass a path to a PNM/PNG already on disk to spare pytesseract from
    re-encoding the image; an array is written to a temporary PGM first for the same
    reason (pytesseract would encode PNG, ~10x slower)."""
    if isinstance(image, np.ndarray):
        with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as tmp:
            path = write_pnm(Path(tmp) / "page", image)
            return ocr_page(path, page, dpi, settings)
    path = str(image)
    data = tesseract_data(path, settings, page)
    width, height = _image_size(path)
    return PageText(page=page, width=width, height=height, dpi=dpi, source="ocr",
                    words=data_words(data))


def data_words(data: dict) -> list[Word]:
    """`image_to_data`'s words (empty and non-word rows dropped), NFC-cleaned, confidence in
    [0, 1], one line id per Tesseract line (also pipeline.reread's stacked strips)."""
    words: list[Word] = []
    line_ids: dict[tuple[int, int, int], int] = {}
    for i, raw in enumerate(data["text"]):
        text = clean(raw or "")
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        line_id = line_ids.setdefault(key, len(line_ids))
        x, y, w, h = (int(data[k][i]) for k in ("left", "top", "width", "height"))
        words.append(Word(text=text, bbox=(x, y, x + w, y + h),
                          confidence=min(1.0, max(0.0, conf / 100.0)), line_id=line_id))
    return words


def _image_size(path: str) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as im:
        return im.size


def is_poor(text: PageText) -> bool:
    """Few words or low mean confidence: the signature of a rotated or garbled page."""
    if len(text.words) < POOR_MIN_WORDS:
        return True
    return float(np.mean([w.confidence for w in text.words])) < POOR_MEAN_CONFIDENCE


def cleaned_image_path(page: RenderedPage) -> Path:
    """Where `ocr_document` leaves the cleaned image the boxes refer to."""
    p = Path(page.image_path)
    return p.with_name(p.stem + ".clean.pgm")


def ocr_rendered_page(page: RenderedPage, settings: Settings) -> PageText:
    """Clean, OCR and - when the result is poor - re-orient and OCR again.

    The final cleaned image is kept at `cleaned_image_path(page)`; the returned boxes are
    in its pixels, and `rotation`/`skew` say how it relates to the rendered page.
    """
    if page.text_layer_status == "real" and page.text_layer is not None:
        return page.text_layer
    image, dpi = at_ocr_resolution(read_page_image(page), page.dpi, settings)
    cleaned = clean_page(image, settings, dpi=dpi)
    result = _ocr_cleaned(cleaned, page, settings, dpi)
    if is_poor(result):
        second = _turned_reading(page, settings, OSD_MIN_CONFIDENCE)
        if second is not None and _quality(second) > _quality(result):
            result = second
        elif second is not None:
            _write_cleaned(cleaned, page)  # keep the image the boxes refer to
    return result


def upright_reading(page: RenderedPage, current: PageText, settings: Settings) -> PageText | None:
    """Ask OSD whether an OCR'd page is turned (90/180/270°) and, if so, read it upright.

    For a reading that *looks* fine but made no sense (the document matched no form): an
    upside-down page gives plenty of confident garbage, so `is_poor` does not catch it, and
    any turn OSD proposes is worth a try because the caller keeps the upright reading only
    if the document then makes sense. None when OSD proposes no turn or the page was not
    OCR'd."""
    if current.source != "ocr" or page.image_path is None:
        return None
    return _turned_reading(page, settings, 0.0)


def at_ocr_resolution(image: np.ndarray, dpi: int, settings: Settings) -> tuple[np.ndarray, int]:
    """Scans below `min_ocr_dpi` (150-200 DPI from old flatbeds and phones) are upscaled to
    the configured DPI first: Tesseract's models want ~20 px letters, and on such pages
    the difference is between a recognised form and none (boxes are then in the upscaled
    pixels, the resolution the page was OCR'd at)."""
    if dpi >= settings.min_ocr_dpi or dpi <= 0:
        return image, dpi
    import cv2

    scale = settings.dpi / dpi
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC), settings.dpi


def _turned_reading(page: RenderedPage, settings: Settings,
                    min_confidence: float) -> PageText | None:
    """OSD judges the page as scanned - cleaning (form-line and speck removal) takes away
    what it relies on - and the turned page is then cleaned in full and OCR'd."""
    image, dpi = at_ocr_resolution(read_page_image(page), page.dpi, settings)
    # OSD on the page with its lighting evened (a dark end hides the letters OSD needs) but
    # not otherwise cleaned (form-line and speck removal take away what it relies on).
    degrees, confidence = detect_orientation(flatten_illumination(suppress_red(image)))
    if not degrees or confidence < min_confidence:
        return None
    cleaned = clean_page(rotate_orthogonal(image, degrees), settings, dpi=dpi)
    cleaned.rotation = degrees
    return _ocr_cleaned(cleaned, page, settings, dpi)


def _quality(text: PageText) -> float:
    return sum(w.confidence for w in text.words)


def _write_cleaned(cleaned: CleanedPage, page: RenderedPage) -> Path:
    out = cleaned_image_path(page)
    write_pnm(out.with_suffix(""), cleaned.image)  # grey → ".pgm", i.e. `out`
    return out


def _ocr_cleaned(cleaned: CleanedPage, page: RenderedPage, settings: Settings,
                 dpi: int) -> PageText:
    out = _write_cleaned(cleaned, page)
    text = ocr_page(out, page.page, dpi, settings)
    return text.model_copy(update={"rotation": cleaned.rotation, "skew": cleaned.skew})


def ocr_document(pages: list[RenderedPage], settings: Settings) -> list[PageText]:
    """All pages, in order; OCR runs in parallel (settings.ocr_workers threads, each
    driving one single-threaded tesseract), pages with a real text layer skip OCR."""
    workers = max(1, min(settings.ocr_workers, len(pages)))
    if workers == 1:
        return [ocr_rendered_page(p, settings) for p in pages]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr") as pool:
        return list(pool.map(lambda p: ocr_rendered_page(p, settings), pages))
