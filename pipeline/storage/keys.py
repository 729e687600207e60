"""The key layout in one place, so every stage and the service agree on where things are."""

from __future__ import annotations


def original_key(sha256: str) -> str:
    """Immutable original bytes, content-addressed: same bytes, same key, stored once."""
    return f"originals/{sha256}"


def page_key(sha256: str, page: int) -> str:
    """Cleaned image of page `page` (1-based) of the original `sha256`."""
    if page < 1:
        raise ValueError(f"page numbers are 1-based, got {page}")
    return f"pages/{sha256}/{page}.png"


def record_key(record_id: str) -> str:
    return f"records/{record_id}.json"


def batch_summary_key(batch_id: str) -> str:
    return f"batches/{batch_id}/summary.json"


def reading_key(sha256: str, fingerprint: str) -> str:
    """The words read from every page of an original (OCR or text layer), for one version of
    the reading stages: a derived artefact, re-created whenever the fingerprint changes."""
    return f"readings/{sha256}/{fingerprint}.json"


def reread_key(sha256: str, fingerprint: str) -> str:
    """Weak lines of an original read a second time (pipeline/reread.py), for one version of
    the first reading and of the re-reading: kept apart so either can change alone."""
    return f"readings/{sha256}/reread-{fingerprint}.json"
