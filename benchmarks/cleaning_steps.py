"""Measure each cleaning step and the composed pipeline: seconds per page and OCR quality.

    python -m benchmarks.cleaning_steps [--pages N] [--psm 3 4 6 11] [--quick]

Synthetic form pages are drawn here with PIL (labels + values over dotted writing lines,
a red seal over text), then damaged (skew, rotation, noise). Quality is the character error
rate (CER) of the OCR text against the drawn text, both NFC and whitespace-folded, reading
order = Tesseract's. Run on demand; it is not a test (a full run takes minutes).
"""

from __future__ import annotations

import argparse
import random
import time
import resource
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from pipeline import cleaning
from pipeline.config import Settings
from pipeline.ocr import ocr_page
from pipeline.textnorm import clean

FONT_DIR = Path("/usr/share/fonts/truetype")
FONTS = [FONT_DIR / "dejavu/DejaVuSerif.ttf",
         FONT_DIR / "liberation2/LiberationSerif-Regular.ttf",
         FONT_DIR / "dejavu/DejaVuSans.ttf"]
HEADER = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "GIẤY KHAI SINH"]
FIELDS = [
    ("Họ, chữ đệm, tên:", ["NGUYỄN VĂN LỢI", "TRẦN THỊ HỒNG NHUNG", "LÊ QUỐC BẢO", "PHẠM THỊ THUỶ"]),
    ("Ngày, tháng, năm sinh:", ["02/07/1990", "15/11/2003", "9/6/1985"]),
    ("ghi bằng chữ:", ["Ngày hai, tháng bảy, năm một nghìn chín trăm chín mươi"]),
    ("Giới tính:", ["Nam", "Nữ"]),
    ("Dân tộc:", ["Kinh", "Tày", "Mường"]),
    ("Quốc tịch:", ["Việt Nam"]),
    ("Nơi sinh:", ["Bệnh viện Phụ sản Hà Nội", "Trạm y tế xã Tân Hòa, huyện Châu Thành"]),
    ("Quê quán:", ["xã Nghĩa Hưng, huyện Lạng Giang, tỉnh Bắc Giang"]),
    ("Số định danh cá nhân:", ["001090012345", "079203004567"]),
    ("Họ, chữ đệm, tên người mẹ:", ["ĐỖ THỊ MAI", "HOÀNG THỊ LAN"]),
    ("Năm sinh:", ["1965", "1972"]),
    ("Nơi cư trú:", ["số 12 ngõ 45 phố Huế, phường Phạm Đình Hổ, quận Hai Bà Trưng"]),
    ("Họ, chữ đệm, tên người cha:", ["NGUYỄN ĐỨC THẮNG", "VŨ MẠNH HÙNG"]),
    ("Nơi đăng ký khai sinh:", ["Ủy ban nhân dân phường Hàng Bạc"]),
    ("Ngày, tháng, năm đăng ký:", ["ngày 09 tháng 6 năm 2023"]),
]


def draw_form(seed: int, *, dotted: bool = True, seal: bool = True) -> tuple[np.ndarray, str]:
    """An A4 page at 300 DPI (RGB) and the text drawn on it, in reading order."""
    rng = random.Random(seed)
    img = Image.new("RGB", (2480, 3508), "white")
    d = ImageDraw.Draw(img)
    font_path = FONTS[seed % len(FONTS)]
    bold = ImageFont.truetype(str(font_path), 52)
    font = ImageFont.truetype(str(font_path), 44)
    lines: list[str] = []
    y = 220
    for text in HEADER:
        w = d.textlength(text, font=bold)
        d.text(((2480 - w) / 2, y), text, font=bold, fill="black")
        lines.append(text)
        y += 110
    y += 80
    for label, values in FIELDS:
        value = rng.choice(values)
        d.text((220, y), label, font=font, fill="black")
        x = 220 + d.textlength(label, font=font) + 24
        d.text((x, y), value, font=font, fill=(20, 20, 60))
        base = y + 62
        if dotted:
            for dx in range(int(x), 2280, 14):
                d.ellipse((dx, base, dx + 4, base + 4), fill="black")
        lines.append(f"{label} {value}")
        y += 150
    if seal:  # stamp ink is translucent: multiply it over the page, text stays dark
        stamp = Image.new("RGB", img.size, "white")
        ds = ImageDraw.Draw(stamp)
        cx, cy = 1700, y - 450
        for r in (230, 215):
            ds.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(215, 30, 40), width=10)
        ds.text((cx - 180, cy - 30), "ỦY BAN NHÂN DÂN", font=font, fill=(215, 30, 40))
        img = ImageChops.multiply(img, stamp)
    return np.asarray(img), "\n".join(lines)


def damage(image: np.ndarray, *, skew: float = 0.0, rotate: int = 0, noise: float = 0.0,
           seed: int = 0) -> np.ndarray:
    """Skew (ccw degrees), rotate (clockwise 0/90/180/270) and salt-and-pepper noise."""
    out = Image.fromarray(image)
    if skew:
        out = out.rotate(skew, resample=Image.BICUBIC, expand=True, fillcolor="white")
    arr = np.asarray(out).copy()
    if noise:
        rng = np.random.default_rng(seed)
        mask = rng.random(arr.shape[:2])
        arr[mask < noise / 2] = 0
        arr[mask > 1 - noise / 2] = 255
    return cleaning.rotate_orthogonal(arr, (360 - rotate) % 360) if rotate else arr


