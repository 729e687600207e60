"""Object store: where originals, page images, records and batch summaries live.

One interface (`ObjectStore`), two implementations: `LocalStore` (a folder; the embedded
default) and `S3Store` (MinIO, SeaweedFS or any S3 through the `minio` SDK). Stages and flows
pass *keys* around, never file contents, so the same code runs on one laptop or many workers
over shared S3.

Key layout (keys are `/`-separated, relative, no segment empty or starting with `.`):

    originals/<sha256>                 immutable uploaded bytes (put_if_absent, never deleted)
    pages/<sha256>/<n>.png             cleaned page image n (1-based); re-creatable
    records/<record_id>.json           the record (sohoa.record/1)
    batches/<batch_id>/summary.json    a batch's summary

Use the helpers in `pipeline.storage.keys` rather than formatting keys by hand.
`open_store(settings)` picks the implementation from `settings.effective_store_url`:
`file:///path` (or a bare path) → LocalStore, `s3://bucket[/prefix]` → S3Store.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from pipeline.config import Settings
from pipeline.errors import ConfigError
from pipeline.storage.base import ObjectMissing, ObjectStore, validate_key
from pipeline.storage.keys import batch_summary_key, original_key, page_key, record_key
from pipeline.storage.local import LocalStore

if TYPE_CHECKING:
    from pipeline.storage.s3 import S3Store, minio_client, parse_s3_url

_S3_NAMES = ("S3Store", "minio_client", "parse_s3_url")

__all__ = [
    "LocalStore",
    "ObjectMissing",
    "ObjectStore",
    "S3Store",
    "batch_summary_key",
    "minio_client",
    "open_store",
    "original_key",
    "page_key",
    "parse_s3_url",
    "record_key",
    "validate_key",
]


def __getattr__(name: str) -> Any:
    """The S3 names, imported on first use: the `minio` SDK takes ~0.3 s to import and a
    local-folder store never needs it."""
    if name in _S3_NAMES:
        from pipeline.storage import s3

        return getattr(s3, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(settings: Settings) -> ObjectStore:
    """The store named by `settings.effective_store_url` (file://… or s3://bucket[/prefix])."""
    url = settings.effective_store_url
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        from pipeline.storage.s3 import S3Store, parse_s3_url

        bucket, prefix = parse_s3_url(url)
        return S3Store.from_settings(bucket, prefix, settings)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise ConfigError(f"store URL {url!r} names a remote host",
                              hint="use file:///absolute/path or s3://bucket")
        return LocalStore(Path(unquote(parsed.path)))
    if parsed.scheme == "" or (len(parsed.scheme) == 1 and url[1:2] == ":"):  # bare path
        return LocalStore(Path(url))
    raise ConfigError(f"unsupported store URL {url!r}",
                      hint="set SOHOA_STORE_URL to file:///path or s3://bucket[/prefix]")
