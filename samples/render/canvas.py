"""Drawing toolkit for A4 forms at 300 DPI: labels, filled-in values, dotted writing lines.

Every word is drawn one at a time and its box recorded, so the text layer of a born-digital
PDF (and any check of a field's bbox) knows where each word is. Boxes are font-metric boxes
(pen x to pen x + advance, baseline − ascent to baseline + descent) rather than ink boxes:
all words of one line then share a top and a bottom, as characters of a real text layer do,
and a PDF reader groups them into one line.

The layout (`Layout`) is drawn from the document's rng: margins, sizes, spacing, baseline
jitter, so no two synthetic documents are pixel-aligned like a template.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, replace

from PIL import Image, ImageDraw, ImageFont

from samples.content import TextBox
from samples.render.fonts import FontSet, load

PAGE_W, PAGE_H = 2480, 3508  # A4 at 300 DPI
Ink = tuple[int, int, int]
BLACK: Ink = (20, 20, 20)


@dataclass(frozen=True, slots=True)
class Layout:
    """One document's typography and spacing, in pixels at 300 DPI."""

    left: int
    right: int
    top: int
    bottom: int
    label_px: int
    value_px: int
    line_gap: int
    label_gap: int  # space between a label's colon and its value
    jitter: int  # max vertical offset of a value from the line's baseline
    value_ink: Ink
    dot_step: int

    @classmethod
    def draw(cls, rng: random.Random, value_style: str) -> Layout:
        label_px = rng.randint(44, 52)
        ink = (rng.choice([(25, 40, 140), (30, 30, 60)]) if value_style == "hand" else BLACK)
        return cls(left=rng.randint(170, 260), right=rng.randint(160, 240), top=rng.randint(150, 230),
                   bottom=rng.randint(150, 220), label_px=label_px,
                   value_px=label_px + rng.randint(-2, 6), line_gap=int(label_px * rng.uniform(1.75, 2.0)),
                   label_gap=rng.randint(12, 30), jitter=rng.randint(0, 6 if value_style == "hand" else 2),
                   value_ink=ink, dot_step=rng.randint(12, 18))

    def shrunk(self, factor: float) -> Layout:
        """The same layout scaled down: used when a long document overflows the page."""
        return replace(self, label_px=int(self.label_px * factor), value_px=int(self.value_px * factor),
                       line_gap=int(self.line_gap * factor), top=int(self.top * factor),
                       bottom=int(self.bottom * factor))


_WIDTHS: dict[tuple[str, float, str], float] = {}


def text_width(font: ImageFont.FreeTypeFont, text: str) -> float:
    """Advance width of `text`, memoised per (font, word): layout asks for the same words
    over and over while wrapping, and FreeType measuring is the renderer's hot spot."""
    key = (str(font.path), font.size, text)
    width = _WIDTHS.get(key)
    if width is None:
        if len(_WIDTHS) > 200_000:
            _WIDTHS.clear()
        width = _WIDTHS[key] = font.getlength(text)
    return width


def line_width(font: ImageFont.FreeTypeFont, words: list[str]) -> float:
    return sum(text_width(font, w) for w in words) + text_width(font, " ") * max(len(words) - 1, 0)


