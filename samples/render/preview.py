"""Eyeball the renderer: `python -m samples.render.preview OUTDIR [--seed N]` writes one of
each form (both land versions) in each damage profile as PNG/TIFF, plus one pdf_text and one
pdf_garbage, from made-up values (examples.py)."""

from __future__ import annotations

import argparse
import pathlib
import random
import time

from samples.render import PROFILES, render_document, write_scan
from samples.render.examples import example

_KINDS = (("birth_certificate", None), ("marriage_certificate", None), ("death_certificate", None),
          ("land_certificate", "pre-2024"), ("land_certificate", "2024"), ("unknown", None))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("outdir", type=pathlib.Path)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    for doc_type, version in _KINDS:
        content = example(doc_type, rng, version)
        name = f"{doc_type.split('_')[0]}{'_' + version if version else ''}"
        t = time.perf_counter()
        doc = render_document(content, rng)
        for profile in PROFILES:
            for path in write_scan(doc, profile, "png", args.outdir / f"{name}_{profile}", rng):
                print(path)
        for fmt in ("pdf_text", "pdf_garbage"):
            for path in write_scan(doc, "office", fmt, args.outdir / f"{name}_{fmt}", rng):
                print(path)
        print(f"  {name}: {time.perf_counter() - t:.2f}s for 5 files")


if __name__ == "__main__":
    main()
