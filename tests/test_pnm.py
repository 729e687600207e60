"""The pipeline's own page images (PGM/PPM): written by write_pnm, read back byte for byte."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from pipeline.pages import read_page_image
from pipeline.pdf_pages import read_pnm, write_pnm


def page(colour: bool) -> np.ndarray:
    rng = np.random.default_rng(7)
    grey = rng.integers(0, 256, (37, 53), dtype=np.uint8)
    if not colour:
        return grey
    rgb = np.stack([grey, grey, grey], axis=2)
    rgb[5:30, 5:40, 0] = 230  # a red seal: the page keeps its colour
    rgb[5:30, 5:40, 1:] = 20
    return rgb


def test_grey_and_colour_pages_read_back_as_written(tmp_path: Path) -> None:
    for colour, suffix in ((False, ".pgm"), (True, ".ppm")):
        image = page(colour)
        path = write_pnm(tmp_path / f"page-{colour}", image)
        assert path.suffix == suffix
        back = read_pnm(path)
        assert back is not None and back.dtype == np.uint8 and np.array_equal(back, image)
        assert np.array_equal(read_page_image(path), image)
        decoded = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)  # what OpenCV makes of it
        if colour:
            decoded = cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB)
        assert np.array_equal(decoded, image)


def test_other_files_are_left_to_opencv(tmp_path: Path) -> None:
    image = page(False)
    png = tmp_path / "page.png"
    cv2.imwrite(str(png), image)
    assert read_pnm(png) is None
    assert np.array_equal(read_page_image(png), image)
    commented = tmp_path / "other.pgm"  # a PGM from elsewhere, with a comment line
    commented.write_bytes(b"P5\n# made by a scanner\n53 37\n255\n" + image.tobytes())
    assert read_pnm(commented) is None
    assert np.array_equal(read_page_image(commented), image)
    truncated = tmp_path / "cut.pgm"
    truncated.write_bytes(write_pnm(tmp_path / "whole", image).read_bytes()[:-10])
    assert read_pnm(truncated) is None
