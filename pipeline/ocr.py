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
    components,
    detect_orientation,
    flatten_illumination,
    rotate_orthogonal,
    suppress_red,
    to_grey,
)
from pipeline.config import Settings
from pipeline.errors import MissingDependencyError, OcrError
from pipeline.models import PageText, Word
from pipeline.pages import RenderedPage, read_page_image
from pipeline.pdf_pages import write_pnm
from pipeline.tesseract_gate import tesseract_slot
from pipeline.textnorm import clean

INSTALL_HINT = ("install it: apt-get install tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng "
                "tesseract-ocr-osd")

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


def ocr_page(image: np.ndarray | str | Path, page: int, dpi: int, settings: Settings, *,
             path: Path | None = None) -> PageText:
    """OCR one page (an array, or the path of an image on disk); boxes in its pixels.
    `path`: where an array given is also on disk (read from there at full size)."""
    if not isinstance(image, np.ndarray):
        path = Path(image)
    pixels = image if isinstance(image, np.ndarray) else read_page_image(path)
    data = read_image(pixels, settings, page, path=path)
    return PageText(page=page, width=pixels.shape[1], height=pixels.shape[0], dpi=dpi,
                    source="ocr", words=data_words(data))


MIN_OCR_SCALE = 0.5
MIN_LETTERS = 100


def letter_height(image: np.ndarray) -> float | None:
    """Median height in pixels of the ink blobs shaped like letters (found on a half-size
    copy: ~20 ms a page), None when there are too few to tell."""
    import cv2

    small = cv2.resize(to_grey(image), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, _, stats, _ = components(ink)
    heights, widths = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    letters = heights[(heights >= 4) & (heights <= 60) & (widths <= 3 * heights)]
    return 2.0 * float(np.median(letters)) if letters.size >= MIN_LETTERS else None


def ocr_scale(image: np.ndarray, settings: Settings) -> float:
    """The factor Tesseract reads `image` at: its letters brought down to
    `settings.ocr_letter_px` when they stand taller, never below MIN_OCR_SCALE.

    Tesseract's LSTM scales every text line to its network's input height (36 px) anyway;
    what a full-size 300 DPI page costs beyond that is binarisation, blob finding and line
    finding on 9 million pixels. Office pages at 300 DPI measure 26-30 px (median blob),
    so they are read at ~0.75: 20% less Tesseract CPU, the same words (docs/accuracy.md,
    throughput). Less than a tenth smaller is not worth the resampling; small print keeps
    its full size."""
    if settings.ocr_letter_px <= 0:
        return 1.0
    height = letter_height(image)
    if height is None:
        return 1.0
    scale = max(MIN_OCR_SCALE, settings.ocr_letter_px / height)
    return scale if scale < 0.9 else 1.0


def read_image(image: np.ndarray, settings: Settings, page: int, *, psm: int | None = None,
               path: Path | None = None, scale: float | None = None) -> dict:
    """`image_to_data` of `image` read at `scale` (default: `ocr_scale`), boxes in `image`'s
    pixels. `path`: the same image already on disk (read from there when it is read at full
    size; an array goes through a temporary PGM, pytesseract's own PNG encoding is ~10x
    slower)."""
    scale = ocr_scale(image, settings) if scale is None else scale
    if scale == 1.0 and path is not None:
        return tesseract_data(str(path), settings, page, psm=psm)
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as tmp:
        data = tesseract_data(str(write_pnm(Path(tmp) / "page", at_scale(image, scale))),
                              settings, page, psm=psm)
    return data if scale == 1.0 else unscale_boxes(data, scale)


def read_images(images: list[np.ndarray], settings: Settings, page: int, *,
                psm: int | None = None, scales: list[float | None] | None = None
                ) -> list[dict]:
    """`read_image` of each image (at its `scales` entry, None: `ocr_scale`), in ONE
    Tesseract process (a list file of images: the model is loaded once, ~0.15 s of CPU
    saved per image after the first; each image is laid out on its own, as a page)."""
    given = scales or [None] * len(images)
    if len(images) == 1:
        return [read_image(images[0], settings, page, psm=psm, scale=given[0])]
    scales = [ocr_scale(im, settings) if sc is None else sc
              for im, sc in zip(images, given, strict=True)]
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as tmp:
        paths = [write_pnm(Path(tmp) / f"image{i}", at_scale(im, sc))
                 for i, (im, sc) in enumerate(zip(images, scales, strict=True))]
        listing = Path(tmp) / "images.txt"
        listing.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
        data = tesseract_data(str(listing), settings, page, psm=psm)
    out = []
    for i, sc in enumerate(scales, start=1):
        rows = [j for j, n in enumerate(data["page_num"]) if int(n) == i]
        part = {k: [v[j] for j in rows] for k, v in data.items()}
        out.append(part if sc == 1.0 else unscale_boxes(part, sc))
    return out


def at_scale(image: np.ndarray, scale: float) -> np.ndarray:
    import cv2

    if scale == 1.0:
        return image
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def unscale_boxes(data: dict, scale: float) -> dict:
    """`image_to_data` boxes read on an image scaled by `scale`, in the unscaled pixels."""
    out = dict(data)
    for start, size in (("left", "width"), ("top", "height")):
        lo = [round(int(v) / scale) for v in data[start]]
        hi = [round((int(a) + int(b)) / scale) for a, b in zip(data[start], data[size],
                                                                 strict=True)]
        out[start], out[size] = lo, [b - a for a, b in zip(lo, hi, strict=True)]
    return out


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
    text = ocr_page(cleaned.image, page.page, dpi, settings, path=out)
    return text.model_copy(update={"rotation": cleaned.rotation, "skew": cleaned.skew})


def ocr_document(pages: list[RenderedPage], settings: Settings) -> list[PageText]:
    """All pages, in order; OCR runs in parallel (settings.ocr_workers threads, each
    driving one single-threaded tesseract), pages with a real text layer skip OCR."""
    workers = max(1, min(settings.ocr_workers, len(pages)))
    if workers == 1:
        return [ocr_rendered_page(p, settings) for p in pages]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr") as pool:
        return list(pool.map(lambda p: ocr_rendered_page(p, settings), pages))
