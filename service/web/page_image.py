"""The page images of the workstation: a downscaled WebP derivative of each page (about
1,600 px wide), made once from the stored original and cached in the store, and the size
of the page in the coordinates of the record's boxes (the page as it was read), so the
boxes can be drawn over the derivative at any scale. Both the derivative and the field
crops are cut from the page *as it was read* (`pipeline.page_frames`: upscaled, turned and
levelled like the OCR's input), so every box lands on its text, skewed scans included.

Field crops reuse `service.evidence.field_crop_png` at full resolution, cached likewise."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from pipeline.config import Settings, get_settings
from pipeline.models import MediaType, Record
from pipeline.page_frames import decode_page, replay_geometry
from pipeline.readings import load_reading
from pipeline.storage import ObjectStore, keys
from service.evidence import ensure_field_crop

TARGET_WIDTH = 1600


@dataclass(frozen=True)
class PageGeometry:
    page: int  # 1-based
    width: int  # in box coordinates (pixels of the page as read)
    height: int
    rotation: int = 0  # clockwise degrees the page was turned before it was read
    skew: float = 0.0  # degrees it was levelled by (counter-clockwise positive)
    source: str = "ocr"  # or "text_layer" (the page as rendered, no geometry to replay)


def derivative_key(sha256: str, page: int, width: int = TARGET_WIDTH, rotation: int = 0,
                   skew: float = 0.0) -> str:
    turned = f"-r{rotation % 360}" if rotation % 360 else ""
    levelled = f"-s{skew:+.2f}" if skew else ""
    return f"derivatives/{sha256}/p{page}{turned}{levelled}-w{width}.webp"


def page_geometry(store: ObjectStore, record: Record, settings: Settings) -> list[PageGeometry]:
    """Page sizes from the stored reading; when there is none (an old reading version),
    from the original itself."""
    reading = load_reading(store, record.source.sha256, settings)
    if reading:
        return [PageGeometry(p.page, p.width, p.height, p.rotation, p.skew, p.source)
                for p in reading]
    original = store.get_bytes(keys.original_key(record.source.sha256))
    return [PageGeometry(i + 1, w, h) for i, (w, h) in
            enumerate(_native_sizes(original, record.source.media_type, settings.dpi))]


def _native_sizes(original: bytes, media_type: MediaType, dpi: int) -> list[tuple[int, int]]:
    if media_type is MediaType.pdf:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(original)
        try:
            return [(round(w * dpi / 72), round(h * dpi / 72))
                    for w, h in (pdf[i].get_size() for i in range(len(pdf)))]
        finally:
            pdf.close()
    from PIL import Image, ImageSequence

    with Image.open(io.BytesIO(original)) as im:
        return [frame.size for frame in ImageSequence.Iterator(im)]


def render_derivative(original: bytes, media_type: MediaType, page: int,
                      width: int = TARGET_WIDTH, rotation: int = 0, *, skew: float = 0.0,
                      size: tuple[int, int] | None = None,
                      settings: Settings | None = None) -> bytes:
    """WebP bytes of page `page` (1-based) as it was read - turned `rotation` degrees
    clockwise, levelled by `skew`, in a frame of `size` (the reading's width and height) -
    then `width` pixels wide (never upscaled)."""
    from PIL import Image

    settings = settings or get_settings()
    pixels, native_dpi = decode_page(original, media_type, page, settings.dpi)
    pixels = replay_geometry(pixels, native_dpi, settings, rotation=rotation, skew=skew,
                             size=size)
    image = Image.fromarray(np.ascontiguousarray(pixels))
    if image.width > width:
        image = image.resize((width, round(image.height * width / image.width)),
                             Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="WEBP", quality=80, method=4)
    return out.getvalue()


def page_image(store: ObjectStore, record: Record, page: int,
               geometry: PageGeometry | int | None = None) -> bytes:
    """The cached derivative of a page (in the frame of `geometry`), made on first use."""
    if not 1 <= page <= max(1, record.source.pages):
        raise ValueError(f"page {page} out of range")
    geo = geometry if isinstance(geometry, PageGeometry) else None
    rotation = geo.rotation if geo else int(geometry or 0)
    skew = geo.skew if geo and geo.source == "ocr" else 0.0
    key = derivative_key(record.source.sha256, page, rotation=rotation, skew=skew)
    if not store.exists(key):
        original = store.get_bytes(keys.original_key(record.source.sha256))
        size = (geo.width, geo.height) if geo and geo.source == "ocr" else None
        store.put_bytes(key, render_derivative(original, record.source.media_type, page,
                                               rotation=rotation, skew=skew, size=size),
                        content_type="image/webp")
    return store.get_bytes(key)


def field_crop(store: ObjectStore, record: Record, key: str, settings: Settings) -> bytes:
    """PNG crop of the field's box at full resolution, from the page as it was read
    (cached like the API's evidence)."""
    fv = record.fields[key]
    if fv.bbox is None or fv.page is None:
        raise ValueError(f"field {key} has no box")
    return store.get_bytes(ensure_field_crop(store, settings, record, key, settings.dpi))
