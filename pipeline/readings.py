"""Page readings kept as derived artefacts.

Reading pages (rendering, cleaning, Tesseract) is by far the most expensive stage, and its
output depends only on the original's bytes and on the reading code and settings. So the
words of every page are stored under the original's hash and a fingerprint of everything
that shapes them; re-processing a document after the extractors change, or after a reviewer
acts, reuses them instead of running Tesseract again. Bump `READING_VERSION` whenever page
loading, cleaning or OCR changes what they produce."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import TypeVar

from pydantic import BaseModel

from pipeline.cleaning import DEFAULT_STEPS
from pipeline.config import Settings
from pipeline.errors import StorageError
from pipeline.models import PageText
from pipeline.storage import ObjectStore, keys

READING_VERSION = "11"  # 2: unrecognised documents re-read upright; 3: low-DPI upscaling;
# 4: text layers read by pdfium, turned upright when their lines run down or up the page;
# 5: uneven lighting flattened before OCR and OSD; 6: ... only on unevenly lit pages;
# 7: red printed lines (land titles, serial) kept as ink, only seals removed;
# 8: leader dots erased whatever their pitch (cleaning.remove_dot_leaders);
# 9: only solid runs erased as form lines (a row of digits' tops is no line);
# 10: pages with large letters read scaled down to `ocr_letter_px` (pipeline.ocr.ocr_scale);
# 11: skew measured on a page halved first; red looked for on every 16th pixel first


M = TypeVar("M", bound=BaseModel)


class Reading(BaseModel):
    fingerprint: str
    pages: list[PageText]


@lru_cache(maxsize=1)
def _tesseract_version() -> str:
    import pytesseract

    try:
        return str(pytesseract.get_tesseract_version())
    except Exception:  # noqa: BLE001 - OCR itself reports a missing Tesseract properly
        return "unknown"


def fingerprint(settings: Settings) -> str:
    parts = (READING_VERSION, _tesseract_version(), settings.tesseract_lang,
             str(settings.tesseract_psm), str(settings.dpi), str(settings.min_ocr_dpi),
             str(settings.ocr_letter_px),
             ",".join(DEFAULT_STEPS))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def load_reading(store: ObjectStore, sha256: str, settings: Settings) -> list[PageText] | None:
    cached = load_cached(store, keys.reading_key(sha256, fingerprint(settings)), Reading,
                         settings)
    return None if cached is None else cached.pages


def load_cached(store: ObjectStore, key: str, model: type[M], settings: Settings) -> M | None:
    """A stored derived artefact (page readings, re-reads), or None when reuse is off, it is
    not stored, or it cannot be read: the caller makes it again."""
    if not settings.reuse_readings or not store.exists(key):
        return None
    try:
        return model.model_validate_json(store.get_bytes(key))
    except (StorageError, ValueError):
        return None  # unreadable cache: read the pages again


def save_reading(store: ObjectStore, sha256: str, settings: Settings,
                 pages: list[PageText]) -> None:
    fp = fingerprint(settings)
    first = [p.model_copy(update={"rereads": None}) for p in pages]  # kept apart: reread
    body = Reading(fingerprint=fp, pages=first).model_dump_json().encode("utf-8")
    store.put_bytes(keys.reading_key(sha256, fp), body, content_type="application/json")
