"""PNG / JPEG / (multi-page) TIFF → page images, with the size checked before decoding.

Pillow reads headers lazily, so the declared pixel count is checked against
`max_page_pixels` before any pixel is decoded: a 50 kB PNG declaring 100,000 x 100,000
pixels (a decompression bomb) is refused without allocating anything. Frames are
converted to 8-bit grey or RGB and written as PNM (fast, lossless) in the work folder.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence

from pipeline.config import Settings
from pipeline.errors import CorruptDocument, ImageTooLarge, ResourceLimitExceeded
from pipeline.pages import RenderedPage
from pipeline.pdf_pages import write_pnm

DEFAULT_DPI = 300
_SANE_DPI = range(50, 2401)  # JFIF "no unit" files report 1 or 72 as if DPI


def image_dpi(image: Image.Image) -> int:
    """The file's DPI when it states a plausible one, else 300."""
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    return value if value in _SANE_DPI and value != 72 else DEFAULT_DPI


def to_8bit(frame: Image.Image) -> np.ndarray:
    """Grey (H, W) or RGB (H, W, 3) uint8, whatever the file's mode (1, P, I;16, CMYK...)."""
    if frame.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(frame, dtype=np.uint32 if frame.mode == "I" else np.uint16)
        top = max(int(arr.max()), 1)
        return (arr.astype(np.float32) * (255.0 / top)).astype(np.uint8)
    if frame.mode in ("1", "L"):
        return np.asarray(frame.convert("L"))
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))
    return np.asarray(frame if frame.mode == "RGB" else frame.convert("RGB"))


def load_image_pages(path: Path, settings: Settings, workdir: Path) -> list[RenderedPage]:
    """Every frame of an image file as a page; errors name the file and stage "pages"."""
    name = path.name
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
    except Image.DecompressionBombError as e:  # Pillow's own cap (2x MAX_IMAGE_PIXELS)
        raise ImageTooLarge(str(e), filename=name) from e
    except (OSError, SyntaxError, ValueError) as e:
        raise CorruptDocument(f"cannot read the image header: {e}", filename=name) from e
    pages: list[RenderedPage] = []
    with image:
        try:
            for index, frame in enumerate(ImageSequence.Iterator(image)):
                if index >= settings.max_pages:
                    raise ResourceLimitExceeded(
                        f"more than max_pages={settings.max_pages} frames", filename=name)
                w, h = frame.size
                if w * h > settings.max_page_pixels:
                    raise ImageTooLarge(
                        f"page {index + 1} declares {w}x{h} = {w * h / 1e6:.0f} Mpx, more "
                        f"than max_page_pixels={settings.max_page_pixels}", filename=name)
                dpi = image_dpi(frame)
                frame.load()
                out = write_pnm(workdir / f"page-{index + 1:04d}", to_8bit(frame))
                pages.append(RenderedPage(page=index + 1, image_path=str(out), dpi=dpi,
                                          width=w, height=h))
        except (ImageTooLarge, ResourceLimitExceeded):
            raise
        except Image.DecompressionBombError as e:
            raise ImageTooLarge(str(e), filename=name) from e
        except (OSError, SyntaxError, ValueError, EOFError) as e:
            raise CorruptDocument(f"cannot decode the image (truncated?): {e}",
                                  filename=name) from e
    if not pages:
        raise CorruptDocument("the image has no frames", filename=name)
    return pages
