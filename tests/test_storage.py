"""The object store contract, run against both implementations (a folder and SeaweedFS)."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.errors import NotFound, StorageError
from pipeline.storage import (LocalStore, ObjectMissing, ObjectStore, S3Store, open_store,
                              original_key, page_key, record_key)


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def store(request: pytest.FixtureRequest, settings: Settings) -> ObjectStore:
    if request.param == "local":
        return open_store(settings)
    return open_store(request.getfixturevalue("s3_settings"))


def test_open_store_picks_implementation(settings: Settings) -> None:
    store = open_store(settings)
    assert isinstance(store, LocalStore)
    assert store.root == settings.data_dir / "store"


@pytest.mark.s3
def test_open_store_s3(s3_settings: Settings) -> None:
    store = open_store(s3_settings)
    assert isinstance(store, S3Store)
    assert store.url_for("records/x.json").startswith("s3://sohoa-test/t-")


def test_put_get_roundtrip(store: ObjectStore, tmp_path: Path) -> None:
    store.put_bytes("records/a.json", b'{"a": 1}', "application/json")
    assert store.get_bytes("records/a.json") == b'{"a": 1}'
    store.put_bytes("records/a.json", b'{"a": 2}')  # derived artefacts may be replaced
    assert store.get_bytes("records/a.json") == b'{"a": 2}'
    src = tmp_path / "page.png"
    src.write_bytes(b"\x89PNG fake")
    store.put_file(page_key("ab" * 32, 1), src, "image/png")
    out = store.download(page_key("ab" * 32, 1), tmp_path / "sub" / "copy.png")
    assert out.read_bytes() == b"\x89PNG fake"
    assert store.exists(page_key("ab" * 32, 1))
    assert not store.exists(page_key("ab" * 32, 2))


def test_originals_are_immutable(store: ObjectStore, tmp_path: Path) -> None:
    data = b"%PDF-1.4 original scan"
    key = original_key(hashlib.sha256(data).hexdigest())
    assert store.put_if_absent(key, data) is True
    assert store.put_if_absent(key, b"different bytes must not overwrite") is False
    path = tmp_path / "again.pdf"
    path.write_bytes(b"also different")
    assert store.put_if_absent(key, path) is False
    assert store.get_bytes(key) == data
    with pytest.raises(StorageError, match="immutable"):
        store.delete(key)
    assert store.get_bytes(key) == data


def test_put_if_absent_race(store: ObjectStore) -> None:
    """Many workers storing the same original: exactly one wins on a local folder; on S3 at
    least one does, and the stored bytes are intact either way."""
    data = b"same bytes" * 1000
    key = original_key(hashlib.sha256(data).hexdigest())
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        results.append(store.put_if_absent(key, data))
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) >= 1
    if isinstance(store, LocalStore):
        assert sum(results) == 1
        assert not [p for p in store.root.rglob(".tmp-*")], "temp files left behind"
    assert store.get_bytes(key) == data
    assert list(store.list("originals/")) == [key]


def test_list_prefix(store: ObjectStore) -> None:
    for key in ["pages/aa/1.png", "pages/aa/2.png", "pages/ab/1.png", "records/r1.json",
                "batches/b1/summary.json"]:
        store.put_bytes(key, b"x")
    assert list(store.list("pages/aa/")) == ["pages/aa/1.png", "pages/aa/2.png"]
    assert list(store.list("pages/a")) == ["pages/aa/1.png", "pages/aa/2.png", "pages/ab/1.png"]
    assert list(store.list("records/")) == ["records/r1.json"]
    assert list(store.list("nothing/")) == []
    assert len(list(store.list(""))) == 5
    store.delete("pages/aa/2.png")
    store.delete("pages/aa/2.png")  # idempotent
    assert list(store.list("pages/aa/")) == ["pages/aa/1.png"]


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs/key", "a/../../b", "a//b", "",
                                 "a/./b", ".hidden", "a\\b", "C:/x"])
def test_unsafe_keys_rejected(store: ObjectStore, key: str) -> None:
    with pytest.raises(StorageError):
        store.put_bytes(key, b"x")
    with pytest.raises(StorageError):
        store.get_bytes(key)


def test_local_traversal_stays_inside_root(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "store")
    with pytest.raises(StorageError):
        store.put_bytes("../outside", b"x")
    assert not (tmp_path / "outside").exists()


def test_missing_key(store: ObjectStore, tmp_path: Path) -> None:
    with pytest.raises(ObjectMissing) as info:
        store.get_bytes(record_key("rec-nope"))
    assert isinstance(info.value, NotFound) and isinstance(info.value, StorageError)
    assert "rec-nope" in str(info.value)
    with pytest.raises(NotFound):
        store.download("records/rec-nope.json", tmp_path / "x.json")


@pytest.mark.s3
def test_s3_bad_credentials(seaweedfs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from pydantic import SecretStr
    settings = seaweedfs.settings(tmp_path, "s3://sohoa-test/x")
    settings.s3_secret_key = SecretStr("wrong-secret")
    with pytest.raises(StorageError, match="SignatureDoesNotMatch|AccessDenied|InvalidAccess"):
        open_store(settings)


@pytest.mark.s3
def test_s3_creates_missing_bucket(s3_settings: Settings) -> None:
    import secrets
    s3_settings.store_url = f"s3://sohoa-new-{secrets.token_hex(4)}"
    store = open_store(s3_settings)
    store.put_bytes("records/r.json", b"{}")
    assert list(store.list("records/")) == ["records/r.json"]


def test_s3_server_down_is_storage_error(tmp_path: Path) -> None:
    import socket
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(data_dir=tmp_path, store_url="s3://bucket", s3_endpoint=f"127.0.0.1:{port}",
                        s3_access_key="k", s3_secret_key="s")
    with pytest.raises(StorageError, match="s3://bucket"):
        open_store(settings)