def cer(truth: str, text: str) -> float:
    a, b = " ".join(clean(truth).split()), " ".join(clean(text).split())
    return Levenshtein.distance(a, b) / max(1, len(a))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ocr_text(image: np.ndarray, settings: Settings) -> tuple[str, float]:
    """OCR text in Tesseract's reading order and the CPU seconds tesseract used (CPU, not
    wall time: the figures must survive a shared, loaded machine)."""
    start = _children_cpu()
    page = ocr_page(image, 1, 300, settings)
    lines: dict[int, list[str]] = {}
    for w in page.words:
        lines.setdefault(w.line_id, []).append(w.text)
    return "\n".join(" ".join(ws) for ws in lines.values()), _children_cpu() - start


STEPS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "none": cleaning.to_grey,
    "suppress_red": lambda im: cleaning.to_grey(cleaning.suppress_red(im)),
    "deskew": lambda im: cleaning.deskew(cleaning.to_grey(im))[0],
    "denoise (forced)": lambda im: cleaning.denoise(cleaning.to_grey(im), min_speckle=0),
    "binarise_otsu": cleaning.binarise,
    "binarise_adaptive": lambda im: cleaning.binarise(im, method="adaptive"),
    "remove_form_lines": lambda im: cleaning.remove_form_lines(cleaning.to_grey(im)),
}


def bench_pages(n: int) -> list[tuple[str, np.ndarray, str]]:
    pages = []
    for seed in range(n):
        img, truth = draw_form(seed)
        pages.append((f"form{seed}-clean", img, truth))
        pages.append((f"form{seed}-skew2.5+speckle", damage(img, skew=2.5, noise=0.004, seed=seed),
                      truth))
    return pages


def bench_steps(pages: list[tuple[str, np.ndarray, str]], settings: Settings,
                composed: dict[str, tuple[str, ...]]) -> None:
    print(f"\n== cleaning steps (psm {settings.tesseract_psm}); CER per page, mean ==")
    runs: dict[str, Callable[[np.ndarray], np.ndarray]] = dict(STEPS)
    for name, steps in composed.items():
        runs[name] = lambda im, s=steps: cleaning.clean_page(im, settings, steps=s).image
    print("CPU seconds per page (step in this process, OCR in tesseract)")
    print(f"{'step':34} {'step s':>7} {'ocr s':>6} {'CER mean':>8}  per page")
    for name, fn in runs.items():
        step_t, ocr_t, cers = [], [], []
        for _, img, truth in pages:
            start = time.process_time()
            out = fn(img)
            step_t.append(time.process_time() - start)
            text, secs = ocr_text(out, settings)
            ocr_t.append(secs)
            cers.append(cer(truth, text))
        print(f"{name:34} {statistics.mean(step_t):7.3f} {statistics.mean(ocr_t):6.2f} "
              f"{statistics.mean(cers):8.3f}  {' '.join(f'{c:.3f}' for c in cers)}")


def bench_psm(pages: list[tuple[str, np.ndarray, str]], settings: Settings,
              modes: list[int]) -> None:
    print("\n== page segmentation modes (after default cleaning) ==")
    cleaned = [(n, cleaning.clean_page(img, settings).image, t) for n, img, t in pages]
    raw = [(n, cleaning.to_grey(img), t) for n, img, t in pages]
    for label, group in (("raw", raw), ("cleaned", cleaned)):
        for psm in modes:
            s = settings.model_copy(update={"tesseract_psm": psm})
            res = [ocr_text(img, s) + (truth,) for _, img, truth in group]
            print(f"psm {psm:2} {label:8} ocr s {statistics.mean(r[1] for r in res):5.2f}  "
                  f"CER {statistics.mean(cer(r[2], r[0]) for r in res):.3f}  "
                  f"per page {' '.join(f'{cer(r[2], r[0]):.3f}' for r in res)}")


def bench_geometry(settings: Settings) -> None:
    print("\n== deskew accuracy and orientation ==")
    img, _ = draw_form(1)
    grey = cleaning.to_grey(img)
    for angle in (-7.0, -2.5, 0.0, 1.3, 4.0):
        skewed = cleaning.to_grey(damage(img, skew=angle))
        start = time.process_time()
        est = cleaning.estimate_skew(skewed)
        secs = time.process_time() - start
        print(f"skew {angle:+.1f}: estimated {est:+.2f} in {secs:.3f} s CPU")
    for rot in (0, 90, 180, 270):
        start = _children_cpu()
        found = cleaning.detect_orientation(cleaning.rotate_orthogonal(grey, rot))
        print(f"rotated {rot:3} cw: OSD says rotate {found[0]:3} (conf {found[1]:.1f}) "
              f"in {_children_cpu() - start:.2f} s CPU")


def main(argv: list[str]) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=int, default=2, help="form seeds (each: clean + damaged)")
    p.add_argument("--psm", type=int, nargs="*", default=[3, 4, 6, 11])
    p.add_argument("--skip", nargs="*", default=[], choices=["steps", "psm", "geometry"])
    args = p.parse_args(argv)
    settings = Settings(data_dir=Path(tempfile.gettempdir()) / "sohoa-bench")
    pages = bench_pages(args.pages)
    print(f"{len(pages)} pages: {', '.join(n for n, _, _ in pages)}; ocr_workers not used "
          "(one page at a time, OMP_THREAD_LIMIT=1)")
    if "geometry" not in args.skip:
        bench_geometry(settings)
    if "steps" not in args.skip:
        bench_steps(pages, settings, {
            "composed: red+deskew": ("suppress_red", "deskew"),
            "composed: red+deskew+lines": ("suppress_red", "deskew", "remove_form_lines"),
            "composed: red+deskew+denoise+lines": ("suppress_red", "deskew", "denoise",
                                                   "remove_form_lines"),
        })
    if "psm" not in args.skip:
        bench_psm(pages, settings, args.psm)


if __name__ == "__main__":
    main(sys.argv[1:])
