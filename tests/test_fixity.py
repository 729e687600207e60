"""Fixity finds an original whose bytes changed, and one that vanished."""

import hashlib

from pipeline.fixity import check_originals
from pipeline.storage import keys, open_store


def test_fixity_reports_damaged_and_missing_originals(settings) -> None:
    store = open_store(settings)
    shas = [hashlib.sha256(blob).hexdigest() for blob in (b"scan one", b"scan two", b"scan 3")]
    for sha, blob in zip(shas, (b"scan one", b"scan two", b"scan 3"), strict=True):
        store.put_if_absent(keys.original_key(sha), blob)
    assert check_originals(store, shas).healthy

    damaged = settings.data_dir / "store" / keys.original_key(shas[1])
    damaged.chmod(0o644)
    damaged.write_bytes(b"scan tw0")
    (settings.data_dir / "store" / keys.original_key(shas[2])).unlink()
    report = check_originals(store, shas)
    assert report.checked == 3 and report.ok == 1
    assert sorted((p.key, p.problem) for p in report.problems) == sorted([
        (keys.original_key(shas[1]), "mismatch"), (keys.original_key(shas[2]), "missing")])
