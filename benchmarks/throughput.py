"""Pages per minute of `sohoa process` against the bare `tesseract` CLI, as ratios measured
in one run (this machine is shared and noisy: absolute figures drift, ratios much less).

    python benchmarks/throughput.py [--docs 60] [--text-docs 400] [--rounds 2] [--workdir DIR]

1. Generates single-page documents (birth, death, marriage; `office` profile): `--docs` as
   JPEG scans and `--text-docs` as born-digital PDFs with a real text layer. Both batches are
   large enough that `sohoa`'s fixed start-up (imports, the document workers' forkserver,
   warm sandbox children, unit tables: ~2 s of CPU, 1-1.5 s of wall time) does not hide the
   per-page rate archive staff get on batches of thousands: at 20 scans it was a tenth of
   the run, at 60 a thirtieth; 200 text-layer PDFs take 4-5 s in all, 400 about 8.
2. Bare Tesseract: `tesseract PAGE OUT -l vie --psm 6` on the same JPEG page images,
   OMP_THREAD_LIMIT=1, two processes in parallel.
3. `sohoa process` (a fresh data folder each time, so nothing is deduplicated) on the JPEGs,
   then on the PDFs with a text layer.
Rounds alternate bare / pipeline so drift hits both; the median of each side is reported.
Beside wall time, the CPU time (user+sys) each side's processes used is counted
(`getrusage(RUSAGE_CHILDREN)`, tesseract and sandbox children included): on a machine shared
with other work, CPU seconds per page compare the two sides' cost more steadily than wall
time, and the load average at start and end says how shared the machine was. An existing
`--workdir` with `images/` and `pdf_text/` is reused (same inputs, no regeneration).
Targets (issue 2): images ≥ 0.85× bare Tesseract; text-layer PDFs ≥ 20× (OCR skipped).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SINGLE_PAGE_TYPES = {"birth_certificate": 1.0, "death_certificate": 1.0,
                     "marriage_certificate": 1.0}


def children_cpu() -> float:
    """CPU seconds (user+sys) of every finished child process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build_inputs(root: Path, n_docs: int, n_text: int, seed: int) -> tuple[Path, Path]:
    if (root / "images").is_dir() and (root / "pdf_text").is_dir():
        return root / "images", root / "pdf_text"
    from samples.corpus import build_corpus

    images = build_corpus(root / "images", n_docs, ("office",), seed=seed, registry_size=2000,
                          formats={"jpeg": 1.0}, doc_types=SINGLE_PAGE_TYPES, progress=False)
    pdfs = build_corpus(root / "pdf_text", n_text, ("office",), seed=seed, registry_size=2000,
                        formats={"pdf_text": 1.0}, doc_types=SINGLE_PAGE_TYPES, progress=False)
    return images, pdfs


def scans(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".jpg", ".pdf"))


def bare_tesseract(pages: list[Path], out: Path, workers: int = 2) -> tuple[float, float]:
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(page: Path) -> None:
        subprocess.run(["tesseract", str(page), str(out / page.stem), "-l", "vie", "--psm", "6"],
                       env=env, check=True, capture_output=True)

    start, cpu = time.perf_counter(), children_cpu()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - start, children_cpu() - cpu


