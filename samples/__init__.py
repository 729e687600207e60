"""Synthetic corpus: citizen registry, document content, rendered scans, committed samples."""

from pathlib import Path


def bundled_corpus() -> Path:
    """The small committed corpus used by `sohoa demo` and the tests."""
    return Path(__file__).resolve().parent / "corpus"
