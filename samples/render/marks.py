"""Non-text marks of an official document: the red round seal, the signature, the QR code.

They are not words (nothing here goes into the text layer) but they are what makes OCR hard
on real certificates: the seal is stamped across the signer's name, the signature is ink
scribble near printed text. The seal is blended multiplicatively so black text under it stays
dark, as with real stamp ink.
"""

from __future__ import annotations

import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from samples.render.canvas import FormCanvas, Ink

SEAL_RED: Ink = (200, 30, 40)


def _ring_text(mask: Image.Image, text: str, font: ImageFont.FreeTypeFont, cx: float, cy: float,
               radius: float) -> None:
    """Characters of `text` around the upper part of a circle, each rotated to face out."""
    span = min(300.0, 11.0 * len(text))  # degrees covered by the text
    start = -90 - span / 2
    size = int(font.size * 1.6)
    for i, ch in enumerate(text):
        angle = start + span * (i + 0.5) / max(len(text), 1)
        glyph = Image.new("L", (size, size), 0)
        ImageDraw.Draw(glyph).text((size / 2, size / 2), ch, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-(angle + 90), resample=Image.BILINEAR)
        x = cx + radius * math.cos(math.radians(angle)) - size / 2
        y = cy + radius * math.sin(math.radians(angle)) - size / 2
        mask.paste(255, (int(x), int(y)), glyph)


def seal(c: FormCanvas, cx: int, cy: int, text: str, rng: random.Random) -> None:
    """A red round seal centred at (cx, cy) with `text` round the rim and a star inside."""
    r = rng.randint(185, 225)
    box = 2 * r + 20
    mask = Image.new("L", (box, box), 0)
    d = ImageDraw.Draw(mask)
    m = box // 2
    d.ellipse([m - r, m - r, m + r, m + r], outline=255, width=rng.randint(7, 10))
    d.ellipse([m - r + 70, m - r + 70, m + r - 70, m + r - 70], outline=255, width=4)
    font = c.bold_font(0.72)
    _ring_text(mask, text.upper()[:34], font, m, m, r - 38)
    star = [(m + 55 * math.cos(math.radians(-90 + k * 36)) * (1 if k % 2 == 0 else 0.4),
             m + 55 * math.sin(math.radians(-90 + k * 36)) * (1 if k % 2 == 0 else 0.4)) for k in range(10)]
    d.polygon(star, fill=255)
    mask = mask.rotate(rng.uniform(-25, 25), resample=Image.BILINEAR)
    _stamp(c.image, mask, (cx - m, cy - m), SEAL_RED, strength=rng.uniform(0.7, 0.95), rng=rng)


def _stamp(page: Image.Image, mask: Image.Image, at: tuple[int, int], ink: Ink, *,
           strength: float, rng: random.Random) -> None:
    """Multiply `ink` into `page` through `mask` with patchy coverage, like a real stamp."""
    x, y = at
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + mask.width, page.width), min(y + mask.height, page.height)
    if x1 <= x0 or y1 <= y0:
        return
    region = np.asarray(page.crop((x0, y0, x1, y1)), dtype=np.float32)
    alpha = np.asarray(mask.crop((x0 - x, y0 - y, x1 - x, y1 - y)), dtype=np.float32) / 255.0
    patchy = np.random.default_rng(rng.getrandbits(32)).uniform(0.6, 1.0, alpha.shape[:2])
    alpha = (alpha * patchy * strength)[..., None]
    tint = np.array(ink, dtype=np.float32) / 255.0
    out = region * (1 - alpha + alpha * tint)
    page.paste(Image.fromarray(out.clip(0, 255).astype(np.uint8)), (x0, y0))


def signature(c: FormCanvas, x: int, y: int, rng: random.Random) -> None:
    """An ink scrawl about 400 px wide with its left end at (x, y)."""
    width = rng.randint(300, 480)
    loops = rng.randint(3, 7)
    amp = rng.randint(25, 60)
    phase = rng.uniform(0, math.tau)
    pts = []
    for i in range(120):
        t = i / 119
        px = x + width * t + amp * 0.6 * math.cos(loops * math.tau * t + phase)
        py = y - amp * math.sin(loops * math.tau * t) * (1 - 0.5 * t) - 40 * t * rng.uniform(0.9, 1.1)
        pts.append((px, py))
    ink = rng.choice([(25, 40, 140), (20, 20, 30)])
    c.draw.line(pts, fill=ink, width=rng.randint(3, 5), joint="curve")
    c.draw.line([(x + width * 0.1, y + 25), (x + width * 0.95, y + 10)], fill=ink, width=3)


def qr_block(c: FormCanvas, data: str, x: int, y: int, size: int) -> None:
    """A QR code (as on the 2024 land certificate) with its top-left corner at (x, y)."""
    import qrcode

    qr = qrcode.QRCode(border=1, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    img = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    c.image.paste(img.resize((size, size), Image.NEAREST), (x, y))
