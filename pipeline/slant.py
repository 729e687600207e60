"""Italic values read upright: the slant of each word measured, italic runs sheared back.

Forms print their labels upright, but the values are often written or typed in a slanted
hand (an italic face, a clerk's pen). Tesseract's `vie` model reads slanted figures worse
than upright ones: in an italic face '1' comes out as '7', '7' as '2' and '0' as '9'
(`401,0` read `407,0`, map sheet `48` read `4ổ`). Sheared back upright, the same pixels
read right.

A word's slant is the shear that makes its strokes most vertical: the one that maximises
the sum of squared column ink counts (strokes stacked in few columns), the classic deslant
measure of handwriting recognition. Only figures are read again (`figure_runs`): neighbouring
italic figures on a line make one strip, and `figure_strips` cuts each out and shears it
upright (and cuts out, unsheared, the upright figures Tesseract was unsure of). The strips of a page are stacked into one image, read in the Tesseract process that
re-reads the page's weak lines (`pipeline.reread.reread_lines`).

Measured on office-dev2: reading the figures alone gains most, the shear a little more
(docs/accuracy.md, eighth session).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.models import BBox, PageText, Word

SHEARS = tuple(round(0.05 * k, 2) for k in range(0, 9))  # 0 … 0.4 (0° … ~22°)
ITALIC_SLANT = 0.15
"""A word slanted at least this much (horizontal shift per unit of height, ~8.5°) is
italic: upright labels measure 0-0.05, italic values 0.15-0.25."""
MIN_WORD_PX = 12  # words shorter than this (dots, accents) are not measured


def shear(image: np.ndarray, slant: float) -> np.ndarray:
    """`image` (grey, white paper) sheared so a stroke leaning `slant` to the right stands
    upright: row y moves right by slant × y, the bottom row the most. The result is wider by
    slant × height."""
    import cv2

    h, w = image.shape[:2]
    extra = int(np.ceil(slant * h))
    matrix = np.float32([[1, slant, 0], [0, 1, 0]])
    return cv2.warpAffine(image, matrix, (w + extra, h), flags=cv2.INTER_NEAREST,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def slant_of(image: np.ndarray) -> float | None:
    """The shear (one of SHEARS) that stands the ink of `image` most upright; None when the
    crop holds too little ink to tell. Each shear moves the ink pixels of row y right by
    shear × y; the score is the sum of squared column counts."""
    ys, xs = np.nonzero(image < 128)
    if image.shape[0] < MIN_WORD_PX or ys.size < 2 * image.shape[0]:
        return None
    best, best_score = None, -1.0
    for s in SHEARS:
        cols = np.bincount(xs + np.rint(s * ys).astype(np.int64))
        score = float(np.dot(cols, cols))
        if score > best_score:
            best, best_score = s, score
    return best


def word_slant(image: np.ndarray, bbox: BBox) -> float | None:
    x0, y0, x1, y1 = bbox
    if y1 - y0 < MIN_WORD_PX or x1 <= x0:
        return None
    return slant_of(image[max(0, y0):y1, max(0, x0):x1])


PREFIX = re.compile(r"^[A-ZĐ]{1,3}$")  # 'CT', 'AK': the letters before a register number


AREA_UNIT = re.compile(r"^[mM][2²][.,;)]*$")
"""'m²', which Tesseract reads 'm2': a unit, not a figure. Read with the area, its 2 came out
as a last decimal (476,0 m² as 476,02)."""


def _figure(word: Word) -> bool:
    return len(word.text) >= 2 and any(c.isdigit() for c in word.text) \
        and not AREA_UNIT.match(word.text)


@dataclass(slots=True)
class FigureRun:
    """Neighbouring figures on a line (with the capitals just before them, 'CT 23283') and
    the slant of each figure."""

    words: list[Word]
    slants: list[float]

    @property
    def box(self) -> BBox:
        return (min(x.bbox[0] for x in self.words), min(x.bbox[1] for x in self.words),
                max(x.bbox[2] for x in self.words), max(x.bbox[3] for x in self.words))


def figure_runs(image: np.ndarray, page: PageText, skip: Sequence[BBox] = ()
                ) -> tuple[list[FigureRun], list[FigureRun]]:
    """(italic runs, upright runs) of the figures of `page`, each word's slant measured once:
    words of two characters or more holding a digit, leaning ITALIC_SLANT or more (italic)
    or less (upright), neighbours of the same kind on a line joined. An upright figure whose
    centre is inside a `skip` box (a weak line, re-read whole) is left out. Only figures:
    they are what slant confuses most (1/7, 7/2, 0/9), no list checks them, and re-reading
    every italic word would cost a page's OCR again. Lone digits ('7' of a date in a
    sentence) read worse alone than in their line."""
    lines: dict[int, list[Word]] = {}
    for w in page.words:
        lines.setdefault(w.line_id, []).append(w)
    italic: list[FigureRun] = []
    upright: list[FigureRun] = []
    for words in lines.values():
        words.sort(key=lambda w: w.bbox[0])
        line_runs: tuple[list[FigureRun], list[FigureRun]] = ([], [])
        for i, w in enumerate(words):
            slant = word_slant(image, w.bbox) if _figure(w) else None
            if slant is None:
                continue
            runs = line_runs[0] if slant >= ITALIC_SLANT else line_runs[1]
            if runs is line_runs[1] and centre_in_any(w.bbox, skip):
                continue
            height = w.bbox[3] - w.bbox[1]
            if runs and runs[-1].words[-1] is words[i - 1] and \
                    w.bbox[0] - words[i - 1].bbox[2] < height:
                runs[-1].words.append(w)
                runs[-1].slants.append(slant)
                continue
            prefix = [words[i - 1]] if i > 0 and PREFIX.match(words[i - 1].text) else []
            runs.append(FigureRun([*prefix, w], [slant]))
        italic += line_runs[0]
        upright += line_runs[1]
    return italic, upright


def italic_runs(image: np.ndarray, page: PageText) -> list[tuple[BBox, float]]:
    """(box, median slant) of the italic runs of `page` (`figure_runs`)."""
    return [(r.box, float(np.median(r.slants))) for r in figure_runs(image, page)[0]]


def centre_in_any(box: BBox, boxes: Sequence[BBox]) -> bool:
    """The centre of `box` lies in one of `boxes`."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