class FormCanvas:
    """One page being drawn; `y` is the baseline of the current line."""

    def __init__(self, layout: Layout, fonts: FontSet, rng: random.Random) -> None:
        self.layout, self.fonts, self.rng = layout, fonts, rng
        self.image = Image.new("RGB", (PAGE_W, PAGE_H), (255, 255, 255))
        self.draw = ImageDraw.Draw(self.image)
        self.words: list[TextBox] = []
        self.y = layout.top + layout.label_px
        self.dotted = True  # False for free text (letters): no writing lines

    # -- fonts ---------------------------------------------------------------------------
    def label_font(self, scale: float = 1.0) -> ImageFont.FreeTypeFont:
        return load(str(self.fonts.label), int(self.layout.label_px * scale))

    def bold_font(self, scale: float = 1.0) -> ImageFont.FreeTypeFont:
        return load(str(self.fonts.bold), int(self.layout.label_px * scale))

    def value_font(self) -> ImageFont.FreeTypeFont:
        return load(str(self.fonts.value), self.layout.value_px)

    @property
    def x0(self) -> int:
        return self.layout.left

    @property
    def x1(self) -> int:
        return PAGE_W - self.layout.right

    @property
    def overflow(self) -> bool:
        return self.y > PAGE_H - self.layout.bottom

    def newline(self, lines: float = 1.0) -> None:
        self.y += int(self.layout.line_gap * lines)

    # -- text ----------------------------------------------------------------------------
    def write(self, x: float, y: int, text: str, font: ImageFont.FreeTypeFont,
              fill: Ink = BLACK) -> float:
        """Draw `text` word by word from pen position (x, baseline y); return the end x."""
        ascent, descent = font.getmetrics()
        space = text_width(font, " ")
        text = unicodedata.normalize("NFC", text)
        for word in text.split():
            width = text_width(font, word)
            self.draw.text((x, y), word, font=font, fill=fill, anchor="ls")
            self.words.append(TextBox(word, (int(x), y - ascent, int(x + width) + 1, y + descent)))
            x += width + space
        return x - space if text.split() else x

    def center(self, text: str, font: ImageFont.FreeTypeFont, *, x0: float | None = None,
               x1: float | None = None, fill: Ink = BLACK, underline: bool = False) -> None:
        """Centre `text` between x0 and x1 (default: the margins) on the current line."""
        a = self.x0 if x0 is None else x0
        b = self.x1 if x1 is None else x1
        w = line_width(font, text.split())
        start = a + (b - a - w) / 2
        self.write(start, self.y, text, font, fill)
        if underline:
            mid = start + w / 2
            self.draw.line([(mid - w * 0.3, self.y + 14), (mid + w * 0.3, self.y + 14)], fill=fill, width=3)

    def dots(self, xa: float, xb: float, y: int) -> None:
        """A dotted writing line from xa to xb just under baseline y."""
        if not self.dotted:
            return
        step = self.layout.dot_step
        yy = y + 6
        for x in range(int(xa) + step // 2, int(xb), step):
            self.draw.rectangle([x, yy, x + 2, yy + 2], fill=(70, 70, 70))

    def field(self, label: str, value: str | None, *, x0: float | None = None,
              x1: float | None = None, wrap_x: float | None = None, advance: bool = True) -> float:
        """`label` then its `value` on a dotted line; long values wrap onto following lines
        starting at `wrap_x` (default x0). Returns the x where the value ended."""
        a = self.x0 if x0 is None else x0
        b = self.x1 if x1 is None else x1
        w = a if wrap_x is None else wrap_x
        font, vfont = self.label_font(), self.value_font()
        x = self.write(a, self.y, label, font) + self.layout.label_gap
        words = (value or "").split()
        if words and x + text_width(vfont, words[0]) > b:  # label fills the line: value below
            self.dots(x, b, self.y)
            self.newline()
            x = w
        end = self._value_lines(words, x, w, b, vfont)
        if advance:
            self.newline()
        return end

    def _value_lines(self, words: list[str], x: float, wrap_x: float, b: float,
                     vfont: ImageFont.FreeTypeFont) -> float:
        space = text_width(vfont, " ")
        line: list[str] = []
        start = x
        for word in words:
            needed = line_width(vfont, [*line, word])
            if line and start + needed > b:
                self._value_line(line, start, b, vfont)
                self.newline()
                line, start = [], wrap_x
            line.append(word)
        end = self._value_line(line, start, b, vfont) if line else start
        if not line:
            self.dots(start, b, self.y)
        return end + (space if line else 0)

    def _value_line(self, line: list[str], start: float, b: float,
                    vfont: ImageFont.FreeTypeFont) -> float:
        self.dots(start, b, self.y)
        j = self.layout.jitter
        dy = self.rng.randint(-j, j) if j else 0
        return self.write(start, self.y + dy, " ".join(line), vfont, self.layout.value_ink)

    def row(self, items: list[tuple[str, str | None]], *, x0: float | None = None,
            x1: float | None = None) -> None:
        """Several short fields on one line (e.g. `Giới tính:` `Dân tộc:` `Quốc tịch:`); each
        gets a share of the width proportional to what it needs; falls back to one line each
        when they do not fit."""
        a = self.x0 if x0 is None else x0
        b = self.x1 if x1 is None else x1
        font, vfont = self.label_font(), self.value_font()
        need = [line_width(font, lbl.split()) + self.layout.label_gap + line_width(vfont, (v or "").split()) + 60
                for lbl, v in items]
        if sum(need) > b - a:
            for lbl, v in items:
                self.field(lbl, v, x0=a, x1=b)
            return
        spare = (b - a - sum(need)) / len(items)
        x = a
        for (lbl, v), n in zip(items, need):
            self.field(lbl, v, x0=x, x1=x + n + spare - 20, advance=False)
            x += n + spare
        self.newline()
