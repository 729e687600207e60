"""Fit the confidence model (extractors/data/confidence_model.json) on working corpora.

    python -m extractors.calibrate CORPUS[:OCR_CACHE] ... [--out PATH] [--target 0.004]

Each CORPUS is a generated folder with `<stem>.truth.json`; its scans are OCR'd once through
the real pipeline (pages → cleaning → Tesseract) and the words pickled into OCR_CACHE
(default CORPUS/.ocr-cache), so refits after an extractor change take seconds. For every
truth field the extractor read, the model's features and whether the value was right are
collected; one L2-regularised logistic regression is fit per field family, and each family
gets the lowest auto-accept confidence (never below 0.9) at which its accepted fields are
wrong at most `target` of the time on these corpora. Fit on one seed, check on another.
"""

from __future__ import annotations

import argparse
import json
import pickle
import tempfile
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np

from extractors.classify import classify
from extractors.confidence import MAX_CONFIDENCE, feature_vector, heuristic_confidence, model_family
from extractors.layout import document_lines
from extractors.reader import read_drafts
from extractors.registry import form_specs
from extractors.review import review
from pipeline.config import Settings, get_settings
from pipeline.models import DocType, PageText

SCAN_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff")
MIN_THRESHOLD = 0.9
L2 = 1.0


def _ocr_one(args: tuple[Path, Path]) -> str:
    from pipeline.intake import sniff_file
    from pipeline.ocr import ocr_rendered_page
    from pipeline.pages import load_pages

    path, out = args
    settings = get_settings()
    with tempfile.TemporaryDirectory(prefix="sohoa-cal-") as tmp:
        pages = load_pages(path, sniff_file(path), settings, Path(tmp))
        texts = [ocr_rendered_page(p, settings) for p in pages]
    out.write_bytes(pickle.dumps(texts))
    return path.name


def ocr_cached(corpus: Path, cache: Path, workers: int = 2) -> dict[str, list[PageText]]:
    cache.mkdir(parents=True, exist_ok=True)
    scans = sorted(p for p in corpus.iterdir() if p.suffix.lower() in SCAN_SUFFIXES)
    todo = [(p, cache / f"{p.stem}.pkl") for p in scans if not (cache / f"{p.stem}.pkl").exists()]
    if todo:
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_ocr_one, todo))
    return {p.stem: pickle.loads((cache / f"{p.stem}.pkl").read_bytes()) for p in scans
            if (cache / f"{p.stem}.pkl").exists()}


def _equal(truth: object, value: object) -> bool:
    from evaluation.scores import values_equal

    return values_equal(truth, value)


def field_rows(corpus: Path, pages_by_stem: dict[str, list[PageText]],
               settings: Settings) -> list[dict]:
    """(family, features, correct) for every truth field the extractor found a label for."""
    rows = []
    for stem, pages in sorted(pages_by_stem.items()):
        truth = json.loads((corpus / f"{stem}.truth.json").read_text("utf-8"))
        lines = document_lines(pages)
        found = classify(lines)
        spec = form_specs().get(found.doc_type)
        if found.doc_type is DocType.unknown or spec is None or found.doc_type.value != truth["doc_type"]:
            continue
        drafts = read_drafts(lines, spec, {p.page: p.width for p in pages})
        review(drafts, spec, settings, today=date(2100, 1, 1),
               confidence_fn=heuristic_confidence)
        for key, tv in truth["fields"].items():
            d = drafts.get(key)
            if d is None:
                continue
            ev = d.evidence
            if not ev.blank and (not ev.parsed or ev.n_tokens == 0):
                continue  # confidence 0 by rule
            rows.append({"stem": stem, "key": key, "family": model_family(ev),
                         "x": feature_vector(ev), "correct": _equal(tv, d.value)})
    return rows


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = L2, iters: int = 50) -> np.ndarray:
    """Newton's method; the first column (bias) is not penalised."""
    w = np.zeros(X.shape[1])
    reg = np.full(X.shape[1], l2)
    reg[0] = 1e-6
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(X @ w, -30, 30)))
        grad = X.T @ (p - y) + reg * w
        hess = (X * (p * (1 - p))[:, None]).T @ X + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w


def pick_threshold(p: np.ndarray, y: np.ndarray, target: float) -> float:
    """The lowest confidence whose accepted set (p ≥ it) is wrong ≤ target."""
    best = 1.0
    for t in sorted(set(np.round(p, 4)), reverse=True):
        if t < MIN_THRESHOLD:
            break
        acc = p >= t
        if (1 - y[acc]).sum() <= target * acc.sum():
            best = float(t)
    return best


def fit(rows: list[dict], target: float) -> dict:
    by_family: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_family[r["family"]].append(r)
    families = {}
    for fam, items in sorted(by_family.items()):
        names = sorted({k for r in items for k in r["x"]}, key=lambda k: (k != "bias", k))
        X = np.array([[r["x"].get(k, 0.0) for k in names] for r in items])
        y = np.array([float(r["correct"]) for r in items])
        w = fit_logistic(X, y)
        p = np.minimum(1 / (1 + np.exp(-np.clip(X @ w, -30, 30))), MAX_CONFIDENCE)
        threshold = pick_threshold(np.round(p, 4), y, target)
        acc = p >= threshold
        families[fam] = {
            "weights": {k: round(float(v), 4) for k, v in zip(names, w)},
            "threshold": threshold,
            "fit": {"n": len(items), "right": int(y.sum()), "accepted": int(acc.sum()),
                    "accepted_wrong": int((1 - y[acc]).sum())},
        }
    return families


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpora", nargs="+", help="CORPUS or CORPUS:OCR_CACHE")
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).parent / "data" / "confidence_model.json")
    ap.add_argument("--target", type=float, default=0.004)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    settings = get_settings()
    rows: list[dict] = []
    for spec in args.corpora:
        corpus, _, cache = spec.partition(":")
        root = Path(corpus)
        pages = ocr_cached(root, Path(cache) if cache else root / ".ocr-cache", args.workers)
        rows += field_rows(root, pages, settings)
    families = fit(rows, args.target)
    model = {"_note": "Fitted by `python -m extractors.calibrate` (see its docstring): logistic "
                      "weights per field family over extractors.confidence.feature_vector, and "
                      "the auto-accept confidence per family.",
             "corpora": [Path(c.partition(":")[0]).name for c in args.corpora],
             "target_error": args.target, "families": families}
    args.out.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", "utf-8")
    for fam, f in families.items():
        print(f"{fam:16s} n={f['fit']['n']:4d} right={f['fit']['right']:4d} "
              f"threshold={f['threshold']:.4f} accepted={f['fit']['accepted']} "
              f"wrong={f['fit']['accepted_wrong']}")


if __name__ == "__main__":
    main()