def sohoa_process(source: Path, work: Path) -> tuple[float, float, dict]:
    data, out = work / "data", work / "out"
    shutil.rmtree(work, ignore_errors=True)
    env = {**os.environ, "SOHOA_DATA_DIR": str(data), "SOHOA_OCR_WORKERS": "2"}
    sohoa = Path(sys.executable).with_name("sohoa")
    start, cpu = time.perf_counter(), children_cpu()
    subprocess.run([str(sohoa), "process", str(source), "--out", str(out)], env=env, check=True,
                   capture_output=True)
    seconds = time.perf_counter() - start
    return seconds, children_cpu() - cpu, json.loads((out / "summary.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=60)
    parser.add_argument("--text-docs", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="sohoa-bench-"))
    print(f"generating {args.docs} scans and {args.text_docs} text-layer PDFs in {root} …",
          flush=True)
    images, pdfs = build_inputs(root, args.docs, args.text_docs, args.seed)
    pages = scans(images)
    n, n_text = len(pages), len(scans(pdfs))
    bare, pipe, text = [], [], []
    cpu: dict[str, list[float]] = {"bare": [], "images": [], "text": []}
    load_start = os.getloadavg()
    for r in range(args.rounds):
        seconds, used = bare_tesseract(pages, root / f"bare-{r}")
        bare.append(seconds)
        cpu["bare"].append(used)
        seconds, used, summary = sohoa_process(images, root / f"run-img-{r}")
        assert summary["pages"] == n, summary["counts"]
        pipe.append(seconds)
        cpu["images"].append(used)
        seconds, used, summary = sohoa_process(pdfs, root / f"run-pdf-{r}")
        assert summary["pages"] == n_text, summary["counts"]
        text.append(seconds)
        cpu["text"].append(used)
        print(f"round {r + 1}: bare {bare[-1]:.1f} s ({cpu['bare'][-1]:.1f} s CPU) · sohoa "
              f"images {pipe[-1]:.1f} s ({cpu['images'][-1]:.1f} s CPU) · sohoa text-layer "
              f"PDFs {text[-1]:.1f} s ({cpu['text'][-1]:.1f} s CPU) · load "
              f"{os.getloadavg()[0]:.1f}", flush=True)
    load_end = os.getloadavg()
    b, p, t = (statistics.median(x) for x in (bare, pipe, text))
    cpu_per_page = {"bare_tesseract": statistics.median(cpu["bare"]) / n,
                    "sohoa_images": statistics.median(cpu["images"]) / n,
                    "sohoa_text_layer_pdfs": statistics.median(cpu["text"]) / n_text}
    ppm = {"bare_tesseract": 60 * n / b, "sohoa_images": 60 * n / p,
           "sohoa_text_layer_pdfs": 60 * n_text / t}
    result = {"pages": n, "text_pages": n_text, "rounds": args.rounds, "cores": os.cpu_count(),
              "seconds_median": {"bare_tesseract": b, "sohoa_images": p, "sohoa_text_pdfs": t},
              "pages_per_minute": ppm,
              "ratio_images_vs_bare": ppm["sohoa_images"] / ppm["bare_tesseract"],
              "ratio_text_pdfs_vs_bare": ppm["sohoa_text_layer_pdfs"] / ppm["bare_tesseract"],
              "cpu_seconds_per_page": cpu_per_page,
              "cpu_ratio_images_vs_bare":
                  cpu_per_page["bare_tesseract"] / cpu_per_page["sohoa_images"],
              "cpu_ratio_text_pdfs_vs_bare":
                  cpu_per_page["bare_tesseract"] / cpu_per_page["sohoa_text_layer_pdfs"],
              "load_average_start": load_start, "load_average_end": load_end}
    print(f"\n{n} scanned pages, {n_text} text-layer pages, median of {args.rounds} rounds "
          "(wall time, incl. sohoa start-up):")
    for name, value in ppm.items():
        print(f"  {name:<24} {value:7.1f} pages/min")
    print(f"  images vs bare tesseract:        {result['ratio_images_vs_bare']:.2f}×  (target ≥ 0.85)")
    print(f"  text-layer PDFs vs bare tesseract: {result['ratio_text_pdfs_vs_bare']:.1f}×  (target ≥ 20)")
    print("CPU seconds per page (user+sys, children included): " + ", ".join(
        f"{k} {v:.3f}" for k, v in cpu_per_page.items()))
    print(f"  CPU ratios: images {result['cpu_ratio_images_vs_bare']:.2f}×, text-layer PDFs "
          f"{result['cpu_ratio_text_pdfs_vs_bare']:.1f}×")
    print(f"load average (1, 5, 15 min) at start {load_start}, at end {load_end}")
    (root / "throughput.json").write_text(json.dumps(result, indent=2))
    print(f"figures: {root / 'throughput.json'}")


if __name__ == "__main__":
    main()
