"""`S3Store`: the object store on any S3 (MinIO, SeaweedFS, AWS) through the `minio` SDK.

Shared storage for many workers on many machines. Endpoint, credentials, TLS and region come
from Settings (`SOHOA_S3_*`, falling back to `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`).
The store may live under a prefix of a bucket (`s3://bucket/prefix`); keys are relative to it.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

import certifi
import urllib3
from minio import Minio
from minio.error import MinioException, S3Error
from urllib3.exceptions import HTTPError as Urllib3Error

from pipeline.config import Settings
from pipeline.errors import ConfigError, StorageError
from pipeline.storage.base import ObjectMissing, ObjectStore, validate_key, validate_prefix

T = TypeVar("T")
_MISSING_CODES = {"NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound"}
_DEFAULT_TYPE = "application/octet-stream"


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix` → ("bucket", "some/prefix") (prefix without outer slashes)."""
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ConfigError(f"not an S3 URL: {url!r}", hint="write it as s3://bucket[/prefix]")
    return parsed.netloc, parsed.path.strip("/")


def minio_client(settings: Settings) -> Minio:
    """A thread-safe client for the configured endpoint. Short connect timeout and few
    retries, so a server that is down surfaces as a StorageError in seconds, not minutes."""
    endpoint, secure = settings.s3_endpoint, settings.s3_secure
    if "://" in endpoint:  # tolerate http://host:port in the setting
        parsed = urlparse(endpoint)
        endpoint, secure = parsed.netloc, parsed.scheme == "https"
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=10, read=300),
        maxsize=32,
        cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
        retries=urllib3.Retry(total=3, backoff_factor=0.2,
                              status_forcelist=[500, 502, 503, 504]),
    )
    access = settings.s3_access_key.get_secret_value() if settings.s3_access_key else None
    secret = settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None
    return Minio(endpoint, access_key=access, secret_key=secret, secure=secure,
                 region=settings.s3_region, http_client=http)


def s3_error(url: str, action: str, exc: Exception) -> StorageError:
    """Translate an SDK or transport error into a StorageError that names the object."""
    if isinstance(exc, S3Error):
        if exc.code in _MISSING_CODES:
            return ObjectMissing(f"no object {url}", hint="check the key or prefix")
        hints = {
            "NoSuchBucket": "create the bucket or fix SOHOA_STORE_URL / the input URL",
            "AccessDenied": "check SOHOA_S3_ACCESS_KEY / SOHOA_S3_SECRET_KEY and the bucket policy",
            "InvalidAccessKeyId": "check SOHOA_S3_ACCESS_KEY (or AWS_ACCESS_KEY_ID)",
            "SignatureDoesNotMatch": "check SOHOA_S3_SECRET_KEY (or AWS_SECRET_ACCESS_KEY)",
        }
        return StorageError(f"cannot {action} {url}: {exc.code}: {exc.message}",
                            hint=hints.get(exc.code, "check the S3 server logs"))
    return StorageError(f"cannot {action} {url}: {exc}",
                        hint="is the S3 server up? check SOHOA_S3_ENDPOINT and SOHOA_S3_SECURE")


S3_FAILURES = (MinioException, Urllib3Error, OSError, ValueError)


class S3Store(ObjectStore):
    def __init__(self, client: Minio, bucket: str, prefix: str = "", *,
                 create_bucket: bool = True) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        if self.prefix:
            validate_prefix(self.prefix + "/")
        if create_bucket:
            self._ensure_bucket()

    @classmethod
    def from_settings(cls, bucket: str, prefix: str, settings: Settings) -> S3Store:
        return cls(minio_client(settings), bucket, prefix)

    def __repr__(self) -> str:
        return f"S3Store({self.url_for('')!r})"

    def _call(self, key: str, action: str, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except S3_FAILURES as exc:
            raise s3_error(self.url_for(key) if key else f"s3://{self.bucket}", action, exc) from exc

    def _ensure_bucket(self) -> None:
        def ensure() -> None:
            if not self.client.bucket_exists(self.bucket):
                try:
                    self.client.make_bucket(self.bucket)
                except S3Error as exc:  # another worker created it first
                    if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise
        self._call("", "create bucket", ensure)

    def _name(self, key: str) -> str:
        validate_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put_bytes(self, key: str, data: bytes, content_type: str | None = None) -> None:
        name = self._name(key)
        self._call(key, "write", lambda: self.client.put_object(
            self.bucket, name, io.BytesIO(data), len(data),
            content_type=content_type or _DEFAULT_TYPE))

    def put_file(self, key: str, path: Path, content_type: str | None = None) -> None:
        name = self._name(key)
        if not Path(path).is_file():
            raise StorageError(f"cannot store {key!r}: source file {path} does not exist",
                               hint="the input vanished before it was stored")
        self._call(key, "write", lambda: self.client.fput_object(
            self.bucket, name, str(path), content_type=content_type or _DEFAULT_TYPE))

    def put_if_absent(self, key: str, data: Path | bytes,
                      content_type: str | None = None) -> bool:
        # S3 via minio has no portable conditional PUT; check, then write. Two racing workers
        # may both write, but the key is the content hash, so they write the same bytes.
        if self.exists(key):
            return False
        if isinstance(data, bytes):
            self.put_bytes(key, data, content_type)
        else:
            self.put_file(key, data, content_type)
        return True

    def get_bytes(self, key: str) -> bytes:
        name = self._name(key)

        def read() -> bytes:
            resp = self.client.get_object(self.bucket, name)
            try:
                return resp.read()
            finally:
                resp.close()
                resp.release_conn()
        return self._call(key, "read", read)

    def download(self, key: str, path: Path) -> Path:
        name = self._name(key)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._call(key, "download", lambda: self.client.fget_object(self.bucket, name, str(path)))
        return path

    def exists(self, key: str) -> bool:
        name = self._name(key)
        try:
            self._call(key, "stat", lambda: self.client.stat_object(self.bucket, name))
        except ObjectMissing:
            return False
        return True

    def list(self, prefix: str = "") -> Iterator[str]:
        validate_prefix(prefix)
        full = f"{self.prefix}/{prefix}" if self.prefix else prefix
        cut = len(self.prefix) + 1 if self.prefix else 0
        objects = self._call(prefix, "list", lambda: list(
            self.client.list_objects(self.bucket, prefix=full or None, recursive=True)))
        yield from sorted(o.object_name[cut:] for o in objects
                          if o.object_name and not o.is_dir)

    def url_for(self, key: str) -> str:
        return f"s3://{self.bucket}/{self.prefix + '/' if self.prefix else ''}{key}"

    def _delete(self, key: str) -> None:
        name = self._name(key)
        self._call(key, "delete", lambda: self.client.remove_object(self.bucket, name))
