"""The `ObjectStore` interface and the key rules every implementation enforces.

Keys are validated in one place so a key that is safe on S3 is also safe as a relative path
on disk: no absolute keys, no `..`, no hidden segments (the local store keeps its temp files
in hidden names, and nothing of ours needs one).
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import NotFound, StorageError

ORIGINALS_PREFIX = "originals/"


class ObjectMissing(NotFound, StorageError):
    """A key that is not in the store. A NotFound (404 at the API) and a StorageError (for
    stages, where a missing original means the store is broken), so either `except` works."""

    stage = "storage"


def validate_key(key: str, *, what: str = "key") -> str:
    """Return `key` if it is a safe relative object key, else raise StorageError."""
    problem = None
    if not isinstance(key, str) or not key:
        problem = "is empty"
    elif key.startswith("/") or "\\" in key or (len(key) > 1 and key[1] == ":"):
        problem = "is absolute or uses backslashes"
    elif "\x00" in key:
        problem = "contains a NUL byte"
    else:
        for part in key.split("/"):
            if part == "":
                problem = "has an empty segment"
            elif part.startswith("."):
                problem = "has a '.', '..' or hidden segment"
            if problem:
                break
    if problem:
        raise StorageError(f"object {what} {key!r} {problem}", stage="storage",
                           hint="keys are relative, '/'-separated, without '..' or hidden parts")
    return key


def validate_prefix(prefix: str) -> str:
    """A listing prefix may be empty or end in '/'; otherwise it obeys the key rules."""
    if prefix == "":
        return prefix
    validate_key(prefix.rstrip("/") or ".", what="prefix")
    return prefix


class ObjectStore(abc.ABC):
    """Bytes under string keys. Implementations raise StorageError (with the key and a hint)
    on I/O failure and ObjectMissing for absent keys."""

    @abc.abstractmethod
    def put_bytes(self, key: str, data: bytes, content_type: str | None = None) -> None:
        """Write (or replace) `key`. For derived artefacts; originals use put_if_absent."""

    @abc.abstractmethod
    def put_file(self, key: str, path: Path, content_type: str | None = None) -> None:
        """Write (or replace) `key` from a local file, streaming."""

    @abc.abstractmethod
    def put_if_absent(self, key: str, data: Path | bytes,
                      content_type: str | None = None) -> bool:
        """Store `data` under `key` unless the key exists. True if this call wrote it.

        Originals are keyed by their SHA-256, so an existing key already holds these bytes:
        a second put is a no-op, never an overwrite."""

    @abc.abstractmethod
    def get_bytes(self, key: str) -> bytes: ...

    @abc.abstractmethod
    def download(self, key: str, path: Path) -> Path:
        """Copy `key` to the local file `path` (parents created); return `path`."""

    @abc.abstractmethod
    def exists(self, key: str) -> bool: ...

    @abc.abstractmethod
    def list(self, prefix: str = "") -> Iterator[str]:
        """Keys starting with `prefix` (a plain string prefix, as in S3), sorted."""

    @abc.abstractmethod
    def url_for(self, key: str) -> str:
        """Where the object is, for messages and logs (file:// or s3:// URL)."""

    @abc.abstractmethod
    def _delete(self, key: str) -> None: ...

    def delete(self, key: str) -> None:
        """Remove a derived artefact. Originals are immutable and refused; a missing key is
        not an error (deleting is idempotent)."""
        validate_key(key)
        if key.startswith(ORIGINALS_PREFIX):
            raise StorageError(f"refusing to delete original {key!r}",
                               hint="originals are immutable; only derived artefacts are deleted")
        self._delete(key)
