"""Tesseract inside the calling process (tesserocr), for small images read on every page.

Each `tesseract` process pays for its start and for loading its model (~0.12 s of CPU for
`eng`) before it reads anything; the strips of a page's figures take it ~0.02 s to read. The
figure witness (pipeline.reread) reads one such image per page: as a process of its own it
cost 8-9% of an image page's CPU (benchmarks/throughput.py, 2026-11-24), in this process
about 1%. The engine is made once per thread (a tesserocr handle is not thread-safe) and
kept; the words come back as `image_to_data` gives them, so `pipeline.ocr.data_words` and
`pipeline.reread.map_words` read them alike.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from functools import cache

import numpy as np

from pipeline.errors import MissingDependencyError
from pipeline.tesseract_gate import tesseract_slot

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # before libtesseract is loaded

TSV_HEADER = ("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left",
              "top", "width", "height", "conf", "text")
INSTALL_HINT = "pip install tesserocr (in the lock), apt-get install tesseract-ocr-eng"

_local = threading.local()


@cache
def tessdata_dir() -> str:
    """Where the system's Tesseract keeps its models (TESSDATA_PREFIX, else what
    `tesseract --list-langs` names): tesserocr's own library has none."""
    if os.environ.get("TESSDATA_PREFIX"):
        return os.environ["TESSDATA_PREFIX"]
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True,
                             check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise MissingDependencyError("tesseract is not installed or not on PATH", stage="ocr",
                                     hint=INSTALL_HINT) from e
    found = re.search(r'"([^"]+)"', out.stdout + out.stderr)
    if found is None:
        raise MissingDependencyError("tesseract does not say where its language data is",
                                     stage="ocr", hint=INSTALL_HINT)
    return found.group(1)


def _engine(lang: str, psm: int, variables: tuple[tuple[str, str], ...]):  # noqa: ANN202
    engines = getattr(_local, "engines", None)
    if engines is None:
        engines = _local.engines = {}
    key = (lang, psm, variables)
    if key not in engines:
        try:
            import tesserocr
        except ImportError as e:
            raise MissingDependencyError("tesserocr is not installed", stage="ocr",
                                         hint=INSTALL_HINT) from e
        try:
            api = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=lang, psm=psm)
        except RuntimeError as e:
            raise MissingDependencyError(f"tesseract has no '{lang}' language data",
                                         stage="ocr", hint=INSTALL_HINT) from e
        for name, value in variables:
            api.SetVariable(name, value)
        engines[key] = api
    return engines[key]


def tsv_to_data(tsv: str) -> dict[str, list]:
    """Tesseract's TSV rows (no header) as `image_to_data(output_type=DICT)` gives them:
    parsed by the function pytesseract parses them with."""
    from pytesseract.pytesseract import file_to_dict

    return file_to_dict("\t".join(TSV_HEADER) + "\n" + tsv, "\t", -1) if tsv.strip() \
        else {k: [] for k in TSV_HEADER}


def read_in_process(image: np.ndarray, *, lang: str, psm: int,
                    variables: dict[str, str] | None = None) -> dict[str, list]:
    """`image` (grey or colour array) read by Tesseract's `lang` model in this process, page
    segmentation `psm`, with Tesseract `variables` set (a character whitelist, say)."""
    from PIL import Image

    api = _engine(lang, psm, tuple(sorted((variables or {}).items())))
    with tesseract_slot():
        api.SetImage(Image.fromarray(image))
        tsv = api.GetTSVText(0) or ""
    return tsv_to_data(tsv)