SIDE_MARGIN = 0.2  # of the run's height, left and right of it: no more, or the label's
# colon and last letter come into the strip
TOP_MARGIN = 0.35  # above and below


PAD = 1.0  # white added left and right of the strip, in run heights: Tesseract misreads
# a strip cut tight round a short number ('1151' as '7 2M]')


def run_crop(box: BBox, size: tuple[int, int]) -> BBox:
    """The page pixels a run's strip is cut from: the run and TOP_MARGIN above and below,
    PAD to the sides (whitened by `_padded` but for SIDE_MARGIN)."""
    width_px, height_px = size
    x0, y0, x1, y1 = box
    h = y1 - y0
    mx, my = max(2, round(PAD * h)), max(2, round(TOP_MARGIN * h))
    return (max(0, x0 - mx), max(0, y0 - my), min(width_px, x1 + mx), min(height_px, y1 + my))


def _padded(image: np.ndarray, crop: BBox, run: BBox) -> np.ndarray:
    """The crop with everything further than SIDE_MARGIN left or right of the run white."""
    out = image[crop[1]:crop[3], crop[0]:crop[2]].copy()
    m = max(2, round(SIDE_MARGIN * (run[3] - run[1])))
    left, right = max(0, run[0] - m - crop[0]), min(out.shape[1], run[2] + m - crop[0])
    out[:, :left] = 255
    out[:, right:] = 255
    return out


@dataclass(frozen=True, slots=True)
class FigureStrip:
    """One run ready to read: `pixels` cut from the page at `crop` and, for an italic run,
    sheared upright by `slant` (0: upright); `box` is the run's words' box (the words a
    reading replaces)."""

    box: BBox
    crop: BBox
    slant: float
    pixels: np.ndarray

    def upright(self, words: list[Word]) -> list[Word]:
        """Words read on `pixels` (boxes already moved to the page by the crop's offset)
        with their boxes moved back where their pixels are on the page."""
        return [_unsheared(w, self.slant, self.crop[1]) for w in words]


FIGURE_SURE = 0.95
"""An upright figure Tesseract scored under this, on a line not re-read as weak, is read a
second time too: a register or parcel number has nothing else on the form to corroborate
it, and an isolated second reading that agrees is evidence of its own (the confidence
model's `reread_agrees`)."""


def figure_strips(image: np.ndarray, page: PageText, skip: Sequence[BBox] = (), *,
                  italic: bool = True, upright: bool = True,
                  sure: float | None = FIGURE_SURE) -> list[FigureStrip]:
    """The runs `pipeline.reread` reads again with the page's weak lines, in the same
    Tesseract call, cut out and padded: with `italic`, every italic run sheared upright;
    then with `upright`, every upright run with a word Tesseract scored under `sure` (None:
    every one) and none inside a `skip` box."""
    size = (image.shape[1], image.shape[0])
    slanted, straight = figure_runs(image, page, skip)
    out = []
    for run in slanted if italic else []:
        box, slant = run.box, float(np.median(run.slants))
        crop = run_crop(box, size)
        out.append(FigureStrip(box=box, crop=crop, slant=slant,
                               pixels=shear(_padded(image, crop, box), slant)))
    for run in straight if upright else []:
        if sure is not None and min(x.confidence for x in run.words) >= sure:
            continue
        box = run.box
        crop = run_crop(box, size)
        out.append(FigureStrip(box=box, crop=crop, slant=0.0, pixels=_padded(image, crop, box)))
    return out


def _unsheared(word: Word, slant: float, top: int) -> Word:
    """A word read on a sheared strip, its box moved back to where its pixels are on the
    page (the shear moved row y of the strip right by slant × (y - top))."""
    x0, y0, x1, y1 = word.bbox
    dx = round(slant * ((y0 + y1) / 2 - top))
    return word.model_copy(update={"bbox": (x0 - dx, y0, x1 - dx, y1)})
