"""Fonts for synthetic forms, each proven to draw every Vietnamese letter.

A font without a glyph for, say, `ỹ` silently draws a box or a bare `y`; the scan then no
longer says what the truth file says, and every OCR score built on it is wrong. So no font is
used before `check_vietnamese_coverage` has seen all 146 precomposed Vietnamese letters in its
character map; a font that lacks any is refused with a `FontCoverageError` naming it.

Roles: `label` (the printed form: serif), `value` (how the clerk filled it in: a typewriter
mono, a serif of its own, or a hand-filled look), `bold` (header, title, names of signers).
The most handwriting-like font with full coverage found in Debian is SIL Andika
(`fonts-sil-andika`, a literacy font modelled on handwriting); where it is not installed the
hand style falls back to a serif italic. Which fonts exist decides which the rng picks, so the
same seed gives the same pixels only on machines with the same fonts installed.
"""

from __future__ import annotations

import functools
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

from pipeline.errors import ConfigError

_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, huyền, sắc, hỏi, ngã, nặng


def vietnamese_letters() -> frozenset[str]:
    """Every precomposed Vietnamese letter: each vowel × tone (upper and lower), đ and Đ."""
    lower = {unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES}
    return frozenset(lower | {c.upper() for c in lower} | {"đ", "Đ"})


class FontCoverageError(ConfigError):
    """A font that cannot draw all of Vietnamese: using it would corrupt the samples."""

    stage = "render"
    hint = "pick a font with full Vietnamese coverage (e.g. DejaVu Serif, Noto Serif, FreeMono)"


@functools.lru_cache(maxsize=64)
def missing_vietnamese(path: str) -> str:
    """The Vietnamese letters `path` has no glyph for, sorted ('' when it covers them all)."""
    from fontTools.ttLib import TTFont

    try:
        cmap = TTFont(path, lazy=True, fontNumber=0).getBestCmap() or {}
    except Exception as exc:  # unreadable or not a font: same outcome, it cannot be used
        raise FontCoverageError(f"cannot read font: {exc}", filename=path) from exc
    return "".join(sorted(c for c in vietnamese_letters() if ord(c) not in cmap))


def check_vietnamese_coverage(path: str | Path) -> None:
    """Raise `FontCoverageError` unless the font at `path` has every Vietnamese letter."""
    missing = missing_vietnamese(str(path))
    if missing:
        raise FontCoverageError(
            f"font lacks {len(missing)} Vietnamese letters: {missing}", filename=str(path))


def _find(name: str) -> Path | None:
    for root in _FONT_DIRS:
        if root.is_dir():
            for hit in sorted(root.rglob(name)):
                return hit
    return None


# Candidate files per style, best first. File names, not paths: Debian moves them around
# (e.g. only liberation2/ has the Vietnamese-complete Liberation 2.x).
_SERIF = ("DejaVuSerif.ttf", "NotoSerif-Regular.ttf", "FreeSerif.ttf", "LiberationSerif-Regular.ttf")
_SERIF_BOLD = {"DejaVuSerif.ttf": "DejaVuSerif-Bold.ttf", "NotoSerif-Regular.ttf": "NotoSerif-Bold.ttf",
               "FreeSerif.ttf": "FreeSerifBold.ttf", "LiberationSerif-Regular.ttf": "LiberationSerif-Bold.ttf"}
_MONO = ("FreeMono.ttf", "LiberationMono-Regular.ttf", "FreeMonoBold.ttf")
_HAND = ("Andika-Italic.ttf", "Andika-Regular.ttf")
_HAND_FALLBACK = ("DejaVuSerif-Italic.ttf", "NotoSerif-Italic.ttf", "FreeSerifItalic.ttf")
VALUE_STYLES = ("typewriter", "serif", "hand")


@functools.cache
def usable(name: str) -> Path | None:
    """The installed file called `name` if it covers Vietnamese, else None (skipped quietly:
    the candidate lists have fallbacks; `load` is where a bad font is an error)."""
    path = _find(name)
    if path is None or missing_vietnamese(str(path)):
        return None
    return path


def _pick(names: tuple[str, ...], rng: random.Random, *, role: str) -> Path:
    found = [p for n in names if (p := usable(n)) is not None]
    if not found:
        raise FontCoverageError(f"no installed {role} font covers Vietnamese; tried {', '.join(names)}",
                                hint="apt-get install fonts-dejavu-core fonts-freefont-ttf")
    return rng.choice(found)


@functools.lru_cache(maxsize=256)
def load(path: str, size: int) -> ImageFont.FreeTypeFont:
    """A checked font at `size` pixels (cached: loading dominates small renders). Basic
    layout: text is NFC, so Vietnamese needs no shaping, and it draws ~1.5× faster."""
    check_vietnamese_coverage(path)
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


@dataclass(frozen=True, slots=True)
class FontSet:
    """The fonts of one document: chosen once so a form is typographically consistent."""

    label: Path
    bold: Path
    value: Path
    value_style: str

    @classmethod
    def choose(cls, rng: random.Random) -> FontSet:
        label = _pick(_SERIF, rng, role="serif")
        bold = usable(_SERIF_BOLD[label.name]) or label
        style = rng.choice(VALUE_STYLES)
        if style == "typewriter":
            value = _pick(_MONO, rng, role="typewriter")
        elif style == "hand":
            value = _pick(_HAND if any(usable(n) for n in _HAND) else _HAND_FALLBACK, rng, role="hand")
        else:
            others = tuple(n for n in _SERIF if n != label.name)
            value = _pick(others, rng, role="serif")
        return cls(label=label, bold=bold, value=value, value_style=style)
