"""OCR-like pages for extractor tests: words with pixel boxes and confidences laid out as
Tesseract gives them (each segment its own OCR line), or as a text layer (no line ids)."""

from __future__ import annotations

from pipeline.models import PageText, Word

CHAR_W, LINE_H, GAP = 18, 40, 60
Segment = tuple[int, str]


def make_page(lines: list[str | list[Segment]], *, conf: float = 0.96,
              low: dict[str, float] | None = None, source: str = "ocr",
              page: int = 1) -> PageText:
    """Words with pixel boxes as Tesseract would give them; each segment is its own OCR line
    (Tesseract splits lines at wide gaps), a text layer gets no line ids at all."""
    low = low or {}
    words: list[Word] = []
    line_id = 0
    for row, line in enumerate(lines):
        segments = [(100, line)] if isinstance(line, str) else line
        y0 = 150 + row * (LINE_H + GAP // 3)
        for x, text in segments:
            line_id += 1
            for token in text.split():
                x1 = x + CHAR_W * len(token)
                words.append(Word(text=token, bbox=(x, y0, x1, y0 + LINE_H),
                                  confidence=low.get(token, conf),
                                  line_id=line_id if source == "ocr" else 0))
                x = x1 + CHAR_W
    return PageText(page=page, width=2480, height=3508, dpi=300, source=source, words=words)
