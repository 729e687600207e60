"""The page as it was read: the original's page re-created in the frame its boxes refer to.

A record's boxes are "in pixels of the page image at the resolution it was OCR'd"
(records.md), and that image is not the original: a scan below `min_ocr_dpi` was upscaled,
a page turned on its side was rotated upright (`PageText.rotation`) and a skewed one
levelled (`PageText.skew`). Whoever shows a box over the page or cuts a field's crop out of
it (the API's field evidence, the reviewer's workstation) must apply the same geometry, or
the box lands beside the text on exactly the scans that most need a human look.

This module replays that geometry with the pipeline's own functions (`at_ocr_resolution`,
`rotate_orthogonal`, `rotate_small`), in colour and without the binarising clean-up, so a
person sees the scan, not the OCR's input. The original must already have passed intake
(its pages were rendered in the sandbox once); this re-renders one page in-process.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np

from pipeline.models import BBox, MediaType, PageText

if TYPE_CHECKING:
    from pipeline.config import Settings


def decode_page(original: bytes, media_type: MediaType, page: int, dpi: int) -> tuple[np.ndarray, int]:
    """(pixels, DPI) of page `page` (1-based) as the pipeline first saw it: a PDF page
    rendered at `dpi`, an image frame at its own resolution (grey or RGB uint8)."""
    if media_type is MediaType.pdf:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(original)
        try:
            if not 1 <= page <= len(pdf):
                raise ValueError(f"page {page} out of range (1..{len(pdf)})")
            bitmap = pdf[page - 1].render(scale=dpi / 72.0, rev_byteorder=True,
                                          may_draw_forms=False)
            return np.ascontiguousarray(bitmap.to_numpy()[:, :, :3]), dpi
        finally:
            pdf.close()
    from PIL import Image

    from pipeline.images import image_dpi, to_8bit

    with Image.open(io.BytesIO(original)) as src:
        try:
            src.seek(page - 1)
        except EOFError as e:
            raise ValueError(f"page {page} out of range") from e
        return to_8bit(src), image_dpi(src)


def page_as_read(original: bytes, media_type: MediaType, reading: PageText | None,
                 settings: Settings, *, page: int = 1) -> np.ndarray:
    """Page pixels in the frame of `reading`'s boxes (colour kept). Without a reading (none
    stored), the page as decoded at the configured DPI - right for text layers and for
    scans that needed no turn, levelling or upscaling."""
    number = reading.page if reading is not None else page
    dpi = reading.dpi if reading is not None and media_type is MediaType.pdf else settings.dpi
    image, native_dpi = decode_page(original, media_type, number, dpi)
    if reading is None:
        return image
    if reading.source == "text_layer":  # drawn at the configured DPI; turned if it ran down
        from pipeline.cleaning import rotate_orthogonal

        return rotate_orthogonal(image, reading.rotation) if reading.rotation else image
    return replay_geometry(image, native_dpi, settings, rotation=reading.rotation,
                           skew=reading.skew, size=(reading.width, reading.height))


def replay_geometry(image: np.ndarray, native_dpi: int, settings: Settings, *,
                    rotation: int = 0, skew: float = 0.0,
                    size: tuple[int, int] | None = None) -> np.ndarray:
    """What OCR did to the page's geometry, in its order: upscale a low-DPI scan, turn it
    `rotation` degrees clockwise, level it by `skew` degrees; then fit `size` (width,
    height) if given (settings changed since the reading)."""
    from pipeline.cleaning import rotate_orthogonal, rotate_small
    from pipeline.ocr import at_ocr_resolution

    image, _ = at_ocr_resolution(image, native_dpi, settings)
    if rotation % 360:
        image = rotate_orthogonal(image, rotation % 360)
    if skew:
        image = rotate_small(image, -skew)  # what `deskew` did to the page
    h, w = image.shape[:2]
    if size is not None and (w, h) != size:
        import cv2

        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return image


def crop(image: np.ndarray, bbox: BBox, margin: int = 8) -> np.ndarray:
    """The box with a margin, clipped to the page."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = bbox
    return image[max(0, y0 - margin):min(h, y1 + margin), max(0, x0 - margin):min(w, x1 + margin)]


def png_bytes(image: np.ndarray) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(image).save(out, format="PNG", optimize=False)
    return out.getvalue()
