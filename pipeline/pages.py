"""Pages stage facade: a scan file → one `RenderedPage` per page, images in a work folder.

PDFs go through the sandboxed renderer (`pdf_pages`), images through `images`. Hand-off
objects are small and picklable: a page carries the path of its image, not its pixels.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from pipeline.config import Settings
from pipeline.errors import UnsupportedFormat
from pipeline.models import MediaType, PageText, Word
from pipeline.text_layer import classify_text_layer
from pipeline.textnorm import clean


class RenderedPage(BaseModel):
    """One page image on disk (lossless PNM) and, for PDFs, the page's own words."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    page: int  # 1-based
    image_path: str | None  # None for a PDF page whose real text layer made OCR unneeded
    dpi: int
    width: int
    height: int
    text_layer: PageText | None = None  # only when text_layer_status == "real"
    text_layer_status: Literal["none", "real", "garbage"] = "none"


def load_pages(path: Path, media_type: MediaType, settings: Settings,
               workdir: Path) -> list[RenderedPage]:
    """Render or decode every page of `path` into `workdir` (created if missing).

    Raises the `pipeline.errors` input errors (stage "pages") for encrypted, corrupt,
    oversized or resource-exhausting files.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    if media_type is MediaType.pdf:
        from pipeline.pdf_pages import render_pdf

        return render_pdf(path, settings, workdir)
    if media_type in (MediaType.png, MediaType.jpeg, MediaType.tiff):
        from pipeline.images import load_image_pages

        return load_image_pages(path, settings, workdir)
    raise UnsupportedFormat(f"no page loader for {media_type}", filename=path.name,
                            stage="pages")


def page_text_from_layer(msg: dict[str, Any]) -> tuple[PageText | None, str]:
    """The renderer's raw words → (PageText if the layer is real Vietnamese, status)."""
    words = [(clean(w["text"]), w["bbox"]) for w in msg.get("words", [])]
    words = [(t, b) for t, b in words if t]
    status = msg.get("text_layer_status") or classify_text_layer([t for t, _ in words])
    if status != "real":
        return None, status
    # the layer's frame: the page turned upright when its text runs down or up the page
    w_max = msg.get("layer_width", msg["width"])
    h_max = msg.get("layer_height", msg["height"])
    out = []
    for text, (x0, y0, x1, y1) in words:
        box = (max(0, int(x0)), max(0, int(y0)), min(w_max, round(x1)), min(h_max, round(y1)))
        if box[2] <= box[0] or box[3] <= box[1]:
            continue  # outside the crop box: not visible on the rendered page
        out.append(Word(text=text, bbox=box, confidence=1.0, line_id=0))
    out = _assign_lines(out)
    return PageText(page=msg["page"], width=w_max, height=h_max, dpi=msg.get("dpi", 300),
                    source="text_layer", words=out, rotation=msg.get("rotation", 0)), status


def _assign_lines(words: list[Word]) -> list[Word]:
    """Group words into lines by vertical overlap, as OCR line ids do for extractors."""
    if not words:
        return words
    order = sorted(range(len(words)), key=lambda i: (words[i].bbox[1], words[i].bbox[0]))
    line_ids = [0] * len(words)
    line, ref = 0, words[order[0]].bbox
    for i in order:
        b = words[i].bbox
        centre = (b[1] + b[3]) / 2
        if not ref[1] <= centre <= ref[3]:
            line, ref = line + 1, b
        line_ids[i] = line
    return [w.model_copy(update={"line_id": lid}) for w, lid in zip(words, line_ids)]


def read_page_image(page: RenderedPage | str | Path) -> np.ndarray:
    """The page's pixels: (H, W) grey or (H, W, 3) RGB uint8."""
    import cv2

    from pipeline.pdf_pages import read_pnm

    path = page.image_path if isinstance(page, RenderedPage) else str(page)
    if path is not None and path.endswith((".pgm", ".ppm")) and Path(path).exists():
        pixels = read_pnm(Path(path))  # the pipeline's own page images, read directly
        if pixels is not None:
            return pixels
    image = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if image is None:
        raise FileNotFoundError(path)
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
