"""Tesseract in process (tesserocr): words as image_to_data gives them, one engine per thread
and model, a missing model a clear error (real Tesseract, the system's language data)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.errors import MissingDependencyError
from pipeline.ocr import data_words
from pipeline.tesseract_api import _engine, read_in_process, tsv_to_data

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
DIGITS = {"tessedit_char_whitelist": "0123456789/ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def printed(lines: list[str]) -> np.ndarray:
    img = Image.new("L", (700, 60 + 80 * len(lines)), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 36)
    for i, line in enumerate(lines):
        d.text((30, 30 + 80 * i), line, font=font, fill=0)
    return np.asarray(img)


def test_tsv_rows_become_image_to_data_columns() -> None:
    rows = "4\t1\t1\t1\t1\t0\t22\t26\t145\t22\t-1\t\n5\t1\t1\t1\t1\t1\t22\t26\t145\t22\t96.5\t02/1989"
    data = tsv_to_data(rows)
    assert data["text"] == ["", "02/1989"] and data["conf"] == [-1, 96]
    assert data["left"] == [22, 22] and data["line_num"] == [1, 1]


def test_figures_read_in_process_come_back_as_words_with_boxes() -> None:
    image = printed(["02/1989", "CS 05494"])
    words = data_words(read_in_process(image, lang="eng", psm=6, variables=DIGITS))
    assert [w.text for w in words][:1] == ["02/1989"]
    assert "".join(w.text for w in words[1:]) == "CS05494"
    assert words[0].bbox[1] < 80 < words[1].bbox[1]  # each on its own line, in image pixels
    assert all(0 <= w.confidence <= 1 for w in words)


def test_one_engine_per_thread_and_model() -> None:
    here = _engine("eng", 6, ())
    assert _engine("eng", 6, ()) is here and _engine("eng", 7, ()) is not here
    other: list[object] = []
    t = threading.Thread(target=lambda: other.append(_engine("eng", 6, ())))
    t.start()
    t.join()
    assert other[0] is not here


def test_a_model_that_is_not_installed_is_named() -> None:
    with pytest.raises(MissingDependencyError, match="'xyz'"):
        read_in_process(printed(["1965"]), lang="xyz", psm=6)
