"""Page cleaning before OCR: each step a function over a numpy image, measurable alone.

Images are uint8, (H, W) grey or (H, W, 3) RGB, black ink on white paper. Steps keep the
geometry (same size) except `deskew` and `rotate_orthogonal`, which report what they did
so word boxes can be related to the original scan. `clean_page` composes the steps that
measurably help (benchmarks/cleaning_steps.py); the others stay available.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np

from pipeline.config import Settings

Image = np.ndarray


def to_grey(image: Image) -> Image:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def components(binary: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """`cv2.connectedComponentsWithStats` (8-connected) with 16-bit labels while they fit:
    3-4x faster than 32-bit labels on a page (18 vs 60-78 ms for A4 at 300 DPI); a page with
    more than 65,535 blobs (noise) is labelled again in 32 bits, same result."""
    try:
        return cv2.connectedComponentsWithStats(binary, connectivity=8, ltype=cv2.CV_16U)
    except cv2.error:  # OpenCV refuses to overflow the label type
        return cv2.connectedComponentsWithStats(binary, connectivity=8)


def suppress_red(image: Image, *, min_excess: int = 60, dpi: int = 300,
                 max_text_mm: float = 12.0) -> Image:
    """Turn red seal ink into paper white, before binarisation merges it with text, and keep
    red *printed text*: land certificates print their titles and serial number in red
    (domain.md: "Serial: 2 letters + 6 digits"), which erasing every red pixel would lose.

    A pixel is red ink when red exceeds both green and blue by `min_excess`: black text under
    a seal stays dark in every channel and survives. Red ink is then grouped into blobs
    (strokes joined over about a millimetre); a blob taller than `max_text_mm` is a seal (a
    round stamp is 30-40 mm across), and every red pixel inside a seal's box goes, its rim
    text and star included. Red blobs shaped like a line of text (wider than tall, outside
    any seal) are kept as ink. Grey input is returned as is.
    """
    if image.ndim == 2 or not red_mask(image[::4, ::4], min_excess).any():
        return image  # a look at every 16th pixel first: most pages carry no red at all
    red = red_mask(image, min_excess)
    if not red.any():
        return image
    out = image.copy()
    out[red & ~red_text_mask(red, dpi=dpi, max_text_mm=max_text_mm)] = 255
    return out


def red_mask(image: Image, min_excess: int) -> np.ndarray:
    """Where red exceeds both green and blue by `min_excess` (RGB input)."""
    r, g, b = cv2.split(image)
    return cv2.subtract(r, cv2.max(g, b)) > min_excess  # saturating: never below 0


def red_text_mask(red: np.ndarray, *, dpi: int = 300, max_text_mm: float = 12.0) -> np.ndarray:
    """The red pixels that belong to printed lines of text rather than to a seal."""
    px_per_mm = dpi / 25.4
    join = max(3, round(1.0 * px_per_mm))
    blobs = cv2.dilate(red.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_RECT,
                                                                       (join, join)))
    n, labels, stats, _ = components(blobs)
    max_h = max_text_mm * px_per_mm
    seals = [tuple(st[:4]) for st in stats[1:] if st[cv2.CC_STAT_HEIGHT] > max_h]
    keep_label = np.zeros(n, dtype=bool)
    marks = []  # small blobs: a diacritic above a red line, or a seal's stray arc
    for label in range(1, n):
        x, y, w, h = (int(v) for v in stats[label, :4])
        if h > max_h or any(_inside(x, y, w, h, seal, margin=join) for seal in seals):
            continue  # a seal, its rim text or its star
        if w < 1.5 * h:
            marks.append(label)
        else:
            keep_label[label] = True  # shaped like a line of text
    lines = [tuple(int(v) for v in stats[label, :4]) for label in np.flatnonzero(keep_label)]
    for label in marks:  # keep a mark only when it sits on a kept line (tone marks, dots)
        x, y, w, h = (int(v) for v in stats[label, :4])
        keep_label[label] = any(x < lx + lw and lx < x + w and y < ly + lh + 2 * join
                                and ly - 2 * join < y + h for lx, ly, lw, lh in lines)
    return red & keep_label[labels]


def _inside(x: int, y: int, w: int, h: int, box: tuple[int, ...], *, margin: int) -> bool:
    bx, by, bw, bh = box
    return (x >= bx - margin and y >= by - margin
            and x + w <= bx + bw + margin and y + h <= by + bh + margin)


def flatten_illumination(image: Image, *, kernel: int = 31, blur: float = 8.0) -> Image:
    """Divide out uneven lighting (a phone's hot spot, a flatbed's dark fold, a yellowed
    corner): the paper's own brightness, estimated by closing away the ink and blurring,
    becomes white everywhere. Tesseract binarises with one global threshold, so a page
    darker at one end loses its words there to black or white; this evens the page first.
    Grey in, grey out, same size; ink stays ink (its ratio to the local paper is kept)."""
    grey = to_grey(image)
    paper = cv2.morphologyEx(grey, cv2.MORPH_CLOSE,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (kernel, kernel)))
    paper = cv2.GaussianBlur(paper, (0, 0), blur)
    flat = grey.astype(np.float32) * 255.0 / np.maximum(paper, 1).astype(np.float32)
    return np.clip(flat, 0, 255).astype(np.uint8)


UNEVEN_PAPER_LEVELS = 20.0
"""Paper brightness spread (5th-95th percentile, grey levels) above which a page is flattened:
office scans measure 0-1, hurried or phone scans 30-80 (synthetic corpora, 2026-11-23).
Flattening an evenly lit page costs accuracy (office300 field accuracy 82.5% -> 80.9%)."""


def paper_unevenness(image: Image) -> float:
    """How unevenly the paper is lit: the spread of its estimated brightness, measured on a
    quarter-size copy (cheap enough to ask of every page)."""
    small = cv2.resize(to_grey(image), None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
    lo, hi = np.percentile(cv2.GaussianBlur(paper, (0, 0), 4), [5, 95])
    return float(hi - lo)


def _ink_points(grey: Image, max_side: int) -> tuple[np.ndarray, np.ndarray, float]:
    scale = min(1.0, max_side / max(grey.shape))
    small = grey
    if scale < 0.5:  # halving first: OpenCV's area resampling is 10x faster at exactly 1/2
        small = cv2.resize(grey, (grey.shape[1] // 2, grey.shape[0] // 2),
                           interpolation=cv2.INTER_AREA)
    if scale < 1:
        size = (round(grey.shape[1] * scale), round(grey.shape[0] * scale))
        small = cv2.resize(small, size, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    if len(xs) > 150_000:  # subsample: the profile sharpness needs far fewer points
        pick = np.random.default_rng(0).choice(len(xs), 150_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    return xs.astype(np.float32), ys.astype(np.float32), scale


def estimate_skew(image: Image, *, max_angle: float = 10.0, max_side: int = 1600) -> float:
    """Skew in degrees, counter-clockwise positive (PIL's `rotate(3)` gives +3).

    Text lines make the horizontal projection profile spiky when they are level; the
    angle that maximises the profile's energy (sum of squared row counts) is the skew.
    Coarse 0.5° search over ±max_angle on a downscaled copy, then 0.05° refinement.
    """
    xs, ys, _ = _ink_points(to_grey(image), max_side)
    if len(xs) < 100:
        return 0.0

    def energy(angle: float) -> float:
        t = np.deg2rad(angle)
        rows = (ys * np.cos(t) + xs * np.sin(t)).astype(np.int32)
        counts = np.bincount(rows - rows.min())
        return float(np.dot(counts, counts))

    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.5)
    best = max(coarse, key=energy)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    return round(float(max(fine, key=energy)), 2)


def rotate_small(image: Image, angle: float) -> Image:
    """Rotate counter-clockwise by `angle` degrees, growing the canvas (white fill) so no
    text at the corners is cut."""
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos + 0.5), int(h * cos + w * sin + 0.5)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    white = (255,) * (1 if image.ndim == 2 else image.shape[2])
    return cv2.warpAffine(image, m, (nw, nh), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=white)


def deskew(image: Image, *, max_angle: float = 10.0,
           min_angle: float = 0.1) -> tuple[Image, float]:
    """Level the text lines; returns (image, skew corrected). Below `min_angle` the page
    is left alone (resampling costs time and blurs strokes for no gain)."""
    angle = estimate_skew(image, max_angle=max_angle)
    if abs(angle) < min_angle:
        return image, 0.0
    return rotate_small(image, -angle), angle


def rotate_orthogonal(image: Image, degrees: int) -> Image:
    """Rotate clockwise by 0/90/180/270 (lossless)."""
    return np.ascontiguousarray(np.rot90(image, k=-(degrees // 90) % 4))


def detect_orientation(image: Image, *, max_side: int = 2500) -> tuple[int, float]:
    """(clockwise degrees that upright the page, OSD confidence) from Tesseract OSD.

    Costs one Tesseract run (~1.5 s for A4 at 300 DPI): call it only when the OCR result
    looks wrong. Returns (0, 0.0) when OSD finds too little text to decide.
    """
    import pytesseract

    grey = to_grey(image)
    scale = min(1.0, max_side / max(grey.shape))
    if scale < 1:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    from pipeline.tesseract_gate import tesseract_slot

    try:
        with tesseract_slot():
            osd = pytesseract.image_to_osd(
                grey, config="--psm 0 -c min_characters_to_try=10",
                output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:  # "Too few characters", etc.
        return 0, 0.0
    return int(osd.get("rotate", 0)) % 360, float(osd.get("orientation_conf", 0.0))


def speckle_share(image: Image) -> float:
    """Share of pixels that are isolated specks: ink with at most one inked neighbour, or
    paper likewise surrounded by ink. Clean text at 300 DPI scores ~1e-5, scanner
    speckle 1e-4 and up."""
    ink = cv2.compare(to_grey(image), 128, cv2.CMP_LT)  # 255 on ink, 0 on paper
    inked = cv2.boxFilter(ink // 255, cv2.CV_8U, (3, 3), normalize=False)  # 0..9 around
    salt = cv2.bitwise_and(ink, cv2.compare(inked, 2, cv2.CMP_LE))  # ink, <= 1 inked neighbour
    pepper = cv2.bitwise_and(cv2.bitwise_not(ink), cv2.compare(inked, 7, cv2.CMP_GE))  # paper
    return (cv2.countNonZero(salt) + cv2.countNonZero(pepper)) / ink.size


def denoise(image: Image, *, ksize: int = 3, min_speckle: float = 5e-5) -> Image:
    """Median filter against scanner speckle, applied only when there is speckle.

    On a clean page the median erodes thin marks (seen: NGUYỄN read as NGUYÊN once the
    tilde was thinned), so the page is returned unchanged below `min_speckle`.
    """
    if speckle_share(image) < min_speckle:
        return image
    return cv2.medianBlur(image, ksize)


def binarise(image: Image, *,
             method: Literal["otsu", "adaptive"] = "otsu", block: int = 51, c: int = 15) -> Image:
    """Black text on white, 0/255. Adaptive copes with uneven lighting (phone photos)."""
    grey = to_grey(image)
    if method == "adaptive":
        return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                                     cv2.THRESH_BINARY, block, c)
    _, out = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return out


def remove_form_lines(image: Image, *, dpi: int = 300, min_length_mm: float = 15.0,
                      max_thickness_mm: float = 0.8, gap_mm: float = 1.2,
                      min_coverage: float = 0.9) -> Image:
    """Erase ruled writing lines and dashes joined into lines (horizontal and vertical),
    keep the text.

    Ink is joined by a closing across `gap_mm`, long runs kept by an opening of
    `min_length_mm`; of those, only thin components whose own ink covers at least
    `min_coverage` of their length are lines. The closing also joins the tops and bottoms
    of a row of closely set letters or digits ('002087225129', 'NGUYỄN VĂN LONG') into a
    thin run, but their ink covers only 50-80% of it (the gaps between glyphs): erasing
    those cut the tops off an ID's digits. Dotted leaders are `remove_dot_leaders`' job.
    Their ink becomes paper white. The line mask is found at half resolution above
    200 DPI (4x fewer pixels, same lines).
    """
    grey = to_grey(image)
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    scale = 0.5 if dpi > 200 else 1.0
    small = cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) \
        if scale < 1 else ink
    small = np.where(small > 64, np.uint8(255), np.uint8(0))
    px = dpi * scale / 25.4
    gap, length = max(2, round(gap_mm * px)), round(min_length_mm * px)
    thick = max(2, round(max_thickness_mm * px))
    lines = np.zeros_like(small)
    for horizontal in (True, False):
        join = (gap, 1) if horizontal else (1, gap)
        keep = (length, 1) if horizontal else (1, length)
        rect = cv2.getStructuringElement
        joined = cv2.morphologyEx(small, cv2.MORPH_CLOSE, rect(cv2.MORPH_RECT, join))
        runs = cv2.morphologyEx(joined, cv2.MORPH_OPEN, rect(cv2.MORPH_RECT, keep))
        n, labels, stats, _ = components(runs)
        side = cv2.CC_STAT_HEIGHT if horizontal else cv2.CC_STAT_WIDTH
        thin = stats[:, side] <= thick
        thin[0] = False
        for label in np.flatnonzero(thin):
            thin[label] = _coverage(labels, stats, small, label, horizontal) >= min_coverage
        if thin.any():
            lines |= np.where(thin, np.uint8(255), np.uint8(0))[labels]
    if not lines.any():
        return image
    if scale < 1:
        lines = cv2.resize(lines, (grey.shape[1], grey.shape[0]),
                           interpolation=cv2.INTER_NEAREST)
    erase = cv2.bitwise_and(cv2.dilate(lines, np.ones((3, 3), np.uint8)), ink)
    if image.ndim == 2:
        return cv2.max(image, erase)  # 255 where a line's ink was, the page elsewhere
    out = image.copy()
    out[erase > 0] = 255
    return out


def _coverage(labels: np.ndarray, stats: np.ndarray, ink: np.ndarray, label: int,
              horizontal: bool) -> float:
    """The share of a component's extent (the columns of a horizontal one, the rows of a
    vertical one) where its pixels hold ink before the closing joined them."""
    x, y, w, h = (int(v) for v in stats[label, :4])
    own = (labels[y:y + h, x:x + w] == label) & (ink[y:y + h, x:x + w] > 0)
    inked = own.any(axis=0 if horizontal else 1)
    return float(np.count_nonzero(inked)) / max(w if horizontal else h, 1)


def remove_dot_leaders(image: Image, *, dpi: int = 300, max_dot_mm: float = 0.6,
                       max_pitch_mm: float = 4.0, min_dots: int = 5, max_dy_mm: float = 0.35,
                       max_pitch_spread: float = 0.3, letter_reach_mm: float = 1.5) -> Image:
    """Erase the dots of leader lines ('Số: 230 ..........'), whatever their pitch.

    Typed and monospaced forms space their dots up to ~2.5 mm apart, too far for the closing
    of `remove_form_lines` to join; a short value followed by a long row of such dots is what
    Tesseract turns into a line of garbage. A leader is a row of at least `min_dots` small
    components (`max_dot_mm` square) on one level (`max_dy_mm`), no further apart than
    `max_pitch_mm`, evenly spaced (interquartile range of the gaps within `max_pitch_spread`
    of their median). A dot with a letter right above it (`letter_reach_mm`) is kept: it is
    a tone mark (the nặng dot sits on the leader's level) or a leader dot the text covers.
    """
    grey = to_grey(image)
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, labels, stats, centres = components(ink)
    px = dpi / 25.4
    side = max(2, round(max_dot_mm * px))
    small = (stats[:, cv2.CC_STAT_WIDTH] <= side) & (stats[:, cv2.CC_STAT_HEIGHT] <= side)
    small[0] = False
    dots = np.flatnonzero(small)
    if dots.size < min_dots:
        return image
    xs, ys = centres[:, 0], centres[:, 1]
    dots = dots[np.argsort(ys[dots], kind="stable")]
    band, pitch = max_dy_mm * px, max_pitch_mm * px
    runs: list[np.ndarray] = []
    i = 0
    while i < dots.size:  # rows of dots on one level, then runs of near neighbours in a row
        j = i
        while j + 1 < dots.size and ys[dots[j + 1]] - ys[dots[i]] <= band:
            j += 1
        row = dots[i:j + 1][np.argsort(xs[dots[i:j + 1]], kind="stable")]
        cuts = np.flatnonzero(np.diff(xs[row]) > pitch) + 1
        for run in np.split(row, cuts):
            if run.size < min_dots:
                continue
            gaps = np.diff(xs[run])
            mid = float(np.median(gaps))
            q1, q3 = np.percentile(gaps, (25, 75))
            if mid > 0 and q3 - q1 <= max_pitch_spread * mid:
                runs.append(run)
        i = j + 1
    if not runs:
        return image
    reach = max(2, round(letter_reach_mm * px))
    kernel = np.ones((reach, 3), np.uint8)  # anchored at its bottom row: ink above a pixel
    out = image.copy()
    for run in runs:  # only the run's band: its dots and the `reach` rows above them
        left, top = stats[run, cv2.CC_STAT_LEFT], stats[run, cv2.CC_STAT_TOP]
        x0, y0 = max(0, int(left.min()) - 1), max(0, int(top.min()) - reach + 1)
        x1 = int((left + stats[run, cv2.CC_STAT_WIDTH]).max()) + 1
        y1 = int((top + stats[run, cv2.CC_STAT_HEIGHT]).max())
        sub = labels[y0:y1, x0:x1]
        letters = np.where(small[sub] | (sub == 0), np.uint8(0), np.uint8(255))
        under_letter = cv2.dilate(letters, kernel, anchor=(1, reach - 1))
        erase = np.zeros(n, dtype=bool)
        erase[run] = True
        erase[sub[under_letter > 0]] = False  # a tone mark, or a dot the text covers
        out[y0:y1, x0:x1][erase[sub]] = 255
    return out


@dataclass
class CleanedPage:
    image: Image  # what OCR should read
    skew: float = 0.0  # degrees corrected (counter-clockwise positive)
    rotation: int = 0  # clockwise degrees applied (orientation)
    steps: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


DEFAULT_STEPS = ("suppress_red", "flatten_illumination", "deskew", "denoise",
                 "remove_dot_leaders", "remove_form_lines")
"""Chosen by benchmarks/cleaning_steps.py (synthetic form pages with dotted lines and a seal,
clean and skewed+speckled, psm 6): CER 0.46 raw → 0.002 with these four; every step alone
helps less than 0.15, and remove_form_lines only works on level, speckle-free pages, hence
the order. Binarising ourselves did not help (Tesseract binarises anyway)."""


def clean_page(image: Image, settings: Settings, *,
               steps: tuple[str, ...] = DEFAULT_STEPS, dpi: int | None = None) -> CleanedPage:
    """Apply `steps` in a fixed sensible order (red before grey, deskew before lines)."""
    page = CleanedPage(image=image)
    order = ("suppress_red", "flatten_illumination", "deskew", "denoise", "remove_dot_leaders",
             "remove_form_lines", "binarise")
    for name in order:
        if name not in steps:
            continue
        start = time.perf_counter()
        if name == "suppress_red":
            page.image = to_grey(suppress_red(page.image, dpi=dpi or settings.dpi))
        elif name == "flatten_illumination":
            if paper_unevenness(page.image) <= UNEVEN_PAPER_LEVELS:
                continue  # evenly lit: leave it (and do not list the step as applied)
            page.image = flatten_illumination(page.image)
        elif name == "deskew":
            page.image, page.skew = deskew(page.image)
        elif name == "denoise":
            page.image = denoise(page.image)
        elif name == "remove_dot_leaders":
            page.image = remove_dot_leaders(page.image, dpi=dpi or settings.dpi)
        elif name == "remove_form_lines":
            page.image = remove_form_lines(page.image, dpi=dpi or settings.dpi)
        elif name == "binarise":
            page.image = binarise(page.image)
        page.steps.append(name)
        page.seconds[name] = time.perf_counter() - start
    page.image = to_grey(page.image)
    return page
